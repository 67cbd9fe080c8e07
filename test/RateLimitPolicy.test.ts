/**
 * The rate limit policy over Effect's `RateLimiter` and its memory store, in virtual time: when
 * attempts go, what a turn costs, what a local refusal says, how a 429's wait reaches the other
 * replicas, what a store failure does, and the cap on open turns.
 */
import * as RateLimiter from "@effect/experimental/RateLimiter"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { ChatService } from "../src/ChatService.js"
import * as RateLimitPolicy from "../src/RateLimitPolicy.js"
import { TimeoutPolicy } from "../src/TimeoutPolicy.js"
import { MockTransport, type MockReply } from "../src/testing.js"
import { API_KEY, captureLogs, chatLayer, create, failsWith, ok, requests, waitUntil, wakeAt, withoutWaiting } from "./fixtures/harness.js"
import { SESSION_ID } from "./fixtures/operations.js"

const memory = RateLimiter.layer.pipe(Layer.provide(RateLimiter.layerStoreMemory))
const limited = (options: RateLimitPolicy.Options, limiter: Layer.Layer<RateLimiter.RateLimiter> = memory) =>
  RateLimitPolicy.layer(options).pipe(Layer.provide(limiter))
const noJitter = Effect.withRandom(Random.fixed([0]))
const sentCount = Effect.map(requests, (all) => all.length)
const sent = (n: number) => waitUntil(`${n} request(s) were sent`, Effect.map(sentCount, (count) => count >= n))
/** Lets every fiber that can run without the clock run, then checks nothing more was sent. */
const stillSent = (n: number) =>
  Effect.gen(function*() {
    for (let i = 0; i < 50; i++) yield* Effect.yieldNow()
    assert.strictEqual(yield* sentCount, n)
  })
const stop = { type: "stop", error: null, is_error: false, usage: {} }
const stopFrame = `data: ${JSON.stringify(stop)}\n\n`
const send = Effect.map(ChatService, (chat) => chat.sendMessage(SESSION_ID, { prompt: "hi", indexIds: ["idx-1"] }))

