/**
 * Turns on the local server: `POST /api/v1/chat/{id}/messages/stream` as Server-Sent Events, the
 * pacing and framing options, what a turn records, and the rules a turn must follow (409, 422).
 */
import { describe, expect, it } from "vitest"
import { find } from "../../../src/core/chatModel/state.js"
import * as Turns from "../../../src/core/chatModel/turns.js"
import { ok } from "../chatModel/fixtures.js"
import {
  createSession,
  drain,
  ensure,
  eventually,
  historyOf,
  postTurn,
  readAll,
  runTurn,
  send,
  sleep,
  summaryOf,
  timed
} from "../../shared/localServer/requests.js"
import { defaultTurn, eventsOf, framesOf, parse, streamPath, typesOf } from "../../shared/localServer/wire.js"
import { withServer } from "./fixtures.js"

describe("LocalServer turns", () => {
  describe("the stream", () => {
    it("answers 200 text/event-stream: a keep-alive, then one data frame per event, stop last", () =>
      withServer(async (server, agent) => {
        const session = await createSession(agent, server.url)
        const reply = await runTurn(agent, server.url, session.session_id)
        expect(reply.status).toBe(200)
        expect(reply.headers["content-type"]).toMatch(/^text\/event-stream/)
        expect(reply.headers["content-length"]).toBeUndefined()
        expect(reply.headers["cache-control"]).toBe("no-cache")
        expect(reply.headers["x-request-id"]).toMatch(/^req-/)
        expect(reply.text.startsWith(": keep-alive\n\n")).toBe(true)
        const { comments, frames } = framesOf(reply.text)
        expect(comments).toEqual(["keep-alive"])
        expect(frames.every((frame) => frame.name === undefined)).toBe(true)
        const types = typesOf(eventsOf(reply.text))
        expect(types[0]).toBe("thinking_delta")
        expect(types.slice(types.indexOf("thinking"), types.indexOf("thinking") + 3)).toEqual(["thinking", "tool_call", "tool_result"])
        expect(types.slice(-2)).toEqual(["text", "stop"])
      }))

    it("streams exactly the events the model's agent produces", () =>
      withServer(async (server, agent) => {
        const session = await createSession(agent, server.url)
        const before = server.model()
        const reply = await runTurn(agent, server.url, session.session_id)
        const [expected] = Turns.runTurn(before, { sessionId: session.session_id, body: defaultTurn, now: session.last_updated_at })
        expect(eventsOf(reply.text)).toEqual(ok(expected).events)
      }))

    it("sends keep-alive comments while the agent thinks, as paced", () =>
      withServer(async (server, agent) => {
        const session = await createSession(agent, server.url)
        const [elapsed, reply] = await timed(() => runTurn(agent, server.url, session.session_id))
        expect(framesOf(reply.text).comments).toEqual(["keep-alive", "keep-alive", "keep-alive", "keep-alive"])
        expect(reply.text.indexOf("data:")).toBeGreaterThan(reply.text.lastIndexOf(": keep-alive"))
        expect(elapsed).toBeGreaterThanOrEqual(115)
      }, { pacing: { thinkMs: 120, keepAliveMs: 30 } }))

    it("pauses between events as paced", () =>
      withServer(async (server, agent) => {
        const session = await createSession(agent, server.url)
        const [elapsed, reply] = await timed(() => runTurn(agent, server.url, session.session_id))
        const count = framesOf(reply.text).frames.length
        expect(elapsed).toBeGreaterThanOrEqual(4 * (count - 1))
      }, { pacing: { eventMs: 5 } }))

    it("names events by type when asked", () =>
      withServer(async (server, agent) => {
        const session = await createSession(agent, server.url)
        const reply = await runTurn(agent, server.url, session.session_id)
        const frames = framesOf(reply.text).frames
        expect(frames.map((frame) => frame.name)).toEqual(typesOf(eventsOf(reply.text)))
      }, { eventFormat: { eventNames: "type" } }))

    it("names deltas `delta` and the rest `message` when asked", () =>
      withServer(async (server, agent) => {
        const session = await createSession(agent, server.url)
        const reply = await runTurn(agent, server.url, session.session_id)
        const names = framesOf(reply.text).frames.map((frame) => frame.name)
        const expected = typesOf(eventsOf(reply.text)).map((type) => String(type).endsWith("_delta") ? "delta" : "message")
        expect(names).toEqual(expected)
        expect(new Set(names)).toEqual(new Set(["delta", "message"]))
      }, { eventFormat: { eventNames: "delta-message" } }))

    it("ends lines with CRLF when asked", () =>
      withServer(async (server, agent) => {
        const session = await createSession(agent, server.url)
        const reply = await runTurn(agent, server.url, session.session_id)
        expect(reply.text.startsWith(": keep-alive\r\n\r\n")).toBe(true)
        expect(reply.text.replaceAll("\r\n", "")).not.toMatch(/[\r\n]/)
        expect(eventsOf(reply.text.replaceAll("\r\n", "\n")).at(-1)).toMatchObject({ type: "stop" })
      }, { eventFormat: { lineEnding: "\r\n" } }))
  })

  describe("what a turn records", () => {
    it("the history: user_input, then every streamed event; complete once stop is read", () =>
      withServer(async (server, agent) => {
        const session = await createSession(agent, server.url)
        const reply = await runTurn(agent, server.url, session.session_id)
        // No waiting: the turn is recorded before its stop goes out.
        const history = await historyOf(agent, server.url, session.session_id)
        expect(history).toEqual([{ type: "user_input", content: defaultTurn.prompt }, ...eventsOf(reply.text)])
      }))

    it("the title, the bound indexes, the job metadata and the update time", () =>
      withServer(async (server, agent) => {
        const session = await createSession(agent, server.url)
        const reply = await runTurn(agent, server.url, session.session_id)
        const stop = eventsOf(reply.text).at(-1)
        const usage = stop?.["usage"]
        const summary = await summaryOf(agent, server.url, session.session_id)
        expect(summary).toEqual({
          session_id: session.session_id,
          last_updated_at: expect.any(String),
          generated_title: defaultTurn.prompt,
          index_ids: defaultTurn.index_ids,
          job_metadata: {
            ...(typeof usage === "object" ? usage : {}),
            error: null,
            export_config_ids: null,
            is_error: false,
            turns: 1
          }
        })
        expect(summary.last_updated_at > session.last_updated_at).toBe(true)
      }))

    it("a client that leaves mid-turn: the turn is still recorded whole, and the session is free again", () =>
      withServer(async (server, agent) => {
        const session = await createSession(agent, server.url)
        const abort = new AbortController()
        const response = await postTurn(agent, server.url, session.session_id, defaultTurn, abort.signal)
        expect(response.statusCode).toBe(200)
        const reading = drain(response)
        await sleep(40)
        abort.abort()
        await reading
        // The server sees the socket close a moment later, and ends the turn then.
        await eventually(() => ensure(find(server.model(), session.session_id)?.running === undefined, "still running"))
        const history = await historyOf(agent, server.url, session.session_id)
        expect(typesOf(history).at(0)).toBe("user_input")
        expect(typesOf(history).at(-1)).toBe("stop")
        expect((await runTurn(agent, server.url, session.session_id)).status).toBe(200)
      }, { pacing: { thinkMs: 1_000, keepAliveMs: 10 } }))
  })

  describe("rules", () => {
    it("409 for a second turn while one runs; the first completes; then the session is free", () =>
      withServer(async (server, agent) => {
        const session = await createSession(agent, server.url)
        const first = await postTurn(agent, server.url, session.session_id)
        expect(first.statusCode).toBe(200)
        const second = await runTurn(agent, server.url, session.session_id)
        expect(second.status).toBe(409)
        expect(parse(second.text)).toEqual({ detail: expect.any(String) })
        const firstBody = await readAll(first)
        expect(typesOf(eventsOf(firstBody.text)).at(-1)).toBe("stop")
        await eventually(async () => {
          const reply = await runTurn(agent, server.url, session.session_id)
          ensure(reply.status === 200, String(reply.status))
        })
      }, { pacing: { thinkMs: 150, keepAliveMs: 50 } }))

    it("422 for indexes other than those the session is bound to; the same set in any order is fine", () =>
      withServer(async (server, agent) => {
        const bound = await createSession(agent, server.url, { index_ids: ["idx-z"] })
        const locked = await runTurn(agent, server.url, bound.session_id)
        expect(locked.status).toBe(422)
        expect(parse(locked.text)).toEqual({
          detail: [expect.objectContaining({ loc: ["body", "index_ids"], type: "value_error", input: defaultTurn.index_ids })]
        })
        const unbound = await createSession(agent, server.url)
        expect((await runTurn(agent, server.url, unbound.session_id)).status).toBe(200)
        const other = await runTurn(agent, server.url, unbound.session_id, { ...defaultTurn, index_ids: ["idx-a"] })
        expect(other.status).toBe(422)
        const reordered = await runTurn(agent, server.url, unbound.session_id, { ...defaultTurn, index_ids: ["idx-b", "idx-a"] })
        expect(reordered.status).toBe(200)
        // A refused turn records nothing.
        expect(await historyOf(agent, server.url, bound.session_id)).toEqual([])
      }))

    it("422 for a prompt over 1000 code points, counting an emoji as one", () =>
      withServer(async (server, agent) => {
        const session = await createSession(agent, server.url)
        const turn = (prompt: string) => runTurn(agent, server.url, session.session_id, { ...defaultTurn, prompt })
        const long = await turn("😀".repeat(1001))
        expect(long.status).toBe(422)
        expect(parse(long.text)).toEqual({
          detail: [expect.objectContaining({ loc: ["body", "prompt"], type: "string_too_long" })]
        })
        expect((await turn("")).status).toBe(422)
        expect((await turn("😀".repeat(1000))).status).toBe(200)
      }))

    it("422 for 0 or 11 index ids, a missing prompt, a body that is not JSON", () =>
      withServer(async (server, agent) => {
        const session = await createSession(agent, server.url)
        const path = streamPath(session.session_id)
        const cases: ReadonlyArray<readonly [string, string]> = [
          [JSON.stringify({ ...defaultTurn, index_ids: [] }), "too_short"],
          [JSON.stringify({ ...defaultTurn, index_ids: Array.from({ length: 11 }, (_, i) => `idx-${i}`) }), "too_long"],
          [JSON.stringify({ index_ids: ["idx-a"] }), "missing"],
          ["{prompt:", "json_invalid"]
        ]
        for (const [body, type] of cases) {
          const reply = await send(agent, server.url, { path, body })
          expect(reply.status).toBe(422)
          expect(parse(reply.text)).toEqual({ detail: [expect.objectContaining({ type })] })
        }
        expect(await historyOf(agent, server.url, session.session_id)).toEqual([])
      }))
  })
})
