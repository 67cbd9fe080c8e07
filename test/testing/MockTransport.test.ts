/**
 * The mock transport: answering by route, and streaming a turn's events with chosen chunking and
 * timing, in virtual time, ending like a socket when the request is aborted.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import type * as ChatEvent from "../../src/ChatEvent.js"
import { makeEventReader } from "../../src/internal/sse.js"
import { type MockReply, MockTransport } from "../../src/testing/MockTransport.js"
import * as MockRoutes from "../shared/mockRoutes.js"


/** Sends `method url` through a mock transport answering from `replies`; gives the response and the requests seen. */
const send = (
  replies: Parameters<typeof MockTransport.layer>[0],
  calls: ReadonlyArray<readonly [method: "GET" | "POST" | "DELETE", url: string]>
) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const responses: Array<HttpClientResponse.HttpClientResponse> = []
    for (const [method, url] of calls) responses.push(yield* client.execute(requestOf(method, url)))
    const recorded = yield* Effect.flatMap(MockTransport, (mock) => mock.requests)
    return { responses, recorded }
  // Every test passes valid replies: a ConfigError here is a bug in the test.
  }).pipe(Effect.provide(MockTransport.layer(replies)), Effect.catchTag("ConfigError", Effect.die))

const requestOf = (method: "GET" | "POST" | "DELETE", url: string) =>
  method === "GET" ? HttpClientRequest.get(url) : method === "POST" ? HttpClientRequest.post(url) : HttpClientRequest.del(url)

const textDelta = (content: string): ChatEvent.ChatEvent => ({ _tag: "TextDelta", content })
const stop: ChatEvent.ChatEvent = {
  _tag: "Stop",
  error: Option.none(),
  isError: false,
  usage: { durationMs: 5, totalInputTokens: Option.some(1), totalOutputTokens: Option.some(2), turns: 1 },
  skippedIndexIds: []
}

/** The streamed body of `reply`, chunk by chunk, each with the virtual time it arrived at. */
const streamed = (reply: MockReply) =>
  Effect.gen(function*() {
    const { responses: [response] } = yield* send([reply], [["POST", `${MockRoutes.BASE}/api/v1/chat/ses-1/messages/stream`]])
    if (response === undefined) return yield* Effect.dieMessage("no response")
    const chunks = yield* response.stream.pipe(
      Stream.mapEffect((bytes) => Effect.map(Clock.currentTimeMillis, (at) => ({ at, bytes }))),
      Stream.runCollect
    )
    return { response, chunks: Chunk.toReadonlyArray(chunks) }
  })

const decoder = new TextDecoder()
const textOf = (chunks: ReadonlyArray<{ readonly bytes: Uint8Array }>): string =>
  decoder.decode(new Uint8Array(chunks.flatMap(({ bytes }) => [...bytes])))

const eventsOf = (chunks: ReadonlyArray<{ readonly bytes: Uint8Array }>): ReadonlyArray<ChatEvent.ChatEvent> => {
  const reader = makeEventReader()
  return chunks.flatMap(({ bytes }) => Either.getOrThrow(reader.push(bytes)))
}

