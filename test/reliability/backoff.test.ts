/**
 * The default policy's real durations, in virtual time (mock transport, TestClock): for any run of
 * failures the server says are safe to retry, the waits between attempts are
 * `min(0.5 s × 2^n, 8 s)` minus at most 25 %, at most 3 attempts are made, and a server's wait is
 * slept exactly when it is within the 60 s cap and not at all beyond it. The socket matrix runs the
 * same rules with millisecond waits; this is where the documented seconds are checked. The cases
 * and the judges are shared with the Effect 4 edition (test/shared/reliability/backoff.ts); what is
 * here drives this edition's `TestClock`.
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
import { MockTransport } from "../../src/testing.js"
import {
  answersFor,
  FAILURE_RUNS,
  isRetryWait,
  MAX_FAILURES,
  PER_ATTEMPT_MS,
  RETRY_AFTER,
  RETRY_AFTER_RUNS,
  rateLimited,
  retryAfterProblems,
  safeFailures,
  session,
  waitsProblems
} from "../shared/reliability/backoff.js"
import type { MockAnswer } from "../shared/reliability/mockAnswer.js"
import { mockReply } from "./adapter.js"
import { clientLayer, create, outcomeOf } from "./harness.js"

const tick = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))

const policies = TimeoutPolicy.layer({ perAttempt: Duration.millis(PER_ATTEMPT_MS) })

/** A create answered, in turn, by `answers`: its exit. */
const createAnswered = (answers: ReadonlyArray<MockAnswer>) =>
  create().pipe(
    Effect.provide(clientLayer("https://api.test", MockTransport.layer(answers.map(mockReply)), policies)),
    Effect.exit
  )

const forkCreate = (answers: ReadonlyArray<MockAnswer>) => Effect.fork(createAnswered(answers))

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
      const pending = Chunk.toReadonlyArray(yield* TestClock.sleeps()).filter(isRetryWait(now))
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
    { failures: FastCheck.array(FastCheck.constantFrom(...safeFailures), { maxLength: MAX_FAILURES }) },
    ({ failures }) =>
      Effect.gen(function*() {
        const fiber = yield* forkCreate(answersFor(failures))
        const waits = yield* driveSleeps(fiber)
        const exit = yield* Fiber.join(fiber)
        expect(waitsProblems(failures, waits, outcomeOf(exit).label)).toEqual([])
      }),
    { fastCheck: { numRuns: FAILURE_RUNS } }
  )

  it.effect.prop(
    "a Retry-After within the 60 s cap is slept exactly, once; beyond it, the 429 comes back at once carrying it",
    {
      seconds: FastCheck.oneof(
        FastCheck.integer({ min: RETRY_AFTER.min, max: RETRY_AFTER.max }),
        FastCheck.constantFrom(...RETRY_AFTER.edges)
      )
    },
    ({ seconds }) =>
      Effect.gen(function*() {
        const fiber = yield* forkCreate(rateLimited(seconds))
        const waits = yield* driveSleeps(fiber)
        const outcome = outcomeOf(yield* Fiber.join(fiber))
        expect(retryAfterProblems(seconds, waits, outcome.label)).toEqual([])
      }),
    { fastCheck: { numRuns: RETRY_AFTER_RUNS } }
  )

  it.effect("a call that ends at a fractional virtual instant ends its span, with no defect", () =>
    Effect.gen(function*() {
      // Jittered waits leave the clock at a fraction of a millisecond that floats cannot hold
      // exactly (0.1 + 0.2); the span's end reads that clock.
      yield* TestClock.adjust(Duration.millis(0.1))
      yield* TestClock.adjust(Duration.millis(0.2))
      const exit = yield* createAnswered([session])
      expect(outcomeOf(exit).label).toBe("success")
    }))
})
