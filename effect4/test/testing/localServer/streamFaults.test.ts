/**
 * Stream faults: a turn's event stream cut, stalled, dripped, mangled or left open, as a client
 * reading it raw sees it, and what the server records of such a turn.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import type { Agent, Dispatcher } from "undici"
import * as ChatModel from "../../../src/testing/ChatModel.js"
import { LocalServer } from "../../../src/testing/node.js"
import {
  client,
  createSession,
  drain,
  eventsOf,
  eventually,
  framesOf,
  historyOf,
  parse,
  postTurn,
  runTurn,
  send,
  type Server,
  withServer
} from "./fixtures.js"
import { typesOf } from "../../../../test/shared/localServer/wire.js"

const { Fault } = LocalServer

/** The events of an undisturbed turn in a fresh session: what a fault is compared with. */
const normalTurn = (server: Server, agent: Agent) =>
  Effect.gen(function*() {
    const session = yield* createSession(agent, server.url)
    return eventsOf((yield* runTurn(agent, server.url, session.session_id)).text)
  })

/** Starts a turn whose body is read in the background; `leave` aborts it and tells what arrived. */
const startReading = (server: Server, agent: Agent, sessionId: string) =>
  Effect.gen(function*() {
    const abort = new AbortController()
    const response: Dispatcher.ResponseData = yield* postTurn(agent, server.url, sessionId, undefined, abort.signal)
    const reading = yield* Effect.forkChild(drain(response))
    return {
      response,
      /** Whether the body is still open after `millis`. */
      stillOpenAfter: (millis: number) => Effect.map(Fiber.await(reading).pipe(Effect.timeoutOption(millis)), Option.isNone),
      leave: Effect.sync(() => abort.abort()).pipe(Effect.andThen(Fiber.join(reading)))
    }
  })

/** Waits until the server no longer runs a turn in the session. */
const turnEnded = (server: Server, sessionId: string) =>
  eventually(Effect.flatMap(server.model, (model) =>
    ChatModel.find(model, sessionId)?.running === undefined ? Effect.void : Effect.fail("turn still running")))