describe("MockTransport", () => {
  describe("layer's replies, as plain JavaScript may pass them", () => {
    const untyped = (value: unknown): Parameters<typeof MockTransport.layer>[0] => value as Parameters<typeof MockTransport.layer>[0]
    for (const { replies, said } of MockRoutes.badReplies) {
      it.effect(`${said}: the layer fails when built, nothing thrown`, () =>
        Effect.gen(function*() {
          const layer = MockTransport.layer(untyped(replies(MockTransport)))
          const error = yield* Effect.flip(Effect.scoped(Layer.build(layer)))
          assert.strictEqual(error._op, "InvalidData")
          if (error._op !== "InvalidData") return
          assert.deepStrictEqual(error.path, ["replies"])
          assert.include(error.message, "MockTransport.layer")
          assert.include(error.message, said)
        }))
    }
  })

  for (const [what, cases] of MockRoutes.mockRoutes) {
    describe(what, () => {
      for (const routeCase of cases) {
        it.effect(routeCase.name, () =>
          Effect.gen(function*() {
            const sent = yield* Effect.forEach(routeCase.sends(MockTransport), ({ calls, replies }) => send(replies, calls))
            const answers = yield* Effect.forEach(sent.flatMap(({ responses }) => responses), (response) =>
              Effect.map(response.text, (body) => ({ status: response.status, body })))
            const seen = { answers, recorded: sent.flatMap(({ recorded }) => recorded) }
            assert.deepStrictEqual(MockRoutes.checkedOf(seen, routeCase), MockRoutes.expectedOf(routeCase))
          }))
      }
    })
  }

  describe("eventStream", () => {
    it.effect("sends ChatEvents in wire form, wire objects as JSON and raw text verbatim, as text/event-stream", () =>
      Effect.gen(function*() {
        const { chunks, response } = yield* streamed(MockTransport.eventStream([
          textDelta("Hel"),
          { type: "text_delta", content: "lo" },
          ": keep-alive\n\n",
          "event: delta\ndata: {\"type\":\"citation\",\"page\":2}\n\n",
          stop
        ]))
        assert.strictEqual(response.status, 200)
        assert.strictEqual(response.headers["content-type"], "text/event-stream")
        assert.strictEqual(chunks.length, 5)
        assert.strictEqual(decoder.decode(chunks[0]?.bytes), `data: {"type":"text_delta","content":"Hel"}\n\n`)
        assert.deepStrictEqual(eventsOf(chunks), [
          textDelta("Hel"),
          textDelta("lo"),
          { _tag: "UnknownEvent", type: "citation", payload: { type: "citation", page: 2 } },
          stop
        ])
      }))

    it.effect("writes events with the line ending asked for", () =>
      Effect.gen(function*() {
        const { chunks } = yield* streamed(MockTransport.eventStream([textDelta("a")], { lineEnding: "\r" }))
        assert.strictEqual(textOf(chunks), `data: {"type":"text_delta","content":"a"}\r\r`)
      }))

    it.effect("cuts the body every chunkSize bytes", () =>
      Effect.gen(function*() {
        const { chunks } = yield* streamed(MockTransport.eventStream([textDelta("😀 and €"), stop], { chunkSize: 7 }))
        const sizes = chunks.map(({ bytes }) => bytes.length)
        assert.isTrue(sizes.slice(0, -1).every((size) => size === 7))
        assert.isTrue((sizes.at(-1) ?? 0) <= 7)
        assert.deepStrictEqual(eventsOf(chunks), [textDelta("😀 and €"), stop])
      }))

    it.effect("cuts the body at the offsets given, inside a character too", () =>
      Effect.gen(function*() {
        const text = `data: {"type":"text_delta","content":"€"}\n\n`
        const euro = new TextEncoder().encode(text).indexOf(0xe2)
        const { chunks } = yield* streamed(MockTransport.eventStream([text], { splitAt: [euro + 1, euro + 2] }))
        assert.deepStrictEqual(chunks.map(({ bytes }) => bytes.length), [euro + 1, 1, new TextEncoder().encode(text).length - euro - 2])
        assert.deepStrictEqual(eventsOf(chunks), [textDelta("€")])
      }))

    it.effect("waits the delay between chunks, on the Effect clock", () =>
      Effect.gen(function*() {
        const reading = yield* Effect.fork(streamed(MockTransport.eventStream([textDelta("a"), textDelta("b"), stop], { delay: "2 seconds" })))
        yield* TestClock.adjust("1 second")
        assert.isTrue(Option.isNone(yield* Fiber.poll(reading)))
        yield* TestClock.adjust("3 seconds")
        const { chunks } = yield* Fiber.join(reading)
        assert.deepStrictEqual(chunks.map(({ at }) => at), [0, 2000, 4000])
      }))

    it.effect("pauses where told, sending keep-alive comments meanwhile", () =>
      Effect.gen(function*() {
        const reading = yield* Effect.fork(streamed(MockTransport.eventStream(
          [MockTransport.pause("1 second"), textDelta("a"), MockTransport.pause("10 seconds"), stop],
          { keepAlive: "3 seconds" }
        )))
        yield* TestClock.adjust("20 seconds")
        const { chunks } = yield* Fiber.join(reading)
        assert.deepStrictEqual(chunks.map(({ at, bytes }) => [at, decoder.decode(bytes).slice(0, 6)]), [
          [1000, "data: "],
          [4000, ": keep"],
          [7000, ": keep"],
          [10000, ": keep"],
          [11000, "data: "]
        ])
        assert.deepStrictEqual(eventsOf(chunks), [textDelta("a"), stop])
      }))

    it.effect("breaks off like a reset connection when asked", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(streamed(MockTransport.eventStream([textDelta("a")], { end: "reset" })))
        assert.strictEqual(error._tag, "ResponseError")
        assert.match(String(error?.cause), /ECONNRESET/)
      }))

    it.effect("held open, never ends, sending keep-alives, until the request is aborted", () =>
      Effect.gen(function*() {
        const requestScope = yield* Scope.make()
        const client = HttpClient.withScope(yield* HttpClient.HttpClient)
        const response = yield* Scope.extend(client.post(`${MockRoutes.BASE}/api/v1/chat/ses-1/messages/stream`), requestScope)
        const received = yield* Ref.make<ReadonlyArray<string>>([])
        const reading = yield* Effect.fork(
          Stream.runForEach(response.stream, (bytes) => Ref.update(received, (all) => [...all, decoder.decode(bytes)]))
        )
        yield* TestClock.adjust("1 hour")
        assert.isTrue(Option.isNone(yield* Fiber.poll(reading)))
        assert.deepStrictEqual(yield* Ref.get(received), [
          `data: {"type":"text_delta","content":"a"}\n\n`,
          ...Array.from({ length: 6 }, () => ": keep-alive\n")
        ])
        yield* Scope.close(requestScope, Exit.void)
        const exit = yield* Fiber.await(reading)
        assert.isTrue(Exit.isFailure(exit))
        assert.strictEqual(Exit.isFailure(exit) ? failureOf(exit.cause)?._tag : undefined, "ResponseError")
      }).pipe(Effect.provide(MockTransport.layer([MockTransport.eventStream([textDelta("a")], { end: "open", keepAlive: "10 minutes" })]))))

    it.effect("held open with no keep-alives, sends nothing more", () =>
      Effect.gen(function*() {
        const reading = yield* Effect.fork(streamed(MockTransport.eventStream([textDelta("a")], { end: "open" })))
        yield* TestClock.adjust("1 day")
        assert.isTrue(Option.isNone(yield* Fiber.poll(reading)))
        yield* Fiber.interrupt(reading)
      }))

    it.effect("records the request as any other", () =>
      Effect.gen(function*() {
        const { recorded } = yield* send([MockTransport.eventStream([stop])], [["POST", `${MockRoutes.BASE}/api/v1/chat/ses-1/messages/stream`]])
        assert.deepStrictEqual(recorded.map((r) => r.method), ["POST"])
      }))
  })
})

const failureOf = (cause: Cause.Cause<HttpClientError.HttpClientError>) => Option.getOrUndefined(Cause.failureOption(cause))
