/**
 * The rate limit policy over Effect's `RateLimiter` and its memory store, in virtual time: when
 * attempts go, what a turn costs, what a local refusal says, how a 429's wait reaches the other
 * replicas, what a store failure does, and the cap on open turns.
 */
import { assert, describe, it } from "@effect/vitest"
import type * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as RateLimiter from "effect/persistence/RateLimiter"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"
import { TestClock } from "effect/testing"
import { ChatService } from "../src/ChatService.js"
import * as RateLimitPolicy from "../src/RateLimitPolicy.js"
import { TimeoutPolicy } from "../src/TimeoutPolicy.js"
import { MockTransport, type MockReply } from "../src/testing.js"
import { type SleepLog, captureLogs, chatLayer, create, ok, requests, waitUntil, withoutWaiting } from "./fixtures/calls.js"
import { API_KEY, failsWith } from "./fixtures/harness.js"

const SESSION_ID = "ses-1"

const memory = RateLimiter.layer.pipe(Layer.provide(RateLimiter.layerStoreMemory))
const limited = (options: RateLimitPolicy.Options, limiter: Layer.Layer<RateLimiter.RateLimiter> = memory) =>
  RateLimitPolicy.layer(options).pipe(Layer.provide(limiter))
const sentCount = Effect.map(requests, (all) => all.length)
const sent = (n: number) => waitUntil(`${n} request(s) were sent`, Effect.map(sentCount, (count) => count >= n))
/** Lets every fiber that can run without the clock run, then checks nothing more was sent. */
const stillSent = (n: number) =>
  Effect.gen(function*() {
    for (let i = 0; i < 50; i++) yield* Effect.yieldNow
    assert.strictEqual(yield* sentCount, n)
  })
const stop = { type: "stop", error: null, is_error: false, usage: {} }
const stopFrame = `data: ${JSON.stringify(stop)}\n\n`
const send = Effect.map(ChatService, (chat) => chat.sendMessage(SESSION_ID, { prompt: "hi", indexIds: ["idx-1"] }))

describe("RateLimitPolicy in delay mode (the default)", () => {
  it.effect("sends `limit` calls per window and the rest at the next windows, every call completed", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(Effect.all(Array.from({ length: 5 }, () => create()), { concurrency: "unbounded" }))
      yield* sent(2)
      yield* stillSent(2)
      yield* TestClock.adjust("10 seconds")
      yield* sent(4)
      yield* stillSent(4)
      yield* TestClock.adjust("10 seconds")
      const sessions = yield* Fiber.join(fiber)
      assert.lengthOf(sessions, 5)
      assert.strictEqual(yield* sentCount, 5)
    }).pipe(Effect.provide(chatLayer([ok], {}, limited({ limit: 2, window: "10 seconds" })))))

  it.effect("a retry takes a token too: it waits for the next window, not only for its backoff", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(create())
      yield* sent(1)
      // The backoff ends within a second or so; the token for the retry only at 10 s.
      yield* TestClock.adjust("9 seconds")
      yield* stillSent(1)
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      assert.strictEqual(yield* sentCount, 2)
    }).pipe(Effect.provide(chatLayer([MockTransport.json(503, { detail: "busy" }), ok], {}, limited({ limit: 1, window: "10 seconds" })))))

  it.effect("a turn's request takes `turnCost` tokens", () =>
    Effect.gen(function*() {
      const turn = yield* Effect.flatMap(send, Stream.runCollect)
      assert.strictEqual(turn.at(-1)?._tag, "Stop")
      const fiber = yield* Effect.forkChild(create())
      yield* stillSent(1)
      yield* TestClock.adjust("1 minute")
      yield* Fiber.join(fiber)
      assert.strictEqual(yield* sentCount, 2)
    }).pipe(Effect.provide(chatLayer(
      (request) => request.url.endsWith("/stream") ? MockTransport.text(200, stopFrame, { "content-type": "text/event-stream" }) : ok,
      {},
      limited({ limit: 3, window: "1 minute", turnCost: 3 })
    ))))

  it.effect("the wait is interruptible, and an interrupted call sends nothing", () =>
    Effect.gen(function*() {
      yield* create()
      const waiting = yield* Effect.forkChild(create())
      yield* stillSent(1)
      yield* Fiber.interrupt(waiting)
      yield* TestClock.adjust("1 minute")
      yield* stillSent(1)
    }).pipe(Effect.provide(chatLayer([ok], {}, limited({ limit: 1, window: "1 minute" })))))

  it.effect("the wait counts against TimeoutPolicy's total deadline", () =>
    Effect.gen(function*() {
      yield* create()
      const fiber = yield* Effect.forkChild(failsWith("NetworkError")(create()))
      yield* TestClock.adjust("5 seconds")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error.reason, "DeadlineExceeded")
      assert.strictEqual(yield* sentCount, 1)
    }).pipe(Effect.provide(chatLayer([ok], {}, Layer.merge(limited({ limit: 1, window: "1 minute" }), TimeoutPolicy.layer({ total: "5 seconds" }))))))

  it.effect("a policy provided around one call applies to it", () =>
    Effect.gen(function*() {
      yield* create()
      yield* create()
      const fiber = yield* Effect.forkChild(create().pipe(Effect.provide(limited({ limit: 1, window: "1 minute" }))))
      yield* Fiber.join(fiber)
      const second = yield* Effect.forkChild(create().pipe(Effect.provide(limited({ limit: 1, window: "1 minute" }))))
      // A fresh memory store: a fresh limit, so both go at once.
      yield* Fiber.join(second)
      assert.strictEqual(yield* sentCount, 4)
    }).pipe(Effect.provide(chatLayer([ok]))))
})

