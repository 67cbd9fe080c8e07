import { describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import * as Net from "node:net"
import { Agent, request } from "undici"
import type { Dispatcher } from "undici"
import * as LocalServer from "../../src/testing/LocalServer.js"

const { Fault } = LocalServer

const auth = { authorization: "Bearer llx-test" }
const json = { ...auth, "content-type": "application/json" }

interface Reply {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly text: string
}

interface Call {
  readonly method?: Dispatcher.HttpMethod
  readonly path?: string
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string
}

/** A client of its own for the test, so that connection counts are the test's alone. */
const client = Effect.acquireRelease(
  Effect.sync(() => new Agent()),
  (agent) => Effect.promise(() => agent.destroy().catch(() => undefined))
)

const flatHeaders = (headers: Dispatcher.ResponseData["headers"]): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers).flatMap(([name, value]) =>
      value === undefined ? [] : [[name, Array.isArray(value) ? value.join(", ") : value]]
    )
  )

/** Sends a request; succeeds with the response once its headers are in (the body still unread). */
const open = (agent: Agent, base: string, call: Call = {}, signal?: AbortSignal) =>
  Effect.tryPromise({
    try: () =>
      request(`${base}${call.path ?? "/api/v1/chat"}`, {
        dispatcher: agent,
        method: call.method ?? "POST",
        headers: call.headers ?? json,
        body: call.body ?? (call.method === undefined || call.method === "POST" ? "{}" : null),
        ...(signal === undefined ? {} : { signal })
      }),
    catch: (error) => error
  })

/** Sends a request and reads the whole body. */
const send = (agent: Agent, base: string, call: Call = {}) =>
  Effect.flatMap(open(agent, base, call), (response) =>
    Effect.tryPromise({
      try: async (): Promise<Reply> => ({
        status: response.statusCode,
        headers: flatHeaders(response.headers),
        text: await response.body.text()
      }),
      catch: (error) => error
    }))

const errorCode = (error: unknown): string | undefined => {
  if (typeof error !== "object" || error === null) return undefined
  const code = "code" in error ? error.code : undefined
  const cause = "cause" in error ? errorCode(error.cause) : undefined
  return cause ?? (typeof code === "string" ? code : undefined)
}

const parse = (text: string): unknown => JSON.parse(text)

/** Retries `check` every 5 ms for up to 2 s: socket closes reach the server a moment after the client acts. */
const eventually = <A>(check: Effect.Effect<A, unknown>) =>
  check.pipe(Effect.retry({ schedule: Schedule.spaced("5 millis"), times: 400 }))

const openConnections = (server: LocalServer.LocalServer["Type"], expected: number) =>
  eventually(
    Effect.flatMap(server.connections, ({ open }) =>
      open === expected ? Effect.void : Effect.fail(`open connections: ${open}, expected ${expected}`))
  )

/** Runs a test against a server of its own, and checks that no request handler failed. */
const withServer = <A, E, R>(
  test: (server: LocalServer.LocalServer["Type"], agent: Agent) => Effect.Effect<A, E, R>,
  options?: LocalServer.Options
) =>
  Effect.gen(function*() {
    const server = yield* LocalServer.LocalServer
    const agent = yield* client
    const result = yield* test(server, agent)
    // Hang up, and let every handler see it and finish before judging them.
    yield* Effect.promise(() => agent.destroy())
    yield* openConnections(server, 0)
    yield* server.idle
    expect(yield* server.handlerFailures).toEqual([])
    return result
  }).pipe(Effect.provide(LocalServer.layer(options)))

const sessionId = /^ses-[0-9a-f]{24}$/
const timestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/

