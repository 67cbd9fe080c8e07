/**
 * The retry policy, in virtual time: how often, how long between attempts, which failures, and
 * which policy applies.
 */
import { assert, describe, it } from "@effect/vitest"
import type * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import { TestClock } from "effect/testing"
import * as FastCheck from "fast-check"
import { RetryPolicy } from "../src/RetryPolicy.js"
import { TimeoutPolicy } from "../src/TimeoutPolicy.js"
import { type MockReply, MockTransport } from "../src/testing.js"
import {
  captureLogs,
  chatLayer,
  create,
  now,
  ok,
  pendingSleeps,
  requestCount,
  requests,
  sleepingUntil,
  waitUntil,
  wakeAt,
  withoutWaiting
} from "./fixtures/calls.js"
import { failsWith } from "./fixtures/harness.js"

const busy = MockTransport.json(503, { detail: "busy" })
const status = (code: number, headers: Record<string, string> = {}) => MockTransport.json(code, { detail: `HTTP ${code}` }, headers)

/** Every random draw is `draw`. */
const withDraw = (draw: number) =>
  Effect.provideService(Random.Random, { nextIntUnsafe: () => 0, nextDoubleUnsafe: () => draw })

/** Every backoff draw is 0: the default policy then waits exactly 500 ms, 1000 ms, 2000 ms… */
const noJitter = withDraw(0)

/** The default policy without jitter, so that waits are exact. */
const exactPolicy = RetryPolicy.layer({ jitter: 0 })

/** A service whose first attempt gets `first` and whose retry, if any, succeeds. */
const firstFails = (first: MockReply, policy: Layer.Layer<never, Config.ConfigError> = exactPolicy) => chatLayer([first, ok], {}, policy)

/** The pending wake-up instants below `limit` (the attempt timeouts sleep until 60 s and later). */
const pendingSleepsBelow = (limit: number) => Effect.map(pendingSleeps, (all) => all.filter((t) => t < limit))

describe("how many attempts", () => {
  it.effect("by default: the first and 2 retries, then the last error", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(failsWith("ServerError")(noJitter(create())))
      yield* wakeAt(500, 1_500)
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error.status, 503)
      assert.lengthOf(yield* requests, 3)
    }).pipe(Effect.provide(chatLayer([busy]))))

  it.effect("a retry that succeeds returns its session", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(noJitter(create()))
      yield* wakeAt(500)
      const session = yield* Fiber.join(fiber)
      assert.strictEqual(session.sessionId, "ses-1")
      assert.lengthOf(yield* requests, 2)
    }).pipe(Effect.provide(chatLayer([busy, ok]))))

  it.effect("RetryPolicy.disabled makes a single attempt", () =>
    Effect.gen(function*() {
      const error = yield* withoutWaiting(failsWith("ServerError")(create()))
      assert.strictEqual(error.status, 503)
      assert.lengthOf(yield* requests, 1)
    }).pipe(Effect.provide(chatLayer([busy, ok], {}, RetryPolicy.disabled))))

  it.effect("maxRetries sets the number of retries", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(failsWith("ServerError")(create()))
      yield* wakeAt(500, 1_500, 3_500, 7_500)
      yield* Fiber.join(fiber)
      assert.lengthOf(yield* requests, 5)
    }).pipe(Effect.provide(chatLayer([busy], {}, RetryPolicy.layer({ jitter: 0, maxRetries: 4 })))))
})