describe("RateLimitPolicy in fail mode", () => {
  it.effect("refuses at once with a local RateLimitError saying how long to wait, and sends nothing", () =>
    Effect.gen(function*() {
      yield* create()
      const error = yield* withoutWaiting(failsWith("RateLimitError")(create()))
      assert.strictEqual(error.origin, "local")
      assert.isTrue(Option.isSome(error.retryAfter))
      assert.isTrue(Duration.isLessThanOrEqualTo(Option.getOrThrow(error.retryAfter), Duration.minutes(1)))
      assert.include(error.message, "local rate limit")
      assert.include(error.message, "not sent")
      assert.strictEqual(error.operation, "ChatService.create")
      assert.strictEqual(yield* sentCount, 1)
    }).pipe(Effect.provide(chatLayer([ok], {}, limited({ limit: 1, window: "1 minute", onExceeded: "fail" })))))

  it.effect("a server 429 stays a RateLimitError of origin server", () =>
    Effect.gen(function*() {
      const error = yield* withoutWaiting(failsWith("RateLimitError")(create()))
      assert.notStrictEqual(error.origin, "local")
      assert.include(error.message, "LlamaCloud is rate limiting")
    }).pipe(Effect.provide(chatLayer([MockTransport.json(429, { detail: "slow down" }, { "retry-after": "600" })], {}, limited({ limit: 5, window: "1 minute", onExceeded: "fail" })))))
})

/** Two replicas: services over their own transports and one shared limiter (the memory store stands for Redis). */
const replicas = (options: RateLimitPolicy.Options, first: MockReply | ReadonlyArray<MockReply>, second: MockReply | ReadonlyArray<MockReply>) =>
  Effect.gen(function*() {
    const limiter = yield* RateLimiter.make
    const policy = limited(options, Layer.succeed(RateLimiter.RateLimiter, limiter))
    const build = (replies: MockReply | ReadonlyArray<MockReply>) =>
      Layer.build(chatLayer(Array.isArray(replies) ? replies : [replies as MockReply], {}, policy))
    return [yield* build(first), yield* build(second)] as const
  }).pipe(Effect.provide(RateLimiter.layerStoreMemory))

const on = <A, E>(
  replica: Context.Context<ChatService | MockTransport | SleepLog>,
  effect: Effect.Effect<A, E, ChatService | MockTransport>
) =>
  Effect.provideContext(effect, replica)

/**
 * Lets replica A take its 429 and share the wait: the memory store answers without the clock, so
 * once every runnable fiber has run, A is sleeping its Retry-After and the wait is in the store.
 */
