/**
 * Organization and project ids, which LlamaCloud gives as UUIDs: one rule for the ids a call passes
 * (`ChatParams`) and for the defaults a client is built with (`LlamaCloudClient`), so that neither
 * sends an id the server can only refuse.
 */

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Whether `id` has the form of an organization or project id (a UUID, either case). */
export const isScopeId = (id: string): boolean => uuid.test(id)
