/**
 * The local server's fault plan on ordinary (non-stream) answers: the script and random faults,
 * every body fault, and faults aimed at one route or one session.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import { LocalServer } from "../../../src/testing/node.js"
import {
  createSession,
  errorCode,
  eventually,
  historyOf,
  open,
  openConnections,
  parse,
  runTurn,
  send,
  sessionIdPattern as sessionId,
  withServer
} from "./fixtures.js"
import { watchServerTimers } from "../../../../test/shared/localServer/timers.js"

const { Fault } = LocalServer

describe("LocalServer faults", () => {
  describe("on create", () => {
    it.live("plays the script one fault per request, in order, then behaves", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          yield* server.setFaults({ script: [Fault.status(503), Fault.status(502)] })
          // Other paths and methods leave the script alone.
          expect((yield* send(agent, server.url, { path: "/nope" })).status).toBe(404)
          expect((yield* send(agent, server.url, { method: "PUT" })).status).toBe(405)
          const statuses = yield* Effect.forEach([1, 2, 3], () => send(agent, server.url))
          expect(statuses.map((reply) => reply.status)).toEqual([503, 502, 200])
          expect(yield* server.sessions).toHaveLength(1)
        })
      ))

    it.live("Status: any status, headers and body; a FastAPI detail by default; no session", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          yield* server.setFaults({
            script: [
              Fault.status(429, { headers: { "retry-after": "2" } }),
              Fault.status(503, { body: "<html><body>503 Service Temporarily Unavailable</body></html>" }),
              Fault.status(502, { body: "" }),
              Fault.status(500, { headers: { "x-should-retry": "false" }, body: "oops" })
            ]
          })
          const [limited, html, empty, plain] = yield* Effect.forEach([1, 2, 3, 4], () => send(agent, server.url))
          expect(limited).toMatchObject({ status: 429, headers: { "retry-after": "2", "content-type": "application/json" } })
          expect(parse(limited?.text ?? "")).toEqual({ detail: "Too Many Requests" })
          expect(html).toMatchObject({ status: 503, headers: { "content-type": "text/html; charset=utf-8" } })
          expect(empty).toMatchObject({ status: 502, text: "", headers: { "content-length": "0" } })
          expect(empty?.headers["content-type"]).toBeUndefined()
          expect(plain).toMatchObject({ status: 500, text: "oops", headers: { "x-should-retry": "false" } })
          expect(yield* server.sessions).toEqual([])
        })
      ))

    it.live("Status with createsSession: the session exists though the client saw an error", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          yield* server.setFaults({ script: [Fault.status(504, { createsSession: true })] })
          expect((yield* send(agent, server.url)).status).toBe(504)
          expect(yield* server.sessions).toHaveLength(1)
        })
      ))

    it.live("createsSession: false on a delivery fault: the answer names a session the server never kept", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          yield* server.setFaults({ script: [Fault.delayHeaders(1, { createsSession: false })] })
          const reply = yield* send(agent, server.url)
          expect(parse(reply.text)).toMatchObject({ session_id: expect.stringMatching(sessionId) })
          expect(yield* server.sessions).toEqual([])
        })
      ))

    it.live("ResetBeforeResponse: the client sees a reset and no response; no session", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          yield* server.setFaults({ script: [Fault.resetBeforeResponse()] })
          const error = yield* Effect.flip(send(agent, server.url))
          expect(errorCode(error)).toBe("ECONNRESET")
          expect(yield* server.sessions).toEqual([])
          expect((yield* send(agent, server.url)).status).toBe(200)
        })
      ))

    it.live("ResetMidBody: headers and half the body arrive, then a reset; the session exists", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          yield* server.setFaults({ script: [Fault.resetMidBody()] })
          const response = yield* open(agent, server.url)
          expect(response.statusCode).toBe(200)
          const length = Number(response.headers["content-length"])
          expect(length).toBeGreaterThan(100)
          let received = 0
          const error = yield* Effect.flip(Effect.tryPromise(async () => {
            for await (const chunk of response.body) received += Buffer.from(chunk).length
          }))
          expect(errorCode(error)).toBe("ECONNRESET")
          expect(received).toBe(Math.floor(length / 2))
          expect(yield* server.sessions).toHaveLength(1)
        })
      ))

    it.live("CloseAfterHeaders: headers arrive, then the connection ends with no body", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          yield* server.setFaults({ script: [Fault.closeAfterHeaders()] })
          const response = yield* open(agent, server.url)
          expect(response.statusCode).toBe(200)
          expect(Number(response.headers["content-length"])).toBeGreaterThan(100)
          const error = yield* Effect.flip(Effect.tryPromise(() => response.body.text()))
          expect(errorCode(error)).toBe("UND_ERR_SOCKET")
          expect(yield* server.sessions).toHaveLength(1)
        })
      ))

    it.live("DelayHeaders: the normal answer, late", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          yield* server.setFaults({ script: [Fault.delayHeaders(150)] })
          const [elapsed, reply] = yield* Effect.timed(send(agent, server.url))
          expect(Duration.toMillis(elapsed)).toBeGreaterThanOrEqual(140)
          expect(reply.status).toBe(200)
          expect(parse(reply.text)).toMatchObject({ session_id: expect.stringMatching(sessionId) })
        })
      ))

    it.live("DelayHeaders: stops waiting when the client gives up, the session already made", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          yield* server.setFaults({ script: [Fault.delayHeaders(60_000)] })
          const abort = new AbortController()
          const pending = yield* Effect.forkChild(Effect.exit(open(agent, server.url, {}, abort.signal)))
          yield* openConnections(server, 1)
          abort.abort()
          expect(Exit.isFailure(yield* Fiber.await(pending).pipe(Effect.flatten))).toBe(true)
          yield* openConnections(server, 0)
          expect(yield* server.sessions).toHaveLength(1)
        })
      ))

    it.live("StallBody: half the body, then nothing until the client leaves", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          yield* server.setFaults({ script: [Fault.stallBody()] })
          const abort = new AbortController()
          const response = yield* open(agent, server.url, {}, abort.signal)
          expect(response.statusCode).toBe(200)
          const body = yield* Effect.forkChild(Effect.exit(Effect.tryPromise(() => response.body.text())))
          const early = yield* Fiber.await(body).pipe(Effect.timeoutOption("200 millis"))
          expect(Option.isNone(early)).toBe(true)
          expect((yield* server.connections).open).toBe(1)
          abort.abort()
          yield* openConnections(server, 0)
          expect(yield* server.sessions).toHaveLength(1)
        })
      ))

    it.live("DripBody and DelayHeaders leave no timer behind when the client gives up", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const timers = watchServerTimers()
          yield* Effect.addFinalizer(() => Effect.sync(timers.stop))
          yield* server.setFaults({ script: [Fault.dripBody(50), Fault.delayHeaders(60_000)] })
          const abort = new AbortController()
          const dripping = yield* open(agent, server.url, {}, abort.signal)
          expect(dripping.statusCode).toBe(200)
          yield* Effect.forkChild(Effect.exit(open(agent, server.url, {}, abort.signal)))
          yield* openConnections(server, 2)
          // Both handlers have their requests: the drip is under way and the delay is waiting.
          yield* eventually(Effect.flatMap(server.requests, (all) => all.length === 2 ? Effect.void : Effect.fail("not yet")))
          abort.abort()
          yield* openConnections(server, 0)
          yield* server.idle
          // Each was cleared when its client left, or fires once more and stops: none stays (a
          // 60-second wait, or a drip that goes on, would).
          expect(timers.set()).toBeGreaterThanOrEqual(2)
          yield* eventually(Effect.suspend(() =>
            timers.pending() === 0 ? Effect.void : Effect.fail(`the server's timers still pending: ${timers.pending()}`)
          ))
        })
      ))

    it.live("DripBody: the normal body, one byte per interval", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          yield* server.setFaults({ script: [Fault.dripBody(1)] })
          const response = yield* open(agent, server.url)
          const chunks: Array<number> = []
          const text = yield* Effect.tryPromise(async () => {
            let all = ""
            for await (const chunk of response.body) {
              const bytes = Buffer.from(chunk)
              chunks.push(bytes.length)
              all += bytes.toString("utf8")
            }
            return all
          })
          expect(parse(text)).toMatchObject({ session_id: expect.stringMatching(sessionId) })
          expect(yield* server.sessions).toHaveLength(1)
          // Loopback can coalesce a few writes; most should still arrive alone.
          expect(chunks.length).toBeGreaterThan(text.length / 4)
        })
      ))

    it.live("Body200: a 200 with whatever body and content type it is given", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          yield* server.setFaults({
            script: [
              Fault.body200(`{"session_id":`, { contentType: "application/json" }),
              Fault.body200(`{"id":1}`),
              Fault.body200("")
            ]
          })
          const [truncated, wrongShape, empty] = yield* Effect.forEach([1, 2, 3], () => send(agent, server.url))
          expect(truncated).toMatchObject({ status: 200, text: `{"session_id":`, headers: { "content-type": "application/json" } })
          expect(wrongShape).toMatchObject({ status: 200, text: `{"id":1}` })
          expect(empty).toMatchObject({ status: 200, text: "" })
          expect(yield* server.sessions).toHaveLength(3)
        })
      ))

    it.live("LargeBody: a valid session of exactly the requested size", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const bytes = 5 * 1024 * 1024 + 3
          yield* server.setFaults({ script: [Fault.largeBody(bytes), Fault.largeBody(10)] })
          const large = yield* send(agent, server.url)
          expect(large.headers["content-length"]).toBe(String(bytes))
          expect(Buffer.byteLength(large.text)).toBe(bytes)
          const session = parse(large.text)
          const [created] = yield* server.sessions
          expect(session).toMatchObject({ session_id: created?.sessionId, job_metadata: null })
          // Smaller than a session can be: the smallest valid session instead.
          const small = yield* send(agent, server.url)
          expect(parse(small.text)).toMatchObject({ generated_title: "" })
        })
      ))

    it.live("random: faults a seeded, reproducible share of requests", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const round = Effect.gen(function*() {
            yield* server.reset
            yield* server.setFaults({ random: { rate: 0.1, fault: Fault.status(503), seed: 42 } })
            const replies = yield* Effect.forEach(Array.from({ length: 100 }), () => send(agent, server.url), {
              concurrency: 10
            })
            return {
              failed: replies.filter((reply) => reply.status === 503).length,
              succeeded: replies.filter((reply) => reply.status === 200).length,
              sessions: (yield* server.sessions).length
            }
          })
          const first = yield* round
          expect(first.failed).toBeGreaterThan(2)
          expect(first.failed).toBeLessThan(25)
          expect(first.succeeded).toBe(100 - first.failed)
          expect(first.sessions).toBe(first.succeeded)
          // Same seed, same draws.
          expect(yield* round).toEqual(first)
        })
      ))
  })

  describe("aimed at routes and sessions", () => {
    it.live("a plan without a route faults every route in turn", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const session = yield* createSession(agent, server.url)
          yield* server.setFaults({ script: [Fault.status(503), Fault.status(502), Fault.status(500), Fault.status(504)] })
          const replies = yield* Effect.forEach([
            { method: "GET" as const },
            { method: "GET" as const, path: `/api/v1/chat/${session.session_id}` },
            { method: "GET" as const, path: `/api/v1/chat/${session.session_id}/summary` },
            { method: "DELETE" as const, path: `/api/v1/chat/${session.session_id}` }
          ], (call) => send(agent, server.url, call))
          expect(replies.map((reply) => reply.status)).toEqual([503, 502, 500, 504])
          // A Status fault does not carry the request out: the session was not deleted.
          expect((yield* send(agent, server.url, { method: "GET", path: `/api/v1/chat/${session.session_id}` })).status).toBe(200)
        })
      ))

    it.live("a fault aimed at one route waits for a request on it; other routes behave", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const session = yield* createSession(agent, server.url)
          const retrieve = { method: "GET" as const, path: `/api/v1/chat/${session.session_id}` }
          yield* server.setFaults({ script: [Fault.status(503, { route: "retrieve" }), Fault.status(429)] })
          // The unaimed fault behind it is next for any route.
          expect((yield* send(agent, server.url, { method: "GET" })).status).toBe(429)
          expect((yield* send(agent, server.url)).status).toBe(200)
          expect((yield* send(agent, server.url, retrieve)).status).toBe(503)
          expect((yield* send(agent, server.url, retrieve)).status).toBe(200)
        })
      ))

    it.live("a plan's route aims every fault that names none", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const session = yield* createSession(agent, server.url)
          const path = `/api/v1/chat/${session.session_id}`
          yield* server.setFaults({ route: ["delete", "getSummary"], script: [Fault.status(500), Fault.status(502)] })
          expect((yield* send(agent, server.url, { method: "GET", path })).status).toBe(200)
          expect((yield* send(agent, server.url, { method: "DELETE", path })).status).toBe(500)
          expect((yield* send(agent, server.url, { method: "GET", path: `${path}/summary` })).status).toBe(502)
          expect((yield* send(agent, server.url, { method: "DELETE", path })).status).toBe(204)
        })
      ))

    it.live("a fault aimed at a session leaves the others alone", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const a = yield* createSession(agent, server.url)
          const b = yield* createSession(agent, server.url)
          yield* server.setFaults({ script: [Fault.status(503, { sessionId: b.session_id })] })
          expect((yield* send(agent, server.url, { method: "GET", path: `/api/v1/chat/${a.session_id}` })).status).toBe(200)
          expect((yield* send(agent, server.url, { method: "GET", path: `/api/v1/chat/${b.session_id}/summary` })).status).toBe(503)
        })
      ))

    it.live("random faults only the requests their route aims at", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          yield* server.setFaults({ random: { rate: 1, fault: Fault.status(503, { route: "list" }) } })
          expect((yield* send(agent, server.url)).status).toBe(200)
          expect((yield* send(agent, server.url, { method: "GET" })).status).toBe(503)
        })
      ))

    it.live("performs: a delete carried out though the client saw a reset", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const session = yield* createSession(agent, server.url)
          const path = `/api/v1/chat/${session.session_id}`
          yield* server.setFaults({ script: [Fault.resetBeforeResponse({ route: "delete", performs: true })] })
          const error = yield* Effect.flip(send(agent, server.url, { method: "DELETE", path }))
          expect(errorCode(error)).toBe("ECONNRESET")
          expect((yield* send(agent, server.url, { method: "GET", path })).status).toBe(404)
        })
      ))

    it.live("a delivery fault on delete still deletes, unless performs is false", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const kept = yield* createSession(agent, server.url)
          const gone = yield* createSession(agent, server.url)
          yield* server.setFaults({
            route: "delete",
            script: [Fault.delayHeaders(1, { performs: false }), Fault.delayHeaders(1)]
          })
          for (const session of [kept, gone]) {
            expect((yield* send(agent, server.url, { method: "DELETE", path: `/api/v1/chat/${session.session_id}` })).status).toBe(204)
          }
          const status = (id: string) => Effect.map(send(agent, server.url, { method: "GET", path: `/api/v1/chat/${id}` }), (r) => r.status)
          expect(yield* status(kept.session_id)).toBe(200)
          expect(yield* status(gone.session_id)).toBe(404)
        })
      ))

    it.live("LargeBody grows a retrieved session and a summary, not a list", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const session = yield* createSession(agent, server.url)
          const path = `/api/v1/chat/${session.session_id}`
          yield* server.setFaults({ script: [Fault.largeBody(100_000), Fault.largeBody(50_000), Fault.largeBody(70_000)] })
          const retrieved = yield* send(agent, server.url, { method: "GET", path })
          expect(Buffer.byteLength(retrieved.text)).toBe(100_000)
          expect(parse(retrieved.text)).toMatchObject({ session_id: session.session_id, events: [] })
          const summary = yield* send(agent, server.url, { method: "GET", path: `${path}/summary` })
          expect(Buffer.byteLength(summary.text)).toBe(50_000)
          const list = yield* send(agent, server.url, { method: "GET" })
          expect(parse(list.text)).toEqual({ items: [session] })
        })
      ))

    it.live("a Status fault on a turn: the turn never ran; with performs, it was recorded whole", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const session = yield* createSession(agent, server.url)
          const history = historyOf(agent, server.url, session.session_id)
          yield* server.setFaults({ route: "sendMessage", script: [Fault.status(503), Fault.status(504, { performs: true })] })
          expect((yield* runTurn(agent, server.url, session.session_id)).status).toBe(503)
          expect(yield* history).toEqual([])
          expect((yield* runTurn(agent, server.url, session.session_id)).status).toBe(504)
          const events = yield* history
          expect(events[0]?.type).toBe("user_input")
          expect(events.at(-1)?.type).toBe("stop")
        })
      ))

    it.live("a 404 or 405 path meets no fault", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          yield* server.setFaults({ script: [Fault.status(503)] })
          expect((yield* send(agent, server.url, { method: "GET", path: "/api/v1/chat/ses-x/nope" })).status).toBe(404)
          expect((yield* send(agent, server.url, { method: "PATCH", path: "/api/v1/chat/ses-x" })).status).toBe(405)
          expect((yield* send(agent, server.url)).status).toBe(503)
        })
      ))
  })
})
