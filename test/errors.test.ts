/**
 * Every way a call can fail ends in exactly one tagged error with a human message and the facts:
 * status, request id, retry-after. The cases and what each must show are in
 * test/shared/callFailures.ts, run by both editions.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import { isLlamaCloudError, type LlamaCloudError } from "../src/LlamaCloudError.js"
import { RetryPolicy } from "../src/RetryPolicy.js"
import { TimeoutPolicy } from "../src/TimeoutPolicy.js"
import { MockTransport } from "../src/testing.js"
import { chatLayer, create, replay, requests, sleepingUntil } from "./fixtures/harness.js"
import { callFailures, type Expected, type Reply, seen, timeouts } from "./shared/callFailures.js"

/** Compares what `error` shows with what the case expects; every one is a `LlamaCloudError`. */
const expectError = (error: LlamaCloudError, expected: Expected) => {
  assert.deepStrictEqual(seen(error, Duration.toMillis, expected), { ...expected })
  assert.isTrue(isLlamaCloudError(error))
}

/** The single-attempt outcome of a call answered by `reply`. */
const failing = (reply: Reply) =>
  Effect.flip(create()).pipe(
    Effect.provide(chatLayer(["fails" in reply ? MockTransport.fail(reply.fails) : replay(reply)], {}, RetryPolicy.disabled))
  )

for (const { cases, title } of callFailures) {
  describe(title, () => {
    for (const { expected, name, reply } of cases) {
      it.effect(name, () => Effect.map(failing(reply), (error) => expectError(error, expected)))
    }
  })
}

describe("timeouts", () => {
  for (const { expected, expiresAtMs, name, totalMs } of timeouts) {
    it.effect(name, () =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(Effect.flip(create()))
        yield* sleepingUntil(expiresAtMs)
        yield* TestClock.adjust(expiresAtMs)
        expectError(yield* Fiber.join(fiber), expected)
        assert.lengthOf(yield* requests, 1)
      }).pipe(
        Effect.provide(chatLayer([MockTransport.hang], {}, totalMs === undefined ? Layer.empty : TimeoutPolicy.layer({ total: totalMs })))
      ))
  }
})

it("is recognised by isLlamaCloudError, and nothing else is", () => {
  assert.isFalse(isLlamaCloudError(new Error("x")))
  assert.isFalse(isLlamaCloudError({ _tag: "AuthError" }))
  assert.isFalse(isLlamaCloudError(null))
})
