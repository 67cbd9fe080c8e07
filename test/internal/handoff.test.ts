/**
 * The hand-over between a turn's reading fiber and its consumer: one value at a time, in order, the
 * reader held while the slot is full (so a consumer that stops asking stops the reading), and the
 * watchdog's `unsafeOffer` reaching a waiting consumer at once but never overwriting a value.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Handoff from "../../src/internal/handoff.js"

describe("Handoff", () => {
  it.effect("hands values over in order, holding the offerer while the slot is full", () =>
    Effect.gen(function*() {
      const handoff = Handoff.make<number>()
      let offered = 0
      const producer = yield* Effect.fork(Effect.forEach([1, 2, 3], (n) => Effect.tap(handoff.offer(n), () => offered++)))
      yield* Effect.yieldNow()
      assert.strictEqual(offered, 1, "the second offer waits for the first to be taken")
      assert.isFalse(handoff.isEmpty())
      const taken = [yield* handoff.take, yield* handoff.take, yield* handoff.take]
      yield* Fiber.join(producer)
      assert.deepStrictEqual(taken, [1, 2, 3])
      assert.isTrue(handoff.isEmpty())
    }))

  it.effect("a taker waits for the next offer", () =>
    Effect.gen(function*() {
      const handoff = Handoff.make<string>()
      const taker = yield* Effect.fork(handoff.take)
      yield* Effect.yieldNow()
      assert.isTrue(Option.isNone(yield* Fiber.poll(taker)))
      yield* handoff.offer("event")
      assert.strictEqual(yield* Fiber.join(taker), "event")
    }))

  it.effect("unsafeOffer reaches a waiting taker, fills an empty slot, and refuses a full one", () =>
    Effect.gen(function*() {
      const handoff = Handoff.make<string>()
      const taker = yield* Effect.fork(handoff.take)
      yield* Effect.yieldNow()
      assert.isTrue(handoff.unsafeOffer("limit"))
      assert.strictEqual(yield* Fiber.join(taker), "limit")
      assert.isTrue(handoff.unsafeOffer("first"))
      assert.isFalse(handoff.unsafeOffer("second"), "a value already in the slot is never replaced")
      assert.strictEqual(yield* handoff.take, "first")
    }))

  it.effect("an interrupted taker leaves no claim on the next value", () =>
    Effect.gen(function*() {
      const handoff = Handoff.make<number>()
      const gone = yield* Effect.fork(handoff.take)
      yield* Effect.yieldNow()
      yield* Fiber.interrupt(gone)
      yield* handoff.offer(7)
      assert.strictEqual(yield* handoff.take, 7)
    }))
})
