/**
 * A client-side rate limit on LlamaCloud calls, shared by every process that uses the same store:
 * Effect's `RateLimiter` (`@effect/experimental`) with its memory store for one process, its Redis
 * store for a fleet. Provide `RateLimitPolicy.layer(...)` like the retry and timeout policies;
 * without one nothing is limited and `@effect/experimental` is never loaded.
 *
 * Imported from `effect-llamacloud/rate-limit`: the main entry does not import this module, so
 * programs without a rate limit need neither `@effect/experimental` nor `ioredis`.
 *
 * @since 0.3.0
 */
import * as RateLimiter from "@effect/experimental/RateLimiter"
import type * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import { limitTaken, maxTakesToCover, storeWording, tokensFor, windowForWholeMillis } from "./core/rateLimit.js"
import { type CallFacts, RateLimitError } from "./LlamaCloudError.js"
import { duration, givenOptions, oneOf, required, text, wholeNumber } from "./internal/layerOptions.js"
import { type Admission, RateLimitGate } from "./internal/rateLimitGate.js"

/**
 * @since 0.3.0
 * @category models
 */
export interface Options {
  /** Tokens per `window`, shared by every process on the same store and key. At least 1. */
  readonly limit: number
  readonly window: Duration.DurationInput
  /** `"fixed-window"` (default) or `"token-bucket"`, as Effect's `RateLimiter` implements them. */
  readonly algorithm?: "fixed-window" | "token-bucket" | undefined
  /**
   * `"delay"` (default): an attempt waits for its token (interruptibly, within `TimeoutPolicy`'s total
   * deadline when one is set). `"fail"`: it fails at once with a `RateLimitError` of origin `"local"`.
   */
  readonly onExceeded?: "delay" | "fail" | undefined
  /**
   * What the limit counts against. Default: the client's base URL and project id, or the base URL and
   * a fingerprint of the API key when no project is set; never the key itself.
   */
  readonly key?: string | undefined
  /** Tokens a turn's request (`sendMessage`, `ask`) takes; every other call and retry takes 1. Default 1. */
  readonly turnCost?: number | undefined
  /** At most this many turns open at once in this process; more wait for one to end. Default: no cap. */
  readonly maxOpenTurns?: number | undefined
  /**
   * When the store fails or does not answer within `storeTimeout`: `"proceed"` (default) sends the
   * call unlimited and logs a warning once per outage; `"fail"` fails the call with a `RateLimitError`
   * of origin `"store"`. Either way the call is sent at most once.
   */
  readonly onStoreFailure?: "proceed" | "fail" | undefined
  /** The longest wait for the store's answer before it counts as failed. Default 2 seconds. */
  readonly storeTimeout?: Duration.DurationInput | undefined
}

/**
 * A policy with every default applied and every number made usable.
 *
 * @since 0.3.0
 * @category models
 */
export interface Settings {
  readonly limit: number
  readonly window: Duration.Duration
  readonly algorithm: "fixed-window" | "token-bucket"
  readonly onExceeded: "delay" | "fail"
  readonly key: Option.Option<string>
  readonly turnCost: number
  readonly maxOpenTurns: Option.Option<number>
  readonly onStoreFailure: "proceed" | "fail"
  readonly storeTimeout: Duration.Duration
}

/**
 * The settings for `options`, each checked: a `ConfigError` names the option and the value that is
 * wrong (`limit` a whole number of at least 1, `window` and `storeTimeout` finite durations above
 * zero, `turnCost` a whole number from 1 to `limit` — Effect's limiter refuses a take larger than the
 * limit —, `maxOpenTurns` a whole number of at least 1, the modes one of their values, `key` a
 * non-empty string), for callers from plain JavaScript too. Nothing is clamped. The window is
 * rounded up to a whole number of milliseconds per token, which Effect's Redis store requires.
 *
 * @since 0.3.0
 * @category constructors
 */
export const settings = (options: Options): Either.Either<Settings, ConfigError.ConfigError> =>
  Either.gen(function*() {
    const given = yield* givenOptions("RateLimitPolicy.layer", options, optionNames)
    const finite = { zero: false, infinite: false }
    const limit = yield* required(given, "limit", wholeNumber(given, "limit", 1, Number.MAX_SAFE_INTEGER))
    const window = yield* required(given, "window", duration(given, "window", finite))
    return {
      limit,
      window: Duration.millis(windowForWholeMillis(Duration.toMillis(window), limit)),
      algorithm: Option.getOrElse(yield* oneOf(given, "algorithm", ["fixed-window", "token-bucket"] as const), () => "fixed-window" as const),
      onExceeded: Option.getOrElse(yield* oneOf(given, "onExceeded", ["delay", "fail"] as const), () => "delay" as const),
      key: yield* text(given, "key"),
      turnCost: Option.getOrElse(yield* wholeNumber(given, "turnCost", 1, limit), () => 1),
      maxOpenTurns: yield* wholeNumber(given, "maxOpenTurns", 1, Number.MAX_SAFE_INTEGER),
      onStoreFailure: Option.getOrElse(yield* oneOf(given, "onStoreFailure", ["proceed", "fail"] as const), () => "proceed" as const),
      storeTimeout: Option.getOrElse(yield* duration(given, "storeTimeout", finite), () => Duration.seconds(2))
    }
  })

const optionNames: ReadonlyArray<keyof Options> = [
  "limit",
  "window",
  "algorithm",
  "onExceeded",
  "key",
  "turnCost",
  "maxOpenTurns",
  "onStoreFailure",
  "storeTimeout"
]

