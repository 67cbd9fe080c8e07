/**
 * The failures a LlamaCloud call can end in. Every failure is exactly one of these tagged values,
 * with a message that says what happened and what to do, and the facts (status, request id,
 * retry-after) as fields. None of them ever holds the API key or the outgoing request.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"

/**
 * One problem with a request, from local validation or from the server's 422 `detail` list.
 *
 * @since 0.1.0
 * @category models
 */
export interface ValidationIssue {
  /** Where the problem is, e.g. `["indexIds", 3]` locally or `["body", "index_ids"]` from the server. */
  readonly path: ReadonlyArray<string | number>
  readonly message: string
}

const where = (status: Option.Option<number>, requestId: Option.Option<string>): string => {
  const facts: Array<string> = []
  if (Option.isSome(status)) facts.push(`HTTP ${status.value}`)
  if (Option.isSome(requestId)) facts.push(`request id ${requestId.value}`)
  return facts.length === 0 ? "" : ` [${facts.join(", ")}]`
}

const formatIssue = (issue: ValidationIssue): string =>
  issue.path.length === 0 ? issue.message : `${issue.path.join(".")}: ${issue.message}`

/**
 * The API key was missing, wrong or not allowed (HTTP 401 or 403).
 *
 * @since 0.1.0
 * @category errors
 */
export class AuthError extends Data.TaggedError("AuthError")<{
  readonly status: number
  readonly detail: string
  readonly requestId: Option.Option<string>
}> {
  override get message(): string {
    const advice = this.status === 403
      ? "The key is valid but may not act on this project or organization: check the key's project and the organizationId / projectId sent."
      : "Check that LLAMA_CLOUD_API_KEY holds a current key for the base URL's region."
    return `LlamaCloud refused the credentials: ${this.detail}. ${advice}${where(Option.some(this.status), this.requestId)}`
  }
}

/**
 * The request was invalid: caught locally before anything was sent (`status` is `None`), or
 * rejected by the server (HTTP 400 or 422, with its `detail` issues parsed).
 *
 * @since 0.1.0
 * @category errors
 */
export class ValidationError extends Data.TaggedError("ValidationError")<{
  readonly status: Option.Option<number>
  readonly issues: ReadonlyArray<ValidationIssue>
  readonly requestId: Option.Option<string>
}> {
  override get message(): string {
    const origin = Option.isNone(this.status)
      ? "Invalid request, not sent"
      : "LlamaCloud rejected the request as invalid"
    const list = this.issues.length === 0 ? "no details given" : this.issues.map(formatIssue).join("; ")
    return `${origin}: ${list}. Fix the input and call again.${where(this.status, this.requestId)}`
  }
}

/**
 * The resource or route does not exist (HTTP 404).
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFoundError extends Data.TaggedError("NotFoundError")<{
  readonly status: number
  readonly detail: string
  readonly requestId: Option.Option<string>
}> {
  override get message(): string {
    return `LlamaCloud found nothing there: ${this.detail}. Check the base URL (LLAMA_CLOUD_BASE_URL) and the ids in the request.${
      where(Option.some(this.status), this.requestId)
    }`
  }
}

/**
 * Too many requests (HTTP 429). `retryAfter` is the wait the server asked for, when it said one.
 *
 * @since 0.1.0
 * @category errors
 */
export class RateLimitError extends Data.TaggedError("RateLimitError")<{
  readonly status: number
  readonly detail: string
  readonly retryAfter: Option.Option<Duration.Duration>
  readonly requestId: Option.Option<string>
}> {
  override get message(): string {
    const wait = Option.match(this.retryAfter, {
      onNone: () => "Wait before calling again",
      onSome: (d) => `The server asks to wait ${Duration.format(d)} before calling again`
    })
    return `LlamaCloud is rate limiting this key: ${this.detail}. ${wait}, or lower the request rate.${
      where(Option.some(this.status), this.requestId)
    }`
  }
}

/**
 * LlamaCloud failed (HTTP 5xx). Usually temporary. `retryAfter` is the wait the server asked for.
 *
 * @since 0.1.0
 * @category errors
 */
