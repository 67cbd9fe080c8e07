/**
 * The default policy's real durations, in virtual time (mock transport, TestClock): for any run of
 * failures the server says are safe to retry, the waits between attempts are
 * `min(0.5 s × 2^n, 8 s)` minus at most 25 %, at most 3 attempts are made, and a server's wait is
 * slept exactly when it is within the 60 s cap and not at all beyond it. The cases and the judges
 * are the Effect 3 edition's (test/shared/reliability/backoff.ts); what is here drives this
 * edition's `TestClock`.
 *
 * Effect 4's `it.effect.prop` takes Effect's own `Arbitrary`, not fast-check's: the runs are drawn
 * from fast-check with the same generators, each played in turn on the test's clock, and a failing
 * run is printed with its draw.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { TestClock } from "effect/testing"
import * as FastCheck from "fast-check"
import { ChatService } from "../../src/ChatService.js"
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
} from "../../../test/shared/reliability/backoff.js"
import type { MockAnswer } from "../../../test/shared/reliability/mockAnswer.js"
import { pendingSleeps, tick, virtualClock } from "../fixtures/calls.js"
import { clientLayer, mockReply, plainOutcome } from "./adapter.js"

const policies = TimeoutPolicy.layer({ perAttempt: Duration.millis(PER_ATTEMPT_MS) })

/** A create answered, in turn, by `answers`: its exit. */
const createAnswered = (answers: ReadonlyArray<MockAnswer>) =>
  ChatService.use((chat) => chat.create()).pipe(
    Effect.provide(clientLayer("https://api.test", MockTransport.layer(answers.map(mockReply)), policies)),
    Effect.exit
  )

/**
 * Drives `fiber` through its retry sleeps: each time it sleeps (not the attempt timeout), records
 * the wait and moves the clock to it.
 */
const driveSleeps = <A, E>(fiber: Fiber.Fiber<A, E>) =>
  Effect.gen(function*() {
    const waits: Array<number> = []
    for (let guard = 0; guard < 10_000; guard++) {
      if (fiber.pollUnsafe() !== undefined) return waits
      const now = yield* Clock.currentTimeMillis
      const pending = (yield* pendingSleeps).filter(isRetryWait(now))
      const next = pending.length === 0 ? undefined : Math.min(...pending)
      if (next === undefined) {
        yield* tick
        continue
      }
      waits.push(next - now)
      yield* TestClock.adjust(next - now)
    }
    return yield* Effect.die("the call neither ended nor slept")
  })

/** Plays `answers` to a create on the virtual clock: the retry waits it slept, and its outcome. */
const play = (answers: ReadonlyArray<MockAnswer>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.forkChild(createAnswered(answers))
    const waits = yield* driveSleeps(fiber)
    const exit = yield* Fiber.join(fiber)
    return { waits, outcome: plainOutcome(exit).label }
  })

describe("the default policy, in virtual time", () => {
  it.effect("after any run of safe failures: at most 3 attempts, waits of min(0.5 s × 2^n, 8 s) minus at most 25 %", () =>
    Effect.forEach(
      FastCheck.sample(FastCheck.array(FastCheck.constantFrom(...safeFailures), { maxLength: MAX_FAILURES }), FAILURE_RUNS),
      (failures) =>
        Effect.map(play(answersFor(failures)), ({ outcome, waits }) =>
          expect(waitsProblems(failures, waits, outcome), JSON.stringify(failures.map((f) => f.label))).toEqual([])),
      { discard: true }
    ).pipe(Effect.provide(virtualClock)))

  it.effect("a Retry-After within the 60 s cap is slept exactly, once; beyond it, the 429 comes back at once carrying it", () =>
    Effect.forEach(
      FastCheck.sample(
        FastCheck.oneof(
          FastCheck.integer({ min: RETRY_AFTER.min, max: RETRY_AFTER.max }),
          FastCheck.constantFrom(...RETRY_AFTER.edges)
        ),
        RETRY_AFTER_RUNS
      ),
      (seconds) =>
        Effect.map(play(rateLimited(seconds)), ({ outcome, waits }) =>
          expect(retryAfterProblems(seconds, waits, outcome), `Retry-After: ${seconds}`).toEqual([])),
      { discard: true }
    ).pipe(Effect.provide(virtualClock)))

  it.effect("a call that ends at a fractional virtual instant ends its span, with no defect", () =>
    Effect.gen(function*() {
      // Jittered waits leave the clock at a fraction of a millisecond that floats cannot hold
      // exactly (0.1 + 0.2); the span's end reads that clock.
      yield* TestClock.adjust(Duration.millis(0.1))
      yield* TestClock.adjust(Duration.millis(0.2))
      const exit = yield* createAnswered([session])
      expect(plainOutcome(exit).label).toBe("success")
    }))
})
