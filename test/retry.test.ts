/**
 * The retry policy, in virtual time: how often, how long between attempts, which failures, and
 * which policy applies. The cases are test/shared/retryCalls.ts, run by both editions.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Fiber from "effect/Fiber"
import * as Random from "effect/Random"
import * as TestClock from "effect/TestClock"
import { busy, exact, type PolicyCall, session, status } from "./shared/policyCall.js"
import * as Retries from "./shared/retryCalls.js"
import { captureLogs, chatLayer, create, pendingSleeps, requests, sleepingUntil, waitUntil, wakeAt, withoutWaiting } from "./fixtures/harness.js"
import { policyLayer, runPolicyCall } from "./fixtures/policyCall.js"

/** The pending wake-up instants below `limit` (the attempt timeouts sleep until 60 s and later). */
const pendingSleepsBelow = (limit: number) => Effect.map(pendingSleeps, (all) => all.filter((t) => t < limit))

const specify = (behaviour: string, cases: ReadonlyArray<PolicyCall>) =>
  describe(behaviour, () => {
    for (const c of cases) it.effect(c.name, () => runPolicyCall(c))
  })

specify("how many attempts", Retries.howManyAttempts)

describe("waits between attempts", () => {
  for (const c of Retries.waitsBetweenAttempts) it.effect(c.name, () => runPolicyCall(c))

  it.effect.prop(
    "jitter only shortens them, by at most a quarter",
    [FastCheck.double({ min: 0, max: 1, noNaN: true, maxExcluded: true })],
    ([draw]) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(create().pipe(Effect.withRandom(Random.fixed([draw]))))
        yield* waitUntil("the first backoff starts", Effect.map(pendingSleepsBelow(60_000), (s) => s.length > 0))
        const [wait] = yield* pendingSleepsBelow(60_000)
        assert.isDefined(wait)
        assert.isAtMost(wait!, 500)
        assert.isAtLeast(wait!, 375)
        assert.closeTo(wait!, 500 * (1 - 0.25 * draw), 1e-6)
        yield* Fiber.interrupt(fiber)
      }).pipe(Effect.provide(chatLayer([busy]))),
    { fastCheck: { numRuns: 12 } }
  )
})

specify("waits the server asks for", Retries.waitsTheServerAsksFor)
specify("x-should-retry from the server", Retries.shouldRetryHeader)
specify("by default, failures where the server cannot have acted are retried", Retries.retriedByDefault)
specify("by default, failures where the server may have acted are not retried", Retries.ambiguousNotRetriedByDefault)
specify("failures that no retry can mend are never retried", Retries.neverRetried)
specify("with retryAmbiguous: true, failures where the server may have acted are retried", Retries.ambiguousRetriedWhenAllowed)
specify("which policy applies", Retries.whichPolicyApplies)
specify("a total deadline", Retries.totalDeadline)

describe("the wait before a retry", () => {
  it.effect("is interruptible: interrupting it ends the call at once, with no further request", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(create())
      yield* sleepingUntil(500)
      const exit = yield* Fiber.interrupt(fiber)
      assert.isTrue(Exit.isInterrupted(exit))
      yield* TestClock.adjust("1 minute")
      assert.lengthOf(yield* requests, 1)
    }).pipe(Effect.provide(chatLayer([busy, session], {}, policyLayer(exact)))))
})

describe("logging", () => {
  it.effect("each retry is logged at debug level with its attempt, reason and wait", () => {
    const logs = captureLogs()
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(create())
      yield* wakeAt(...Retries.retryLog.wakes)
      yield* Fiber.join(fiber)
      const retries = logs.lines.filter((line) => line.message.includes("retrying"))
      assert.deepStrictEqual(
        retries.map((line) => [line.level, line.annotations["attempt"], line.annotations["reason"], line.annotations["delayMs"]]),
        Retries.retryLog.lines
      )
      assert.include(retries[0]?.message, Retries.retryLog.names)
    }).pipe(
      Effect.provide(chatLayer(Retries.retryLog.replies, {}, policyLayer(Retries.retryLog.policies))),
      Effect.provide(logs.layer)
    )
  })

  it.effect("a failure that is not retried logs nothing", () => {
    const logs = captureLogs()
    return Effect.gen(function*() {
      yield* withoutWaiting(Effect.flip(create()))
      assert.deepStrictEqual(logs.lines, [])
    }).pipe(Effect.provide(chatLayer([status(404)], {}, policyLayer(exact))), Effect.provide(logs.layer))
  })
})
