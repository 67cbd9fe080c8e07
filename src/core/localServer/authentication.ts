/**
 * How the local server checks a request's key, as LlamaCloud's FastAPI `HTTPBearer` does: before
 * anything else, with a 401 and a `www-authenticate: Bearer` challenge.
 */
import { detail, type Reply } from "./replies.js"

// A missing header, another scheme or an empty credential is "not authenticated".
const bearerKey = (header: string | undefined): string | undefined => /^bearer +(\S+) *$/i.exec(header ?? "")?.[1]

/** The 401 for a request without an accepted key (any non-empty key when `apiKeys` is not given); `undefined` when it has one. */
export const authenticate = (
  headers: Readonly<Record<string, string>>,
  apiKeys: ReadonlyArray<string> | undefined
): Reply | undefined => {
  const key = bearerKey(headers["authorization"])
  const challenge = { "www-authenticate": "Bearer" }
  if (key === undefined) return detail(401, "Not authenticated", challenge)
  if (apiKeys !== undefined && !apiKeys.includes(key)) return detail(401, "Invalid authentication token", challenge)
  return undefined
}
