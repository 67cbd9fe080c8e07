/**
 * Stream faults: a turn's event stream cut, stalled, dripped, mangled or left open, as a client
 * reading it raw sees it, and what the server records of such a turn.
 */
import { describe, expect, it } from "vitest"
import type { Agent, Dispatcher } from "undici"
import { find } from "../../../src/core/chatModel/state.js"
import {
  createSession,
  drain,
  each,
  ensure,
  eventually,
  historyOf,
  newAgent,
  postTurn,
  runTurn,
  send,
  stillPendingAfter
} from "../../shared/localServer/requests.js"
import { eventsOf, framesOf, parse, typesOf } from "../../shared/localServer/wire.js"
import { closeWithin, Fault, type Server, start, withServer } from "./fixtures.js"

/** The events of an undisturbed turn in a fresh session: what a fault is compared with. */
const normalTurn = async (server: Server, agent: Agent) => {
  const session = await createSession(agent, server.url)
  return eventsOf((await runTurn(agent, server.url, session.session_id)).text)
}

/** Starts a turn whose body is read in the background; `leave` aborts it and tells what arrived. */
const startReading = async (server: Server, agent: Agent, sessionId: string) => {
  const abort = new AbortController()
  const response: Dispatcher.ResponseData = await postTurn(agent, server.url, sessionId, undefined, abort.signal)
  const reading = drain(response)
  return {
    response,
    /** Whether the body is still open after `millis`. */
    stillOpenAfter: (millis: number) => stillPendingAfter(reading, millis),
    leave: () => {
      abort.abort()
      return reading
    }
  }
}

/** Waits until the server no longer runs a turn in the session. */
const turnEnded = (server: Server, sessionId: string) =>
  eventually(() => ensure(find(server.model(), sessionId)?.running === undefined, "turn still running"))