const settled = Effect.gen(function*() {
  for (let i = 0; i < 200; i++) yield* Effect.yieldNow
})

describe("a 429's Retry-After", () => {
  it.effect("is shared: the other replicas wait for it too, and the fleet waits once", () =>
    Effect.gen(function*() {
      const [a, b] = yield* replicas({ limit: 10, window: "1 second" }, [MockTransport.json(429, { detail: "slow down" }, { "retry-after": "30" }), ok], ok)
      const first = yield* Effect.forkChild(on(a, create()))
      yield* on(a, sent(1))
      yield* settled
      // Replica A has the 429 and is sleeping its Retry-After; B starts a call now.
      const second = yield* Effect.forkChild(on(b, create()))
      yield* TestClock.adjust("29 seconds")
      yield* on(b, stillSent(0))
      yield* TestClock.adjust("2 seconds")
      yield* Fiber.join(second)
      yield* Fiber.join(first)
      assert.strictEqual(yield* on(b, sentCount), 1)
      assert.strictEqual(yield* on(a, sentCount), 2)
    }))

  it.effect("a 429 without a wait shares nothing", () =>
    Effect.gen(function*() {
      const [a, b] = yield* replicas({ limit: 10, window: "1 second" }, MockTransport.json(429, { detail: "slow down" }), ok)
      yield* Effect.forkChild(on(a, create()))
      yield* on(a, sent(1))
      yield* withoutWaiting(on(b, create()))
      assert.strictEqual(yield* on(b, sentCount), 1)
    }))

  it.effect("in fail mode, the other replicas are refused locally until the wait has passed", () =>
    Effect.gen(function*() {
      const [a, b] = yield* replicas(
        { limit: 10, window: "1 second", onExceeded: "fail" },
        MockTransport.json(429, { detail: "slow down" }, { "retry-after": "30" }),
        ok
      )
      yield* Effect.forkChild(on(a, create()))
      yield* on(a, sent(1))
      yield* settled
      const error = yield* withoutWaiting(failsWith("RateLimitError")(on(b, create())))
      assert.strictEqual(error.origin, "local")
      assert.isTrue(Duration.isGreaterThanOrEqualTo(Option.getOrThrow(error.retryAfter), Duration.seconds(29)))
      yield* TestClock.adjust("32 seconds")
      yield* withoutWaiting(on(b, create()))
      assert.strictEqual(yield* on(b, sentCount), 1)
    }))
})

/** A store that fails every call, or never answers: Redis down, as the limiter sees it. */
const brokenStore = (how: "fails" | "hangs") => {
  const down = how === "hangs" ? Effect.never : Effect.fail(
    new RateLimiter.RateLimiterError({ reason: new RateLimiter.RateLimitStoreError({ message: "Connection is closed." }) })
  )
  return Layer.succeed(RateLimiter.RateLimiterStore, {
    fixedWindow: () => down,
    tokenBucket: () => down,
    adaptiveConsume: () => down,
    adaptiveFeedback: () => down
  })
}
const overBroken = (how: "fails" | "hangs") => RateLimiter.layer.pipe(Layer.provide(brokenStore(how)))

describe("when the store fails", () => {
  const logs = captureLogs()
  it.effect("by default every call proceeds, sent once, and the outage is logged once", () =>
    Effect.gen(function*() {
      yield* withoutWaiting(create())
      yield* withoutWaiting(create())
      yield* withoutWaiting(create())
      assert.strictEqual(yield* sentCount, 3)
      assert.lengthOf(logs.lines.filter((line) => line.level === "WARN" && line.message.includes("rate limit store failed")), 1)
    }).pipe(
      Effect.provide(chatLayer([ok], {}, limited({ limit: 1, window: "1 minute" }, overBroken("fails")))),
      Effect.provide(logs.layer)
    ))

  it.effect("a store that does not answer counts as failed after storeTimeout", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(create())
      yield* settled
      yield* TestClock.adjust("1999 millis")
      yield* stillSent(0)
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(fiber)
      assert.strictEqual(yield* sentCount, 1)
    }).pipe(Effect.provide(chatLayer([ok], {}, limited({ limit: 1, window: "1 minute" }, overBroken("hangs"))))))

  it.effect("with onStoreFailure: \"fail\", the call fails with a RateLimitError of origin store and sends nothing", () =>
    Effect.gen(function*() {
      const error = yield* withoutWaiting(failsWith("RateLimitError")(create()))
      assert.strictEqual(error.origin, "store")
      assert.include(error.message, "Connection is closed.")
      assert.include(error.message, "onStoreFailure")
      assert.strictEqual(yield* sentCount, 0)
    }).pipe(Effect.provide(chatLayer([ok], {}, limited({ limit: 1, window: "1 minute", onStoreFailure: "fail" }, overBroken("fails"))))))
})

