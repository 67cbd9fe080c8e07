/**
 * How long a call may take. Provide `TimeoutPolicy.layer(...)` to change it; without one,
 * `TimeoutPolicy.defaults` applies.
 *
 * @since 0.1.0
 */
import type * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import { duration, givenOptions } from "./internal/layerOptions.js"

/**
 * The timeout policy of LlamaCloud calls, read when `ChatService.layer` is built and again at each
 * call, so a policy provided around one call wins over the one the service was built with.
 *
 * @since 0.1.0
 * @category tags
 */
export class TimeoutPolicy extends Context.Service<TimeoutPolicy, TimeoutPolicy.Settings>()("effect-llamacloud/TimeoutPolicy") {
  /**
   * 60 s per attempt, 120 s between the events of a streamed turn, no total deadline. The idle
   * limit leaves room for an agent that searches several indexes and reasons before its next
   * event (the server sends keep-alives meanwhile, which do not count); a turn that stalls longer
   * is reported rather than awaited forever.
   */
  static readonly defaults: TimeoutPolicy.Settings = {
    perAttempt: Duration.seconds(60),
    idle: Duration.seconds(120),
    total: Option.none()
  }

  /**
   * Settings from the defaults with some fields changed, each checked when the effect runs: every
   * limit is a duration above zero (`Duration.infinity` for no limit); a wrong one is a
   * `ConfigError` naming the option and the value, for callers from plain JavaScript too. Nothing is
   * clamped or coerced: a negative limit is refused, not read as zero.
   */
  static readonly make = (options: TimeoutPolicy.Options = {}): Effect.Effect<TimeoutPolicy.Settings, Config.ConfigError> =>
    Effect.suspend(() =>
      Effect.fromResult(Result.gen(function*() {
        const given = yield* givenOptions("TimeoutPolicy.layer", options, ["perAttempt", "idle", "total"])
        const limit = { zero: false, infinite: true }
        const d = TimeoutPolicy.defaults
        return {
          perAttempt: Option.getOrElse(yield* duration(given, "perAttempt", limit), () => d.perAttempt),
          idle: Option.getOrElse(yield* duration(given, "idle", limit), () => d.idle),
          total: Option.orElse(yield* duration(given, "total", limit), () => d.total)
        }
      }))
    )

  /**
   * Provides a policy: the defaults with the given fields changed. A wrong option fails the layer,
   * when it is built, with a `ConfigError` naming it (see `make`).
   *
   * @example
   * ```ts
   * program.pipe(Effect.provide(TimeoutPolicy.layer({ perAttempt: "30 seconds", idle: "3 minutes", total: "10 minutes" })))
   * ```
   */
  static readonly layer = (options: TimeoutPolicy.Options = {}): Layer.Layer<TimeoutPolicy, Config.ConfigError> =>
    Layer.effect(TimeoutPolicy, TimeoutPolicy.make(options))
}

/**
 * @since 0.1.0
 */
export declare namespace TimeoutPolicy {
  /**
   * @since 0.1.0
   * @category models
   */
  export interface Settings {
    /**
     * The limit on one attempt. For answers read whole: connecting, sending, the response headers,
     * the whole body and its decoding. For a streamed turn: connecting up to the response headers.
     * When it fires the request is aborted and its socket closed.
     */
    readonly perAttempt: Duration.Duration
    /**
     * The longest gap between two events of a streamed turn (and before its first event). Only an
     * event ends the wait: a keep-alive comment does not. When it fires the turn fails with
     * `NetworkError` reason `IdleTimeout` and its socket is closed. `Duration.infinity` disables it.
     */
    readonly idle: Duration.Duration
    /** An optional deadline on the whole call, retries and their waits included (for a turn: until its `Stop`). */
    readonly total: Option.Option<Duration.Duration>
  }

  /**
   * @since 0.1.0
   * @category models
   */
  export interface Options {
    readonly perAttempt?: Duration.Input | undefined
    readonly idle?: Duration.Input | undefined
    readonly total?: Duration.Input | undefined
  }
}