describe("LocalServer stream faults", () => {
  it("CutStream: N whole events, then the connection closes without ending the body", () =>
    withServer(async (server, agent) => {
      const normal = await normalTurn(server, agent)
      const session = await createSession(agent, server.url)
      server.setFaults({ script: [Fault.cutStream(3)] })
      const response = await postTurn(agent, server.url, session.session_id)
      expect(response.statusCode).toBe(200)
      const { text, error } = await drain(response)
      expect(error).toBeDefined()
      expect(text.endsWith("\n\n")).toBe(true)
      expect(typesOf(eventsOf(text))).toEqual(typesOf(normal.slice(0, 3)))
      // The agent ran to the end server-side: the turn is recorded whole.
      await turnEnded(server, session.session_id)
      expect(typesOf(await historyOf(agent, server.url, session.session_id))).toEqual(["user_input", ...typesOf(normal)])
    }))

  it("CutStream mid-event: half of the next event's bytes, then a reset", () =>
    withServer(async (server, agent) => {
      const session = await createSession(agent, server.url)
      server.setFaults({ script: [Fault.cutStream(2, { midEvent: true, reset: true })] })
      const { text, error } = await drain(await postTurn(agent, server.url, session.session_id))
      expect(error).toBe("ECONNRESET")
      expect(framesOf(text).frames).toHaveLength(3)
      const partial = text.slice(text.lastIndexOf("\n\n", text.length - 1) + 2)
      expect(partial.startsWith("data: {")).toBe(true)
      expect(() => parse(partial.slice(6))).toThrow()
    }))

  it("StallStream: N events, then silence until the client leaves; the session is busy meanwhile", () =>
    withServer(async (server, agent) => {
      const session = await createSession(agent, server.url)
      server.setFaults({ script: [Fault.stallStream(2)] })
      const reading = await startReading(server, agent, session.session_id)
      expect(await reading.stillOpenAfter(150)).toBe(true)
      expect((await runTurn(agent, server.url, session.session_id)).status).toBe(409)
      const { text } = await reading.leave()
      expect(eventsOf(text)).toHaveLength(2)
      expect(framesOf(text).comments).toEqual(["keep-alive"])
      await turnEnded(server, session.session_id)
      expect(typesOf(await historyOf(agent, server.url, session.session_id)).at(-1)).toBe("stop")
    }))

  it("DripStream: the same stream, a byte at a time", () =>
    withServer(async (server, agent) => {
      // A short turn: a byte a millisecond adds up.
      const short = { index_ids: ["i"], prompt: "hi" }
      const first = await createSession(agent, server.url)
      const normal = eventsOf((await runTurn(agent, server.url, first.session_id, short)).text)
      const session = await createSession(agent, server.url)
      server.setFaults({ script: [Fault.dripStream(1)] })
      const response = await postTurn(agent, server.url, session.session_id, short)
      const chunks: Array<number> = []
      const text = await (async () => {
        const decoder = new TextDecoder()
        let all = ""
        for await (const chunk of response.body) {
          chunks.push(chunk.length)
          all += decoder.decode(chunk, { stream: true })
        }
        return all
      })()
      expect(typesOf(eventsOf(text))).toEqual(typesOf(normal))
      // Loopback can coalesce a few writes; most should still arrive alone.
      expect(chunks.length).toBeGreaterThan(Buffer.byteLength(text) / 4)
    }))

  it("MalformedEvent: event N is not JSON, or JSON of the wrong shape", () =>
    withServer(async (server, agent) => {
      const normal = await normalTurn(server, agent)
      server.setFaults({
        script: [Fault.malformedEvent(2), Fault.malformedEvent(0, { data: `{"type":"text_delta","content":42}` })]
      })
      const first = framesOf((await normalTurnText(server, agent)).text).frames
      expect(first).toHaveLength(normal.length)
      expect(first[2]?.data).toBe("{not json")
      expect(() => parse(first[3]?.data ?? "")).not.toThrow()
      const second = framesOf((await normalTurnText(server, agent)).text).frames
      expect(parse(second[0]?.data ?? "")).toEqual({ type: "text_delta", content: 42 })
    }))

  it("UnknownEvent: an event of a new type inserted, with an event name if given", () =>
    withServer(async (server, agent) => {
      const normal = await normalTurn(server, agent)
      server.setFaults({
        script: [Fault.unknownEvent(1), Fault.unknownEvent(99, { event: { type: "progress", percent: 50 }, name: "progress" })]
      })
      const inserted = eventsOf((await normalTurnText(server, agent)).text)
      expect(typesOf(inserted)).toEqual([normal[0]?.["type"], "citation", ...typesOf(normal.slice(1))])
      const appended = framesOf((await normalTurnText(server, agent)).text).frames
      expect(appended.at(-1)).toEqual({ name: "progress", data: `{"type":"progress","percent":50}` })
      expect(parse(appended.at(-2)?.data ?? "")).toMatchObject({ type: "stop" })
    }))

  it("OversizedEvent: event N grown to exactly the bytes asked, still valid", () =>
    withServer(async (server, agent) => {
      const normal = await normalTurn(server, agent)
      const bytes = 3 * 1024 * 1024 + 7
      server.setFaults({ script: [Fault.oversizedEvent(1, bytes)] })
      const { text } = await normalTurnText(server, agent)
      const blocks = text.split("\n\n")
      // blocks[0] is the keep-alive comment.
      expect(Buffer.byteLength(`${blocks[2]}\n\n`)).toBe(bytes)
      const grown = parse((blocks[2] ?? "").slice(6))
      expect(grown).toMatchObject({ ...normal[1], padding: expect.stringMatching(/^x+$/) })
      expect(typesOf(eventsOf(text))).toEqual(typesOf(normal))
    }))

  it("NoStop: every event but stop, then the body ends cleanly; the history has the stop", () =>
    withServer(async (server, agent) => {
      const session = await createSession(agent, server.url)
      server.setFaults({ script: [Fault.noStop()] })
      const { text, error } = await drain(await postTurn(agent, server.url, session.session_id))
      expect(error).toBeUndefined()
      expect(typesOf(eventsOf(text)).at(-1)).toBe("text")
      await turnEnded(server, session.session_id)
      expect(typesOf(await historyOf(agent, server.url, session.session_id)).at(-1)).toBe("stop")
    }))

  it("EventsAfterStop: more events after stop, the connection left open; the turn is over", () =>
    withServer(async (server, agent) => {
      const session = await createSession(agent, server.url)
      server.setFaults({ script: [Fault.eventsAfterStop()] })
      const reading = await startReading(server, agent, session.session_id)
      expect(await reading.stillOpenAfter(150)).toBe(true)
      // The turn ended at its stop: the session takes another.
      expect((await runTurn(agent, server.url, session.session_id)).status).toBe(200)
      const { text } = await reading.leave()
      const types = typesOf(eventsOf(text))
      expect(types.slice(types.indexOf("stop"))).toEqual(["stop", "text_delta", "text"])
    }))

  it("KeepAlivesOnly: comments every interval and never an event, until the client leaves", () =>
    withServer(async (server, agent) => {
      const session = await createSession(agent, server.url)
      server.setFaults({ script: [Fault.keepAlivesOnly(20)] })
      const reading = await startReading(server, agent, session.session_id)
      expect(reading.response.statusCode).toBe(200)
      expect(await reading.stillOpenAfter(150)).toBe(true)
      expect((await runTurn(agent, server.url, session.session_id)).status).toBe(409)
      const { text } = await reading.leave()
      expect(framesOf(text).frames).toEqual([])
      expect(framesOf(text).comments.length).toBeGreaterThanOrEqual(4)
      await turnEnded(server, session.session_id)
    }))

  it("performs: false: the events go out, the server records nothing", () =>
    withServer(async (server, agent) => {
      const session = await createSession(agent, server.url)
      server.setFaults({ script: [Fault.noStop({ performs: false })] })
      const reply = await runTurn(agent, server.url, session.session_id)
      expect(eventsOf(reply.text).length).toBeGreaterThan(5)
      expect(await historyOf(agent, server.url, session.session_id)).toEqual([])
    }))

  it("a stream fault waits for a turn, and for the session it is aimed at", () =>
    withServer(async (server, agent) => {
      const a = await createSession(agent, server.url)
      const b = await createSession(agent, server.url)
      server.setFaults({ script: [Fault.noStop({ sessionId: b.session_id })] })
      // Create, list and a turn in another session pass untouched.
      expect((await send(agent, server.url)).status).toBe(200)
      expect((await send(agent, server.url, { method: "GET" })).status).toBe(200)
      expect(typesOf(eventsOf((await runTurn(agent, server.url, a.session_id)).text)).at(-1)).toBe("stop")
      expect(typesOf(eventsOf((await runTurn(agent, server.url, b.session_id)).text)).at(-1)).toBe("text")
    }))

  it("a stream fault leaves a refused turn's error as it is", () =>
    withServer(async (server, agent) => {
      const session = await createSession(agent, server.url)
      server.setFaults({ script: [Fault.cutStream(0)] })
      const refused = await runTurn(agent, server.url, session.session_id, { index_ids: [], prompt: "hi" })
      expect(refused.status).toBe(422)
      expect(parse(refused.text)).toMatchObject({ detail: [expect.objectContaining({ type: "too_short" })] })
    }))

  it("a body fault on a turn mangles the whole stream as one body", () =>
    withServer(async (server, agent) => {
      const session = await createSession(agent, server.url)
      server.setFaults({ route: "sendMessage", script: [Fault.resetMidBody()] })
      const response = await postTurn(agent, server.url, session.session_id)
      expect(response.headers["content-type"]).toMatch(/^text\/event-stream/)
      const length = Number(response.headers["content-length"])
      const { text, error } = await drain(response)
      expect(error).toBe("ECONNRESET")
      expect(Buffer.byteLength(text)).toBe(Math.floor(length / 2))
      // The work was done: recorded whole, and the session is free.
      expect(typesOf(await historyOf(agent, server.url, session.session_id)).at(-1)).toBe("stop")
    }))

  it("closing the server ends streams left open: stalled, keep-alives only, after stop", async () => {
    const agent = newAgent()
    const server = await start({
      faults: { script: [Fault.stallStream(1), Fault.keepAlivesOnly(10), Fault.eventsAfterStop()] }
    })
    try {
      const readings = await each([1, 2, 3], async () => {
        const session = await createSession(agent, server.url)
        return startReading(server, agent, session.session_id)
      })
      for (const reading of readings) expect(await reading.stillOpenAfter(50)).toBe(true)
      await closeWithin(server, 2_000)
      expect(server.connections().open).toBe(0)
      expect(server.handlerFailures()).toEqual([])
    } finally {
      await agent.destroy()
    }
  })
})

/** A turn in a fresh session, read whole. */
async function normalTurnText(server: Server, agent: Agent) {
  const session = await createSession(agent, server.url)
  return runTurn(agent, server.url, session.session_id)
}
