/**
 * A user's program, tested the way a user would: by swapping the real service for
 * `InMemoryChat.layer`. Where the in-memory service fails, it must fail as the real one does for
 * the same input or the same answer: those tests run the real service over `MockTransport` beside it.
 */
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { TestClock } from "effect/testing"
import { ChatService } from "../src/ChatService.js"
import { type LlamaCloudError, NetworkError, RateLimitError } from "../src/LlamaCloudError.js"
import { InMemoryChat, MockTransport } from "../src/testing.js"
import { replay } from "./fixtures/calls.js"
import { chatLayer, failsWith, ORG_ID, PROJECT_ID, recordSpans } from "./fixtures/harness.js"
import { invoke, operations } from "./fixtures/operations.js"
import { brokenTurns } from "../../test/shared/brokenTurns.js"
import * as InMemory from "../../test/shared/inMemoryChat.js"

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

const offline = new NetworkError({ reason: "ConnectFailed", detail: "down", timeout: Option.none() })

const chat = ChatService
const memory = InMemoryChat
const collect = <A, E>(stream: Stream.Stream<A, E>): Effect.Effect<ReadonlyArray<A>, E> => Stream.runCollect(stream)

/** Runs `call` on the real service over a transport answering `reply` (its one and only answer). */
const real = <A>(call: (chat: ChatService.Service) => Effect.Effect<A, LlamaCloudError>, reply = MockTransport.json(200, {})) =>
  Effect.flatMap(ChatService, call).pipe(Effect.flip, Effect.provide(chatLayer([reply])))

/** What a user sees of an error: its class, its message, and its facts. */
const seen = (error: LlamaCloudError) => ({ ...error, tag: error._tag, message: error.message })

