/**
 * The chat resource beyond create: listing as a lazy stream of pages, deleting (and what a lost
 * answer to a delete means), reading a session's history, and one span per operation call.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Stream from "effect/Stream"
import { ChatService } from "../src/ChatService.js"
import { RetryPolicy } from "../src/RetryPolicy.js"
import { MockTransport, queryOf } from "../src/testing.js"
import { chatLayer, requests, wakeAt, withoutWaiting } from "./fixtures/calls.js"
import { failsWith, recordSpans, sessionJson } from "./fixtures/harness.js"
import { callRow, operations, SESSION_ID } from "./fixtures/operations.js"

const page = (ids: ReadonlyArray<string>, next?: string | null) =>
  MockTransport.json(200, { items: ids.map((id) => sessionJson({ session_id: id })), ...(next === undefined ? {} : { next_page_token: next }) })

const list = (params?: Parameters<ChatService.Service["list"]>[0]) => Effect.map(ChatService, (chat) => chat.list(params))
const idsOf = (stream: Stream.Stream<{ readonly sessionId: string }, unknown>) =>
  Effect.map(Stream.runCollect(stream), (all) => all.map((s) => s.sessionId))
/** Every random draw is 0: no jitter is taken off a backoff. */
const noJitter = Effect.provideService(Random.Random, { nextIntUnsafe: () => 0, nextDoubleUnsafe: () => 0 })

describe("list", () => {
  it.effect("follows next_page_token until a page has none, repeating the query", () =>
    Effect.gen(function*() {
      const ids = yield* idsOf(yield* list({ pageSize: 2 }))
      assert.deepStrictEqual(ids, ["a", "b", "c", "d", "e"])
      const sent = (yield* requests).map(queryOf)
      assert.deepStrictEqual(sent, [
        { page_size: "2" },
        { page_size: "2", page_token: "t1" },
        { page_size: "2", page_token: "t2" }
      ])
    }).pipe(Effect.provide(chatLayer([page(["a", "b"], "t1"), page(["c", "d"], "t2"), page(["e"])]))))

  it.effect("fetches pages only as the stream is pulled: Stream.take(list(), 1) sends one request", () =>
    Effect.gen(function*() {
      const first = yield* Stream.runCollect(Stream.take(yield* list(), 1))
      assert.lengthOf(first, 1)
      assert.lengthOf(yield* requests, 1)
    }).pipe(Effect.provide(chatLayer([page(["a", "b"], "t1"), page(["c"])]))))

  for (const [what, last] of [["an empty token", page(["b"], "")], ["a null token", page(["b"], null)]] as const) {
    it.effect(`stops at ${what}`, () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* idsOf(yield* list()), ["a", "b"])
        assert.lengthOf(yield* requests, 2)
      }).pipe(Effect.provide(chatLayer([page(["a"], "t1"), last, page(["never"])]))))
  }

  it.effect("stops at an empty page, whatever its token says", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* idsOf(yield* list()), ["a"])
      assert.lengthOf(yield* requests, 2)
    }).pipe(Effect.provide(chatLayer([page(["a"], "t1"), page([], "t2"), page(["never"])]))))

  it.effect("fails with a typed error when the server hands back a token it already gave, instead of looping", () =>
    Effect.gen(function*() {
      const seen: Array<string> = []
      const stream = yield* list()
      const error = yield* failsWith("DecodeError")(Stream.runForEach(stream, (s) => Effect.sync(() => seen.push(s.sessionId))))
      assert.deepStrictEqual(seen, ["a", "b", "c"])
      assert.include(error.message, "a second time")
      assert.strictEqual(error.operation, "ChatService.list")
      assert.lengthOf(yield* requests, 3)
    }).pipe(Effect.provide(chatLayer([page(["a"], "t1"), page(["b"], "t2"), page(["c"], "t1")]))))

  it.effect("a failed page fails the stream after the sessions already listed", () =>
    Effect.gen(function*() {
      const seen: Array<string> = []
      const error = yield* failsWith("AuthError")(Stream.runForEach(yield* list(), (s) => Effect.sync(() => seen.push(s.sessionId))))
      assert.deepStrictEqual(seen, ["a"])
      assert.strictEqual(error.operation, "ChatService.list")
    }).pipe(Effect.provide(chatLayer([page(["a"], "t1"), MockTransport.json(401, { detail: "Invalid authentication token" })]))))

  for (const bad of [0, -1, 1.5, "10", Number.NaN]) {
    it.effect(`a page size of ${JSON.stringify(bad)} fails with a ValidationError before anything is sent`, () =>
      Effect.gen(function*() {
        const stream = yield* list({ pageSize: bad as number })
        const error = yield* withoutWaiting(failsWith("ValidationError")(Stream.runDrain(stream)))
        assert.deepStrictEqual(error.issues[0]?.path, ["pageSize"])
        assert.lengthOf(yield* requests, 0)
      }).pipe(Effect.provide(chatLayer([page(["a"])]))))
  }
})

describe("listPage", () => {
  it.effect("returns one page and the next token; passing it gets the next page", () =>
    Effect.gen(function*() {
      const chat = yield* ChatService
      const first = yield* chat.listPage({ pageSize: 1 })
      assert.deepStrictEqual(first.items.map((s) => s.sessionId), ["a"])
      assert.deepStrictEqual(first.nextPageToken, Option.some("t1"))
      const second = yield* chat.listPage({ pageSize: 1, pageToken: Option.getOrElse(first.nextPageToken, () => assert.fail("no next page")) })
      assert.deepStrictEqual(second.nextPageToken, Option.none())
      assert.deepStrictEqual(queryOf((yield* requests)[1]!), { page_size: "1", page_token: "t1" })
    }).pipe(Effect.provide(chatLayer([page(["a"], "t1"), page(["b"])]))))
})

