/**
 * Turns on the local server: `POST /api/v1/chat/{id}/messages/stream` as Server-Sent Events, the
 * pacing and framing options, what a turn records, and the rules a turn must follow (409, 422).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Fiber from "effect/Fiber"
import * as ChatModel from "../../../src/testing/ChatModel.js"
import {
  createSession,
  defaultTurn,
  drain,
  eventsOf,
  eventually,
  framesOf,
  historyOf,
  parse,
  postTurn,
  readAll,
  runTurn,
  send,
  streamPath,
  summaryOf,
  withServer
} from "./fixtures.js"
import { typesOf } from "../../../../test/shared/localServer/wire.js"

describe("LocalServer turns", () => {
  describe("the stream", () => {
    it.live("answers 200 text/event-stream: a keep-alive, then one data frame per event, stop last", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const session = yield* createSession(agent, server.url)
          const reply = yield* runTurn(agent, server.url, session.session_id)
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
        })
      ))

    it.live("streams exactly the events the model's agent produces", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const session = yield* createSession(agent, server.url)
          const before = yield* server.model
          const reply = yield* runTurn(agent, server.url, session.session_id)
          const [expected] = ChatModel.runTurn(before, { sessionId: session.session_id, body: defaultTurn, now: session.last_updated_at })
          expect(eventsOf(reply.text)).toEqual(Result.getOrThrow(expected).events)
        })
      ))

    it.live("sends keep-alive comments while the agent thinks, as paced", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const session = yield* createSession(agent, server.url)
          const [elapsed, reply] = yield* Effect.timed(runTurn(agent, server.url, session.session_id))
          expect(framesOf(reply.text).comments).toEqual(["keep-alive", "keep-alive", "keep-alive", "keep-alive"])
          expect(reply.text.indexOf("data:")).toBeGreaterThan(reply.text.lastIndexOf(": keep-alive"))
          expect(Duration.toMillis(elapsed)).toBeGreaterThanOrEqual(115)
        }), { pacing: { thinkMs: 120, keepAliveMs: 30 } }))

    it.live("pauses between events as paced", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const session = yield* createSession(agent, server.url)
          const [elapsed, reply] = yield* Effect.timed(runTurn(agent, server.url, session.session_id))
          const count = framesOf(reply.text).frames.length
          expect(Duration.toMillis(elapsed)).toBeGreaterThanOrEqual(4 * (count - 1))
        }), { pacing: { eventMs: 5 } }))

    it.live("names events by type when asked", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const session = yield* createSession(agent, server.url)
          const reply = yield* runTurn(agent, server.url, session.session_id)
          const frames = framesOf(reply.text).frames
          expect(frames.map((frame) => frame.name)).toEqual(typesOf(eventsOf(reply.text)))
        }), { eventFormat: { eventNames: "type" } }))

    it.live("names deltas `delta` and the rest `message` when asked", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const session = yield* createSession(agent, server.url)
          const reply = yield* runTurn(agent, server.url, session.session_id)
          const names = framesOf(reply.text).frames.map((frame) => frame.name)
          const expected = typesOf(eventsOf(reply.text)).map((type) => String(type).endsWith("_delta") ? "delta" : "message")
          expect(names).toEqual(expected)
          expect(new Set(names)).toEqual(new Set(["delta", "message"]))
        }), { eventFormat: { eventNames: "delta-message" } }))

    it.live("ends lines with CRLF when asked", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const session = yield* createSession(agent, server.url)
          const reply = yield* runTurn(agent, server.url, session.session_id)
          expect(reply.text.startsWith(": keep-alive\r\n\r\n")).toBe(true)
          expect(reply.text.replaceAll("\r\n", "")).not.toMatch(/[\r\n]/)
          expect(eventsOf(reply.text.replaceAll("\r\n", "\n")).at(-1)).toMatchObject({ type: "stop" })
        }), { eventFormat: { lineEnding: "\r\n" } }))
  })

  describe("what a turn records", () => {
    it.live("the history: user_input, then every streamed event; complete once stop is read", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const session = yield* createSession(agent, server.url)
          const reply = yield* runTurn(agent, server.url, session.session_id)
          // No waiting: the turn is recorded before its stop goes out.
          const history = yield* historyOf(agent, server.url, session.session_id)
          expect(history).toEqual([{ type: "user_input", content: defaultTurn.prompt }, ...eventsOf(reply.text)])
        })
      ))

    it.live("the title, the bound indexes, the job metadata and the update time", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const session = yield* createSession(agent, server.url)
          const reply = yield* runTurn(agent, server.url, session.session_id)
          const stop = eventsOf(reply.text).at(-1)
          const usage = stop?.["usage"]
          const summary = yield* summaryOf(agent, server.url, session.session_id)
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
        })
      ))

    it.live("a client that leaves mid-turn: the turn is still recorded whole, and the session is free again", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const session = yield* createSession(agent, server.url)
          const abort = new AbortController()
          const response = yield* postTurn(agent, server.url, session.session_id, defaultTurn, abort.signal)
          expect(response.statusCode).toBe(200)
          const reading = yield* Effect.forkChild(drain(response))
          yield* Effect.sleep("40 millis")
          abort.abort()
          yield* Fiber.join(reading)
          // The server sees the socket close a moment later, and ends the turn then.
          yield* eventually(Effect.flatMap(server.model, (model) =>
            ChatModel.find(model, session.session_id)?.running === undefined ? Effect.void : Effect.fail("still running")))
          const history = yield* historyOf(agent, server.url, session.session_id)
          expect(typesOf(history).at(0)).toBe("user_input")
          expect(typesOf(history).at(-1)).toBe("stop")
          expect((yield* runTurn(agent, server.url, session.session_id)).status).toBe(200)
        }), { pacing: { thinkMs: 1_000, keepAliveMs: 10 } }))
  })

  describe("rules", () => {
    it.live("409 for a second turn while one runs; the first completes; then the session is free", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const session = yield* createSession(agent, server.url)
          const first = yield* postTurn(agent, server.url, session.session_id)
          expect(first.statusCode).toBe(200)
          const second = yield* runTurn(agent, server.url, session.session_id)
          expect(second.status).toBe(409)
          expect(parse(second.text)).toEqual({ detail: expect.any(String) })
          const firstBody = yield* readAll(first)
          expect(typesOf(eventsOf(firstBody.text)).at(-1)).toBe("stop")
          yield* eventually(Effect.flatMap(runTurn(agent, server.url, session.session_id), (reply) =>
            reply.status === 200 ? Effect.void : Effect.fail(reply.status)))
        }), { pacing: { thinkMs: 150, keepAliveMs: 50 } }))

    it.live("422 for indexes other than those the session is bound to; the same set in any order is fine", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const bound = yield* createSession(agent, server.url, { index_ids: ["idx-z"] })
          const locked = yield* runTurn(agent, server.url, bound.session_id)
          expect(locked.status).toBe(422)
          expect(parse(locked.text)).toEqual({
            detail: [expect.objectContaining({ loc: ["body", "index_ids"], type: "value_error", input: defaultTurn.index_ids })]
          })
          const unbound = yield* createSession(agent, server.url)
          expect((yield* runTurn(agent, server.url, unbound.session_id)).status).toBe(200)
          const other = yield* runTurn(agent, server.url, unbound.session_id, { ...defaultTurn, index_ids: ["idx-a"] })
          expect(other.status).toBe(422)
          const reordered = yield* runTurn(agent, server.url, unbound.session_id, { ...defaultTurn, index_ids: ["idx-b", "idx-a"] })
          expect(reordered.status).toBe(200)
          // A refused turn records nothing.
          expect(yield* historyOf(agent, server.url, bound.session_id)).toEqual([])
        })
      ))

    it.live("422 for a prompt over 1000 code points, counting an emoji as one", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const session = yield* createSession(agent, server.url)
          const turn = (prompt: string) => runTurn(agent, server.url, session.session_id, { ...defaultTurn, prompt })
          const long = yield* turn("😀".repeat(1001))
          expect(long.status).toBe(422)
          expect(parse(long.text)).toEqual({
            detail: [expect.objectContaining({ loc: ["body", "prompt"], type: "string_too_long" })]
          })
          expect((yield* turn("")).status).toBe(422)
          expect((yield* turn("😀".repeat(1000))).status).toBe(200)
        })
      ))

    it.live("422 for 0 or 11 index ids, a missing prompt, a body that is not JSON", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const session = yield* createSession(agent, server.url)
          const path = streamPath(session.session_id)
          const cases: ReadonlyArray<readonly [string, string]> = [
            [JSON.stringify({ ...defaultTurn, index_ids: [] }), "too_short"],
            [JSON.stringify({ ...defaultTurn, index_ids: Array.from({ length: 11 }, (_, i) => `idx-${i}`) }), "too_long"],
            [JSON.stringify({ index_ids: ["idx-a"] }), "missing"],
            ["{prompt:", "json_invalid"]
          ]
          for (const [body, type] of cases) {
            const reply = yield* send(agent, server.url, { path, body })
            expect(reply.status).toBe(422)
            expect(parse(reply.text)).toEqual({ detail: [expect.objectContaining({ type })] })
          }
          expect(yield* historyOf(agent, server.url, session.session_id)).toEqual([])
        })
      ))
  })
})