describe("maxOpenTurns", () => {
  const openTurn = MockTransport.eventStream([{ type: "text_delta", content: "a" }, MockTransport.pause("1 minute"), stop])
  it.effect("a turn beyond the cap waits until an open turn ends", () =>
    Effect.gen(function*() {
      const first = yield* Effect.forkChild(Effect.flatMap(send, Stream.runDrain))
      yield* sent(1)
      const second = yield* Effect.forkChild(Effect.flatMap(send, Stream.runDrain))
      yield* stillSent(1)
      yield* TestClock.adjust("1 minute")
      yield* Fiber.join(first)
      yield* sent(2)
      yield* TestClock.adjust("1 minute")
      yield* Fiber.join(second)
    }).pipe(Effect.provide(chatLayer([openTurn], {}, limited({ limit: 100, window: "1 second", maxOpenTurns: 1 })))))
})

describe("the key", () => {
  it.effect("defaults to the account, never the API key", () =>
    Effect.gen(function*() {
      const keys: Array<string> = []
      const recording = Layer.effect(
        RateLimiter.RateLimiterStore,
        Effect.map(Effect.service(RateLimiter.RateLimiterStore), (store) => ({
          ...store,
          fixedWindow: (options) => Effect.andThen(Effect.sync(() => keys.push(options.key)), store.fixedWindow(options)),
          tokenBucket: (options) => Effect.andThen(Effect.sync(() => keys.push(options.key)), store.tokenBucket(options))
        }))
      ).pipe(Layer.provide(RateLimiter.layerStoreMemory))
      yield* create().pipe(Effect.provide(chatLayer([ok], {}, limited({ limit: 1, window: "1 minute" }, RateLimiter.layer.pipe(Layer.provide(recording))))))
      yield* create().pipe(Effect.provide(chatLayer([ok], {}, limited({ limit: 1, window: "1 minute", key: "tenant-7" }, RateLimiter.layer.pipe(Layer.provide(recording))))))
      assert.lengthOf(keys, 2)
      assert.include(keys[0], "https://api.test")
      assert.notInclude(keys[0], API_KEY)
      assert.strictEqual(keys[1], "tenant-7")
    }))
})

describe("RateLimitPolicy.layer's options", () => {
  const refused = (options: unknown) =>
    Effect.flip(Layer.build(RateLimitPolicy.layer(options as RateLimitPolicy.Options).pipe(Layer.provide(memory))))

  it.effect("a wrong option fails the layer with a ConfigError naming the option and the value", () =>
    Effect.gen(function*() {
      assert.include(String(yield* refused({ limit: 0, window: "1 minute" })), "limit must be a whole number from 1")
      assert.include(String(yield* refused({ limit: 5, window: "1 minute", turnCost: 6 })), "turnCost must be a whole number from 1 to 5")
      assert.include(String(yield* refused({ limit: 5, window: "-1 seconds" })), "window must be a duration")
      assert.include(String(yield* refused({ limit: 5, window: "1 minute", onExceeded: "wait" })), "onExceeded must be one of")
      assert.include(String(yield* refused({ limit: 5, window: "1 minute", maxOpenTurn: 2 })), "has no option \"maxOpenTurn\"")
      assert.include(String(yield* refused({ limit: 5 })), "needs window")
    }))

  it("the window is made a whole number of milliseconds per token, rounded up", () => {
    const settings = Result.getOrThrow(RateLimitPolicy.settings({ limit: 7, window: "1 second" }))
    assert.strictEqual(Duration.toMillis(settings.window), 1_001)
  })
})
