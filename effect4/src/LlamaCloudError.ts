/**
 * The failures a LlamaCloud call can end in. Every failure is exactly one of these tagged values,
 * with a message that says what happened and what to do, and the facts (status, request id,
 * retry-after) as fields. None of them ever holds the API key or the outgoing request.
 *
 * Over 300 lines and one concept: one class per failure, each with its message and advice.
 *
 * @since 0.1.0
 */
import type * as Cause from "effect/Cause"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import { hasProperty } from "effect/Predicate"
import * as Option from "effect/Option"

/**
 * Marks every error of this library, as `@effect/platform` marks its own: recognised by
 * `isLlamaCloudError`, whatever its tag.
 *
 * @since 0.2.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("effect-llamacloud/LlamaCloudError")

/**
 * @since 0.2.0
 * @category type ids
 */
export type TypeId = typeof TypeId

/**
 * Which call failed: every error the client returns carries it. Errors built by hand (in tests, say)
 * may leave it out.
 *
 * @since 0.2.0
 * @category models
 */
export interface CallFacts {
  /** The operation, e.g. `ChatService.retrieve`. */
  readonly operation?: string | undefined
  /** The session the call was about, for the operations on one session. */
  readonly sessionId?: string | undefined
}

/** `ChatService.retrieve (session ses-1): ` — what every message starts with when it is known. */
const lead = (facts: CallFacts): string =>
  facts.operation === undefined ? "" :
  facts.sessionId === undefined ? `${facts.operation}: ` :
  `${facts.operation} (session ${JSON.stringify(facts.sessionId)}): `

/** Whether the operation is about one existing session (a 404 then means "no such session"). */
const onOneSession = (facts: CallFacts): boolean => facts.sessionId !== undefined

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
 * The base of every error class here: a `Data.TaggedError` carrying the library's type id, whose
 * message is the call's lead (`ChatService.retrieve (session "ses-1"): `) followed by what
 * `describe` says of the error. Typed as `Data.TaggedError` types its own classes: TypeScript cannot
 * extend a class over fields it does not know yet, so the class is built over `CallFacts` and its
 * constructor given the fields' type.
 */
type FailureClass<Tag extends string, Fields> = new(
  args: { readonly [K in keyof Fields as K extends "_tag" ? never : K]: Fields[K] }
) => Cause.YieldableError & { readonly _tag: Tag; readonly [TypeId]: TypeId } & Readonly<Fields>

const LlamaCloudFailure = <const Tag extends string>(tag: Tag) =>
<Fields extends CallFacts>(describe: (error: Readonly<Fields>) => string): FailureClass<Tag, Fields> => {
  class Failure extends Data.TaggedError(tag)<CallFacts> {
    readonly [TypeId]: TypeId = TypeId
    override get message(): string {
      return `${lead(this)}${describe(this as unknown as Readonly<Fields>)}`
    }
  }
  return Failure as unknown as FailureClass<Tag, Fields>
}

/**
 * The API key was missing, wrong or not allowed (HTTP 401 or 403).
 *
 * @since 0.1.0
 * @category errors
 */
export class AuthError extends LlamaCloudFailure("AuthError")<CallFacts & {
  readonly status: number
  readonly detail: string
  readonly requestId: Option.Option<string>
}>((error) => {
  const advice = error.status === 403
    ? "The key is valid but may not act on this project or organization: check the key's project and the organizationId / projectId sent."
    : "Check that LLAMA_CLOUD_API_KEY holds a current key for the base URL's region."
  return `LlamaCloud refused the credentials: ${error.detail}. ${advice}${where(Option.some(error.status), error.requestId)}`
}) {}

/**
 * The request was invalid: caught locally before anything was sent (`status` is `None`), or
 * rejected by the server (HTTP 400 or 422, with its `detail` issues parsed).
 *
 * @since 0.1.0
 * @category errors
 */