describe("waits between attempts", () => {
  it.effect("are 500 ms, then 1000 ms, with no jitter", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(create())
      yield* sleepingUntil(500)
      yield* TestClock.adjust("499 millis")
      assert.lengthOf(yield* requests, 1, "no retry before 500 ms")
      yield* TestClock.adjust("1 millis")
      yield* requestCount(2)
      yield* sleepingUntil(1_500)
      yield* TestClock.adjust("999 millis")
      assert.lengthOf(yield* requests, 2, "no retry before another 1000 ms")
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(fiber)
      assert.lengthOf(yield* requests, 3)
    }).pipe(Effect.provide(chatLayer([busy, busy, ok], {}, exactPolicy))))

  // Draws from fast-check, each in a call of its own: Effect 4's `it.effect.prop` takes its own `Arbitrary`.
  const draws = [0, ...FastCheck.sample(FastCheck.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), 11)]
  it.effect("jitter only shortens them, by at most a quarter", () =>
    Effect.forEach(draws, (draw) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.forkChild(create().pipe(withDraw(draw)))
        yield* waitUntil("the first backoff starts", Effect.map(pendingSleepsBelow(60_000), (s) => s.length > 0))
        const [wait] = yield* pendingSleepsBelow(60_000)
        assert.isDefined(wait)
        assert.isAtMost(wait!, 500)
        assert.isAtLeast(wait!, 375)
        assert.closeTo(wait!, 500 * (1 - 0.25 * draw), 1e-6)
        yield* Fiber.interrupt(fiber)
      }).pipe(Effect.provide(chatLayer([busy]))), { discard: true }))

  it.effect("double up to the 8 s cap", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(failsWith("ServerError")(noJitter(create())))
      // 500, 1000, 2000, 4000, 8000, then 8000 again rather than 16000.
      yield* wakeAt(500, 1_500, 3_500, 7_500, 15_500, 23_500)
      yield* Fiber.join(fiber)
      assert.lengthOf(yield* requests, 7)
    }).pipe(Effect.provide(chatLayer([busy], {}, RetryPolicy.layer({ maxRetries: 6 })))))

  it.effect("follow baseDelay and maxDelay when the policy sets them", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(failsWith("ServerError")(create()))
      // 3 s, 6 s, then capped at 7 s.
      yield* wakeAt(3_000, 9_000, 16_000)
      yield* Fiber.join(fiber)
      assert.lengthOf(yield* requests, 4)
    }).pipe(
      Effect.provide(chatLayer([busy], {}, RetryPolicy.layer({ jitter: 0, maxRetries: 3, baseDelay: "3 seconds", maxDelay: "7 seconds" })))
    ))
})

describe("waits the server asks for", () => {
  it.effect("retry-after-ms is honoured to the millisecond", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(create())
      yield* sleepingUntil(1_234)
      yield* TestClock.adjust("1233 millis")
      assert.lengthOf(yield* requests, 1)
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(fiber)
      assert.lengthOf(yield* requests, 2)
    }).pipe(Effect.provide(firstFails(status(429, { "retry-after-ms": "1234" })))))

  it.effect("Retry-After in seconds is honoured", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(create())
      yield* wakeAt(3_000)
      yield* Fiber.join(fiber)
      assert.lengthOf(yield* requests, 2)
    }).pipe(Effect.provide(firstFails(status(429, { "retry-after": "3" })))))

  it.effect("Retry-After in decimal seconds is honoured to the millisecond, not replaced by the backoff", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(create())
      yield* sleepingUntil(1_500)
      yield* TestClock.adjust("1499 millis")
      assert.lengthOf(yield* requests, 1)
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(fiber)
      assert.lengthOf(yield* requests, 2)
    }).pipe(Effect.provide(firstFails(status(429, { "retry-after": "1.5" })))))

  it.effect("retry-after-ms of 1e303 is a wait beyond the cap: the error carrying it comes back at once", () =>
    Effect.gen(function*() {
      const error = yield* withoutWaiting(failsWith("RateLimitError")(create()))
      assert.deepStrictEqual(error.retryAfter, Option.some(Duration.days(1)))
      assert.lengthOf(yield* requests, 1)
      assert.strictEqual(yield* now, 0)
    }).pipe(Effect.provide(firstFails(status(429, { "retry-after-ms": "1e303" })))))

  it.effect("retry-after-ms wins over Retry-After", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(create())
      yield* sleepingUntil(250)
      // The 30 s of Retry-After is not waited for, nor anything between.
      assert.notInclude(yield* pendingSleeps, 30_000)
      yield* TestClock.adjust("249 millis")
      assert.lengthOf(yield* requests, 1, "no retry before the 250 ms of retry-after-ms")
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(fiber)
      assert.lengthOf(yield* requests, 2)
      assert.strictEqual(yield* now, 250)
    }).pipe(Effect.provide(firstFails(status(503, { "retry-after-ms": "250", "retry-after": "30" })))))

  it.effect("Retry-After as an HTTP date is the time until that date, on the Effect clock", () =>
    Effect.gen(function*() {
      // TestClock starts at the epoch, so a date 10 s after it is exactly 10 s away.
      const fiber = yield* Effect.forkChild(create())
      yield* wakeAt(10_000)
      yield* Fiber.join(fiber)
      assert.lengthOf(yield* requests, 2)
    }).pipe(Effect.provide(firstFails(status(429, { "retry-after": new Date(10_000).toUTCString() })))))

  it.effect("a wait beyond maxRetryAfter (60 s) is not slept: the RateLimitError carrying it comes back at once", () =>
    Effect.gen(function*() {
      const error = yield* withoutWaiting(failsWith("RateLimitError")(create()))
      assert.deepStrictEqual(error.retryAfter, Option.some(Duration.seconds(120)))
      assert.lengthOf(yield* requests, 1)
      assert.strictEqual(yield* now, 0)
    }).pipe(Effect.provide(firstFails(status(429, { "retry-after": "120" })))))

  it.effect("a wait of exactly maxRetryAfter is slept", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(create())
      yield* wakeAt(60_000)
      yield* Fiber.join(fiber)
      assert.lengthOf(yield* requests, 2)
    }).pipe(
      Effect.provide(
        // A shorter attempt timeout keeps its own sleep away from the 60 s being waited for.
        firstFails(status(429, { "retry-after": "60" }), Layer.merge(exactPolicy, TimeoutPolicy.layer({ perAttempt: "10 seconds" })))
      )
    ))

  it.effect("a longer maxRetryAfter lets a longer wait be slept", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(create())
      yield* wakeAt(120_000)
      yield* Fiber.join(fiber)
      assert.lengthOf(yield* requests, 2)
    }).pipe(Effect.provide(firstFails(status(429, { "retry-after": "120" }), RetryPolicy.layer({ maxRetryAfter: "3 minutes" })))))
})

