/**
 * The default policy's real durations, in virtual time (mock transport, TestClock): for any run of
 * failures the server says are safe to retry, the waits between attempts are
 * `min(0.5 s × 2^n, 8 s)` minus at most 25 %, at most 3 attempts are made, and a server's wait is
 * slept exactly when it is within the 60 s cap and not at all beyond it. The socket matrix runs the
 * same rules with millisecond waits; this is where the documented seconds are checked.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { TimeoutPolicy } from "../../src/TimeoutPolicy.js"
import { type MockReply, MockTransport } from "../../src/testing.js"
import { clientLayer, create, outcomeOf } from "./harness.js"

const session = MockTransport.json(200, { session_id: "ses-1", last_updated_at: "2026-04-22T12:34:41.342245" })

/** A safe failure, as the server sends it. */
const safeFailure = FastCheck.constantFrom<readonly [string, MockReply]>(
  ["ServerError(503)", MockTransport.json(503, { detail: "busy" })],
  ["RateLimitError(429)", MockTransport.json(429, { detail: "slow down" })],
  ["ApiError(408)", MockTransport.json(408, { detail: "timeout" })],
  ["NetworkError(ConnectFailed)", MockTransport.fail("ECONNREFUSED")],
  ["ServerError(500)", MockTransport.json(500, { detail: "boom" }, { "x-should-retry": "true" })]
)

const tick = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))

// The attempt timeout is a sleep on the same clock: an hour keeps it apart from every retry wait.
const policies = TimeoutPolicy.layer({ perAttempt: "1 hour" })
const beforeTimeout = (now: number) => (at: number) => at >= now && at < now + 3_000_000

/**
 * Drives `fiber` through its retry sleeps: each time it sleeps (not the attempt timeout), records
 * the wait and moves the clock to it.
 */
const driveSleeps = <A, E>(fiber: Fiber.RuntimeFiber<A, E>) =>
  Effect.gen(function*() {
    const waits: Array<number> = []
    for (let guard = 0; guard < 10_000; guard++) {
      if (Option.isSome(yield* Fiber.poll(fiber))) return waits
      const now = yield* TestClock.currentTimeMillis
      const pending = Chunk.toReadonlyArray(yield* TestClock.sleeps()).filter(beforeTimeout(now))
      const next = pending.length === 0 ? undefined : Math.min(...pending)
      if (next === undefined) {
        yield* tick
        continue
      }
      waits.push(next - now)
      yield* TestClock.adjust(next - now)
    }
    return yield* Effect.dieMessage("the call neither ended nor slept")
  })

describe("the default policy, in virtual time", () => {
  it.effect.prop(
    "after any run of safe failures: at most 3 attempts, waits of min(0.5 s × 2^n, 8 s) minus at most 25 %",
    { failures: FastCheck.array(safeFailure, { maxLength: 5 }) },
    ({ failures }) =>
      Effect.gen(function*() {
        const replies = [...failures.map(([, reply]) => reply), session]
        const mock = MockTransport.layer(replies)
        const fiber = yield* create().pipe(
          Effect.provide(clientLayer("https://api.test", mock, policies)),
          Effect.exit,
          Effect.fork
        )
        const waits = yield* driveSleeps(fiber)
        const exit = yield* Fiber.join(fiber)
        const retries = Math.min(failures.length, 2)
        expect(waits).toHaveLength(retries)
        waits.forEach((wait, n) => {
          const base = Math.min(500 * 2 ** n, 8_000)
          expect(wait).toBeGreaterThanOrEqual(base * 0.75)
          expect(wait).toBeLessThanOrEqual(base)
        })
        const expected = failures.length <= 2 ? "success" : failures[2]![0]
        expect(outcomeOf(exit).label).toBe(expected)
      }),
    { fastCheck: { numRuns: 60 } }
  )

  it.effect.prop(
    "a Retry-After within the 60 s cap is slept exactly, once; beyond it, the 429 comes back at once carrying it",
    { seconds: FastCheck.oneof(FastCheck.integer({ min: 0, max: 180 }), FastCheck.constantFrom(0, 59, 60, 61)) },
    ({ seconds }) =>
      Effect.gen(function*() {
        const limited = MockTransport.json(429, { detail: "slow down" }, { "retry-after": String(seconds) })
        const fiber = yield* create().pipe(
          Effect.provide(clientLayer("https://api.test", MockTransport.layer([limited, session]), policies)),
          Effect.exit,
          Effect.fork
        )
        const waits = yield* driveSleeps(fiber)
        const outcome = outcomeOf(yield* Fiber.join(fiber))
        if (seconds <= 60) {
          expect(outcome.label).toBe("success")
          // A zero wait completes without the clock moving.
          expect(waits).toEqual(seconds === 0 ? [] : [seconds * 1000])
        } else {
          expect(outcome.label).toBe("RateLimitError(429)")
          expect(waits).toEqual([])
        }
      }),
    { fastCheck: { numRuns: 40 } }
  )

  it.effect("a call that ends at a fractional virtual instant ends its span, with no defect", () =>
    Effect.gen(function*() {
      // Jittered waits leave the clock at a fraction of a millisecond that floats cannot hold
      // exactly (0.1 + 0.2); the span's end reads that clock.
      yield* TestClock.adjust(Duration.millis(0.1))
      yield* TestClock.adjust(Duration.millis(0.2))
      const exit = yield* create().pipe(
        Effect.provide(clientLayer("https://api.test", MockTransport.layer([session]), policies)),
        Effect.exit
      )
      expect(outcomeOf(exit).label).toBe("success")
    }))
})
