/**
 * A turn: `sendMessage` streams the agent's events as they arrive, `ask` collects them. Over the
 * mock transport, in virtual time: what ends a turn, what fails it, what is retried and what never is.
 * The cases that are an answer and what the caller sees are test/shared/turnAnswers.ts, run by both
 * editions; the rest (timings within a call, cancelling, `ask`, properties) are written here.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { ChatService } from "../src/ChatService.js"
import type { ChatEvent } from "../src/ChatEvent.js"
import type { SendMessageParams } from "../src/ChatParams.js"
import { RetryPolicy } from "../src/RetryPolicy.js"
import { TimeoutPolicy } from "../src/TimeoutPolicy.js"
import { MockTransport, type WireEvent } from "../src/testing.js"
import { chatLayer, chatOver, failsWith, requests, sleepingUntil, waitUntil, wakeAt, withoutWaiting } from "./fixtures/harness.js"
import { SESSION_ID, sseReply, turnEvents, turnReply } from "./fixtures/operations.js"
import * as TurnAnswers from "./shared/turnAnswers.js"

const turn: SendMessageParams = TurnAnswers.turn
const send = (params: SendMessageParams = turn) => Effect.map(ChatService, (chat) => chat.sendMessage(SESSION_ID, params))
const events = (params: SendMessageParams = turn) => Effect.flatMap(send(params), Stream.runCollect).pipe(Effect.map(Chunk.toReadonlyArray))
const ask = (params: SendMessageParams = turn) => Effect.flatMap(ChatService, (chat) => chat.ask(SESSION_ID, params))
const aborted = Effect.flatMap(MockTransport, (mock) => mock.aborted)
const noJitter = Effect.withRandom(Random.fixed([0]))

const [thinkingDelta, thinking, , , delta1, delta2, , stop] = turnEvents
const stopWith = (fields: Record<string, unknown>): WireEvent => ({ ...stop!, ...fields, type: "stop" })

/** A case of the shared table run: the turn over its answers, policies and clock, and what the caller saw. */
const seen = (turnCase: TurnAnswers.Case) =>
  Effect.gen(function*() {
    const got: Array<ChatEvent> = []
    const params = (turnCase.params ?? turn) as SendMessageParams
    const drained = Effect.either(Effect.flatMap(send(params), Stream.runForEach((event) => Effect.sync(() => got.push(event)))))
    const { wakes } = turnCase
    const result = yield* wakes === undefined
      ? withoutWaiting(drained)
      : Effect.flatMap(Effect.fork(noJitter(drained)), (fiber) => Effect.zipRight(wakeAt(...wakes), Fiber.join(fiber)))
    return { events: got, failure: Option.getOrUndefined(Either.getLeft(result)), requests: (yield* requests).length, aborted: yield* aborted }
  }).pipe(Effect.provide(chatLayer(
    turnCase.answers.map(turnReply),
    {},
    Layer.mergeAll(
      turnCase.retry === undefined ? Layer.empty : RetryPolicy.layer(turnCase.retry),
      turnCase.timeout === undefined ? Layer.empty : TimeoutPolicy.layer(turnCase.timeout)
    )
  )))

for (const [what, cases] of TurnAnswers.turnAnswers) {
  describe(what, () => {
    for (const turnCase of cases) {
      it.effect(turnCase.name, () =>
        Effect.map(seen(turnCase), (got) =>
          assert.deepStrictEqual(TurnAnswers.checkedOf(got, turnCase.expected), TurnAnswers.expectedOf(turnCase.expected))))
    }
  })
}

describe("sendMessage", () => {
  it.effect("emits each event as it arrives, before the turn has ended", () =>
    Effect.gen(function*() {
      const stream = yield* send()
      const first = yield* Effect.fork(Stream.runHead(stream))
      // Only the first event has been sent; the rest waits a minute.
      const head = yield* Fiber.join(first)
      assert.strictEqual(Option.getOrThrow(head)._tag, "ThinkingDelta")
    }).pipe(Effect.provide(chatLayer([
      MockTransport.eventStream([thinkingDelta!, MockTransport.pause("1 minute"), ...turnEvents.slice(1)])
    ]))))
})