describe("RateLimitPolicy in delay mode (the default)", () => {
  it.effect("sends `limit` calls per window and the rest at the next windows, every call completed", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.all(Array.from({ length: 5 }, () => create()), { concurrency: "unbounded" }))
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
      const fiber = yield* Effect.fork(noJitter(create()))
      yield* sent(1)
      // The backoff ends at 500 ms; the token for the retry only at 10 s.
      yield* TestClock.adjust("9 seconds")
      yield* stillSent(1)
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      assert.strictEqual(yield* sentCount, 2)
    }).pipe(Effect.provide(chatLayer([MockTransport.json(503, { detail: "busy" }), ok], {}, limited({ limit: 1, window: "10 seconds" })))))

  it.effect("a turn's request takes `turnCost` tokens", () =>
    Effect.gen(function*() {
      const turn = yield* Effect.flatMap(send, Stream.runCollect)
      assert.strictEqual(Chunk.last(turn).pipe(Option.map((e) => e._tag), Option.getOrUndefined), "Stop")
      const fiber = yield* Effect.fork(create())
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
      const waiting = yield* Effect.fork(create())
      yield* stillSent(1)
      yield* Fiber.interrupt(waiting)
      yield* TestClock.adjust("1 minute")
      yield* stillSent(1)
    }).pipe(Effect.provide(chatLayer([ok], {}, limited({ limit: 1, window: "1 minute" })))))

  it.effect("the wait counts against TimeoutPolicy's total deadline", () =>
    Effect.gen(function*() {
      yield* create()
      const fiber = yield* Effect.fork(failsWith("NetworkError")(create()))
      yield* TestClock.adjust("5 seconds")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error.reason, "DeadlineExceeded")
      assert.strictEqual(yield* sentCount, 1)
    }).pipe(Effect.provide(chatLayer([ok], {}, Layer.merge(limited({ limit: 1, window: "1 minute" }), TimeoutPolicy.layer({ total: "5 seconds" }))))))

  it.effect("a policy provided around one call applies to it", () =>
    Effect.gen(function*() {
      yield* create()
      yield* create()
      const fiber = yield* Effect.fork(create().pipe(Effect.provide(limited({ limit: 1, window: "1 minute" }))))
      yield* Fiber.join(fiber)
      const second = yield* Effect.fork(create().pipe(Effect.provide(limited({ limit: 1, window: "1 minute" }))))
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
      assert.isTrue(Duration.lessThanOrEqualTo(Option.getOrThrow(error.retryAfter), Duration.minutes(1)))
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

const on = <A, E>(replica: Context.Context<ChatService | MockTransport>, effect: Effect.Effect<A, E, ChatService | MockTransport>) =>
  Effect.provide(effect, replica)

describe("a 429's Retry-After", () => {
  it.scoped("is shared: the other replicas wait for it too, and the fleet waits once", () =>
    Effect.gen(function*() {
      const [a, b] = yield* replicas({ limit: 10, window: "1 second" }, [MockTransport.json(429, { detail: "slow down" }, { "retry-after": "30" }), ok], ok)
      const first = yield* Effect.fork(on(a, create()))
      yield* on(a, sent(1))
      // Replica A has the 429 and is sleeping its Retry-After; B starts a call now.
      yield* waitUntil("A sleeps its Retry-After", Effect.map(TestClock.sleeps(), Chunk.some((t) => t === 30_000)))
      const second = yield* Effect.fork(on(b, create()))
      yield* TestClock.adjust("29 seconds")
      yield* on(b, stillSent(0))
      yield* TestClock.adjust("2 seconds")
      yield* Fiber.join(second)
      yield* Fiber.join(first)
      assert.strictEqual(yield* on(b, sentCount), 1)
      assert.strictEqual(yield* on(a, sentCount), 2)
    }))

  it.scoped("a 429 without a wait shares nothing", () =>
    Effect.gen(function*() {
      const [a, b] = yield* replicas({ limit: 10, window: "1 second" }, MockTransport.json(429, { detail: "slow down" }), ok)
      yield* Effect.fork(on(a, create()))
      yield* on(a, sent(1))
      yield* withoutWaiting(on(b, create()))
      assert.strictEqual(yield* on(b, sentCount), 1)
    }))

  it.scoped("in fail mode, the other replicas are refused locally until the wait has passed", () =>
    Effect.gen(function*() {
      const [a, b] = yield* replicas(
        { limit: 10, window: "1 second", onExceeded: "fail" },
        MockTransport.json(429, { detail: "slow down" }, { "retry-after": "30" }),
        ok
      )
      yield* Effect.fork(on(a, create()))
      yield* on(a, sent(1))
      yield* waitUntil("A sleeps its Retry-After", Effect.map(TestClock.sleeps(), Chunk.some((t) => t === 30_000)))
      const error = yield* withoutWaiting(failsWith("RateLimitError")(on(b, create())))
      assert.strictEqual(error.origin, "local")
      assert.isTrue(Duration.greaterThanOrEqualTo(Option.getOrThrow(error.retryAfter), Duration.seconds(29)))
      yield* TestClock.adjust("32 seconds")
      yield* withoutWaiting(on(b, create()))
      assert.strictEqual(yield* on(b, sentCount), 1)
    }))
})

/** A store that fails every call, or never answers: Redis down, as the limiter sees it. */
const brokenStore = (how: "fails" | "hangs") =>
  Layer.succeed(RateLimiter.RateLimiterStore, {
    fixedWindow: () =>
      how === "hangs" ? Effect.never : Effect.fail(new RateLimiter.RateLimitStoreError({ message: "Connection is closed." })),
    tokenBucket: () =>
      how === "hangs" ? Effect.never : Effect.fail(new RateLimiter.RateLimitStoreError({ message: "Connection is closed." }))
  })
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
      const fiber = yield* Effect.fork(create())
      yield* wakeAt(2_000)
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
      const first = yield* Effect.fork(Effect.flatMap(send, Stream.runDrain))
      yield* sent(1)
      const second = yield* Effect.fork(Effect.flatMap(send, Stream.runDrain))
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
        Effect.map(RateLimiter.RateLimiterStore, (store) => ({
          fixedWindow: (options) => Effect.zipRight(Effect.sync(() => keys.push(options.key)), store.fixedWindow(options)),
          tokenBucket: (options) => Effect.zipRight(Effect.sync(() => keys.push(options.key)), store.tokenBucket(options))
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

  it.scoped("a wrong option fails the layer with a ConfigError naming the option and the value", () =>
    Effect.gen(function*() {
      assert.include(String(yield* refused({ limit: 0, window: "1 minute" })), "limit must be a whole number from 1")
      assert.include(String(yield* refused({ limit: 5, window: "1 minute", turnCost: 6 })), "turnCost must be a whole number from 1 to 5")
      assert.include(String(yield* refused({ limit: 5, window: "-1 seconds" })), "window must be a duration")
      assert.include(String(yield* refused({ limit: 5, window: "1 minute", onExceeded: "wait" })), "onExceeded must be one of")
      assert.include(String(yield* refused({ limit: 5, window: "1 minute", maxOpenTurn: 2 })), "has no option \"maxOpenTurn\"")
      assert.include(String(yield* refused({ limit: 5 })), "needs window")
    }))

  it("the window is made a whole number of milliseconds per token, rounded up", () => {
    const settings = Either.getOrThrow(RateLimitPolicy.settings({ limit: 7, window: "1 second" }))
    assert.strictEqual(Duration.toMillis(settings.window), 1_001)
  })
})