describe("x-should-retry from the server", () => {
  it.effect("true retries a 500, which is otherwise not retried", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(create())
      yield* wakeAt(500)
      yield* Fiber.join(fiber)
      assert.lengthOf(yield* requests, 2)
    }).pipe(Effect.provide(firstFails(status(500, { "x-should-retry": "true" })))))

  it.effect("false stops a 503, which is otherwise retried", () =>
    Effect.gen(function*() {
      const error = yield* withoutWaiting(failsWith("ServerError")(create()))
      assert.strictEqual(error.status, 503)
      assert.lengthOf(yield* requests, 1)
    }).pipe(Effect.provide(firstFails(status(503, { "x-should-retry": "false" })))))

  it.effect("does not raise the number of retries", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(failsWith("ServerError")(create()))
      yield* wakeAt(500, 1_500)
      yield* Fiber.join(fiber)
      assert.lengthOf(yield* requests, 3)
    }).pipe(Effect.provide(chatLayer([status(500, { "x-should-retry": "true" })], {}, exactPolicy))))
})

describe("by default, failures where the server cannot have acted are retried", () => {
  const retried: ReadonlyArray<readonly [string, MockReply]> = [
    ["408", status(408)],
    ["429", status(429)],
    ["503", status(503)],
    ["ECONNREFUSED", MockTransport.fail("ECONNREFUSED")]
  ]
  for (const [what, reply] of retried) {
    it.effect(what, () =>
      Effect.gen(function*() {
        const fiber = yield* Effect.forkChild(create())
        yield* wakeAt(500)
        const session = yield* Fiber.join(fiber)
        assert.strictEqual(session.sessionId, "ses-1")
        assert.lengthOf(yield* requests, 2)
      }).pipe(Effect.provide(firstFails(reply))))
  }
})

describe("by default, failures where the server may have acted are not retried", () => {
  const ambiguous: ReadonlyArray<readonly [string, MockReply]> = [
    ["500", status(500)],
    ["502", status(502)],
    ["504", status(504)],
    ["ECONNRESET", MockTransport.fail("ECONNRESET")]
  ]
  for (const [what, reply] of ambiguous) {
    it.effect(what, () =>
      Effect.gen(function*() {
        yield* withoutWaiting(Effect.flip(create()))
        assert.lengthOf(yield* requests, 1)
      }).pipe(Effect.provide(firstFails(reply))))
  }

  it.effect("an attempt timeout", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(failsWith("NetworkError")(create()))
      yield* wakeAt(60_000)
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error.reason, "AttemptTimeout")
      assert.lengthOf(yield* requests, 1)
    }).pipe(Effect.provide(firstFails(MockTransport.hang))))
})

describe("failures that no retry can mend are never retried", () => {
  const final: ReadonlyArray<readonly [string, MockReply]> = [
    ["400", status(400)],
    ["401", status(401)],
    ["403", status(403)],
    ["404", status(404)],
    ["409", status(409)],
    ["422", status(422)],
    ["an undecodable 2xx", MockTransport.text(200, "<html></html>", { "content-type": "text/html" })]
  ]
  for (const [what, reply] of final) {
    it.effect(what, () =>
      Effect.gen(function*() {
        yield* withoutWaiting(Effect.flip(create()))
        assert.lengthOf(yield* requests, 1)
      }).pipe(Effect.provide(firstFails(reply, RetryPolicy.layer({ jitter: 0, retryAmbiguous: true })))))
  }
})

