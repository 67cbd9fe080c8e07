/**
 * One call of `ChatService.create` under the retry and timeout policies, as data for both editions'
 * test/retry.test.ts and test/timeout.test.ts: what the server does with each attempt, the policies,
 * the virtual instants at which something wakes, and what the call ends with. Each edition runs a
 * case with its own `MockTransport`, `TestClock` and layers (test/fixtures/policyCall.ts).
 */
import { sessionJson } from "./fixtures.js"

/**
 * What the server does with one attempt: an answer, a socket error, or nothing ever. The shapes are
 * those of each edition's `MockReply`, which replays them as they are.
 */
export type Reply =
  | { readonly _tag: "Reply"; readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly body: string }
  | { readonly _tag: "Fail"; readonly code: string }
  | { readonly _tag: "Hang" }

const json = (status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): Reply => ({
  _tag: "Reply",
  status,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body)
})

/** A session, created. */
export const session: Reply = json(200, sessionJson())
/** A 503 saying it is busy. */
export const busy: Reply = json(503, { detail: "busy" })
/** An error status with these headers. */
export const status = (code: number, headers: Readonly<Record<string, string>> = {}): Reply => json(code, { detail: `HTTP ${code}` }, headers)
/** A socket error with this code, before any answer. */
export const socketError = (code: "ECONNREFUSED" | "ECONNRESET"): Reply => ({ _tag: "Fail", code })
/** No answer, ever: only a timeout ends the attempt. */
export const hangs: Reply = { _tag: "Hang" }
/** A 2xx that is not a session. */
export const undecodable: Reply = { _tag: "Reply", status: 200, headers: { "content-type": "text/html" }, body: "<html></html>" }

/** A duration as both Effect lines read it from text. */
export type DurationText = `${number} ${"millis" | "second" | "seconds" | "minutes"}`

/** `RetryPolicy.layer`'s options, or `RetryPolicy.disabled`. */
export type RetryOptions =
  | {
    readonly maxRetries?: number
    readonly baseDelay?: DurationText
    readonly maxDelay?: DurationText
    readonly jitter?: number
    readonly maxRetryAfter?: DurationText
    readonly retryAmbiguous?: boolean
  }
  | "disabled"

/** `TimeoutPolicy.layer`'s options. */
export interface TimeoutOptions {
  readonly perAttempt?: DurationText
  readonly total?: DurationText
}

/** The policies provided: each absent one is the default. */
export interface Policies {
  readonly retry?: RetryOptions
  readonly timeout?: TimeoutOptions
}

/** The retry policy without jitter, so that waits are exact. */
export const exact: Policies = { retry: { jitter: 0 } }

/** What the call ends with. */
export type Outcome =
  | { readonly session: string }
  | {
    readonly fails:
      | "ServerError"
      | "RateLimitError"
      | "NetworkError"
      | "ValidationError"
      | "ApiError"
      | "AuthError"
      | "NotFoundError"
      | "DecodeError"
    readonly status?: number
    readonly reason?: "AttemptTimeout" | "DeadlineExceeded"
    /** The `timeout` a `NetworkError` names, in milliseconds. */
    readonly timeoutMillis?: number
    /** The `retryAfter` a `RateLimitError` carries, in milliseconds. */
    readonly retryAfterMillis?: number
  }

/** The session every `session` reply creates. */
export const created: Outcome = { session: "ses-1" }

export interface PolicyCall {
  readonly name: string
  /** The server's replies in order, the last one repeating. */
  readonly replies: ReadonlyArray<Reply>
  /** What the service is built with. */
  readonly policies?: Policies
  /** What is provided around the one call. */
  readonly aroundCall?: Policies
  /** Every random draw (the jitter's) is this one. */
  readonly draw?: number
  /**
   * The virtual instants (milliseconds), in order, at which a sleeping fiber wakes: a wait before a
   * retry ends or a timeout fires. A millisecond before each, the call still runs and has sent no
   * further request. None: the call ends without the clock moving.
   */
  readonly wakes: ReadonlyArray<number>
  /** Instants nothing ever sleeps until. */
  readonly neverWaitsUntil?: ReadonlyArray<number>
  readonly outcome: Outcome
  /** The requests the server saw, all attempts together. */
  readonly requests: number
  /** The virtual time at which the call ended. */
  readonly endsAt?: number
}

/** What a call ended with, as each edition reads it from its own `Either` or `Result`. */
export type Ended =
  | { readonly session: string }
  | {
    readonly fails: string
    readonly status?: unknown
    readonly reason?: unknown
    readonly timeoutMillis?: number | undefined
    readonly retryAfterMillis?: number | undefined
  }

/**
 * The facts of a failure that an `Outcome` can name; `millis` reads the edition's optional
 * duration (a `NetworkError`'s `timeout`, a `RateLimitError`'s `retryAfter`).
 */
export const failed = <D>(
  error: { readonly _tag: string; readonly status?: unknown; readonly reason?: unknown; readonly timeout?: D; readonly retryAfter?: D },
  millis: (duration: D) => number | undefined
): Ended => ({
  fails: error._tag,
  status: error.status,
  reason: error.reason,
  timeoutMillis: error.timeout === undefined ? undefined : millis(error.timeout),
  retryAfterMillis: error.retryAfter === undefined ? undefined : millis(error.retryAfter)
})

/** What `ended` says of the facts `outcome` names: deeply equal to `outcome` when the call ended as it should. */
export const asNamedBy = (outcome: Outcome, ended: Ended): Ended =>
  "session" in outcome || "session" in ended ? ended : {
    fails: ended.fails,
    ...(outcome.status === undefined ? {} : { status: ended.status }),
    ...(outcome.reason === undefined ? {} : { reason: ended.reason }),
    ...(outcome.timeoutMillis === undefined ? {} : { timeoutMillis: ended.timeoutMillis }),
    ...(outcome.retryAfterMillis === undefined ? {} : { retryAfterMillis: ended.retryAfterMillis })
  }