describe("InMemoryChat sessions", () => {
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
      const [session] = yield* (yield* memory).sessions
      assert.strictEqual(session?.sessionId, "ses-000001")
      assert.deepStrictEqual(session?.indexIds, Option.some(["idx-a", "idx-b"]))
      assert.deepStrictEqual(session?.generatedTitle, Option.none())
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("stamps sessions with the test clock", () =>
    Effect.gen(function*() {
      yield* TestClock.adjust("90 seconds")
      const session = yield* (yield* chat).create()
      assert.strictEqual(DateTime.toEpochMillis(session.lastUpdatedAt), 90_000)
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("reads a session back, alone or with its (empty) history", () =>
    Effect.gen(function*() {
      const service = yield* chat
      const created = yield* service.create({ indexIds: ["idx-a"], sharedAccess: "read_only" })
      const summary = yield* service.getSummary(created.sessionId)
      const detail = yield* service.retrieve(created.sessionId)
      assert.deepStrictEqual(summary, created)
      assert.strictEqual(detail.sessionId, created.sessionId)
      assert.deepStrictEqual(detail.sharedAccess, Option.some("read_only" as const))
      assert.deepStrictEqual(detail.events, [])
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("deletes a session: it is gone from reads, the list and the controls", () =>
    Effect.gen(function*() {
      const service = yield* chat
      const kept = yield* service.create()
      const gone = yield* service.create()
      yield* service.delete(gone.sessionId)
      const error = yield* failsWith("NotFoundError")(service.retrieve(gone.sessionId))
      assert.strictEqual(error.operation, "ChatService.retrieve")
      assert.strictEqual(error.sessionId, gone.sessionId)
      assert.deepStrictEqual((yield* collect(service.list())).map((s) => s.sessionId), [kept.sessionId])
      assert.deepStrictEqual((yield* (yield* memory).sessions).map((s) => s.sessionId), [kept.sessionId])
      yield* failsWith("NotFoundError")(service.delete(gone.sessionId))
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("keeps a project's sessions to calls naming that project", () =>
    Effect.gen(function*() {
      const service = yield* chat
      const scope = { organizationId: ORG_ID, projectId: PROJECT_ID }
      const session = yield* service.create(scope)
      assert.strictEqual((yield* service.getSummary(session.sessionId, scope)).sessionId, session.sessionId)
      yield* failsWith("NotFoundError")(service.getSummary(session.sessionId))
      assert.lengthOf(yield* collect(service.list()), 0)
      assert.lengthOf(yield* collect(service.list(scope)), 1)
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("answers an unknown session as the real client reads LlamaCloud's 404", () =>
    Effect.gen(function*() {
      const inMemory = yield* Effect.flip((yield* chat).getSummary("ses-missing"))
      const server = yield* real((c) => c.getSummary("ses-missing"), replay(InMemory.llamaCloudSays.notFound))
      assert.strictEqual(inMemory._tag, "NotFoundError")
      assert.deepStrictEqual(seen(inMemory), seen(server))
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

describe("InMemoryChat list", () => {
  const fiveSessions = Effect.flatMap(chat, (service) =>
    Effect.forEach([1, 2, 3, 4, 5], (n) => Effect.andThen(TestClock.adjust(`${n} seconds`), service.create())))

  it.effect("lists every session newest first, across pages", () =>
    Effect.gen(function*() {
      const created = yield* fiveSessions
      const listed = yield* collect((yield* chat).list({ pageSize: 2 }))
      assert.deepStrictEqual(listed.map((s) => s.sessionId), created.map((s) => s.sessionId).reverse())
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("hands out pages with opaque tokens, the last without one", () =>
    Effect.gen(function*() {
      yield* fiveSessions
      const service = yield* chat
      const pages = [yield* service.listPage({ pageSize: 2 })]
      for (let last = pages[0]; last !== undefined && Option.isSome(last.nextPageToken);) {
        last = yield* service.listPage({ pageSize: 2, pageToken: last.nextPageToken.value })
        pages.push(last)
      }
      assert.deepStrictEqual(pages.map((page) => page.items.length), [2, 2, 1])
      assert.isTrue(Option.isNone(pages[2]!.nextPageToken))
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("fetches pages as the stream is pulled: taking one session reads one page", () =>
    Effect.gen(function*() {
      const created = yield* fiveSessions
      const service = yield* chat
      assert.lengthOf(yield* collect(Stream.take(service.list({ pageSize: 2 }), 1)), 1)
      // A session deleted after the first page was read is not in the second.
      const listed = yield* Effect.scoped(Effect.gen(function*() {
        const pull = yield* Stream.toPull(service.list({ pageSize: 2 }))
        const first = yield* pull
        yield* service.delete(created[2]!.sessionId)
        const rest = yield* collect(Stream.fromPull(Effect.succeed(pull)))
        return [...first, ...rest].map((s) => s.sessionId)
      }))
      assert.deepStrictEqual(listed, ["ses-000005", "ses-000004", "ses-000002", "ses-000001"])
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("refuses a page token it did not write, as LlamaCloud does (422)", () =>
    Effect.gen(function*() {
      const error = yield* failsWith("ValidationError")((yield* chat).listPage({ pageToken: "not-a-token" }))
      assert.deepStrictEqual(error.status, Option.some(422))
      assert.deepStrictEqual(error.issues, [{ path: ["query", "page_token"], message: "Invalid page token" }])
      assert.strictEqual(error.operation, "ChatService.listPage")
    }).pipe(Effect.provide(InMemoryChat.layer)))
})

describe("InMemoryChat validation", () => {
  const tooMany = Array.from({ length: 11 }, (_, i) => `idx-${i}`)
  /** A shared call on `chat`, as plain JavaScript makes it (a stream drained). */
  const calling = (call: InMemory.Call) => (chat: ChatService.Service) => {
    const row = operations.find((known) => known.name === call.operation)
    return row === undefined ? Effect.die(`no operation ${call.operation}`) : invoke(chat, row, call.sessionId, call.params)
  }

  for (const invalid of InMemory.invalidCalls) {
    it.effect(`fails ${invalid.name} exactly as the real service does`, () =>
      Effect.gen(function*() {
        const inMemory = yield* Effect.flip(calling(invalid)(yield* chat))
        const server = yield* real(calling(invalid))
        assert.strictEqual(inMemory._tag, "ValidationError")
        assert.deepStrictEqual(seen(inMemory), seen(server))
      }).pipe(Effect.provide(InMemoryChat.layer)))
  }

  it.effect("checks a call when it runs, not when it is made", () =>
    Effect.gen(function*() {
      const service = yield* chat
      const made = service.retrieve("ses-\uD800")
      assert.lengthOf(yield* (yield* memory).calls, 0, "nothing is recorded before the effect runs")
      yield* failsWith("ValidationError")(made)
      assert.lengthOf(yield* (yield* memory).calls, 1)
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("validates before a scripted failure, which stays queued", () =>
    Effect.gen(function*() {
      yield* (yield* memory).failNext(rateLimited)
      const service = yield* chat
      yield* failsWith("ValidationError")(service.create({ indexIds: tooMany }))
      yield* failsWith("RateLimitError")(service.create())
      assert.lengthOf(yield* (yield* memory).sessions, 0)
    }).pipe(Effect.provide(InMemoryChat.layer)))
})

describe("InMemoryChat controls", () => {
  it.effect("handles a scripted RateLimitError with catchTags", () =>
    Effect.gen(function*() {
      yield* (yield* memory).failNext(rateLimited)
      const refused = yield* openSession(["idx-a"])
      const accepted = yield* openSession(["idx-a"])
      assert.deepStrictEqual(refused, { _tag: "TryLater", after: Option.some(Duration.seconds(30)) })
      assert.deepStrictEqual(accepted, { _tag: "Opened", sessionId: "ses-000001" }, "a failed call creates nothing")
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("fails as many calls as scripted, in order", () =>
    Effect.gen(function*() {
      const control = yield* memory
      yield* control.failNext(rateLimited, 2)
      yield* control.failNext(offline)
      const results = yield* Effect.forEach([1, 2, 3, 4], () => openSession([]))
      assert.deepStrictEqual(results.map((r) => r._tag), ["TryLater", "TryLater", "Offline", "Opened"])
      assert.lengthOf(yield* control.sessions, 1)
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("aims a failure at one operation: the others go through", () =>
    Effect.gen(function*() {
      const service = yield* chat
      const session = yield* service.create()
      yield* (yield* memory).failNext(offline, { operation: "retrieve", times: 2 })
      yield* service.getSummary(session.sessionId)
      yield* service.listPage()
      assert.deepStrictEqual(seen(yield* failsWith("NetworkError")(service.retrieve(session.sessionId))), seen(offline))
      yield* failsWith("NetworkError")(service.retrieve(session.sessionId))
      assert.strictEqual((yield* service.retrieve(session.sessionId)).sessionId, session.sessionId)
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("fails a list stream aimed at, when it runs", () =>
    Effect.gen(function*() {
      const service = yield* chat
      yield* (yield* memory).failNext(rateLimited, { operation: "list" })
      const listing = service.list()
      yield* service.create()
      yield* failsWith("RateLimitError")(Stream.runDrain(listing))
      assert.lengthOf(yield* collect(listing), 1)
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("records every call with its arguments, failed ones included", () =>
    Effect.gen(function*() {
      const service = yield* chat
      const turn = { prompt: "Hello?", indexIds: ["idx-a"] }
      yield* service.create({ indexIds: ["idx-a"] })
      yield* Stream.runDrain(service.list({ pageSize: 5 }))
      yield* service.listPage()
      yield* service.retrieve("ses-000001")
      yield* Effect.flip(service.getSummary("ses-nope", { projectId: PROJECT_ID }))
      yield* Stream.runDrain(service.sendMessage("ses-000001", turn))
      yield* service.ask("ses-000001", turn)
      yield* service.delete("ses-000001")
      assert.deepStrictEqual(yield* (yield* memory).calls, [
        { operation: "create", params: { indexIds: ["idx-a"] } },
        { operation: "list", params: { pageSize: 5 } },
        { operation: "listPage", params: undefined },
        { operation: "retrieve", sessionId: "ses-000001", params: undefined },
        { operation: "getSummary", sessionId: "ses-nope", params: { projectId: PROJECT_ID } },
        { operation: "sendMessage", sessionId: "ses-000001", params: turn },
        { operation: "ask", sessionId: "ses-000001", params: turn },
        { operation: "delete", sessionId: "ses-000001", params: undefined }
      ])
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("traces one span per call, named after its operation", () =>
    Effect.gen(function*() {
      const { spans, tracer } = yield* recordSpans
      yield* Effect.gen(function*() {
        const service = yield* chat
        const session = yield* service.create()
        yield* service.getSummary(session.sessionId)
        yield* Stream.runDrain(service.list())
        yield* service.ask(session.sessionId, { prompt: "Hi", indexIds: ["idx-a"] })
      }).pipe(Effect.withTracer(tracer))
      assert.deepStrictEqual(spans.map((span) => span.name), [
        "ChatService.create",
        "ChatService.getSummary",
        "ChatService.list",
        "ChatService.ask"
      ])
    }).pipe(Effect.provide(InMemoryChat.layer)))
})

describe("InMemoryChat turns", () => {
  const turn = { prompt: "What is the refund policy for damaged items?", indexIds: ["idx-a"] }
  const tags = (events: ReadonlyArray<{ readonly _tag: string }>) => events.map((event) => event._tag)
  const newSession = Effect.flatMap(chat, (service) => service.create())

  it.effect("streams the agent's answer: thinking, a search, the text in pieces, then Stop", () =>
    Effect.gen(function*() {
      const { sessionId } = yield* newSession
      const events = yield* collect((yield* chat).sendMessage(sessionId, turn))
      const kinds = [...new Set(tags(events))]
      assert.deepStrictEqual(kinds, ["ThinkingDelta", "Thinking", "ToolCall", "ToolResult", "TextDelta", "Text", "Stop"])
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("records a turn in the session: the prompt, the events, a title and the usage", () =>
    Effect.gen(function*() {
      const service = yield* chat
      const { sessionId } = yield* newSession
      yield* TestClock.adjust("1 minute")
      const reply = yield* service.ask(sessionId, turn)
      const detail = yield* service.retrieve(sessionId)
      assert.deepStrictEqual(detail.events, [{ _tag: "UserInput", content: turn.prompt }, ...reply.events])
      assert.deepStrictEqual(detail.generatedTitle, Option.some(turn.prompt))
      assert.deepStrictEqual(detail.indexIds, Option.some(turn.indexIds))
      assert.deepStrictEqual(Option.flatMap(detail.jobMetadata, (job) => job.turns), Option.some(1))
      assert.strictEqual(DateTime.toEpochMillis(detail.lastUpdatedAt), 60_000)
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("collects a turn with ask: the answer is the final Text, the search paired with its result", () =>
    Effect.gen(function*() {
      const { sessionId } = yield* newSession
      const reply = yield* (yield* chat).ask(sessionId, turn)
      const text = reply.events.find((event) => event._tag === "Text")
      assert.strictEqual(reply.text, text?._tag === "Text" ? text.content : "")
      assert.lengthOf(reply.toolCalls, 1)
      assert.isTrue(Option.isSome(reply.toolCalls[0]!.result))
      assert.deepStrictEqual(reply.skippedIndexIds, [])
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("fails ask with TurnError when the agent's turn fails, and records it", () =>
    Effect.gen(function*() {
      const service = yield* chat
      const { sessionId } = yield* newSession
      const failing = { prompt: "Hello?", indexIds: ["unavailable-idx"], requireAllIndexes: true }
      const error = yield* failsWith("TurnError")(service.ask(sessionId, failing))
      assert.strictEqual(error.operation, "ChatService.ask")
      assert.strictEqual(error.sessionId, sessionId)
      assert.deepStrictEqual(error.error, Option.some("Could not query required indexes: unavailable-idx"))
      const last = (yield* service.retrieve(sessionId)).events.at(-1)
      assert.isTrue(last?._tag === "Stop" && last.isError)
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("emits events one at a time: taking two ends the stream, and the turn is still recorded whole", () =>
    Effect.gen(function*() {
      const service = yield* chat
      const { sessionId } = yield* newSession
      const firstTwo = yield* collect(Stream.take(service.sendMessage(sessionId, turn), 2))
      assert.deepStrictEqual(tags(firstTwo), ["ThinkingDelta", "ThinkingDelta"])
      const history = (yield* service.retrieve(sessionId)).events
      assert.strictEqual(history.at(-1)?._tag, "Stop")
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("refuses a second turn while one runs (409), as the real client reads LlamaCloud's answer", () =>
    Effect.gen(function*() {
      const service = yield* chat
      const { sessionId } = yield* newSession
      const busy = yield* Effect.scoped(Effect.gen(function*() {
        const pull = yield* Stream.toPull(service.sendMessage(sessionId, turn))
        yield* pull
        return yield* Effect.flip(service.ask(sessionId, turn))
      }))
      const server = yield* real(
        (c) => c.ask(sessionId, turn),
        replay(InMemory.llamaCloudSays.busy)
      )
      assert.strictEqual(busy._tag, "ApiError")
      assert.deepStrictEqual(seen(busy), seen(server))
      yield* service.ask(sessionId, turn)
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("locks a session's indexes after its first turn (422), as the real client reads LlamaCloud's answer", () =>
    Effect.gen(function*() {
      const service = yield* chat
      const { sessionId } = yield* newSession
      yield* service.ask(sessionId, turn)
      const other = { ...turn, indexIds: ["idx-b"] }
      const locked = yield* Effect.flip(Stream.runDrain(service.sendMessage(sessionId, other)))
      const server = yield* real((c) => Stream.runDrain(c.sendMessage(sessionId, other)), replay(InMemory.llamaCloudSays.locked))
      assert.strictEqual(locked._tag, "ValidationError")
      assert.deepStrictEqual(seen(locked), seen(server))
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("emits a scripted turn's events, ChatEvents and wire objects alike, and records nothing of it", () =>
    Effect.gen(function*() {
      const service = yield* chat
      const { sessionId } = yield* newSession
      yield* (yield* memory).scriptTurn([
        { _tag: "TextDelta", content: "Hi" },
        { type: "citation", url: "https://example.com" },
        { type: "text", content: "Hi there" },
        { type: "stop", error: null, is_error: false, usage: { duration_ms: 5, turns: 1 } }
      ])
      const reply = yield* service.ask(sessionId, turn)
      assert.deepStrictEqual(tags(reply.events), ["TextDelta", "UnknownEvent", "Text", "Stop"])
      assert.strictEqual(reply.text, "Hi there")
      assert.strictEqual(reply.usage.durationMs, 5)
      assert.deepStrictEqual((yield* service.retrieve(sessionId)).events, [])
      assert.notStrictEqual((yield* service.ask(sessionId, turn)).text, "Hi there", "the next turn is the agent's again")
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("fails ask with TurnError on a scripted Stop that reports an error; sendMessage emits it", () =>
    Effect.gen(function*() {
      const service = yield* chat
      const { sessionId } = yield* newSession
      const failed = [{ type: "stop", error: "index offline", is_error: true }]
      yield* (yield* memory).scriptTurn(failed)
      yield* (yield* memory).scriptTurn(failed)
      const error = yield* failsWith("TurnError")(service.ask(sessionId, turn))
      assert.strictEqual(error.operation, "ChatService.ask")
      assert.include(error.message, "index offline")
      const events = yield* collect(service.sendMessage(sessionId, turn))
      assert.deepStrictEqual(tags(events), ["Stop"])
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("breaks a scripted turn off after N events with the scripted error", () =>
    Effect.gen(function*() {
      const service = yield* chat
      const { sessionId } = yield* newSession
      const cut = new NetworkError({ reason: "ConnectionLost", detail: "reset", timeout: Option.none() })
      yield* (yield* memory).scriptTurn({
        events: [{ _tag: "TextDelta", content: "a" }, { _tag: "TextDelta", content: "b" }, { _tag: "TextDelta", content: "c" }],
        failAfter: { after: 2, error: cut }
      })
      const seenBefore: Array<string> = []
      const error = yield* Effect.flip(
        Stream.runForEach(service.sendMessage(sessionId, turn), (event) => Effect.sync(() => seenBefore.push(event._tag)))
      )
      assert.deepStrictEqual(seenBefore, ["TextDelta", "TextDelta"])
      assert.strictEqual(error, cut)
    }).pipe(Effect.provide(InMemoryChat.layer)))

  it.effect("breaks the agent's turn off after N events, while the session records it whole", () =>
    Effect.gen(function*() {
      const service = yield* chat
      const { sessionId } = yield* newSession
      yield* (yield* memory).scriptTurn({ failAfter: { after: 3, error: offline } })
      const events: Array<string> = []
      const error = yield* Effect.flip(
        Stream.runForEach(service.sendMessage(sessionId, turn), (event) => Effect.sync(() => events.push(event._tag)))
      )
      assert.strictEqual(error, offline)
      assert.lengthOf(events, 3)
      assert.strictEqual((yield* service.retrieve(sessionId)).events.at(-1)?._tag, "Stop")
    }).pipe(Effect.provide(InMemoryChat.layer)))

  for (const [what, tag, events] of brokenTurns) {
    it.effect(`fails a scripted turn that ${what} as the real client fails such a stream from the server`, () =>
      Effect.gen(function*() {
        const { sessionId } = yield* newSession
        yield* (yield* memory).scriptTurn(events)
        const inMemory = yield* Effect.flip(Stream.runDrain((yield* chat).sendMessage(sessionId, turn)))
        const server = yield* real((c) => Stream.runDrain(c.sendMessage(sessionId, turn)), MockTransport.eventStream(events))
        assert.strictEqual(inMemory._tag, tag)
        assert.strictEqual(inMemory.message, server.message)
      }).pipe(Effect.provide(InMemoryChat.layer)))
  }

  it.effect("checks a scripted turn as any turn: an unknown session is a 404, and the script waits", () =>
    Effect.gen(function*() {
      const service = yield* chat
      yield* (yield* memory).scriptTurn([{ type: "stop", error: null, is_error: false }])
      const error = yield* failsWith("NotFoundError")(service.ask("ses-missing", turn))
      assert.strictEqual(error.operation, "ChatService.ask")
      const { sessionId } = yield* newSession
      assert.deepStrictEqual(tags((yield* service.ask(sessionId, turn)).events), ["Stop"])
    }).pipe(Effect.provide(InMemoryChat.layer)))
})
