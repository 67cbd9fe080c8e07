/**
 * The local server's create route, authentication, validation, routing and connections, over raw
 * undici requests. Other routes, turns and faults have files of their own beside this one.
 */
import { describe, expect, it } from "vitest"
import * as Net from "node:net"
import { each, newAgent, open, send } from "../../shared/localServer/requests.js"
import { errorCode, parse, sessionIdPattern as sessionId, timestampPattern as timestamp } from "../../shared/localServer/wire.js"
import { closeWithin, Fault, openConnections, start, withServer } from "./fixtures.js"

describe("LocalServer", () => {
  describe("create session", () => {
    it("answers 200 with a wire-format session", () =>
      withServer(async (server, agent) => {
        const reply = await send(agent, server.url, { body: `{"index_ids":["idx-a","idx-b"]}` })
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
      }))

    it("stamps last_updated_at with the current UTC time, zone-less, in microseconds", () =>
      withServer(async (server, agent) => {
        const before = Date.now()
        const reply = await send(agent, server.url)
        const after = Date.now()
        const stamp = server.sessions()[0]?.lastUpdatedAt ?? ""
        expect(stamp).toMatch(timestamp)
        expect(reply.text).toContain(`"last_updated_at":"${stamp}"`)
        const millis = Date.parse(`${stamp.slice(0, 23)}Z`)
        expect(millis).toBeGreaterThanOrEqual(before - 1)
        expect(millis).toBeLessThanOrEqual(after + 1)
      }))

    it("gives every session a distinct id", () =>
      withServer(async (server, agent) => {
        const replies = await each(Array.from({ length: 20 }), () => send(agent, server.url), {
          concurrency: 5
        })
        const ids = replies.map((reply) => parse(reply.text))
          .map((body) => (body as { session_id: string }).session_id)
        expect(new Set(ids).size).toBe(20)
        expect(server.sessions().map((session) => session.sessionId).sort()).toEqual([...ids].sort())
      }))

    it("echoes shared_access only when it was sent, and null index_ids for an unbound session", () =>
      withServer(async (server, agent) => {
        const reply = await send(agent, server.url, {
          path: "/api/v1/chat?project_id=6f1c2a9e-8d3b-4c5a-9e7f-0a1b2c3d4e5f",
          body: `{"index_ids":null,"shared_access":"read_only"}`
        })
        expect(parse(reply.text)).toMatchObject({ index_ids: null, shared_access: "read_only" })
        expect(server.sessions()).toEqual([
          expect.objectContaining({
            indexIds: null,
            sharedAccess: "read_only",
            projectId: "6f1c2a9e-8d3b-4c5a-9e7f-0a1b2c3d4e5f"
          })
        ])
      }))

    it("records each request: method, path, query, lower-case headers, body, arrival", () =>
      withServer(async (server, agent) => {
        const before = Date.now()
        const reply = await send(agent, server.url, {
          path: "/api/v1/chat?organization_id=6f1c2a9e-8d3b-4c5a-9e7f-0a1b2c3d4e5f",
          headers: { Authorization: "Bearer llx-test", "Content-Type": "application/json", "X-Extra": "1" },
          body: `{"index_ids":["idx-a"]}`
        })
        expect(server.requests()).toEqual([{
          requestId: reply.headers["x-request-id"],
          method: "POST",
          path: "/api/v1/chat",
          query: { organization_id: "6f1c2a9e-8d3b-4c5a-9e7f-0a1b2c3d4e5f" },
          headers: expect.objectContaining({
            authorization: "Bearer llx-test",
            "content-type": "application/json",
            "x-extra": "1"
          }),
          body: `{"index_ids":["idx-a"]}`,
          receivedAt: expect.any(Number)
        }])
        const [recorded] = server.requests()
        expect(recorded!.receivedAt).toBeGreaterThanOrEqual(before)
        expect(recorded!.receivedAt).toBeLessThanOrEqual(Date.now())
      }))

    it("sends an x-request-id on every response, errors included", () =>
      withServer(async (server, agent) => {
        server.setFaults({ script: [Fault.status(503)] })
        const replies = await each([
          {},
          {},
          { headers: {} },
          { body: "[" },
          { path: "/nope" },
          { method: "PUT" as const }
        ], (call) => send(agent, server.url, call))
        expect(replies.map((reply) => reply.status)).toEqual([503, 200, 401, 422, 404, 405])
        const ids = replies.map((reply) => reply.headers["x-request-id"])
        ids.forEach((id) => expect(id).toMatch(/^req-[0-9a-f]{24}$/))
        expect(new Set(ids).size).toBe(ids.length)
        expect((server.requests()).map((recorded) => recorded.requestId)).toEqual(ids)
      }))

    it("clears requests, sessions and faults on reset", () =>
      withServer(async (server, agent) => {
        await send(agent, server.url)
        server.setFaults({ script: [Fault.status(503)] })
        server.reset()
        expect(server.requests()).toEqual([])
        expect(server.sessions()).toEqual([])
        expect((await send(agent, server.url)).status).toBe(200)
      }))
  })

  describe("authentication", () => {
    it("answers 401 Not authenticated without a usable bearer token", () =>
      withServer(async (server, agent) => {
        const replies = await each(
          [{}, { authorization: "Basic bGx4OnRlc3Q=" }, { authorization: "Bearer " }, { authorization: "llx-test" }],
          (headers) => send(agent, server.url, { headers: { ...headers, "content-type": "application/json" } })
        )
        for (const reply of replies) {
          expect(reply.status).toBe(401)
          expect(parse(reply.text)).toEqual({ detail: "Not authenticated" })
        }
        expect(server.sessions()).toEqual([])
      }))

    it("answers 401 Invalid authentication token for a key it does not accept", () =>
      withServer(async (server, agent) => {
        const rejected = await send(agent, server.url, { headers: { authorization: "Bearer llx-other" } })
        expect(rejected.status).toBe(401)
        expect(parse(rejected.text)).toEqual({ detail: "Invalid authentication token" })
        const accepted = await send(agent, server.url, { headers: { authorization: "bearer llx-good" } })
        expect(accepted.status).toBe(200)
      }, { apiKeys: ["llx-good"] }))
  })

  describe("validation", () => {
    it("lists every problem in one 422, FastAPI style", () =>
      withServer(async (server, agent) => {
        const indexIds = ["idx-1", "", ...Array.from({ length: 9 }, (_, i) => `idx-${i + 2}`)]
        const reply = await send(agent, server.url, {
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
        expect(server.sessions()).toEqual([])
      }))

    it("rejects a body that is not JSON with json_invalid at loc [body]", () =>
      withServer(async (server, agent) => {
        const reply = await send(agent, server.url, { body: "{index_ids:" })
        expect(reply.status).toBe(422)
        expect(parse(reply.text)).toEqual({
          detail: [expect.objectContaining({ loc: ["body"], type: "json_invalid", msg: "JSON decode error" })]
        })
      }))

    it("rejects a JSON body that is not an object, and an index id that is not a string", () =>
      withServer(async (server, agent) => {
        const array = await send(agent, server.url, { body: "[]" })
        expect(parse(array.text)).toEqual({
          detail: [expect.objectContaining({ loc: ["body"], type: "model_attributes_type" })]
        })
        const notString = await send(agent, server.url, { body: `{"index_ids":["idx-a",7],"shared_access":null}` })
        expect(parse(notString.text)).toEqual({
          detail: [expect.objectContaining({ loc: ["body", "index_ids", 1], type: "string_type" })]
        })
      }))
  })

  describe("routing", () => {
    it("answers 404 Not Found on any other path", () =>
      withServer(async (server, agent) => {
        const reply = await send(agent, server.url, { path: "/api/v1/chats" })
        expect(reply.status).toBe(404)
        expect(parse(reply.text)).toEqual({ detail: "Not Found" })
      }))

    it("answers 405 Method Not Allowed for other methods on /api/v1/chat", () =>
      withServer(async (server, agent) => {
        const reply = await send(agent, server.url, { method: "DELETE" })
        expect(reply.status).toBe(405)
        expect(parse(reply.text)).toEqual({ detail: "Method Not Allowed" })
      }))
  })

  describe("connections", () => {
    it("counts connections, and the open count returns to zero when the client disconnects", () =>
      withServer(async (server, agent) => {
        await each([1, 2, 3], () => send(agent, server.url), { concurrency: 3 })
        const during = server.connections()
        expect(during.total).toBeGreaterThanOrEqual(1)
        expect(during.open).toBe(during.total)
        await agent.close()
        await openConnections(server, 0)
        expect(server.connections().total).toBe(during.total)
      }))

    it("closing the server closes it and destroys its open sockets", async () => {
      const agent = newAgent()
      const server = await start({ faults: { script: [Fault.stallBody()] } })
      try {
        const stalled = await open(agent, server.url)
        const body = stalled.body.text().then(() => "read", () => "failed")
        expect(server.connections().open).toBe(1)

        await closeWithin(server, 2_000)
        expect(await body).toBe("failed")
        expect(server.connections().open).toBe(0)
        const refused = await new Promise<string | undefined>((resolve) => {
          const socket = Net.connect(server.port, "127.0.0.1")
          socket.once("connect", () => {
            socket.destroy()
            resolve(undefined)
          })
          socket.once("error", (error) => resolve(errorCode(error)))
        })
        expect(refused).toBe("ECONNREFUSED")
      } finally {
        await agent.destroy()
      }
    })
  })
})