export class ValidationError extends LlamaCloudFailure("ValidationError")<CallFacts & {
  readonly status: Option.Option<number>
  readonly issues: ReadonlyArray<ValidationIssue>
  readonly requestId: Option.Option<string>
}>((error) => {
  const origin = Option.isNone(error.status)
    ? "Invalid request, not sent"
    : "LlamaCloud rejected the request as invalid"
  const list = error.issues.length === 0 ? "no details given" : error.issues.map(formatIssue).join("; ")
  return `${origin}: ${list}. Fix the input and call again.${where(error.status, error.requestId)}`
}) {}

/**
 * The session or route does not exist (HTTP 404). On an operation on one session (retrieve,
 * getSummary, delete, sendMessage) it means no session with that id exists in the project.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFoundError extends LlamaCloudFailure("NotFoundError")<CallFacts & {
  readonly status: number
  readonly detail: string
  readonly requestId: Option.Option<string>
}>((error) => {
  const advice = onOneSession(error)
    ? `No chat session with id ${
      JSON.stringify(error.sessionId)
    } exists in this project: it was deleted, or it belongs to another project or organization (check organizationId / projectId).`
    : "Check the base URL (LLAMA_CLOUD_BASE_URL) and the ids in the request."
  return `LlamaCloud found nothing there: ${error.detail}. ${advice}${where(Option.some(error.status), error.requestId)}`
}) {}

/**
 * Too many requests. `origin` says whose limit it was:
 * - `"server"` (or absent): LlamaCloud answered HTTP 429; `retryAfter` is the wait it asked for, when it said one;
 * - `"local"`: this process's `RateLimitPolicy` (with `onExceeded: "fail"`) refused the call before
 *   anything was sent; `retryAfter` is when its limit has a token again, `status` is 429 by analogy;
 * - `"store"`: the policy's store (Redis, say) failed and the policy was set to fail rather than
 *   proceed unlimited (`onStoreFailure: "fail"`); nothing was sent.
 *
 * @since 0.1.0
 * @category errors
 */
export class RateLimitError extends LlamaCloudFailure("RateLimitError")<CallFacts & {
  readonly status: number
  readonly detail: string
  readonly retryAfter: Option.Option<Duration.Duration>
  readonly requestId: Option.Option<string>
  /** @since 0.3.0 */
  readonly origin?: "server" | "local" | "store" | undefined
}>((error) => {
  if (error.origin === "local") {
    const wait = Option.match(error.retryAfter, { onNone: () => "", onSome: (d) => ` A token is free again in ${formatDuration(d)}.` })
    return `The local rate limit (RateLimitPolicy) refused the call, which was not sent: ${error.detail}.${wait} Wait and call again, lower the request rate, or use onExceeded: "delay" to wait for a token.`
  }
  if (error.origin === "store") {
    return `The rate limit's store failed, so the call was not sent: ${error.detail}. Check the store (Redis) is reachable, or use onStoreFailure: "proceed" to call unlimited while it is down.`
  }
  const wait = Option.match(error.retryAfter, {
    onNone: () => "Wait before calling again",
    onSome: (d) => `The server asks to wait ${formatDuration(d)} before calling again`
  })
  return `LlamaCloud is rate limiting this key: ${error.detail}. ${wait}, or lower the request rate.${
    where(Option.some(error.status), error.requestId)
  }`
}) {}

/**
 * LlamaCloud failed (HTTP 5xx). Usually temporary. `retryAfter` is the wait the server asked for.
 *
 * @since 0.1.0
 * @category errors
 */
export class ServerError extends LlamaCloudFailure("ServerError")<CallFacts & {
  readonly status: number
  readonly detail: string
  readonly retryAfter: Option.Option<Duration.Duration>
  readonly requestId: Option.Option<string>
}>((error) => {
  return `LlamaCloud had a server error: ${error.detail}. This is usually temporary: try again later, and quote the request id if it persists.${
    where(Option.some(error.status), error.requestId)
  }`
}) {}

/**
 * Any other non-2xx answer (e.g. 405, 408, 409: a session already running a turn answers 409).
 *
 * @since 0.1.0
 * @category errors
 */
