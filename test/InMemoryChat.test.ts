/**
 * A user's program, tested the way a user would: by swapping the real service for
 * `InMemoryChat.layer`.
 */
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { ChatService } from "../src/ChatService.js"
import { NetworkError, RateLimitError } from "../src/LlamaCloudError.js"
import { InMemoryChat } from "../src/testing.js"

/** The user's program: open a session for a set of indexes, degrading gracefully when LlamaCloud pushes back. */
type Opened =
  | { readonly _tag: "Opened"; readonly sessionId: string }
  | { readonly _tag: "TryLater"; readonly after: Option.Option<Duration.Duration> }
  | { readonly _tag: "Offline" }

const openSession = (indexIds: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const chat = yield* ChatService
    const session = yield* chat.create({ indexIds })
    const opened: Opened = { _tag: "Opened", sessionId: session.sessionId }
    return opened
  }).pipe(
    Effect.catchTags({
      RateLimitError: (error): Effect.Effect<Opened> => Effect.succeed({ _tag: "TryLater", after: error.retryAfter }),
      NetworkError: (): Effect.Effect<Opened> => Effect.succeed({ _tag: "Offline" })
    })
  )

const rateLimited = new RateLimitError({
  status: 429,
  detail: "slow down",
  retryAfter: Option.some(Duration.seconds(30)),
  requestId: Option.none()
})

describe("a program over InMemoryChat", () => {
  it.effect("gets deterministic session ids, in order", () =>
    Effect.gen(function*() {
      const first = yield* openSession(["idx-a"])
      const second = yield* openSession([])
      assert.deepStrictEqual([first, second], [
        { _tag: "Opened", sessionId: "ses-000001" },
        { _tag: "Opened", sessionId: "ses-000002" }
      ])
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("stores what it created, with the parameters it was given", () =>
    Effect.gen(function*() {
      yield* openSession(["idx-a", "idx-b"])
      const memory = yield* InMemoryChat
      const [session] = yield* memory.sessions
      assert.strictEqual(session?.sessionId, "ses-000001")
      assert.deepStrictEqual(session?.indexIds, Option.some(["idx-a", "idx-b"]))
      assert.deepStrictEqual(session?.generatedTitle, Option.none())
      assert.deepStrictEqual(yield* memory.calls, [{ indexIds: ["idx-a", "idx-b"] }])
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("stamps sessions with the test clock", () =>
    Effect.gen(function*() {
      yield* TestClock.adjust("90 seconds")
      const chat = yield* ChatService
      const session = yield* chat.create()
      assert.strictEqual(DateTime.toEpochMillis(session.lastUpdatedAt), 90_000)
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("handles a scripted RateLimitError with catchTags", () =>
    Effect.gen(function*() {
      const memory = yield* InMemoryChat
      yield* memory.failNext(rateLimited)
      const refused = yield* openSession(["idx-a"])
      const accepted = yield* openSession(["idx-a"])
      assert.deepStrictEqual(refused, { _tag: "TryLater", after: Option.some(Duration.seconds(30)) })
      assert.deepStrictEqual(accepted, { _tag: "Opened", sessionId: "ses-000001" }, "a failed call creates nothing")
      assert.lengthOf(yield* memory.calls, 2)
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("fails as many calls as scripted, in order", () =>
    Effect.gen(function*() {
      const memory = yield* InMemoryChat
      yield* memory.failNext(rateLimited, 2)
      yield* memory.failNext(new NetworkError({ reason: "ConnectFailed", detail: "down", timeout: Option.none() }))
      const results = yield* Effect.forEach([1, 2, 3, 4], () => openSession([]))
      assert.deepStrictEqual(results.map((r) => r._tag), ["TryLater", "TryLater", "Offline", "Opened"])
      assert.lengthOf(yield* memory.sessions, 1)
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("validates parameters as the real service does, before any scripted failure", () =>
    Effect.gen(function*() {
      const memory = yield* InMemoryChat
      yield* memory.failNext(rateLimited)
      const chat = yield* ChatService
      const error = yield* Effect.flip(chat.create({ indexIds: Array.from({ length: 11 }, (_, i) => `idx-${i}`) }))
      assert.strictEqual(error._tag, "ValidationError")
      assert.include(error.message, "at most 10")
      assert.strictEqual((yield* Effect.flip(chat.create()))._tag, "RateLimitError", "the scripted failure is still queued")
      assert.lengthOf(yield* memory.sessions, 0)
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("keeps each provided layer's sessions apart", () =>
    Effect.gen(function*() {
      const once = openSession([]).pipe(Effect.provide(InMemoryChat.layer))
      assert.deepStrictEqual([yield* once, yield* once], [
        { _tag: "Opened", sessionId: "ses-000001" },
        { _tag: "Opened", sessionId: "ses-000001" }
      ])
    }))
})
