/**
 * When and how long to wait before retrying a failed call. Provide `RetryPolicy.layer(...)` or
 * `RetryPolicy.disabled` to change it; without one, `RetryPolicy.defaults` applies.
 *
 * @since 0.1.0
 */
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { boolean, duration, fraction, givenOptions, wholeNumber } from "./internal/layerOptions.js"
import { backoffMillis } from "./core/backoff.js"

/**
 * The retry policy of LlamaCloud calls, read when `ChatService.layer` is built and again at each
 * call, so a policy provided around one call wins over the one the service was built with.
 *
 * @since 0.1.0
 * @category tags
 */
export class RetryPolicy extends Context.Tag("effect-llamacloud/RetryPolicy")<RetryPolicy, RetryPolicy.Settings>() {
  /**
   * At most 2 retries; backoff `min(0.5 s × 2^n, 8 s)` minus up to 25 % jitter; server waits honoured
   * up to 60 s; only failures where the server cannot have acted are retried.
   */
  static readonly defaults: RetryPolicy.Settings = {
    maxRetries: 2,
    baseDelay: Duration.millis(500),
    maxDelay: Duration.seconds(8),
    jitter: 0.25,
    maxRetryAfter: Duration.seconds(60),
    retryAmbiguous: false
  }

  /**
   * Settings from the defaults with some fields changed, each checked when the effect runs: a
   * `ConfigError` names the option and the value that is wrong (`maxRetries` is a whole number from
   * 0 to 100, `jitter` a number from 0 to 1, `baseDelay` and `maxDelay` finite durations, zero or
   * more, `maxRetryAfter` a duration, zero or more), for callers from plain JavaScript too. Nothing
   * is clamped or coerced.
   */
  static readonly make = (options: RetryPolicy.Options = {}): Effect.Effect<RetryPolicy.Settings, ConfigError.ConfigError> =>
    Effect.suspend(() =>
      Either.gen(function*() {
        const given = yield* givenOptions("RetryPolicy.layer", options, optionNames)
        const d = RetryPolicy.defaults
        const finite = { zero: true, infinite: false }
        return {
          maxRetries: Option.getOrElse(yield* wholeNumber(given, "maxRetries", 0, 100), () => d.maxRetries),
          baseDelay: Option.getOrElse(yield* duration(given, "baseDelay", finite), () => d.baseDelay),
          maxDelay: Option.getOrElse(yield* duration(given, "maxDelay", finite), () => d.maxDelay),
          jitter: Option.getOrElse(yield* fraction(given, "jitter"), () => d.jitter),
          maxRetryAfter: Option.getOrElse(
            yield* duration(given, "maxRetryAfter", { zero: true, infinite: true }),
            () => d.maxRetryAfter
          ),
          retryAmbiguous: Option.getOrElse(yield* boolean(given, "retryAmbiguous"), () => d.retryAmbiguous)
        }
      })
    )

  /**
   * Provides a policy: the defaults with the given fields changed. A wrong option fails the layer,
   * when it is built, with a `ConfigError` naming it (see `make`).
   *
   * @example
   * ```ts
   * program.pipe(Effect.provide(RetryPolicy.layer({ maxRetries: 4, maxRetryAfter: "2 minutes" })))
   * ```
   */
  static readonly layer = (options: RetryPolicy.Options = {}): Layer.Layer<RetryPolicy, ConfigError.ConfigError> =>
    Layer.effect(RetryPolicy, RetryPolicy.make(options))

  /**
   * No retries at all: every failure is returned as it happens.
   *
   * @example
   * ```ts
   * chat.create().pipe(Effect.provide(RetryPolicy.disabled))
   * ```
   */
  static readonly disabled: Layer.Layer<RetryPolicy> = Layer.succeed(RetryPolicy, { ...RetryPolicy.defaults, maxRetries: 0 })
}

/**
 * @since 0.1.0
 */
export declare namespace RetryPolicy {
  /**
   * @since 0.1.0
   * @category models
   */
  export interface Settings {
    /** Retries after the first attempt; 0 disables retrying. */
    readonly maxRetries: number
    /** First backoff; doubled each retry (`baseDelay × 2^n`). */
    readonly baseDelay: Duration.Duration
    /** Upper bound of the exponential backoff. */
    readonly maxDelay: Duration.Duration
    /** Up to this fraction (0 to 1) is taken off each backoff at random, so clients do not retry in step. */
    readonly jitter: number
    /**
     * The longest server-requested wait (`retry-after-ms`, `Retry-After`) that is slept. A longer one is
     * not waited for: the call fails at once with the error carrying it.
     */
    readonly maxRetryAfter: Duration.Duration
    /**
     * Also retry failures after which the server may already have acted on the request: a timeout or a
     * broken connection after sending, 500, 502, 504. For a create this can make a duplicate session.
     * Off by default.
     */
    readonly retryAmbiguous: boolean
  }

  /**
   * @since 0.1.0
   * @category models
   */
  export interface Options {
    readonly maxRetries?: number | undefined
    readonly baseDelay?: Duration.DurationInput | undefined
    readonly maxDelay?: Duration.DurationInput | undefined
    readonly jitter?: number | undefined
    readonly maxRetryAfter?: Duration.DurationInput | undefined
    readonly retryAmbiguous?: boolean | undefined
  }
}

const optionNames: ReadonlyArray<keyof RetryPolicy.Options> = [
  "maxRetries",
  "baseDelay",
  "maxDelay",
  "jitter",
  "maxRetryAfter",
  "retryAmbiguous"
]

/**
 * The backoff before retry number `retry` (0 for the first retry), for a random draw `random` in
 * [0, 1): `min(baseDelay × 2^retry, maxDelay)` minus `random × jitter` of it.
 *
 * @since 0.1.0
 * @category backoff
 */
export const backoff = (policy: RetryPolicy.Settings, retry: number, random: number): Duration.Duration =>
  Duration.millis(backoffMillis(Duration.toMillis(policy.baseDelay), Duration.toMillis(policy.maxDelay), policy.jitter, retry, random))