describe("the idle timeout", () => {
  const idle = TimeoutPolicy.layer({ idle: "30 seconds" })

  it.effect("fails with IdleTimeout when no event comes, although keep-alives do", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(failsWith("NetworkError")(events()))
      yield* waitUntil("the first event was read", Effect.map(requests, (all) => all.length === 1))
      yield* sleepingUntil(30_000)
      yield* TestClock.adjust("29999 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* TestClock.adjust("1 millis")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error.reason, "IdleTimeout")
      assert.deepStrictEqual(error.timeout, Option.some(Duration.seconds(30)))
      assert.include(error.message, "after 1 events")
      assert.strictEqual(yield* aborted, 1, "the request is aborted")
      assert.lengthOf(yield* requests, 1, "a stalled turn is never re-posted")
    }).pipe(Effect.provide(chatLayer(
      [MockTransport.eventStream([thinkingDelta!], { end: "open", keepAlive: "5 seconds" })],
      {},
      idle
    ))))
})

describe("cancelling", () => {
  it.effect("taking fewer events aborts the request at once", () =>
    Effect.gen(function*() {
      const stream = yield* send()
      const two = yield* withoutWaiting(Stream.runCollect(Stream.take(stream, 2)))
      assert.strictEqual(Chunk.size(two), 2)
      assert.strictEqual(yield* aborted, 1)
    }).pipe(Effect.provide(chatLayer([MockTransport.eventStream(turnEvents, { end: "open" })]))))

  it.effect("interrupting the consumer aborts the request", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(events())
      yield* waitUntil("the request was sent", Effect.map(requests, (all) => all.length === 1))
      yield* Fiber.interrupt(fiber)
      assert.strictEqual(yield* aborted, 1)
    }).pipe(Effect.provide(chatLayer([MockTransport.eventStream([thinkingDelta!], { end: "open" })]))))
})

describe("the request", () => {
  it.effect("sends require_all_indexes only when set", () =>
    Effect.gen(function*() {
      yield* events()
      yield* events({ ...turn, requireAllIndexes: true })
      const [plain, strict] = yield* requests
      assert.deepStrictEqual(JSON.parse(plain?.body ?? ""), { index_ids: ["idx-1"], prompt: turn.prompt })
      assert.deepStrictEqual(JSON.parse(strict?.body ?? ""), { index_ids: ["idx-1"], prompt: turn.prompt, require_all_indexes: true })
    }).pipe(Effect.provide(chatLayer([sseReply()]))))
})

describe("ask", () => {
  it.effect("collects the answer, the thinking, the tool calls with their results, and the usage", () =>
    Effect.gen(function*() {
      const reply = yield* ask()
      assert.strictEqual(reply.text, "Hello world")
      assert.strictEqual(reply.thinking, "Looking it up")
      assert.strictEqual(reply.toolCalls.length, 1)
      assert.isTrue(Option.isSome(reply.toolCalls[0]!.result))
      assert.deepStrictEqual(reply.usage.totalInputTokens, Option.some(3))
      assert.lengthOf(reply.events, 8)
    }).pipe(Effect.provide(chatLayer([sseReply()]))))

  it.effect("joins the text deltas when no Text came", () =>
    Effect.gen(function*() {
      assert.strictEqual((yield* ask()).text, "Hello world")
    }).pipe(Effect.provide(chatLayer([sseReply([delta1, delta2, stop])]))))

  it.effect("fails with TurnError when the Stop reports an error, carrying its message and usage", () =>
    Effect.gen(function*() {
      const error = yield* failsWith("TurnError")(ask())
      assert.deepStrictEqual(error.error, Option.some("index unavailable"))
      assert.deepStrictEqual(error.usage.totalInputTokens, Option.some(3))
      assert.strictEqual(error.operation, "ChatService.ask")
      assert.include(error.message, "index unavailable")
    }).pipe(Effect.provide(chatLayer([sseReply([delta1, stopWith({ is_error: true, error: "index unavailable" })])]))))

  it.effect("sendMessage emits that failing Stop as an event and ends normally", () =>
    Effect.gen(function*() {
      const all = yield* events()
      const last = all.at(-1)
      assert.isTrue(last?._tag === "Stop" && last.isError)
    }).pipe(Effect.provide(chatLayer([sseReply([stopWith({ is_error: true, error: "index unavailable" })])]))))
})

