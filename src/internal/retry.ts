/**
 * Whether and when a failed attempt is tried again: the safety of each failure, the operation's
 * idempotency, the server's own say, and the policy's waits.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as RetrySafety from "../core/retrySafety.js"
import type { LlamaCloudError } from "../LlamaCloudError.js"
import { backoff, type RetryPolicy } from "../RetryPolicy.js"
import type { TimeoutPolicy } from "../TimeoutPolicy.js"
import type { Failure } from "./failure.js"

/** Whether a failure may be retried at all (the rule is `core/retrySafety.ts`'s). */
export const mayRetry = (failure: Failure, idempotent: boolean, retry: RetryPolicy.Settings): boolean =>
  RetrySafety.mayRetry(
    { safety: failure.safety, serverSays: Option.getOrUndefined(failure.serverSays) },
    idempotent,
    retry.retryAmbiguous
  )

/** The wait before the next attempt, or none when the failure is final. */
export const nextWait = (
  failure: Failure,
  retries: number,
  idempotent: boolean,
  retry: RetryPolicy.Settings,
  timeout: TimeoutPolicy.Settings,
  started: number
): Effect.Effect<Option.Option<Duration.Duration>> =>
  Effect.gen(function*() {
    if (retries >= retry.maxRetries || !mayRetry(failure, idempotent, retry)) return Option.none()
    let wait: Duration.Duration
    if (Option.isSome(failure.retryAfter)) {
      // A longer wait than the cap is not slept: the error carrying it goes back to the caller.
      if (Duration.greaterThan(failure.retryAfter.value, retry.maxRetryAfter)) return Option.none()
      wait = failure.retryAfter.value
    } else {
      wait = backoff(retry, retries, yield* Random.next)
    }
    if (Option.isSome(timeout.total)) {
      // Sleeping into the deadline only trades the real error for a timeout.
      const elapsed = (yield* Clock.currentTimeMillis) - started
      if (elapsed + Duration.toMillis(wait) >= Duration.toMillis(timeout.total.value)) return Option.none()
    }
    return Option.some(wait)
  })

/** A short name of a failure for logs: `ServerError(503)`, `NetworkError(ConnectionLost)`. */
export const reasonOf = (error: LlamaCloudError): string => {
  switch (error._tag) {
    case "NetworkError":
      return `NetworkError(${error.reason})`
    case "ValidationError":
      return Option.match(error.status, { onNone: () => error._tag, onSome: (s) => `${error._tag}(${s})` })
    case "TurnError":
      return error._tag
    default:
      return `${error._tag}(${error.status})`
  }
}
