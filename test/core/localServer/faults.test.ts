/**
 * The local server's fault plan on ordinary (non-stream) answers: the script and random faults,
 * every body fault, and faults aimed at one route or one session.
 */
import { describe, expect, it, onTestFinished } from "vitest"
import {
  createSession,
  each,
  ensure,
  eventually,
  failureOf,
  historyOf,
  open,
  runTurn,
  send,
  stillPendingAfter,
  timed
} from "../../shared/localServer/requests.js"
import { watchServerTimers } from "../../shared/localServer/timers.js"
import { errorCode, parse, sessionIdPattern as sessionId } from "../../shared/localServer/wire.js"
import { Fault, idle, openConnections, withServer } from "./fixtures.js"

describe("LocalServer faults", () => {
  describe("on create", () => {
    it("plays the script one fault per request, in order, then behaves", () =>
      withServer(async (server, agent) => {
        server.setFaults({ script: [Fault.status(503), Fault.status(502)] })
        // Other paths and methods leave the script alone.
        expect((await send(agent, server.url, { path: "/nope" })).status).toBe(404)
        expect((await send(agent, server.url, { method: "PUT" })).status).toBe(405)
        const statuses = await each([1, 2, 3], () => send(agent, server.url))
        expect(statuses.map((reply) => reply.status)).toEqual([503, 502, 200])
        expect(server.sessions()).toHaveLength(1)
      }))

    it("Status: any status, headers and body; a FastAPI detail by default; no session", () =>
      withServer(async (server, agent) => {
        server.setFaults({
          script: [
            Fault.status(429, { headers: { "retry-after": "2" } }),
            Fault.status(503, { body: "<html><body>503 Service Temporarily Unavailable</body></html>" }),
            Fault.status(502, { body: "" }),
            Fault.status(500, { headers: { "x-should-retry": "false" }, body: "oops" })
          ]
        })
        const [limited, html, empty, plain] = await each([1, 2, 3, 4], () => send(agent, server.url))
        expect(limited).toMatchObject({ status: 429, headers: { "retry-after": "2", "content-type": "application/json" } })
        expect(parse(limited?.text ?? "")).toEqual({ detail: "Too Many Requests" })
        expect(html).toMatchObject({ status: 503, headers: { "content-type": "text/html; charset=utf-8" } })
        expect(empty).toMatchObject({ status: 502, text: "", headers: { "content-length": "0" } })
        expect(empty?.headers["content-type"]).toBeUndefined()
        expect(plain).toMatchObject({ status: 500, text: "oops", headers: { "x-should-retry": "false" } })
        expect(server.sessions()).toEqual([])
      }))

    it("Status with createsSession: the session exists though the client saw an error", () =>
      withServer(async (server, agent) => {
        server.setFaults({ script: [Fault.status(504, { createsSession: true })] })
        expect((await send(agent, server.url)).status).toBe(504)
        expect(server.sessions()).toHaveLength(1)
      }))

    it("createsSession: false on a delivery fault: the answer names a session the server never kept", () =>
      withServer(async (server, agent) => {
        server.setFaults({ script: [Fault.delayHeaders(1, { createsSession: false })] })
        const reply = await send(agent, server.url)
        expect(parse(reply.text)).toMatchObject({ session_id: expect.stringMatching(sessionId) })
        expect(server.sessions()).toEqual([])
      }))

    it("ResetBeforeResponse: the client sees a reset and no response; no session", () =>
      withServer(async (server, agent) => {
        server.setFaults({ script: [Fault.resetBeforeResponse()] })
        const error = await failureOf(send(agent, server.url))
        expect(errorCode(error)).toBe("ECONNRESET")
        expect(server.sessions()).toEqual([])
        expect((await send(agent, server.url)).status).toBe(200)
      }))

    it("ResetMidBody: headers and half the body arrive, then a reset; the session exists", () =>
      withServer(async (server, agent) => {
        server.setFaults({ script: [Fault.resetMidBody()] })
        const response = await open(agent, server.url)
        expect(response.statusCode).toBe(200)
        const length = Number(response.headers["content-length"])
        expect(length).toBeGreaterThan(100)
        let received = 0
        const error = await failureOf((async () => {
          for await (const chunk of response.body) received += Buffer.from(chunk).length
        })())
        expect(errorCode(error)).toBe("ECONNRESET")
        expect(received).toBe(Math.floor(length / 2))
        expect(server.sessions()).toHaveLength(1)
      }))

    it("CloseAfterHeaders: headers arrive, then the connection ends with no body", () =>
      withServer(async (server, agent) => {
        server.setFaults({ script: [Fault.closeAfterHeaders()] })
        const response = await open(agent, server.url)
        expect(response.statusCode).toBe(200)
        expect(Number(response.headers["content-length"])).toBeGreaterThan(100)
        const error = await failureOf(response.body.text())
        expect(errorCode(error)).toBe("UND_ERR_SOCKET")
        expect(server.sessions()).toHaveLength(1)
      }))

    it("DelayHeaders: the normal answer, late", () =>
      withServer(async (server, agent) => {
        server.setFaults({ script: [Fault.delayHeaders(150)] })
        const [elapsed, reply] = await timed(() => send(agent, server.url))
        expect(elapsed).toBeGreaterThanOrEqual(140)
        expect(reply.status).toBe(200)
        expect(parse(reply.text)).toMatchObject({ session_id: expect.stringMatching(sessionId) })
      }))

    it("DelayHeaders: stops waiting when the client gives up, the session already made", () =>
      withServer(async (server, agent) => {
        server.setFaults({ script: [Fault.delayHeaders(60_000)] })
        const abort = new AbortController()
        const pending = open(agent, server.url, {}, abort.signal).then(() => "answered", () => "failed")
        await openConnections(server, 1)
        abort.abort()
        expect(await pending).toBe("failed")
        await openConnections(server, 0)
        expect(server.sessions()).toHaveLength(1)
      }))

    it("StallBody: half the body, then nothing until the client leaves", () =>
      withServer(async (server, agent) => {
        server.setFaults({ script: [Fault.stallBody()] })
        const abort = new AbortController()
        const response = await open(agent, server.url, {}, abort.signal)
        expect(response.statusCode).toBe(200)
        const body = response.body.text().catch(() => undefined)
        expect(await stillPendingAfter(body, 200)).toBe(true)
        expect(server.connections().open).toBe(1)
        abort.abort()
        await openConnections(server, 0)
        expect(server.sessions()).toHaveLength(1)
      }))

    it("DripBody and DelayHeaders leave no timer behind when the client gives up", () =>
      withServer(async (server, agent) => {
        const timers = watchServerTimers()
        onTestFinished(timers.stop)
        server.setFaults({ script: [Fault.dripBody(50), Fault.delayHeaders(60_000)] })
        const abort = new AbortController()
        const dripping = await open(agent, server.url, {}, abort.signal)
        expect(dripping.statusCode).toBe(200)
        open(agent, server.url, {}, abort.signal).catch(() => undefined)
        await openConnections(server, 2)
        // Both handlers have their requests: the drip is under way and the delay is waiting.
        await eventually(() => ensure(server.requests().length === 2, "not yet"))
        abort.abort()
        await openConnections(server, 0)
        await idle(server)
        // Each was cleared when its client left, or fires once more and stops: none stays (a
        // 60-second wait, or a drip that goes on, would).
        expect(timers.set()).toBeGreaterThanOrEqual(2)
        await eventually(() => ensure(timers.pending() === 0, `the server's timers still pending: ${timers.pending()}`))
      }))

    it("DripBody: the normal body, one byte per interval", () =>
      withServer(async (server, agent) => {
        server.setFaults({ script: [Fault.dripBody(1)] })
        const response = await open(agent, server.url)
        const chunks: Array<number> = []
        const text = await (async () => {
          let all = ""
          for await (const chunk of response.body) {
            const bytes = Buffer.from(chunk)
            chunks.push(bytes.length)
            all += bytes.toString("utf8")
          }
          return all
        })()
        expect(parse(text)).toMatchObject({ session_id: expect.stringMatching(sessionId) })
        expect(server.sessions()).toHaveLength(1)
        // Loopback can coalesce a few writes; most should still arrive alone.
        expect(chunks.length).toBeGreaterThan(text.length / 4)
      }))

    it("Body200: a 200 with whatever body and content type it is given", () =>
      withServer(async (server, agent) => {
        server.setFaults({
          script: [
            Fault.body200(`{"session_id":`, { contentType: "application/json" }),
            Fault.body200(`{"id":1}`),
            Fault.body200("")
          ]
        })
        const [truncated, wrongShape, empty] = await each([1, 2, 3], () => send(agent, server.url))
        expect(truncated).toMatchObject({ status: 200, text: `{"session_id":`, headers: { "content-type": "application/json" } })
        expect(wrongShape).toMatchObject({ status: 200, text: `{"id":1}` })
        expect(empty).toMatchObject({ status: 200, text: "" })
        expect(server.sessions()).toHaveLength(3)
      }))

    it("LargeBody: a valid session of exactly the requested size", () =>
      withServer(async (server, agent) => {
        const bytes = 5 * 1024 * 1024 + 3
        server.setFaults({ script: [Fault.largeBody(bytes), Fault.largeBody(10)] })
        const large = await send(agent, server.url)
        expect(large.headers["content-length"]).toBe(String(bytes))
        expect(Buffer.byteLength(large.text)).toBe(bytes)
        const session = parse(large.text)
        const [created] = server.sessions()
        expect(session).toMatchObject({ session_id: created?.sessionId, job_metadata: null })
        // Smaller than a session can be: the smallest valid session instead.
        const small = await send(agent, server.url)
        expect(parse(small.text)).toMatchObject({ generated_title: "" })
      }))

    it("random: faults a seeded, reproducible share of requests", () =>
      withServer(async (server, agent) => {
        const round = async () => {
          server.reset()
          server.setFaults({ random: { rate: 0.1, fault: Fault.status(503), seed: 42 } })
          const replies = await each(Array.from({ length: 100 }), () => send(agent, server.url), {
            concurrency: 10
          })
          return {
            failed: replies.filter((reply) => reply.status === 503).length,
            succeeded: replies.filter((reply) => reply.status === 200).length,
            sessions: server.sessions().length
          }
        }
        const first = await round()
        expect(first.failed).toBeGreaterThan(2)
        expect(first.failed).toBeLessThan(25)
        expect(first.succeeded).toBe(100 - first.failed)
        expect(first.sessions).toBe(first.succeeded)
        // Same seed, same draws.
        expect(await round()).toEqual(first)
      }))
  })

  describe("aimed at routes and sessions", () => {
    it("a plan without a route faults every route in turn", () =>
      withServer(async (server, agent) => {
        const session = await createSession(agent, server.url)
        server.setFaults({ script: [Fault.status(503), Fault.status(502), Fault.status(500), Fault.status(504)] })
        const replies = await each([
          { method: "GET" as const },
          { method: "GET" as const, path: `/api/v1/chat/${session.session_id}` },
          { method: "GET" as const, path: `/api/v1/chat/${session.session_id}/summary` },
          { method: "DELETE" as const, path: `/api/v1/chat/${session.session_id}` }
        ], (call) => send(agent, server.url, call))
        expect(replies.map((reply) => reply.status)).toEqual([503, 502, 500, 504])
        // A Status fault does not carry the request out: the session was not deleted.
        expect((await send(agent, server.url, { method: "GET", path: `/api/v1/chat/${session.session_id}` })).status).toBe(200)
      }))

    it("a fault aimed at one route waits for a request on it; other routes behave", () =>
      withServer(async (server, agent) => {
        const session = await createSession(agent, server.url)
        const retrieve = { method: "GET" as const, path: `/api/v1/chat/${session.session_id}` }
        server.setFaults({ script: [Fault.status(503, { route: "retrieve" }), Fault.status(429)] })
        // The unaimed fault behind it is next for any route.
        expect((await send(agent, server.url, { method: "GET" })).status).toBe(429)
        expect((await send(agent, server.url)).status).toBe(200)
        expect((await send(agent, server.url, retrieve)).status).toBe(503)
        expect((await send(agent, server.url, retrieve)).status).toBe(200)
      }))

    it("a plan's route aims every fault that names none", () =>
      withServer(async (server, agent) => {
        const session = await createSession(agent, server.url)
        const path = `/api/v1/chat/${session.session_id}`
        server.setFaults({ route: ["delete", "getSummary"], script: [Fault.status(500), Fault.status(502)] })
        expect((await send(agent, server.url, { method: "GET", path })).status).toBe(200)
        expect((await send(agent, server.url, { method: "DELETE", path })).status).toBe(500)
        expect((await send(agent, server.url, { method: "GET", path: `${path}/summary` })).status).toBe(502)
        expect((await send(agent, server.url, { method: "DELETE", path })).status).toBe(204)
      }))

    it("a fault aimed at a session leaves the others alone", () =>
      withServer(async (server, agent) => {
        const a = await createSession(agent, server.url)
        const b = await createSession(agent, server.url)
        server.setFaults({ script: [Fault.status(503, { sessionId: b.session_id })] })
        expect((await send(agent, server.url, { method: "GET", path: `/api/v1/chat/${a.session_id}` })).status).toBe(200)
        expect((await send(agent, server.url, { method: "GET", path: `/api/v1/chat/${b.session_id}/summary` })).status).toBe(503)
      }))

    it("random faults only the requests their route aims at", () =>
      withServer(async (server, agent) => {
        server.setFaults({ random: { rate: 1, fault: Fault.status(503, { route: "list" }) } })
        expect((await send(agent, server.url)).status).toBe(200)
        expect((await send(agent, server.url, { method: "GET" })).status).toBe(503)
      }))

    it("performs: a delete carried out though the client saw a reset", () =>
      withServer(async (server, agent) => {
        const session = await createSession(agent, server.url)
        const path = `/api/v1/chat/${session.session_id}`
        server.setFaults({ script: [Fault.resetBeforeResponse({ route: "delete", performs: true })] })
        const error = await failureOf(send(agent, server.url, { method: "DELETE", path }))
        expect(errorCode(error)).toBe("ECONNRESET")
        expect((await send(agent, server.url, { method: "GET", path })).status).toBe(404)
      }))

    it("a delivery fault on delete still deletes, unless performs is false", () =>
      withServer(async (server, agent) => {
        const kept = await createSession(agent, server.url)
        const gone = await createSession(agent, server.url)
        server.setFaults({
          route: "delete",
          script: [Fault.delayHeaders(1, { performs: false }), Fault.delayHeaders(1)]
        })
        for (const session of [kept, gone]) {
          expect((await send(agent, server.url, { method: "DELETE", path: `/api/v1/chat/${session.session_id}` })).status).toBe(204)
        }
        const status = async (id: string) => (await send(agent, server.url, { method: "GET", path: `/api/v1/chat/${id}` })).status
        expect(await status(kept.session_id)).toBe(200)
        expect(await status(gone.session_id)).toBe(404)
      }))

    it("LargeBody grows a retrieved session and a summary, not a list", () =>
      withServer(async (server, agent) => {
        const session = await createSession(agent, server.url)
        const path = `/api/v1/chat/${session.session_id}`
        server.setFaults({ script: [Fault.largeBody(100_000), Fault.largeBody(50_000), Fault.largeBody(70_000)] })
        const retrieved = await send(agent, server.url, { method: "GET", path })
        expect(Buffer.byteLength(retrieved.text)).toBe(100_000)
        expect(parse(retrieved.text)).toMatchObject({ session_id: session.session_id, events: [] })
        const summary = await send(agent, server.url, { method: "GET", path: `${path}/summary` })
        expect(Buffer.byteLength(summary.text)).toBe(50_000)
        const list = await send(agent, server.url, { method: "GET" })
        expect(parse(list.text)).toEqual({ items: [session] })
      }))

    it("a Status fault on a turn: the turn never ran; with performs, it was recorded whole", () =>
      withServer(async (server, agent) => {
        const session = await createSession(agent, server.url)
        const history = () => historyOf(agent, server.url, session.session_id)
        server.setFaults({ route: "sendMessage", script: [Fault.status(503), Fault.status(504, { performs: true })] })
        expect((await runTurn(agent, server.url, session.session_id)).status).toBe(503)
        expect(await history()).toEqual([])
        expect((await runTurn(agent, server.url, session.session_id)).status).toBe(504)
        const events = await history()
        expect(events[0]?.type).toBe("user_input")
        expect(events.at(-1)?.type).toBe("stop")
      }))

    it("a 404 or 405 path meets no fault", () =>
      withServer(async (server, agent) => {
        server.setFaults({ script: [Fault.status(503)] })
        expect((await send(agent, server.url, { method: "GET", path: "/api/v1/chat/ses-x/nope" })).status).toBe(404)
        expect((await send(agent, server.url, { method: "PATCH", path: "/api/v1/chat/ses-x" })).status).toBe(405)
        expect((await send(agent, server.url)).status).toBe(503)
      }))
  })
})