/**
 * Builds the policy over the `RateLimiter` in context.
 *
 * @since 0.3.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<RateLimitGate["Type"], ConfigError.ConfigError, RateLimiter.RateLimiter> =>
  Effect.gen(function*() {
    const policy = yield* Effect.suspend(() => settings(options))
    const limiter = yield* RateLimiter.RateLimiter
    const turns = Option.isSome(policy.maxOpenTurns) ? Option.some(yield* Effect.makeSemaphore(policy.maxOpenTurns.value)) : Option.none()
    const storeDown = yield* Ref.make(false)
    const keyOf = (account: string) => Option.getOrElse(policy.key, () => account)

    const take = (key: string, tokens: number, onExceeded: "delay" | "fail") =>
      limiter.consume({ algorithm: policy.algorithm, onExceeded, window: policy.window, limit: policy.limit, key, tokens }).pipe(
        Effect.timeoutFail({
          duration: policy.storeTimeout,
          onTimeout: () => new RateLimiter.RateLimitStoreError({ message: storeWording.noAnswer(Duration.format(policy.storeTimeout)) })
        }),
        Effect.tap(() => Effect.whenEffect(Effect.logInfo(storeWording.answering), Ref.getAndSet(storeDown, false)))
      )

    /** The store failed: logged once per outage; the call proceeds, or fails with origin "store". */
    const storeFailed = (error: RateLimiter.RateLimitStoreError, facts: CallFacts): Effect.Effect<void, RateLimitError> =>
      Effect.zipRight(
        Effect.whenEffect(
          Effect.logWarning(
            storeWording.failed(error.message, policy.onStoreFailure)
          ),
          Ref.getAndSet(storeDown, true).pipe(Effect.map((down) => !down))
        ),
        policy.onStoreFailure === "proceed" ? Effect.void : Effect.fail(
          new RateLimitError({
            ...facts,
            origin: "store",
            status: 429,
            detail: error.message,
            retryAfter: Option.none(),
            requestId: Option.none()
          })
        )
      )

    const admit = (admission: Admission): Effect.Effect<void, RateLimitError> =>
      take(keyOf(admission.account), tokensFor(admission.kind, policy.turnCost), policy.onExceeded).pipe(
        Effect.matchEffect({
          onSuccess: ({ delay }) => Duration.isZero(delay) ? Effect.void : Effect.sleep(delay),
          onFailure: (error) =>
            error.reason === "StoreError" ? storeFailed(error, admission.facts) : Effect.fail(
              new RateLimitError({
                ...admission.facts,
                origin: "local",
                status: 429,
                detail: limitTaken(error.limit, Duration.format(policy.window), error.key),
                retryAfter: Option.some(error.retryAfter),
                requestId: Option.none()
              })
            )
        })
      )

    // The server's wait is spent from the shared limit itself: taken as tokens (in delay mode, which
    // counts past the limit), so that every replica's next token comes after it, whichever mode and
    // algorithm the replicas use. A probe of one token reads how far the limit is already spent, so
    // replicas that saw the same 429 do not add their waits up.
    const serverAsked = (account: string, wait: Duration.Duration): Effect.Effect<void> => {
      const key = keyOf(account)
      const waitMillis = Duration.toMillis(wait)
      const perToken = Duration.toMillis(policy.window) / policy.limit
      const spend = (covered: number, takes: number): Effect.Effect<void, RateLimiter.RateLimiterError> =>
        covered >= waitMillis || takes >= maxTakesToCover(waitMillis, Duration.toMillis(policy.window))
          ? Effect.void
          : Effect.flatMap(
            take(key, Math.min(policy.limit, Math.max(1, Math.ceil((waitMillis - covered) / perToken))), "delay"),
            ({ delay }) => spend(Duration.toMillis(delay), takes + 1)
          )
      return Effect.flatMap(take(key, 1, "delay"), ({ delay }) => spend(Duration.toMillis(delay), 1)).pipe(
        Effect.catchAll((error) =>
          error.reason === "StoreError" ? Effect.ignore(storeFailed(error, {})) : Effect.void
        )
      )
    }

    const openTurn = Option.match(turns, {
      onNone: () => Effect.void,
      // Waiting for a permit stays interruptible; once taken, its release is registered before anything can interrupt.
      onSome: (turns) =>
        Effect.uninterruptibleMask((restore) =>
          Effect.zipRight(restore(turns.take(1)), Effect.addFinalizer(() => turns.release(1)))
        )
    })

    return RateLimitGate.of({ admit, serverAsked, openTurn })
  })

/**
 * Provides the policy. Needs Effect's `RateLimiter`, which needs a store: the memory store limits
 * one process, the Redis store (`@effect/experimental/RateLimiter/Redis`, over `ioredis`) a fleet.
 * A wrong option fails the layer, when it is built, with a `ConfigError` naming it (see `settings`).
 *
 * @example
 * ```ts
 * import * as RateLimiter from "@effect/experimental/RateLimiter"
 * import { Layer } from "effect"
 * import { RateLimitPolicy } from "effect-llamacloud/rate-limit"
 *
 * const rateLimit = RateLimitPolicy.layer({ limit: 60, window: "1 minute", turnCost: 5, maxOpenTurns: 8 }).pipe(
 *   Layer.provide(RateLimiter.layer),
 *   Layer.provide(RateLimiter.layerStoreMemory)
 * )
 * ```
 *
 * @since 0.3.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<RateLimitGate, ConfigError.ConfigError, RateLimiter.RateLimiter> =>
  Layer.effect(RateLimitGate, make(options))