describe("LocalServer stream faults", () => {
  it.live("CutStream: N whole events, then the connection closes without ending the body", () =>
    withServer((server, agent) =>
      Effect.gen(function*() {
        const normal = yield* normalTurn(server, agent)
        const session = yield* createSession(agent, server.url)
        yield* server.setFaults({ script: [Fault.cutStream(3)] })
        const response = yield* postTurn(agent, server.url, session.session_id)
        expect(response.statusCode).toBe(200)
        const { text, error } = yield* drain(response)
        expect(error).toBeDefined()
        expect(text.endsWith("\n\n")).toBe(true)
        expect(typesOf(eventsOf(text))).toEqual(typesOf(normal.slice(0, 3)))
        // The agent ran to the end server-side: the turn is recorded whole.
        yield* turnEnded(server, session.session_id)
        expect(typesOf(yield* historyOf(agent, server.url, session.session_id))).toEqual(["user_input", ...typesOf(normal)])
      })
    ))

  it.live("CutStream mid-event: half of the next event's bytes, then a reset", () =>
    withServer((server, agent) =>
      Effect.gen(function*() {
        const session = yield* createSession(agent, server.url)
        yield* server.setFaults({ script: [Fault.cutStream(2, { midEvent: true, reset: true })] })
        const { text, error } = yield* drain(yield* postTurn(agent, server.url, session.session_id))
        expect(error).toBe("ECONNRESET")
        expect(framesOf(text).frames).toHaveLength(3)
        const partial = text.slice(text.lastIndexOf("\n\n", text.length - 1) + 2)
        expect(partial.startsWith("data: {")).toBe(true)
        expect(() => parse(partial.slice(6))).toThrow()
      })
    ))

  it.live("StallStream: N events, then silence until the client leaves; the session is busy meanwhile", () =>
    withServer((server, agent) =>
      Effect.gen(function*() {
        const session = yield* createSession(agent, server.url)
        yield* server.setFaults({ script: [Fault.stallStream(2)] })
        const reading = yield* startReading(server, agent, session.session_id)
        expect(yield* reading.stillOpenAfter(150)).toBe(true)
        expect((yield* runTurn(agent, server.url, session.session_id)).status).toBe(409)
        const { text } = yield* reading.leave
        expect(eventsOf(text)).toHaveLength(2)
        expect(framesOf(text).comments).toEqual(["keep-alive"])
        yield* turnEnded(server, session.session_id)
        expect(typesOf(yield* historyOf(agent, server.url, session.session_id)).at(-1)).toBe("stop")
      })
    ))

  it.live("DripStream: the same stream, a byte at a time", () =>
    withServer((server, agent) =>
      Effect.gen(function*() {
        // A short turn: a byte a millisecond adds up.
        const short = { index_ids: ["i"], prompt: "hi" }
        const first = yield* createSession(agent, server.url)
        const normal = eventsOf((yield* runTurn(agent, server.url, first.session_id, short)).text)
        const session = yield* createSession(agent, server.url)
        yield* server.setFaults({ script: [Fault.dripStream(1)] })
        const response = yield* postTurn(agent, server.url, session.session_id, short)
        const chunks: Array<number> = []
        const text = yield* Effect.promise(async () => {
          const decoder = new TextDecoder()
          let all = ""
          for await (const chunk of response.body) {
            chunks.push(chunk.length)
            all += decoder.decode(chunk, { stream: true })
          }
          return all
        })
        expect(typesOf(eventsOf(text))).toEqual(typesOf(normal))
        // Loopback can coalesce a few writes; most should still arrive alone.
        expect(chunks.length).toBeGreaterThan(Buffer.byteLength(text) / 4)
      })
    ))

  it.live("MalformedEvent: event N is not JSON, or JSON of the wrong shape", () =>
    withServer((server, agent) =>
      Effect.gen(function*() {
        const normal = yield* normalTurn(server, agent)
        yield* server.setFaults({
          script: [Fault.malformedEvent(2), Fault.malformedEvent(0, { data: `{"type":"text_delta","content":42}` })]
        })
        const first = framesOf((yield* normalTurnText(server, agent)).text).frames
        expect(first).toHaveLength(normal.length)
        expect(first[2]?.data).toBe("{not json")
        expect(() => parse(first[3]?.data ?? "")).not.toThrow()
        const second = framesOf((yield* normalTurnText(server, agent)).text).frames
        expect(parse(second[0]?.data ?? "")).toEqual({ type: "text_delta", content: 42 })
      })
    ))

  it.live("UnknownEvent: an event of a new type inserted, with an event name if given", () =>
    withServer((server, agent) =>
      Effect.gen(function*() {
        const normal = yield* normalTurn(server, agent)
        yield* server.setFaults({
          script: [Fault.unknownEvent(1), Fault.unknownEvent(99, { event: { type: "progress", percent: 50 }, name: "progress" })]
        })
        const inserted = eventsOf((yield* normalTurnText(server, agent)).text)
        expect(typesOf(inserted)).toEqual([normal[0]?.["type"], "citation", ...typesOf(normal.slice(1))])
        const appended = framesOf((yield* normalTurnText(server, agent)).text).frames
        expect(appended.at(-1)).toEqual({ name: "progress", data: `{"type":"progress","percent":50}` })
        expect(parse(appended.at(-2)?.data ?? "")).toMatchObject({ type: "stop" })
      })
    ))

  it.live("OversizedEvent: event N grown to exactly the bytes asked, still valid", () =>
    withServer((server, agent) =>
      Effect.gen(function*() {
        const normal = yield* normalTurn(server, agent)
        const bytes = 3 * 1024 * 1024 + 7
        yield* server.setFaults({ script: [Fault.oversizedEvent(1, bytes)] })
        const { text } = yield* normalTurnText(server, agent)
        const blocks = text.split("\n\n")
        // blocks[0] is the keep-alive comment.
        expect(Buffer.byteLength(`${blocks[2]}\n\n`)).toBe(bytes)
        const grown = parse((blocks[2] ?? "").slice(6))
        expect(grown).toMatchObject({ ...normal[1], padding: expect.stringMatching(/^x+$/) })
        expect(typesOf(eventsOf(text))).toEqual(typesOf(normal))
      })
    ))

  it.live("NoStop: every event but stop, then the body ends cleanly; the history has the stop", () =>
    withServer((server, agent) =>
      Effect.gen(function*() {
        const session = yield* createSession(agent, server.url)
        yield* server.setFaults({ script: [Fault.noStop()] })
        const { text, error } = yield* drain(yield* postTurn(agent, server.url, session.session_id))
        expect(error).toBeUndefined()
        expect(typesOf(eventsOf(text)).at(-1)).toBe("text")
        yield* turnEnded(server, session.session_id)
        expect(typesOf(yield* historyOf(agent, server.url, session.session_id)).at(-1)).toBe("stop")
      })
    ))

  it.live("EventsAfterStop: more events after stop, the connection left open; the turn is over", () =>
    withServer((server, agent) =>
      Effect.gen(function*() {
        const session = yield* createSession(agent, server.url)
        yield* server.setFaults({ script: [Fault.eventsAfterStop()] })
        const reading = yield* startReading(server, agent, session.session_id)
        expect(yield* reading.stillOpenAfter(150)).toBe(true)
        // The turn ended at its stop: the session takes another.
        expect((yield* runTurn(agent, server.url, session.session_id)).status).toBe(200)
        const { text } = yield* reading.leave
        const types = typesOf(eventsOf(text))
        expect(types.slice(types.indexOf("stop"))).toEqual(["stop", "text_delta", "text"])
      })
    ))

  it.live("KeepAlivesOnly: comments every interval and never an event, until the client leaves", () =>
    withServer((server, agent) =>
      Effect.gen(function*() {
        const session = yield* createSession(agent, server.url)
        yield* server.setFaults({ script: [Fault.keepAlivesOnly(20)] })
        const reading = yield* startReading(server, agent, session.session_id)
        expect(reading.response.statusCode).toBe(200)
        expect(yield* reading.stillOpenAfter(150)).toBe(true)
        expect((yield* runTurn(agent, server.url, session.session_id)).status).toBe(409)
        const { text } = yield* reading.leave
        expect(framesOf(text).frames).toEqual([])
        expect(framesOf(text).comments.length).toBeGreaterThanOrEqual(4)
        yield* turnEnded(server, session.session_id)
      })
    ))

  it.live("performs: false: the events go out, the server records nothing", () =>
    withServer((server, agent) =>
      Effect.gen(function*() {
        const session = yield* createSession(agent, server.url)
        yield* server.setFaults({ script: [Fault.noStop({ performs: false })] })
        const reply = yield* runTurn(agent, server.url, session.session_id)
        expect(eventsOf(reply.text).length).toBeGreaterThan(5)
        expect(yield* historyOf(agent, server.url, session.session_id)).toEqual([])
      })
    ))

  it.live("a stream fault waits for a turn, and for the session it is aimed at", () =>
    withServer((server, agent) =>
      Effect.gen(function*() {
        const a = yield* createSession(agent, server.url)
        const b = yield* createSession(agent, server.url)
        yield* server.setFaults({ script: [Fault.noStop({ sessionId: b.session_id })] })
        // Create, list and a turn in another session pass untouched.
        expect((yield* send(agent, server.url)).status).toBe(200)
        expect((yield* send(agent, server.url, { method: "GET" })).status).toBe(200)
        expect(typesOf(eventsOf((yield* runTurn(agent, server.url, a.session_id)).text)).at(-1)).toBe("stop")
        expect(typesOf(eventsOf((yield* runTurn(agent, server.url, b.session_id)).text)).at(-1)).toBe("text")
      })
    ))

  it.live("a stream fault leaves a refused turn's error as it is", () =>
    withServer((server, agent) =>
      Effect.gen(function*() {
        const session = yield* createSession(agent, server.url)
        yield* server.setFaults({ script: [Fault.cutStream(0)] })
        const refused = yield* runTurn(agent, server.url, session.session_id, { index_ids: [], prompt: "hi" })
        expect(refused.status).toBe(422)
        expect(parse(refused.text)).toMatchObject({ detail: [expect.objectContaining({ type: "too_short" })] })
      })
    ))

  it.live("a body fault on a turn mangles the whole stream as one body", () =>
    withServer((server, agent) =>
      Effect.gen(function*() {
        const session = yield* createSession(agent, server.url)
        yield* server.setFaults({ route: "sendMessage", script: [Fault.resetMidBody()] })
        const response = yield* postTurn(agent, server.url, session.session_id)
        expect(response.headers["content-type"]).toMatch(/^text\/event-stream/)
        const length = Number(response.headers["content-length"])
        const { text, error } = yield* drain(response)
        expect(error).toBe("ECONNRESET")
        expect(Buffer.byteLength(text)).toBe(Math.floor(length / 2))
        // The work was done: recorded whole, and the session is free.
        expect(typesOf(yield* historyOf(agent, server.url, session.session_id)).at(-1)).toBe("stop")
      })
    ))

  it.live("closing the server ends streams left open: stalled, keep-alives only, after stop", () =>
    Effect.gen(function*() {
      const agent = yield* client
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(
        LocalServer.layer({
          faults: { script: [Fault.stallStream(1), Fault.keepAlivesOnly(10), Fault.eventsAfterStop()] }
        }),
        scope
      )
      const server = Context.get(context, LocalServer.LocalServer)
      const readings = yield* Effect.forEach([1, 2, 3], () =>
        Effect.flatMap(createSession(agent, server.url), (session) => startReading(server, agent, session.session_id)))
      for (const reading of readings) expect(yield* reading.stillOpenAfter(50)).toBe(true)
      yield* Scope.close(scope, Exit.void).pipe(Effect.timeoutOrElse({ duration: "2 seconds", orElse: () => Effect.fail("close hung") }))
      expect((yield* server.connections).open).toBe(0)
      expect(yield* server.handlerFailures).toEqual([])
    }))
})

/** A turn in a fresh session, read whole. */
function normalTurnText(server: Server, agent: Agent) {
  return Effect.flatMap(createSession(agent, server.url), (session) => runTurn(agent, server.url, session.session_id))
}