describe("LocalServer", () => {
  describe("create session", () => {
    it.scopedLive("answers 200 with a wire-format session", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const reply = yield* send(agent, server.url, { body: `{"index_ids":["idx-a","idx-b"]}` })
          expect(reply.status).toBe(200)
          expect(reply.headers["content-type"]).toBe("application/json")
          const body = parse(reply.text)
          expect(body).toEqual({
            session_id: expect.stringMatching(sessionId),
            last_updated_at: expect.stringMatching(timestamp),
            generated_title: null,
            index_ids: ["idx-a", "idx-b"],
            job_metadata: null
          })
          expect(Object.keys(body as object)).not.toContain("shared_access")
        })
      ))

    it.scopedLive("stamps last_updated_at with the current UTC time, zone-less, in microseconds", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const before = Date.now()
          const reply = yield* send(agent, server.url)
          const after = Date.now()
          const stamp = (yield* server.sessions)[0]?.lastUpdatedAt ?? ""
          expect(stamp).toMatch(timestamp)
          expect(reply.text).toContain(`"last_updated_at":"${stamp}"`)
          const millis = Date.parse(`${stamp.slice(0, 23)}Z`)
          expect(millis).toBeGreaterThanOrEqual(before - 1)
          expect(millis).toBeLessThanOrEqual(after + 1)
        })
      ))

    it.scopedLive("gives every session a distinct id", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const replies = yield* Effect.forEach(Array.from({ length: 20 }), () => send(agent, server.url), {
            concurrency: 5
          })
          const ids = replies.map((reply) => parse(reply.text))
            .map((body) => (body as { session_id: string }).session_id)
          expect(new Set(ids).size).toBe(20)
          expect((yield* server.sessions).map((session) => session.sessionId).sort()).toEqual([...ids].sort())
        })
      ))

    it.scopedLive("echoes shared_access only when it was sent, and null index_ids for an unbound session", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const reply = yield* send(agent, server.url, {
            path: "/api/v1/chat?project_id=6f1c2a9e-8d3b-4c5a-9e7f-0a1b2c3d4e5f",
            body: `{"index_ids":null,"shared_access":"read_only"}`
          })
          expect(parse(reply.text)).toMatchObject({ index_ids: null, shared_access: "read_only" })
          expect(yield* server.sessions).toEqual([
            expect.objectContaining({
              indexIds: null,
              sharedAccess: "read_only",
              projectId: "6f1c2a9e-8d3b-4c5a-9e7f-0a1b2c3d4e5f"
            })
          ])
        })
      ))

    it.scopedLive("records each request: method, path, query, lower-case headers, body", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const reply = yield* send(agent, server.url, {
            path: "/api/v1/chat?organization_id=6f1c2a9e-8d3b-4c5a-9e7f-0a1b2c3d4e5f",
            headers: { Authorization: "Bearer llx-test", "Content-Type": "application/json", "X-Extra": "1" },
            body: `{"index_ids":["idx-a"]}`
          })
          expect(yield* server.requests).toEqual([{
            requestId: reply.headers["x-request-id"],
            method: "POST",
            path: "/api/v1/chat",
            query: { organization_id: "6f1c2a9e-8d3b-4c5a-9e7f-0a1b2c3d4e5f" },
            headers: expect.objectContaining({
              authorization: "Bearer llx-test",
              "content-type": "application/json",
              "x-extra": "1"
            }),
            body: `{"index_ids":["idx-a"]}`
          }])
        })
      ))

    it.scopedLive("sends an x-request-id on every response, errors included", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          yield* server.setFaults({ script: [Fault.status(503)] })
          const replies = yield* Effect.forEach([
            {},
            {},
            { headers: {} },
            { body: "[" },
            { path: "/nope" },
            { method: "GET" as const }
          ], (call) => send(agent, server.url, call))
          expect(replies.map((reply) => reply.status)).toEqual([503, 200, 401, 422, 404, 405])
          const ids = replies.map((reply) => reply.headers["x-request-id"])
          ids.forEach((id) => expect(id).toMatch(/^req-[0-9a-f]{24}$/))
          expect(new Set(ids).size).toBe(ids.length)
          expect((yield* server.requests).map((recorded) => recorded.requestId)).toEqual(ids)
        })
      ))

    it.scopedLive("clears requests, sessions and faults on reset", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          yield* send(agent, server.url)
          yield* server.setFaults({ script: [Fault.status(503)] })
          yield* server.reset
          expect(yield* server.requests).toEqual([])
          expect(yield* server.sessions).toEqual([])
          expect((yield* send(agent, server.url)).status).toBe(200)
        })
      ))
  })

  describe("authentication", () => {
    it.scopedLive("answers 401 Not authenticated without a usable bearer token", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const replies = yield* Effect.forEach(
            [{}, { authorization: "Basic bGx4OnRlc3Q=" }, { authorization: "Bearer " }, { authorization: "llx-test" }],
            (headers) => send(agent, server.url, { headers: { ...headers, "content-type": "application/json" } })
          )
          for (const reply of replies) {
            expect(reply.status).toBe(401)
            expect(parse(reply.text)).toEqual({ detail: "Not authenticated" })
          }
          expect(yield* server.sessions).toEqual([])
        })
      ))

    it.scopedLive("answers 401 Invalid authentication token for a key it does not accept", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const rejected = yield* send(agent, server.url, { headers: { authorization: "Bearer llx-other" } })
          expect(rejected.status).toBe(401)
          expect(parse(rejected.text)).toEqual({ detail: "Invalid authentication token" })
          const accepted = yield* send(agent, server.url, { headers: { authorization: "bearer llx-good" } })
          expect(accepted.status).toBe(200)
        }), { apiKeys: ["llx-good"] }))
  })

  describe("validation", () => {
    it.scopedLive("lists every problem in one 422, FastAPI style", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const indexIds = ["idx-1", "", ...Array.from({ length: 9 }, (_, i) => `idx-${i + 2}`)]
          const reply = yield* send(agent, server.url, {
            path: "/api/v1/chat?project_id=not-a-uuid&organization_id=6f1c2a9e-8d3b-4c5a-9e7f-0a1b2c3d4e5f",
            body: JSON.stringify({ index_ids: indexIds, shared_access: "everyone" })
          })
          expect(reply.status).toBe(422)
          expect(reply.headers["content-type"]).toBe("application/json")
          expect(parse(reply.text)).toEqual({
            detail: [
              expect.objectContaining({ loc: ["query", "project_id"], type: "uuid_parsing" }),
              expect.objectContaining({ loc: ["body", "index_ids", 1], type: "string_too_short" }),
              expect.objectContaining({
                loc: ["body", "index_ids"],
                type: "too_long",
                msg: "List should have at most 10 items after validation, not 11"
              }),
              expect.objectContaining({ loc: ["body", "shared_access"], type: "enum" })
            ]
          })
          expect(yield* server.sessions).toEqual([])
        })
      ))

    it.scopedLive("rejects a body that is not JSON with json_invalid at loc [body]", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const reply = yield* send(agent, server.url, { body: "{index_ids:" })
          expect(reply.status).toBe(422)
          expect(parse(reply.text)).toEqual({
            detail: [expect.objectContaining({ loc: ["body"], type: "json_invalid", msg: "JSON decode error" })]
          })
        })
      ))

    it.scopedLive("rejects a JSON body that is not an object, and an index id that is not a string", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const array = yield* send(agent, server.url, { body: "[]" })
          expect(parse(array.text)).toEqual({
            detail: [expect.objectContaining({ loc: ["body"], type: "model_attributes_type" })]
          })
          const notString = yield* send(agent, server.url, { body: `{"index_ids":["idx-a",7],"shared_access":null}` })
          expect(parse(notString.text)).toEqual({
            detail: [expect.objectContaining({ loc: ["body", "index_ids", 1], type: "string_type" })]
          })
        })
      ))
  })

  describe("routing", () => {
    it.scopedLive("answers 404 Not Found on any other path", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const reply = yield* send(agent, server.url, { path: "/api/v1/chats" })
          expect(reply.status).toBe(404)
          expect(parse(reply.text)).toEqual({ detail: "Not Found" })
        })
      ))

    it.scopedLive("answers 405 Method Not Allowed for other methods on /api/v1/chat", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const reply = yield* send(agent, server.url, { method: "DELETE" })
          expect(reply.status).toBe(405)
          expect(parse(reply.text)).toEqual({ detail: "Method Not Allowed" })
        })
      ))
  })

  describe("faults", () => {
    it.scopedLive("plays the script one fault per request, in order, then behaves", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          yield* server.setFaults({ script: [Fault.status(503), Fault.status(502)] })
          // Other paths and methods leave the script alone.
          expect((yield* send(agent, server.url, { path: "/nope" })).status).toBe(404)
          expect((yield* send(agent, server.url, { method: "GET" })).status).toBe(405)
          const statuses = yield* Effect.forEach([1, 2, 3], () => send(agent, server.url))
          expect(statuses.map((reply) => reply.status)).toEqual([503, 502, 200])
          expect(yield* server.sessions).toHaveLength(1)
        })
      ))

    it.scopedLive("Status: any status, headers and body; a FastAPI detail by default; no session", () =>
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

    it.scopedLive("Status with createsSession: the session exists though the client saw an error", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          yield* server.setFaults({ script: [Fault.status(504, { createsSession: true })] })
          expect((yield* send(agent, server.url)).status).toBe(504)
          expect(yield* server.sessions).toHaveLength(1)
        })
      ))

    it.scopedLive("createsSession: false on a delivery fault: the answer names a session the server never kept", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          yield* server.setFaults({ script: [Fault.delayHeaders(1, { createsSession: false })] })
          const reply = yield* send(agent, server.url)
          expect(parse(reply.text)).toMatchObject({ session_id: expect.stringMatching(sessionId) })
          expect(yield* server.sessions).toEqual([])
        })
      ))

    it.scopedLive("ResetBeforeResponse: the client sees a reset and no response; no session", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          yield* server.setFaults({ script: [Fault.resetBeforeResponse()] })
          const error = yield* Effect.flip(send(agent, server.url))
          expect(errorCode(error)).toBe("ECONNRESET")
          expect(yield* server.sessions).toEqual([])
          expect((yield* send(agent, server.url)).status).toBe(200)
        })
      ))

    it.scopedLive("ResetMidBody: headers and half the body arrive, then a reset; the session exists", () =>
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

    it.scopedLive("CloseAfterHeaders: headers arrive, then the connection ends with no body", () =>
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

    it.scopedLive("DelayHeaders: the normal answer, late", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          yield* server.setFaults({ script: [Fault.delayHeaders(150)] })
          const [elapsed, reply] = yield* Effect.timed(send(agent, server.url))
          expect(Duration.toMillis(elapsed)).toBeGreaterThanOrEqual(140)
          expect(reply.status).toBe(200)
          expect(parse(reply.text)).toMatchObject({ session_id: expect.stringMatching(sessionId) })
        })
      ))

    it.scopedLive("DelayHeaders: stops waiting when the client gives up, the session already made", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          yield* server.setFaults({ script: [Fault.delayHeaders(60_000)] })
          const abort = new AbortController()
          const pending = yield* Effect.fork(Effect.exit(open(agent, server.url, {}, abort.signal)))
          yield* openConnections(server, 1)
          abort.abort()
          expect(Exit.isFailure(yield* pending.await.pipe(Effect.flatten))).toBe(true)
          yield* openConnections(server, 0)
          expect(yield* server.sessions).toHaveLength(1)
        })
      ))

    it.scopedLive("StallBody: half the body, then nothing until the client leaves", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          yield* server.setFaults({ script: [Fault.stallBody()] })
          const abort = new AbortController()
          const response = yield* open(agent, server.url, {}, abort.signal)
          expect(response.statusCode).toBe(200)
          const body = yield* Effect.fork(Effect.exit(Effect.tryPromise(() => response.body.text())))
          const early = yield* body.await.pipe(Effect.timeoutOption("200 millis"))
          expect(Option.isNone(early)).toBe(true)
          expect((yield* server.connections).open).toBe(1)
          abort.abort()
          yield* openConnections(server, 0)
          expect(yield* server.sessions).toHaveLength(1)
        })
      ))

    it.scopedLive("DripBody and DelayHeaders leave no timer behind when the client gives up", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length
          const before = timers()
          yield* server.setFaults({ script: [Fault.dripBody(50), Fault.delayHeaders(60_000)] })
          const abort = new AbortController()
          const dripping = yield* open(agent, server.url, {}, abort.signal)
          expect(dripping.statusCode).toBe(200)
          yield* Effect.fork(Effect.exit(open(agent, server.url, {}, abort.signal)))
          yield* openConnections(server, 2)
          abort.abort()
          yield* openConnections(server, 0)
          yield* server.idle
          expect(timers()).toBeLessThanOrEqual(before)
        })
      ))

    it.scopedLive("DripBody: the normal body, one byte per interval", () =>
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

    it.scopedLive("Body200: a 200 with whatever body and content type it is given", () =>
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

    it.scopedLive("LargeBody: a valid session of exactly the requested size", () =>
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

    it.scopedLive("random: faults a seeded, reproducible share of requests", () =>
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

  describe("connections", () => {
    it.scopedLive("counts connections, and the open count returns to zero when the client disconnects", () =>
      withServer((server, agent) =>
        Effect.gen(function*() {
          yield* Effect.forEach([1, 2, 3], () => send(agent, server.url), { concurrency: 3 })
          const during = yield* server.connections
          expect(during.total).toBeGreaterThanOrEqual(1)
          expect(during.open).toBe(during.total)
          yield* Effect.promise(() => agent.close())
          yield* openConnections(server, 0)
          expect((yield* server.connections).total).toBe(during.total)
        })
      ))

    it.scopedLive("closing the scope closes the server and destroys its open sockets", () =>
      Effect.gen(function*() {
        const agent = yield* client
        const scope = yield* Scope.make()
        const context = yield* Layer.buildWithScope(
          LocalServer.layer({ faults: { script: [Fault.stallBody()] } }),
          scope
        )
        const server = Context.get(context, LocalServer.LocalServer)
        const stalled = yield* open(agent, server.url)
        const body = yield* Effect.fork(Effect.tryPromise(() => stalled.body.text()))
        expect((yield* server.connections).open).toBe(1)

        yield* Scope.close(scope, Exit.void).pipe(Effect.timeoutFail({ duration: "2 seconds", onTimeout: () => "close hung" }))
        expect(Exit.isFailure(yield* body.await)).toBe(true)
        expect((yield* server.connections).open).toBe(0)
        const refused = yield* Effect.async<string | undefined>((resume) => {
          const socket = Net.connect(server.port, "127.0.0.1")
          socket.once("connect", () => {
            socket.destroy()
            resume(Effect.succeed(undefined))
          })
          socket.once("error", (error) => resume(Effect.succeed(errorCode(error))))
        })
        expect(refused).toBe("ECONNREFUSED")
      }))
  })
})