describe("a turn whose answer has begun is never posted again", () => {
  const faults = {
    reset: MockTransport.eventStream([thinkingDelta!, thinking!], { end: "reset" }),
    cut: sseReply([thinkingDelta, thinking]),
    malformed: MockTransport.eventStream([thinkingDelta!, "data: {oops\n\n"]),
    stalled: MockTransport.eventStream([thinkingDelta!], { end: "open", keepAlive: "1 second" })
  } as const

  it.effect.prop(
    "whatever the retry policy",
    [
      FastCheck.constantFrom(...(Object.keys(faults) as Array<keyof typeof faults>)),
      FastCheck.integer({ min: 0, max: 6 }),
      FastCheck.boolean()
    ],
    ([fault, maxRetries, retryAmbiguous]) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(Effect.either(events()))
        // Move far past every wait a retry could take, and past the idle limit.
        for (let i = 0; i < 20; i++) {
          yield* TestClock.adjust("10 seconds")
          if (Option.isSome(yield* Fiber.poll(fiber))) break
        }
        const result = yield* Fiber.join(fiber)
        assert.strictEqual(result._tag, "Left")
        assert.lengthOf(yield* requests, 1)
      }).pipe(Effect.provide(chatLayer(
        [faults[fault], sseReply()],
        {},
        Layer.mergeAll(
          RetryPolicy.layer({ maxRetries, retryAmbiguous, jitter: 0 }),
          TimeoutPolicy.layer({ idle: "5 seconds" })
        )
      ))),
    { fastCheck: { numRuns: 30 } }
  )
})

describe("backpressure", () => {
  it.live("a consumer that stops pulling stops the reading of the body: nothing buffers the turn", () => {
    const state = { pulled: 0 }
    const encoder = new TextEncoder()
    const client = HttpClient.make((request) =>
      Effect.sync(() => {
        // An endless turn, one event per chunk, produced only when the client asks for more.
        const body = new ReadableStream<Uint8Array>({
          pull: (controller) => {
            state.pulled++
            controller.enqueue(encoder.encode(`data: ${JSON.stringify({ type: "text_delta", content: `piece ${state.pulled}` })}\n\n`))
          }
        }, { highWaterMark: 0 })
        return HttpClientResponse.fromWeb(request, new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } }))
      })
    )
    return Effect.gen(function*() {
      const stream = yield* send()
      const taken: Array<string> = []
      const fiber = yield* Effect.fork(
        Stream.runForEach(stream, (event) =>
          Effect.suspend(() => {
            if (event._tag === "TextDelta") taken.push(event.content)
            // The consumer stops after 3 events and never pulls again.
            return taken.length >= 3 ? Effect.never : Effect.void
          }))
      )
      // Once the consumer has its 3 events (however long a loaded machine takes: the test's timeout
      // catches a hang), a while for a reader that buffers to run ahead.
      while (taken.length < 3) yield* Effect.sleep("5 millis")
      yield* Effect.sleep("200 millis")
      assert.lengthOf(taken, 3)
      assert.isAtMost(state.pulled, 20, "the body was read far ahead of the consumer")
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(chatOver(Layer.succeed(HttpClient.HttpClient, client))))
  })
})