export class ApiError extends LlamaCloudFailure("ApiError")<CallFacts & {
  readonly status: number
  readonly detail: string
  readonly requestId: Option.Option<string>
}>((error) => {
  const advice = error.status === 409
    ? "The session is busy (a turn may still be running): wait for it to end and call again."
    : "Check the request against the API reference."
  return `LlamaCloud answered with an error: ${error.detail}. ${advice}${where(Option.some(error.status), error.requestId)}`
}) {}

/**
 * Why a call never got a complete answer.
 * - `ConnectFailed`: no connection could be made; the server cannot have seen the request.
 * - `ConnectionLost`: the connection broke after the request was sent (for a turn: before its `Stop`
 *   event); the server may have acted on it.
 * - `AttemptTimeout`: one attempt took longer than the per-attempt timeout (for answers read whole:
 *   headers, body and decoding; for a streamed turn: up to the response headers).
 * - `IdleTimeout`: a streamed turn sent no event for longer than the idle timeout (keep-alives do
 *   not count).
 * - `DeadlineExceeded`: the whole call, retries included, took longer than the total deadline.
 *
 * @since 0.1.0
 * @category models
 */
export type NetworkFailure = "ConnectFailed" | "ConnectionLost" | "AttemptTimeout" | "IdleTimeout" | "DeadlineExceeded"

/**
 * No complete answer arrived: the connection failed or broke, or a timeout fired.
 * `reason` says which; `timeout` is the limit that fired, for the timeout reasons.
 *
 * @since 0.1.0
 * @category errors
 */
export class NetworkError extends LlamaCloudFailure("NetworkError")<CallFacts & {
  readonly reason: NetworkFailure
  readonly detail: string
  readonly timeout: Option.Option<Duration.Duration>
  readonly cause?: unknown
}>((error) => {
  const limit = Option.match(error.timeout, { onNone: () => "(unset)", onSome: formatDuration })
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
}) {}

/**
 * A 2xx answer whose body is not JSON or not the documented shape, or, in a streamed turn, an event
 * that is not. `problem` says what was wrong (for an event, which one); `bodyExcerpt` holds the
 * start of the body or of the event.
 *
 * @since 0.1.0
 * @category errors
 */
export class DecodeError extends LlamaCloudFailure("DecodeError")<CallFacts & {
  readonly status: number
  readonly problem: string
  readonly bodyExcerpt: string
  readonly requestId: Option.Option<string>
}>((error) => {
  return `LlamaCloud's answer could not be decoded: ${error.problem}. A proxy may have answered instead of LlamaCloud, or the API changed; quote the request id when reporting it.${
    where(Option.some(error.status), error.requestId)
  }`
}) {}

/**
 * The agent's turn ended in failure: its `Stop` event said `is_error`. Only `ChatService.ask` fails
 * with it (`sendMessage` emits that `Stop` as an event). `error` is the server's message; `usage` what
 * the turn used before failing.
 *
 * @since 0.2.0
 * @category errors
 */
export class TurnError extends LlamaCloudFailure("TurnError")<CallFacts & {
  readonly error: Option.Option<string>
  readonly usage: {
    readonly durationMs: number
    readonly totalInputTokens: Option.Option<number>
    readonly totalOutputTokens: Option.Option<number>
    readonly turns: number
  }
}>((error) => {
  const why = Option.getOrElse(error.error, () => "no reason given")
  return `The agent's turn failed on LlamaCloud: ${why}. The session keeps the turn in its history; send the message again or check the indexes it searched.`
}) {}

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
  | TurnError

/**
 * Whether a value is one of this library's errors, by its type id.
 *
 * @since 0.1.0
 * @category guards
 */
export const isLlamaCloudError = (u: unknown): u is LlamaCloudError => hasProperty(u, TypeId)

/**
 * A duration as text, for messages, worded as the Effect 3 edition words it (past a year, in days).
 * Guarded: a message must always render, whatever the duration.
 */
const formatDuration = (d: Duration.Duration): string => {
  const millis = Duration.toMillis(d)
  if (!Number.isFinite(millis)) return "forever"
  if (millis > 365 * 24 * 3600_000) return `${Math.round(millis / (24 * 3600_000))} days`
  try {
    return Duration.format(d)
  } catch {
    return `${Math.round(millis)} ms`
  }
}
