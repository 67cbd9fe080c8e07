/**
 * The chat resource beyond create: listing as a lazy stream of pages, deleting (and what a lost
 * answer to a delete means), reading a session's history, and one span per operation call.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Stream from "effect/Stream"
import { ChatService } from "../src/ChatService.js"
import { RetryPolicy } from "../src/RetryPolicy.js"
import { MockTransport, queryOf } from "../src/testing.js"
import { chatLayer, failsWith, recordSpans, replay, requests, sessionJson, wakeAt, withoutWaiting } from "./fixtures/harness.js"
import { callRow, operations, SESSION_ID, turnReply } from "./fixtures/operations.js"
import * as Deletions from "./shared/deletions.js"
import * as Listings from "./shared/listings.js"

const page = (ids: ReadonlyArray<string>, next?: string | null) => replay(Listings.page(ids, next))

const list = (params?: Parameters<ChatService.Service["list"]>[0]) => Effect.map(ChatService, (chat) => chat.list(params))
const noJitter = Effect.withRandom(Random.fixed([0]))

/** A case of test/shared/listings.ts run: the pages answered, and what the caller saw. */
const seenListing = (listing: Listings.Case) =>
  Effect.gen(function*() {
    const ids: Array<string> = []
    const stream = yield* list(listing.params as Parameters<ChatService.Service["list"]>[0])
    const result = yield* withoutWaiting(Effect.either(Stream.runForEach(stream, (s) => Effect.sync(() => ids.push(s.sessionId)))))
    return { ids, failure: Option.getOrUndefined(Either.getLeft(result)), requests: yield* requests }
  }).pipe(Effect.provide(chatLayer(listing.answers.map(replay))))

describe("list", () => {
  for (const listing of Listings.listings) {
    it.effect(listing.name, () =>
      Effect.map(seenListing(listing), (seen) => assert.deepStrictEqual(Listings.checkedOf(seen, listing), Listings.expectedOf(listing))))
  }

  it.effect("fetches pages only as the stream is pulled: Stream.take(list(), 1) sends one request", () =>
    Effect.gen(function*() {
      const first = yield* Stream.runCollect(Stream.take(yield* list(), 1))
      assert.strictEqual(Chunk.size(first), 1)
      assert.lengthOf(yield* requests, 1)
    }).pipe(Effect.provide(chatLayer([page(["a", "b"], "t1"), page(["c"])]))))
})

describe("listPage", () => {
  it.effect("returns one page and the next token; passing it gets the next page", () =>
    Effect.gen(function*() {
      const chat = yield* ChatService
      const first = yield* chat.listPage({ pageSize: 1 })
      assert.deepStrictEqual(first.items.map((s) => s.sessionId), ["a"])
      assert.deepStrictEqual(first.nextPageToken, Option.some("t1"))
      const second = yield* chat.listPage({ pageSize: 1, pageToken: Option.getOrThrow(first.nextPageToken) })
      assert.deepStrictEqual(second.nextPageToken, Option.none())
      assert.deepStrictEqual(queryOf((yield* requests)[1]!), { page_size: "1", page_token: "t1" })
    }).pipe(Effect.provide(chatLayer([page(["a"], "t1"), page(["b"])]))))
})

describe("delete", () => {
  const deleteSession = Effect.flatMap(ChatService, (chat) => chat.delete(SESSION_ID))

  for (const deletion of Deletions.deletions) {
    it.effect(deletion.name, () =>
      Effect.gen(function*() {
        const { wakes } = deletion
        const result = yield* wakes === undefined
          ? withoutWaiting(Effect.either(deleteSession))
          : Effect.flatMap(Effect.fork(noJitter(Effect.either(deleteSession))), (fiber) => Effect.zipRight(wakeAt(...wakes), Fiber.join(fiber)))
        const seen = { failure: Option.getOrUndefined(Either.getLeft(result)), requests: yield* requests }
        assert.deepStrictEqual(Deletions.checkedOf(seen, deletion), Deletions.expectedOf(deletion))
      }).pipe(Effect.provide(chatLayer(
        deletion.answers.map(turnReply),
        {},
        deletion.exactRetry === true ? RetryPolicy.layer({ jitter: 0 }) : Layer.empty
      ))))
  }
})

describe("retrieve", () => {
  it.effect("decodes the history, unknown event types kept", () =>
    Effect.gen(function*() {
      const detail = yield* Effect.flatMap(ChatService, (chat) => chat.retrieve(SESSION_ID))
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
      const error = yield* failsWith("DecodeError")(Effect.flatMap(ChatService, (chat) => chat.retrieve(SESSION_ID)))
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
