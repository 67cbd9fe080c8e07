/**
 * The wire form of what callers pass to `ChatService`: the query and body of each request, with
 * their wire names (the only place requests spell them), and their encoding from valid parameters.
 * Every implementation of the service encodes through here, the in-memory one included.
 */
import * as Schema from "effect/Schema"
import type { CreateSessionParams, SendMessageParams } from "../ChatParams.js"
import { SharedAccess } from "../ChatSession.js"

/**
 * The JSON body of `POST /api/v1/chat`: `index_ids` is always present (null for an unbound
 * session), `shared_access` only when set.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CreateSessionBody = Schema.Struct({
  indexIds: Schema.NullOr(Schema.Array(Schema.String)),
  sharedAccess: Schema.optionalKey(SharedAccess)
}).pipe(Schema.encodeKeys({ indexIds: "index_ids", sharedAccess: "shared_access" }))

const scopeFields = {
  organizationId: Schema.optionalKey(Schema.String),
  projectId: Schema.optionalKey(Schema.String)
}

const scopeKeys = { organizationId: "organization_id", projectId: "project_id" } as const

/**
 * The query of every chat endpoint: ids are sent only when set (never as an empty `key=`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ScopeQuery = Schema.Struct(scopeFields).pipe(Schema.encodeKeys(scopeKeys))

/**
 * The query of `GET /api/v1/chat`.
 *
 * @since 0.2.0
 * @category schemas
 */
export const ListQuery = Schema.Struct({
  ...scopeFields,
  pageSize: Schema.optionalKey(Schema.NumberFromString),
  pageToken: Schema.optionalKey(Schema.String)
}).pipe(Schema.encodeKeys({ ...scopeKeys, pageSize: "page_size", pageToken: "page_token" }))

/**
 * The JSON body of `POST /api/v1/chat/{session_id}/messages/stream`: `require_all_indexes` only when set.
 *
 * @since 0.2.0
 * @category schemas
 */
export const SendMessageBody = Schema.Struct({
  indexIds: Schema.Array(Schema.String),
  prompt: Schema.String,
  requireAllIndexes: Schema.optionalKey(Schema.Boolean)
}).pipe(Schema.encodeKeys({ indexIds: "index_ids", requireAllIndexes: "require_all_indexes" }))

/** The fields of `value` that are set, for wire structs whose optional fields must be absent, not undefined. */
const pick = <T extends object, K extends keyof T>(value: T, ...keys: ReadonlyArray<K>): { [P in K]?: Exclude<T[P], undefined> } => {
  const out: { [P in K]?: Exclude<T[P], undefined> } = {}
  for (const key of keys) {
    const field = value[key]
    if (field !== undefined) out[key] = field as Exclude<T[K], undefined>
  }
  return out
}

const encodeScope = Schema.encodeSync(ScopeQuery)
const encodeList = Schema.encodeSync(ListQuery)
const encodeCreate = Schema.encodeSync(CreateSessionBody)
const encodeSend = Schema.encodeSync(SendMessageBody)

/**
 * The organization and project a call acts in, as its query sends them.
 *
 * @since 0.2.0
 * @category models
 */
export interface Scope {
  readonly organizationId?: string | undefined
  readonly projectId?: string | undefined
}

/**
 * The query of a call acting in `scope`: the ids that are set, never an empty `key=`.
 *
 * @since 0.2.0
 * @category encoding
 */
export const scopeQuery = (scope: Scope): Readonly<Record<string, string>> =>
  encodeScope(pick(scope, "organizationId", "projectId"))

/**
 * The query of `GET /api/v1/chat` for one page.
 *
 * @since 0.2.0
 * @category encoding
 */
export const listQuery = (
  params: Scope & { readonly pageSize?: number | undefined; readonly pageToken?: string | undefined }
): Readonly<Record<string, string>> => encodeList(pick(params, "organizationId", "projectId", "pageSize", "pageToken"))

/**
 * The body of Create Session for valid parameters: an unbound session sends `index_ids: null`.
 *
 * @since 0.2.0
 * @category encoding
 */
export const createSessionBody = (params: CreateSessionParams): unknown =>
  encodeCreate({ indexIds: params.indexIds ?? null, ...pick(params, "sharedAccess") })

/**
 * The body of a turn for valid parameters.
 *
 * @since 0.2.0
 * @category encoding
 */
export const sendMessageBody = (params: SendMessageParams): unknown =>
  encodeSend({ indexIds: params.indexIds, prompt: params.prompt, ...pick(params, "requireAllIndexes") })