describe("with retryAmbiguous: true, failures where the server may have acted are retried", () => {
  const ambiguous: ReadonlyArray<readonly [string, MockReply]> = [
    ["500", status(500)],
    ["502", status(502)],
    ["504", status(504)],
    ["ECONNRESET", MockTransport.fail("ECONNRESET")]
  ]
  for (const [what, reply] of ambiguous) {
    it.effect(what, () =>
      Effect.gen(function*() {
        const fiber = yield* Effect.forkChild(create())
        yield* wakeAt(500)
        yield* Fiber.join(fiber)
        assert.lengthOf(yield* requests, 2)
      }).pipe(Effect.provide(firstFails(reply, RetryPolicy.layer({ jitter: 0, retryAmbiguous: true })))))
  }

  it.effect("an attempt timeout", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(create())
      yield* wakeAt(60_000, 60_500)
      const session = yield* Fiber.join(fiber)
      assert.strictEqual(session.sessionId, "ses-1")
      assert.lengthOf(yield* requests, 2)
    }).pipe(Effect.provide(firstFails(MockTransport.hang, RetryPolicy.layer({ jitter: 0, retryAmbiguous: true })))))
})

describe("which policy applies", () => {
  it.effect("a policy provided around one call wins over the one the service was built with", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(create().pipe(Effect.provide(exactPolicy)))
      yield* wakeAt(500)
      yield* Fiber.join(fiber)
      assert.lengthOf(yield* requests, 2)
    }).pipe(Effect.provide(chatLayer([busy, ok], {}, RetryPolicy.disabled))))

  it.effect("RetryPolicy.disabled around one call stops that call's retries", () =>
    Effect.gen(function*() {
      yield* withoutWaiting(Effect.flip(create().pipe(Effect.provide(RetryPolicy.disabled))))
      assert.lengthOf(yield* requests, 1)
    }).pipe(Effect.provide(chatLayer([busy, ok], {}, exactPolicy))))

  it.effect("the policy the service was built with applies to calls that provide none", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(create())
      yield* wakeAt(500)
      yield* Fiber.join(fiber)
      assert.lengthOf(yield* requests, 2)
    }).pipe(Effect.provide(chatLayer([status(500), ok], {}, RetryPolicy.layer({ jitter: 0, retryAmbiguous: true })))))
})

describe("a total deadline", () => {
  it.effect("stops retrying when the next wait would pass it, returning the real error", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(failsWith("ServerError")(create()))
      // Attempts at 0 and 500 ms; a third at 1500 ms would be past the 1200 ms deadline.
      yield* wakeAt(500)
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error.status, 503)
      assert.lengthOf(yield* requests, 2)
      assert.strictEqual(yield* now, 500)
    }).pipe(Effect.provide(chatLayer([busy], {}, Layer.merge(exactPolicy, TimeoutPolicy.layer({ total: "1200 millis" }))))))

  it.effect("provided around one call applies to that call", () =>
    Effect.gen(function*() {
      const error = yield* withoutWaiting(
        failsWith("ServerError")(create().pipe(Effect.provide(Layer.orDie(TimeoutPolicy.layer({ total: "400 millis" })))))
      )
      assert.strictEqual(error.status, 503)
      assert.lengthOf(yield* requests, 1)
    }).pipe(Effect.provide(chatLayer([busy], {}, exactPolicy))))
})

describe("the wait before a retry", () => {
  it.effect("is interruptible: interrupting it ends the call at once, with no further request", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(create())
      yield* sleepingUntil(500)
      yield* Fiber.interrupt(fiber)
      assert.isTrue(Exit.hasInterrupts(yield* Fiber.await(fiber)))
      yield* TestClock.adjust("1 minute")
      assert.lengthOf(yield* requests, 1)
    }).pipe(Effect.provide(chatLayer([busy, ok], {}, exactPolicy))))
})

describe("logging", () => {
  it.effect("each retry is logged at debug level with its attempt, reason and wait", () => {
    const logs = captureLogs()
    return Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(create())
      yield* wakeAt(500, 1_500)
      yield* Fiber.join(fiber)
      const retries = logs.lines.filter((line) => line.message.includes("retrying"))
      assert.deepStrictEqual(
        retries.map((line) => [line.level, line.annotations["attempt"], line.annotations["reason"], line.annotations["delayMs"]]),
        [["DEBUG", 1, "ServerError(503)", 500], ["DEBUG", 2, "NetworkError(ConnectFailed)", 1000]]
      )
      assert.include(retries[0]?.message, "ChatService.create")
    }).pipe(
      Effect.provide(chatLayer([busy, MockTransport.fail("ECONNREFUSED"), ok], {}, exactPolicy)),
      Effect.provide(logs.layer)
    )
  })

  it.effect("a failure that is not retried logs nothing", () => {
    const logs = captureLogs()
    return Effect.gen(function*() {
      yield* withoutWaiting(Effect.flip(create()))
      assert.deepStrictEqual(logs.lines, [])
    }).pipe(Effect.provide(chatLayer([status(404)], {}, exactPolicy)), Effect.provide(logs.layer))
  })
})
