/**
 * The failures a LlamaCloud call can end in. Every failure is exactly one of these tagged values,
 * with a message that says what happened and what to do, and the facts (status, request id,
 * retry-after) as fields. None of them ever holds the API key or the outgoing request.
 *
 * One class per failure; what each says is worded in `core/failureMessages.ts`, the same for both
 * editions.
 *
 * @since 0.1.0
 */
import type * as Cause from "effect/Cause"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import { hasProperty } from "effect/Predicate"
import * as Option from "effect/Option"
import * as Messages from "./core/failureMessages.js"

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
      return `${Messages.lead(this)}${describe(this as unknown as Readonly<Fields>)}`
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
}>((error) =>
  Messages.auth({ ...error, requestId: Option.getOrUndefined(error.requestId) })
) {}

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
}>((error) =>
  Messages.validation({
    status: Option.getOrUndefined(error.status),
    issues: error.issues,
    requestId: Option.getOrUndefined(error.requestId)
  })
) {}

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
}>((error) =>
  Messages.notFound({ ...error, requestId: Option.getOrUndefined(error.requestId) })
) {}

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
}>((error) =>
  Messages.rateLimit({
    ...error,
    retryAfter: Option.getOrUndefined(Option.map(error.retryAfter, formatDuration)),
    requestId: Option.getOrUndefined(error.requestId)
  })
) {}

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
}>((error) =>
  Messages.server({ ...error, requestId: Option.getOrUndefined(error.requestId) })
) {}

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
}>((error) =>
  Messages.api({ ...error, requestId: Option.getOrUndefined(error.requestId) })
) {}

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
}>((error) =>
  Messages.network({ ...error, timeout: Option.getOrUndefined(Option.map(error.timeout, formatDuration)) })
) {}

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
}>((error) =>
  Messages.decode({ ...error, requestId: Option.getOrUndefined(error.requestId) })
) {}

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
}>((error) =>
  Messages.turn({ error: Option.getOrUndefined(error.error) })
) {}

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

/** A duration as text, for messages (the wording, and its guard, in core/failureMessages). */
const formatDuration = (d: Duration.Duration): string =>
  Messages.duration(Duration.toMillis(d), () => Duration.format(d))