export class ServerError extends Data.TaggedError("ServerError")<{
  readonly status: number
  readonly detail: string
  readonly retryAfter: Option.Option<Duration.Duration>
  readonly requestId: Option.Option<string>
}> {
  override get message(): string {
    return `LlamaCloud had a server error: ${this.detail}. This is usually temporary: try again later, and quote the request id if it persists.${
      where(Option.some(this.status), this.requestId)
    }`
  }
}

/**
 * Any other non-2xx answer (e.g. 405, 408, 409).
 *
 * @since 0.1.0
 * @category errors
 */
export class ApiError extends Data.TaggedError("ApiError")<{
  readonly status: number
  readonly detail: string
  readonly requestId: Option.Option<string>
}> {
  override get message(): string {
    return `LlamaCloud answered with an error: ${this.detail}. Check the request against the API reference.${
      where(Option.some(this.status), this.requestId)
    }`
  }
}

/**
 * Why a call never got a complete answer.
 * - `ConnectFailed`: no connection could be made; the server cannot have seen the request.
 * - `ConnectionLost`: the connection broke after the request was sent; the server may have acted on it.
 * - `AttemptTimeout`: one attempt (headers, body and decoding) took longer than the per-attempt timeout.
 * - `DeadlineExceeded`: the whole call, retries included, took longer than the total deadline.
 *
 * @since 0.1.0
 * @category models
 */
export type NetworkFailure = "ConnectFailed" | "ConnectionLost" | "AttemptTimeout" | "DeadlineExceeded"

/**
 * No complete answer arrived: the connection failed or broke, or a timeout fired.
 * `reason` says which; `timeout` is the limit that fired, for the two timeout reasons.
 *
 * @since 0.1.0
 * @category errors
 */
export class NetworkError extends Data.TaggedError("NetworkError")<{
  readonly reason: NetworkFailure
  readonly detail: string
  readonly timeout: Option.Option<Duration.Duration>
  readonly cause?: unknown
}> {
  override get message(): string {
    switch (this.reason) {
      case "ConnectFailed":
        return `Could not connect to LlamaCloud: ${this.detail}. Check the base URL and the network; nothing was sent.`
      case "ConnectionLost":
        return `The connection to LlamaCloud broke before the answer was complete: ${this.detail}. The server may have acted on the request.`
      case "AttemptTimeout":
        return `LlamaCloud did not answer completely within the per-attempt timeout of ${
          this.timeoutText()
        }. Raise it with TimeoutPolicy.layer({ perAttempt }) if the server is slow; the server may have acted on the request.`
      case "DeadlineExceeded":
        return `The call did not finish within its total deadline of ${this.timeoutText()}, retries included. Raise it with TimeoutPolicy.layer({ total }).`
    }
  }

  private timeoutText(): string {
    return Option.match(this.timeout, { onNone: () => "(unset)", onSome: Duration.format })
  }
}

/**
 * A 2xx answer whose body is not JSON or not the documented shape. `problem` says what was wrong;
 * `bodyExcerpt` holds the start of the body.
 *
 * @since 0.1.0
 * @category errors
 */
export class DecodeError extends Data.TaggedError("DecodeError")<{
  readonly status: number
  readonly problem: string
  readonly bodyExcerpt: string
  readonly requestId: Option.Option<string>
}> {
  override get message(): string {
    return `LlamaCloud's answer could not be decoded: ${this.problem}. A proxy may have answered instead of LlamaCloud, or the API changed; quote the request id when reporting it.${
      where(Option.some(this.status), this.requestId)
    }`
  }
}

/**
 * Every failure a LlamaCloud call can end in.
 *
 * @since 0.1.0
 * @category errors
 */
export type LlamaCloudError =
  | AuthError
  | ValidationError
  | NotFoundError
  | RateLimitError
  | ServerError
  | ApiError
  | NetworkError
  | DecodeError

const tags: ReadonlySet<string> = new Set([
  "AuthError",
  "ValidationError",
  "NotFoundError",
  "RateLimitError",
  "ServerError",
  "ApiError",
  "NetworkError",
  "DecodeError"
])

/**
 * @since 0.1.0
 * @category guards
 */
export const isLlamaCloudError = (u: unknown): u is LlamaCloudError =>
  typeof u === "object" && u !== null && "_tag" in u && typeof u._tag === "string" && tags.has(u._tag) &&
  u instanceof Error
