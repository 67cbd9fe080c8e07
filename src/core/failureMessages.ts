/**
 * What each of the library's errors says: the wording of every `LlamaCloudError` message, from its
 * facts as plain values. Both editions' `LlamaCloudError.ts` build their messages here, so they say
 * the same word for word; each edition only turns its `Option` and `Duration` fields into these.
 */

/** Which call failed, as `LlamaCloudError.CallFacts` holds it. */
export interface CallFacts {
  readonly operation?: string | undefined
  readonly sessionId?: string | undefined
}

/** One problem with a request, as `LlamaCloudError.ValidationIssue` holds it. */
export interface Issue {
  readonly path: ReadonlyArray<string | number>
  readonly message: string
}

/** `ChatService.retrieve (session "ses-1"): ` — what every message starts with when it is known. */
export const lead = (facts: CallFacts): string =>
  facts.operation === undefined ? "" :
  facts.sessionId === undefined ? `${facts.operation}: ` :
  `${facts.operation} (session ${JSON.stringify(facts.sessionId)}): `

/** ` [HTTP 404, request id req-1]`: the facts a user quotes, when there are any. */
const where = (status: number | undefined, requestId: string | undefined): string => {
  const facts: Array<string> = []
  if (status !== undefined) facts.push(`HTTP ${status}`)
  if (requestId !== undefined) facts.push(`request id ${requestId}`)
  return facts.length === 0 ? "" : ` [${facts.join(", ")}]`
}

/** `indexIds.3: too long`: an issue as every message words it. */
export const formatIssue = (issue: Issue): string =>
  issue.path.length === 0 ? issue.message : `${issue.path.join(".")}: ${issue.message}`

/** The facts of an answer with an HTTP status. */
export interface Answered {
  readonly status: number
  readonly detail: string
  readonly requestId: string | undefined
}

/** `AuthError` (HTTP 401 or 403). */
export const auth = (error: Answered): string => {
  const advice = error.status === 403
    ? "The key is valid but may not act on this project or organization: check the key's project and the organizationId / projectId sent."
    : "Check that LLAMA_CLOUD_API_KEY holds a current key for the base URL's region."
  return `LlamaCloud refused the credentials: ${error.detail}. ${advice}${where(error.status, error.requestId)}`
}

/** `ValidationError`: `status` undefined when it was caught locally, before anything was sent. */
export const validation = (error: {
  readonly status: number | undefined
  readonly issues: ReadonlyArray<Issue>
  readonly requestId: string | undefined
}): string => {
  const origin = error.status === undefined
    ? "Invalid request, not sent"
    : "LlamaCloud rejected the request as invalid"
  const list = error.issues.length === 0 ? "no details given" : error.issues.map(formatIssue).join("; ")
  return `${origin}: ${list}. Fix the input and call again.${where(error.status, error.requestId)}`
}

/** `NotFoundError` (HTTP 404): on an operation on one session, no such session. */
export const notFound = (error: Answered & CallFacts): string => {
  const advice = error.sessionId !== undefined
    ? `No chat session with id ${
      JSON.stringify(error.sessionId)
    } exists in this project: it was deleted, or it belongs to another project or organization (check organizationId / projectId).`
    : "Check the base URL (LLAMA_CLOUD_BASE_URL) and the ids in the request."
  return `LlamaCloud found nothing there: ${error.detail}. ${advice}${where(error.status, error.requestId)}`
}

