/**
 * The policy layers' options, checked when the layer is built: a wrong one, as plain JavaScript
 * can pass it, is a `ConfigError` naming the option and the value; nothing throws when the layer is
 * made, and nothing is clamped or coerced.
 */
import { assert, describe, it } from "@effect/vitest"
import type * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { RetryPolicy } from "../../src/RetryPolicy.js"
import { TimeoutPolicy } from "../../src/TimeoutPolicy.js"
import { type OptionCase, retryCases, timeoutCases as sharedTimeoutCases } from "../shared/policyOptions.js"

/** What plain JavaScript may pass: anything. */
const untyped = <T>(value: unknown): T => value as T

/** The error of building `layer`, which must fail. */
const buildError = <A>(layer: Layer.Layer<A, ConfigError.ConfigError>) =>
  Effect.flip(Effect.scoped(Layer.build(layer)))

const invalidData = (error: ConfigError.ConfigError) => {
  assert.strictEqual(error._op, "InvalidData")
  return error._op === "InvalidData" ? error : assert.fail("not InvalidData")
}

/** Effect 3 reads no object of units as a duration. */
const timeoutCases: ReadonlyArray<OptionCase> = [
  ...sharedTimeoutCases,
  [{ total: { seconds: 5 } }, "total", "{\"seconds\":5}"]
]

/** A test per wrong option: building the layer `make` makes of it fails, naming the layer, the option and the value. */
const refusesEach = <A>(layer: string, make: (options: unknown) => Layer.Layer<A, ConfigError.ConfigError>, cases: ReadonlyArray<OptionCase>) => {
  for (const [options, option, shown] of cases) {
    it.effect(`refuses ${shown} as ${option} when built, naming the option and the value`, () =>
      Effect.gen(function*() {
        // Made without a throw: the options are read when the layer is built.
        const error = invalidData(yield* buildError(make(options)))
        assert.deepStrictEqual(error.path, [option])
        assert.include(error.message, layer)
        assert.include(error.message, shown)
      }))
  }
}

describe("TimeoutPolicy.layer", () => {
  refusesEach("TimeoutPolicy.layer", (options) => TimeoutPolicy.layer(untyped(options)), timeoutCases)

  it.effect("takes every form of duration, and Duration.infinity for no limit", () =>
    Effect.gen(function*() {
      const settings = yield* TimeoutPolicy.make({ perAttempt: 1500, idle: Duration.infinity, total: "2 minutes" })
      assert.strictEqual(Duration.toMillis(settings.perAttempt), 1500)
      assert.isFalse(Duration.isFinite(settings.idle))
      assert.deepStrictEqual(Option.map(settings.total, Duration.toMillis), Option.some(120_000))
      const tuple = yield* TimeoutPolicy.make({ perAttempt: [2, 0], idle: BigInt(3_000_000_000) })
      assert.strictEqual(Duration.toMillis(tuple.perAttempt), 2000)
      assert.strictEqual(Duration.toMillis(tuple.idle), 3000)
    }))

  it.effect("keeps the defaults for what is not given", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* TimeoutPolicy.make(), TimeoutPolicy.defaults)
      assert.deepStrictEqual(yield* TimeoutPolicy.make(untyped({ idle: undefined })), TimeoutPolicy.defaults)
    }))
})

describe("RetryPolicy.layer", () => {
  refusesEach("RetryPolicy.layer", (options) => RetryPolicy.layer(untyped(options)), retryCases)

  it.effect("takes the bounds themselves, and keeps the defaults for what is not given", () =>
    Effect.gen(function*() {
      const low = yield* RetryPolicy.make({ maxRetries: 0, jitter: 0, baseDelay: 0, maxRetryAfter: 0 })
      assert.deepStrictEqual(
        [low.maxRetries, low.jitter, Duration.toMillis(low.baseDelay), Duration.toMillis(low.maxRetryAfter)],
        [0, 0, 0, 0]
      )
      const high = yield* RetryPolicy.make({ maxRetries: 100, jitter: 1, maxRetryAfter: Duration.infinity, retryAmbiguous: true })
      assert.deepStrictEqual([high.maxRetries, high.jitter, high.retryAmbiguous], [100, 1, true])
      assert.deepStrictEqual(yield* RetryPolicy.make(), RetryPolicy.defaults)
    }))
})