describe("delete", () => {
  const deleteSession = ChatService.use((chat) => chat.delete(SESSION_ID))
  const notFound = MockTransport.json(404, { detail: "Chat session not found" })

  it.effect("sends Accept: */* and succeeds on 204", () =>
    Effect.gen(function*() {
      yield* deleteSession
      assert.strictEqual((yield* requests)[0]?.headers["accept"], "*/*")
    }).pipe(Effect.provide(chatLayer([MockTransport.text(204, "", {})]))))

  for (const [what, first] of [
    ["a lost connection", MockTransport.fail("ECONNRESET")],
    ["a 502", MockTransport.json(502, { detail: "bad gateway" })]
  ] as const) {
    it.effect(`after ${what}, a retry that finds no session has succeeded: the first attempt deleted it`, () =>
      Effect.gen(function*() {
        const fiber = yield* Effect.forkChild(noJitter(deleteSession))
        yield* wakeAt(500)
        yield* Fiber.join(fiber)
        assert.lengthOf(yield* requests, 2)
      }).pipe(Effect.provide(chatLayer([first, notFound], {}, RetryPolicy.layer({ jitter: 0 })))))
  }

  it.effect("a 404 on the first attempt is a NotFoundError naming the session", () =>
    Effect.gen(function*() {
      const error = yield* failsWith("NotFoundError")(deleteSession)
      assert.strictEqual(error.sessionId, SESSION_ID)
      assert.include(error.message, "No chat session with id")
    }).pipe(Effect.provide(chatLayer([notFound]))))

  it.effect("a 404 after a 503 is a NotFoundError: the 503 did not act", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(noJitter(failsWith("NotFoundError")(deleteSession)))
      yield* wakeAt(500)
      yield* Fiber.join(fiber)
    }).pipe(Effect.provide(chatLayer([MockTransport.json(503, { detail: "busy" }), notFound], {}, RetryPolicy.layer({ jitter: 0 })))))
})

describe("retrieve", () => {
  it.effect("decodes the history, unknown event types kept", () =>
    Effect.gen(function*() {
      const detail = yield* ChatService.use((chat) => chat.retrieve(SESSION_ID))
      assert.deepStrictEqual(detail.events.map((e) => e._tag), ["UserInput", "TextDelta", "UnknownEvent", "Stop"])
      assert.strictEqual(detail.sessionId, "ses-1")
    }).pipe(Effect.provide(chatLayer([
      MockTransport.json(200, sessionJson({
        events: [
          { type: "user_input", content: "hi" },
          { type: "text_delta", content: "Hel" },
          { type: "citation", source: "doc-1" },
          { type: "stop", is_error: false, usage: {} }
        ]
      }))
    ]))))

  it.effect("a history event not of its type's shape is a DecodeError", () =>
    Effect.gen(function*() {
      const error = yield* failsWith("DecodeError")(ChatService.use((chat) => chat.retrieve(SESSION_ID)))
      assert.include(error.problem, "tool_call")
    }).pipe(Effect.provide(chatLayer([MockTransport.json(200, sessionJson({ events: [{ type: "tool_call" }] }))]))))
})

describe.each(operations)("the span of $operation", (row) => {
  it.effect("is named after the operation, with the host, the route template and no id or key", () =>
    Effect.gen(function*() {
      const { spans, tracer } = yield* recordSpans
      yield* callRow(row).pipe(Effect.withTracer(tracer))
      const span = spans.find((s) => s.name === row.operation)
      assert.isDefined(span)
      const attributes = Object.fromEntries(span!.attributes)
      assert.strictEqual(attributes["server.address"], "api.test")
      assert.strictEqual(attributes["url.path"], row.route)
      assert.strictEqual(attributes["http.request.method"], row.method)
      assert.strictEqual(attributes["http.response.status_code"], row.ok._tag === "Reply" ? row.ok.status : 200)
      assert.notInclude(JSON.stringify(attributes), SESSION_ID)
      assert.notInclude(JSON.stringify(attributes), "SECRET")
      assert.strictEqual(span!.kind, "client")
      if (row.streamed) {
        assert.strictEqual(attributes["llamacloud.turn.events"], 8)
        assert.strictEqual(attributes["llamacloud.turn.ended"], "stop")
        assert.strictEqual(attributes["gen_ai.usage.input_tokens"], 3)
        assert.isNumber(attributes["llamacloud.turn.time_to_first_event_ms"])
      }
    }).pipe(Effect.provide(chatLayer([row.ok]))))

  it.effect("is a child of the caller's span", () =>
    Effect.gen(function*() {
      const { spans, tracer } = yield* recordSpans
      yield* callRow(row).pipe(Effect.withSpan("app"), Effect.withTracer(tracer))
      const app = spans.find((s) => s.name === "app")
      const span = spans.find((s) => s.name === row.operation)
      assert.strictEqual(span?.parent._tag === "Some" ? span.parent.value.spanId : undefined, app?.spanId)
    }).pipe(Effect.provide(chatLayer([row.ok]))))
})
