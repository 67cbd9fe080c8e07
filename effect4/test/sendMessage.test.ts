/**
 * A turn: `sendMessage` streams the agent's events as they arrive, `ask` collects them. Over the
 * mock transport, in virtual time: what ends a turn, what fails it, what is retried and what never is.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Stream from "effect/Stream"
import { TestClock } from "effect/testing"
import * as FastCheck from "fast-check"
import { ChatService } from "../src/ChatService.js"
import type { SendMessageParams } from "../src/ChatParams.js"
import { RetryPolicy } from "../src/RetryPolicy.js"
import { TimeoutPolicy } from "../src/TimeoutPolicy.js"
import { MockTransport, type WireEvent } from "../src/testing.js"
import {
  chatLayer,
  requests,
  SESSION_ID,
  sleepingUntil,
  sseReply,
  turnEvents,
  waitUntil,
  wakeAt,
  withoutWaiting
} from "./fixtures/calls.js"
import { chatOver, failsWith } from "./fixtures/harness.js"

const turn: SendMessageParams = { prompt: "What is in the index?", indexIds: ["idx-1"] }
const send = (params: SendMessageParams = turn) => Effect.map(ChatService, (chat) => chat.sendMessage(SESSION_ID, params))
const events = (params: SendMessageParams = turn) => Effect.flatMap(send(params), Stream.runCollect)
const ask = (params: SendMessageParams = turn) => ChatService.use((chat) => chat.ask(SESSION_ID, params))
const aborted = MockTransport.use((mock) => mock.aborted)
const noJitter = Effect.provideService(Random.Random, { nextIntUnsafe: () => 0, nextDoubleUnsafe: () => 0 })
const stillRunning = <A, E>(fiber: Fiber.Fiber<A, E>) => Effect.sync(() => fiber.pollUnsafe() === undefined)

const [thinkingDelta, thinking, , , delta1, delta2, text, stop] = turnEvents
const stopWith = (fields: Record<string, unknown>): WireEvent => ({ ...stop!, ...fields, type: "stop" })

describe("sendMessage", () => {
  it.effect("emits every event in order, decoded, ending with the turn's Stop", () =>
    Effect.gen(function*() {
      const all = yield* events()
      assert.deepStrictEqual(all.map((e) => e._tag), [
        "ThinkingDelta",
        "Thinking",
        "ToolCall",
        "ToolResult",
        "TextDelta",
        "TextDelta",
        "Text",
        "Stop"
      ])
      const call = all[2]
      assert.strictEqual(call?._tag === "ToolCall" ? call.callId : undefined, "call-1")
    }).pipe(Effect.provide(chatLayer([sseReply()]))))

  it.effect("emits each event as it arrives, before the turn has ended", () =>
    Effect.gen(function*() {
      const stream = yield* send()
      const first = yield* Effect.forkChild(Stream.runHead(stream))
      // Only the first event has been sent; the rest waits a minute.
      const head = yield* Fiber.join(first)
      assert.strictEqual(Option.getOrThrow(head)._tag, "ThinkingDelta")
    }).pipe(Effect.provide(chatLayer([
      MockTransport.eventStream([thinkingDelta!, MockTransport.pause("1 minute"), ...turnEvents.slice(1)])
    ]))))

  it.effect("completes after Stop although the server keeps the connection open, and aborts the request", () =>
    Effect.gen(function*() {
      const all = yield* withoutWaiting(events())
      assert.strictEqual(all.at(-1)?._tag, "Stop")
      assert.strictEqual(yield* aborted, 1)
    }).pipe(Effect.provide(chatLayer([
      MockTransport.eventStream([...turnEvents, { type: "text_delta", content: "after the end" }], { end: "open" })
    ]))))

  it.effect("keeps an event of an unknown type as UnknownEvent and goes on", () =>
    Effect.gen(function*() {
      const all = yield* events()
      const unknown = all[1]
      assert.strictEqual(unknown?._tag, "UnknownEvent")
      assert.strictEqual(unknown?._tag === "UnknownEvent" ? unknown.type : "", "citation")
      assert.strictEqual(all.at(-1)?._tag, "Stop")
    }).pipe(Effect.provide(chatLayer([sseReply([thinkingDelta, { type: "citation", url: "x" }, stop])]))))

  it.effect("dispatches on the payload's type, whatever the SSE event name says", () =>
    Effect.gen(function*() {
      const all = yield* events()
      assert.deepStrictEqual(all.map((e) => e._tag), ["TextDelta", "Stop"])
    }).pipe(Effect.provide(chatLayer([
      MockTransport.eventStream([
        `event: message\ndata: ${JSON.stringify(delta1)}\n\n`,
        `event: delta\nid: 7\nretry: 10\ndata: ${JSON.stringify(stop)}\n\n`
      ])
    ]))))

  it.effect("a body that ends before Stop fails with ConnectionLost, saying after how many events", () =>
    Effect.gen(function*() {
      const error = yield* failsWith("NetworkError")(events())
      assert.strictEqual(error.reason, "ConnectionLost")
      assert.include(error.message, "after 2 events")
      assert.strictEqual(error.operation, "ChatService.sendMessage")
      assert.strictEqual(error.sessionId, SESSION_ID)
    }).pipe(Effect.provide(chatLayer([sseReply([thinkingDelta, thinking])]))))

  it.effect("a connection reset mid-stream fails with ConnectionLost and is never re-posted", () =>
    Effect.gen(function*() {
      const error = yield* withoutWaiting(failsWith("NetworkError")(events()))
      assert.strictEqual(error.reason, "ConnectionLost")
      assert.lengthOf(yield* requests, 1)
    }).pipe(Effect.provide(chatLayer(
      [MockTransport.eventStream([thinkingDelta!, thinking!], { end: "reset" }), sseReply()],
      {},
      RetryPolicy.layer({ retryAmbiguous: true, maxRetries: 5 })
    ))))

  it.effect("data that is not JSON fails with DecodeError naming the event", () =>
    Effect.gen(function*() {
      const error = yield* failsWith("DecodeError")(events())
      assert.include(error.problem, "event 2")
      assert.include(error.bodyExcerpt, "{not json")
    }).pipe(Effect.provide(chatLayer([
      MockTransport.eventStream([thinkingDelta!, "data: {not json\n\n", stop!])
    ]))))

  it.effect("an event not of its type's shape fails with DecodeError naming the event and its type", () =>
    Effect.gen(function*() {
      const error = yield* failsWith("DecodeError")(events())
      assert.include(error.problem, "event 1")
      assert.include(error.problem, "tool_call")
    }).pipe(Effect.provide(chatLayer([sseReply([{ type: "tool_call", name: "search" }, stop])]))))

  it.effect("events before a bad one in the same chunk are still delivered", () =>
    Effect.gen(function*() {
      const seen: Array<string> = []
      const stream = yield* send()
      const error = yield* failsWith("DecodeError")(Stream.runForEach(stream, (e) => Effect.sync(() => seen.push(e._tag))))
      assert.deepStrictEqual(seen, ["TextDelta"])
      assert.include(error.problem, "event 2")
    }).pipe(Effect.provide(chatLayer([MockTransport.text(200, `data: ${JSON.stringify(delta1)}\n\ndata: nope\n\n`, {})]))))

  it.effect("garbage after Stop is never read", () =>
    Effect.gen(function*() {
      const all = yield* events()
      assert.strictEqual(all.at(-1)?._tag, "Stop")
    }).pipe(Effect.provide(chatLayer([MockTransport.text(200, `data: ${JSON.stringify(stop)}\n\ndata: nope\n\n`, {})]))))

  it.effect("an event split at every byte, inside multi-byte characters too, arrives whole", () =>
    Effect.gen(function*() {
      const all = yield* events()
      const answer = all.find((e) => e._tag === "Text")
      assert.strictEqual(answer?._tag === "Text" ? answer.content : "", "Grüße 🌍 — 你好")
    }).pipe(Effect.provide(chatLayer([
      MockTransport.eventStream([{ type: "text", content: "Grüße 🌍 — 你好" }, stop!], { chunkSize: 1, lineEnding: "\r\n" })
    ]))))
})

describe("the idle timeout", () => {
  const idle = TimeoutPolicy.layer({ idle: "30 seconds" })

  it.effect("fails with IdleTimeout when no event comes, although keep-alives do", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(failsWith("NetworkError")(events()))
      yield* waitUntil("the first event was read", Effect.map(requests, (all) => all.length === 1))
      yield* sleepingUntil(30_000)
      yield* TestClock.adjust("29999 millis")
      assert.isTrue(yield* stillRunning(fiber))
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

  it.effect("is reset by each event: a slow turn with events 20 s apart completes", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(events())
      yield* wakeAt(20_000, 40_000, 60_000)
      const all = yield* Fiber.join(fiber)
      assert.strictEqual(all.at(-1)?._tag, "Stop")
    }).pipe(Effect.provide(chatLayer(
      [MockTransport.eventStream([thinkingDelta!, thinking!, text!, stop!], { delay: "20 seconds" })],
      {},
      idle
    ))))
})

describe("the total deadline of a turn", () => {
  it.effect("fails with DeadlineExceeded and aborts, however steady the events", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(failsWith("NetworkError")(events()))
      yield* wakeAt(10_000, 20_000, 30_000)
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error.reason, "DeadlineExceeded")
      assert.strictEqual(yield* aborted, 1)
    }).pipe(Effect.provide(chatLayer(
      [MockTransport.eventStream([delta1!, delta2!, delta1!, delta2!, stop!], { delay: "10 seconds" })],
      {},
      TimeoutPolicy.layer({ total: "25 seconds" })
    ))))
})

describe("what is retried", () => {
  const exact = RetryPolicy.layer({ jitter: 0 })

  it.effect("a 503 before the stream is retried: the turn never started", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(noJitter(events()))
      yield* wakeAt(500)
      assert.strictEqual((yield* Fiber.join(fiber)).at(-1)?._tag, "Stop")
      assert.lengthOf(yield* requests, 2)
    }).pipe(Effect.provide(chatLayer([MockTransport.json(503, { detail: "busy" }), sseReply()], {}, exact))))

  it.effect("a 429 and a refused connection are retried", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(noJitter(events()))
      yield* wakeAt(500, 1_500)
      yield* Fiber.join(fiber)
      assert.lengthOf(yield* requests, 3)
    }).pipe(Effect.provide(chatLayer([MockTransport.json(429, { detail: "slow" }), MockTransport.fail("ECONNREFUSED"), sseReply()], {}, exact))))

  for (const [what, reply] of [
    ["a 500", MockTransport.json(500, { detail: "boom" })],
    ["a connection reset before the answer", MockTransport.fail("ECONNRESET")]
  ] as const) {
    it.effect(`${what} is not retried by default: the turn may have started`, () =>
      Effect.gen(function*() {
        yield* withoutWaiting(Effect.result(events()))
        assert.lengthOf(yield* requests, 1)
      }).pipe(Effect.provide(chatLayer([reply, sseReply()], {}, exact))))

    it.effect(`${what} is retried with retryAmbiguous, before any byte of the stream`, () =>
      Effect.gen(function*() {
        const fiber = yield* Effect.forkChild(noJitter(events()))
        yield* wakeAt(500)
        yield* Fiber.join(fiber)
        assert.lengthOf(yield* requests, 2)
      }).pipe(Effect.provide(chatLayer([reply, sseReply()], {}, RetryPolicy.layer({ jitter: 0, retryAmbiguous: true })))))
  }

  it.effect("x-should-retry: false stops even a 503", () =>
    Effect.gen(function*() {
      yield* withoutWaiting(Effect.result(events()))
      assert.lengthOf(yield* requests, 1)
    }).pipe(Effect.provide(chatLayer([MockTransport.json(503, { detail: "busy" }, { "x-should-retry": "false" }), sseReply()], {}, exact))))
})

describe("cancelling", () => {
  it.effect("taking fewer events aborts the request at once", () =>
    Effect.gen(function*() {
      const stream = yield* send()
      const two = yield* withoutWaiting(Stream.runCollect(Stream.take(stream, 2)))
      assert.strictEqual(two.length, 2)
      assert.strictEqual(yield* aborted, 1)
    }).pipe(Effect.provide(chatLayer([MockTransport.eventStream(turnEvents, { end: "open" })]))))

  it.effect("interrupting the consumer aborts the request", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(events())
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

  const rejected = (params: unknown) =>
    Effect.gen(function*() {
      const chat = yield* ChatService
      const error = yield* withoutWaiting(failsWith("ValidationError")(Stream.runDrain(chat.sendMessage(SESSION_ID, params as SendMessageParams))))
      assert.lengthOf(yield* requests, 0, "nothing is sent")
      return error
    })

  it.effect("a prompt of 1000 emoji passes: the limit counts code points", () =>
    Effect.gen(function*() {
      yield* events({ ...turn, prompt: "🦙".repeat(1000) })
      assert.lengthOf(yield* requests, 1)
    }).pipe(Effect.provide(chatLayer([sseReply()]))))

  for (
    const [what, params, path] of [
      ["a prompt of 1001 characters", { ...turn, prompt: "a".repeat(1001) }, ["prompt"]],
      ["an empty prompt", { ...turn, prompt: "" }, ["prompt"]],
      ["no index ids", { ...turn, indexIds: [] }, ["indexIds"]],
      ["11 index ids", { ...turn, indexIds: Array.from({ length: 11 }, (_, i) => `idx-${i}`) }, ["indexIds"]],
      ["an empty index id", { ...turn, indexIds: ["idx-1", ""] }, ["indexIds", 1]],
      ["a missing prompt", { indexIds: ["idx-1"] }, ["prompt"]]
    ] as const
  ) {
    it.effect(`${what} fails with a ValidationError before anything is sent`, () =>
      Effect.gen(function*() {
        const error = yield* rejected(params)
        assert.deepStrictEqual(error.issues[0]?.path, path)
        assert.isTrue(Option.isNone(error.status))
      }).pipe(Effect.provide(chatLayer([sseReply()]))))
  }
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

  // Cases from fast-check, each in a call of its own: Effect 4's `it.effect.prop` takes its own `Arbitrary`.
  const cases = FastCheck.sample(
    FastCheck.tuple(
      FastCheck.constantFrom(...(Object.keys(faults) as Array<keyof typeof faults>)),
      FastCheck.integer({ min: 0, max: 6 }),
      FastCheck.boolean()
    ),
    30
  )
  it.effect("whatever the retry policy", () =>
    Effect.forEach(cases, ([fault, maxRetries, retryAmbiguous]) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.forkChild(Effect.result(events()))
        // Move far past every wait a retry could take, and past the idle limit.
        for (let i = 0; i < 20; i++) {
          yield* TestClock.adjust("10 seconds")
          if (!(yield* stillRunning(fiber))) break
        }
        const result = yield* Fiber.join(fiber)
        assert.strictEqual(result._tag, "Failure")
        assert.lengthOf(yield* requests, 1)
      }).pipe(Effect.provide(chatLayer(
        [faults[fault], sseReply()],
        {},
        Layer.mergeAll(
          RetryPolicy.layer({ maxRetries, retryAmbiguous, jitter: 0 }),
          TimeoutPolicy.layer({ idle: "5 seconds" })
        )
      ))), { discard: true }))
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
      const fiber = yield* Effect.forkChild(
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