/** `RateLimitError`: `retryAfter` is the wait already worded by {@link duration}. */
export const rateLimit = (error: Answered & {
  readonly retryAfter: string | undefined
  readonly origin?: "server" | "local" | "store" | undefined
}): string => {
  if (error.origin === "local") {
    const wait = error.retryAfter === undefined ? "" : ` A token is free again in ${error.retryAfter}.`
    return `The local rate limit (RateLimitPolicy) refused the call, which was not sent: ${error.detail}.${wait} Wait and call again, lower the request rate, or use onExceeded: "delay" to wait for a token.`
  }
  if (error.origin === "store") {
    return `The rate limit's store failed, so the call was not sent: ${error.detail}. Check the store (Redis) is reachable, or use onStoreFailure: "proceed" to call unlimited while it is down.`
  }
  const wait = error.retryAfter === undefined
    ? "Wait before calling again"
    : `The server asks to wait ${error.retryAfter} before calling again`
  return `LlamaCloud is rate limiting this key: ${error.detail}. ${wait}, or lower the request rate.${
    where(error.status, error.requestId)
  }`
}

/** `ServerError` (HTTP 5xx). */
export const server = (error: Answered): string =>
  `LlamaCloud had a server error: ${error.detail}. This is usually temporary: try again later, and quote the request id if it persists.${
    where(error.status, error.requestId)
  }`

/** `ApiError`: any other non-2xx answer (a 409 is a busy session). */
export const api = (error: Answered): string => {
  const advice = error.status === 409
    ? "The session is busy (a turn may still be running): wait for it to end and call again."
    : "Check the request against the API reference."
  return `LlamaCloud answered with an error: ${error.detail}. ${advice}${where(error.status, error.requestId)}`
}

/** `NetworkError`: `timeout` is the limit that fired, already worded by {@link duration}. */
export const network = (error: {
  readonly reason: "ConnectFailed" | "ConnectionLost" | "AttemptTimeout" | "IdleTimeout" | "DeadlineExceeded"
  readonly detail: string
  readonly timeout: string | undefined
}): string => {
  const limit = error.timeout ?? "(unset)"
  switch (error.reason) {
    case "ConnectFailed":
      return `Could not connect to LlamaCloud: ${error.detail}. Check the base URL and the network; nothing was sent.`
    case "ConnectionLost":
      return `The connection to LlamaCloud broke before the answer was complete: ${error.detail}. The server may have acted on the request.`
    case "AttemptTimeout":
      return `LlamaCloud did not answer completely within the per-attempt timeout of ${limit}. Raise it with TimeoutPolicy.layer({ perAttempt }) if the server is slow; the server may have acted on the request.`
    case "IdleTimeout":
      return `The turn stalled: ${error.detail}, longer than the idle timeout of ${limit}. Raise it with TimeoutPolicy.layer({ idle }) if the agent is slow to answer; the turn may have run on the server.`
    case "DeadlineExceeded":
      return `The call did not finish within its total deadline of ${limit}, retries included. Raise it with TimeoutPolicy.layer({ total }).`
  }
}

/** `DecodeError`: a 2xx answer (or a turn's event) that is not the documented shape. */
export const decode = (error: {
  readonly status: number
  readonly problem: string
  readonly requestId: string | undefined
}): string =>
  `LlamaCloud's answer could not be decoded: ${error.problem}. A proxy may have answered instead of LlamaCloud, or the API changed; quote the request id when reporting it.${
    where(error.status, error.requestId)
  }`

/** `TurnError`: the agent's turn ended in failure; `error` is the server's reason, if it gave one. */
export const turn = (error: { readonly error: string | undefined }): string =>
  `The agent's turn failed on LlamaCloud: ${
    error.error ?? "no reason given"
  }. The session keeps the turn in its history; send the message again or check the indexes it searched.`

const DAY_MS = 24 * 3600_000

/**
 * A duration as text, for messages: `format` is the edition's own `Duration.format` of it, used up to
 * a year; past that, in days, and unbounded as "forever". `format` may throw (Effect's does on some
 * finite values past what a date can hold): a message must always render.
 */
export const duration = (millis: number, format: () => string): string => {
  if (!Number.isFinite(millis)) return "forever"
  if (millis > 365 * DAY_MS) return `${Math.round(millis / DAY_MS)} days`
  try {
    return format()
  } catch {
    return `${Math.round(millis)} ms`
  }
}
