/**
 * The local server's routes besides create and turns: list with its pages, retrieve, summary,
 * delete; and what every route shares (401, 404, 405, request ids).
 */
import { describe, expect, it } from "vitest"
import type { Agent } from "undici"
import { sessions } from "../../../src/core/chatModel/state.js"
import { createSession, each, runTurn, send } from "../../shared/localServer/requests.js"
import { parse, streamPath, type WireSession } from "../../shared/localServer/wire.js"
import { withServer } from "./fixtures.js"

const project = "6f1c2a9e-8d3b-4c5a-9e7f-0a1b2c3d4e5f"

const get = (agent: Agent, base: string, path: string) => send(agent, base, { method: "GET", path })

interface Page {
  readonly items: ReadonlyArray<WireSession>
  readonly next_page_token?: string
}

const isPage = (u: unknown): u is Page => typeof u === "object" && u !== null && "items" in u && Array.isArray(u.items)

const listPage = async (agent: Agent, base: string, query: string): Promise<Page> => {
  const reply = await get(agent, base, `/api/v1/chat${query}`)
  const page = parse(reply.text)
  if (reply.status === 200 && isPage(page)) return page
  throw new Error(`list answered ${reply.status}: ${reply.text}`)
}

/** Creates `count` sessions one after the other: oldest first. */
const createMany = (agent: Agent, base: string, count: number, query = "") =>
  each(Array.from({ length: count }), () => createSession(agent, base, {}, query))

describe("LocalServer resource", () => {
  describe("list", () => {
    it("answers an empty list as {items: []}, with no next_page_token", () =>
      withServer(async (server, agent) => {
        const reply = await get(agent, server.url, "/api/v1/chat")
        expect(reply.status).toBe(200)
        expect(reply.headers["content-type"]).toBe("application/json")
        expect(parse(reply.text)).toEqual({ items: [] })
      }))

    it("lists newest first: a session with a new turn comes back to the top", () =>
      withServer(async (server, agent) => {
        const [a, b, c] = await createMany(agent, server.url, 3)
        expect((await listPage(agent, server.url, "")).items.map((s) => s.session_id)).toEqual(
          [c, b, a].map((s) => s?.session_id)
        )
        await runTurn(agent, server.url, a?.session_id ?? "")
        const after = await listPage(agent, server.url, "")
        expect(after.items.map((s) => s.session_id)).toEqual([a, c, b].map((s) => s?.session_id))
        expect(after.items[0]).toMatchObject({ generated_title: expect.any(String), job_metadata: { turns: 1 } })
      }))

    it("pages with page_size and page_token until the token is absent", () =>
      withServer(async (server, agent) => {
        const created = await createMany(agent, server.url, 7)
        const seen: Array<string> = []
        const sizes: Array<number> = []
        let token: string | undefined
        do {
          const query = `?page_size=3${token === undefined ? "" : `&page_token=${encodeURIComponent(token)}`}`
          const page = await listPage(agent, server.url, query)
          seen.push(...page.items.map((s) => s.session_id))
          sizes.push(page.items.length)
          token = page.next_page_token
        } while (token !== undefined)
        expect(sizes).toEqual([3, 3, 1])
        expect(seen).toEqual(created.map((s) => s.session_id).reverse())
      }))

    it("answers 422 for a page_size that is not a positive integer and for a garbled token", () =>
      withServer(async (server, agent) => {
        await createMany(agent, server.url, 2)
        const zero = await get(agent, server.url, "/api/v1/chat?page_size=0")
        expect(zero.status).toBe(422)
        expect(parse(zero.text)).toEqual({
          detail: [{ loc: ["query", "page_size"], msg: "Input should be greater than 0", type: "greater_than", input: "0" }]
        })
        const word = await get(agent, server.url, "/api/v1/chat?page_size=ten")
        expect(parse(word.text)).toEqual({ detail: [expect.objectContaining({ type: "int_parsing" })] })
        const garbled = await get(agent, server.url, "/api/v1/chat?page_token=not-a-token")
        expect(garbled.status).toBe(422)
        expect(parse(garbled.text)).toEqual({
          detail: [expect.objectContaining({ loc: ["query", "page_token"], input: "not-a-token" })]
        })
      }))

    it("lists the sessions of the project asked for, and 422s an organization that is no UUID", () =>
      withServer(async (server, agent) => {
        const [scoped] = await createMany(agent, server.url, 1, `?project_id=${project}`)
        const [unscoped] = await createMany(agent, server.url, 1)
        expect((await listPage(agent, server.url, `?project_id=${project}`)).items).toEqual([scoped])
        expect((await listPage(agent, server.url, "")).items).toEqual([unscoped])
        expect((await get(agent, server.url, "/api/v1/chat?organization_id=acme")).status).toBe(422)
      }))
  })

  describe("retrieve, summary, delete", () => {
    it("retrieves a new session with an empty history, and its summary", () =>
      withServer(async (server, agent) => {
        const session = await createSession(agent, server.url, { index_ids: ["idx-a"] })
        const retrieved = await get(agent, server.url, `/api/v1/chat/${session.session_id}`)
        expect(retrieved.status).toBe(200)
        expect(retrieved.headers["content-type"]).toBe("application/json")
        expect(parse(retrieved.text)).toEqual({ ...session, events: [] })
        const summary = await get(agent, server.url, `/api/v1/chat/${session.session_id}/summary`)
        expect(parse(summary.text)).toEqual(session)
      }))

    it("reads a percent-encoded session id", () =>
      withServer(async (server, agent) => {
        const session = await createSession(agent, server.url)
        const encoded = session.session_id.replace("-", "%2D")
        expect((await get(agent, server.url, `/api/v1/chat/${encoded}`)).status).toBe(200)
      }))

    it("deletes with a 204 and no body; the session is gone, the creation log keeps it", () =>
      withServer(async (server, agent) => {
        const session = await createSession(agent, server.url)
        const path = `/api/v1/chat/${session.session_id}`
        const deleted = await send(agent, server.url, { method: "DELETE", path, headers: { authorization: "Bearer k", accept: "*/*" } })
        expect(deleted.status).toBe(204)
        expect(deleted.text).toBe("")
        expect(deleted.headers["content-type"]).toBeUndefined()
        expect(deleted.headers["content-length"]).toBeUndefined()
        expect((await get(agent, server.url, path)).status).toBe(404)
        expect((await send(agent, server.url, { method: "DELETE", path })).status).toBe(404)
        expect((await listPage(agent, server.url, "")).items).toEqual([])
        expect(server.sessions().map((s) => s.sessionId)).toEqual([session.session_id])
        expect(sessions(server.model())).toEqual([])
      }))

    it("answers 404 Chat session not found for an unknown id on every session route", () =>
      withServer(async (server, agent) => {
        const replies = await each([
          { method: "GET" as const, path: "/api/v1/chat/ses-nope" },
          { method: "GET" as const, path: "/api/v1/chat/ses-nope/summary" },
          { method: "DELETE" as const, path: "/api/v1/chat/ses-nope" },
          { path: streamPath("ses-nope"), body: JSON.stringify({ index_ids: ["idx-a"], prompt: "hi" }) }
        ], (call) => send(agent, server.url, call))
        for (const reply of replies) {
          expect(reply.status).toBe(404)
          expect(parse(reply.text)).toEqual({ detail: "Chat session not found" })
        }
      }))

    it("hides a session from requests of another project (404)", () =>
      withServer(async (server, agent) => {
        const session = await createSession(agent, server.url, {}, `?project_id=${project}`)
        expect((await get(agent, server.url, `/api/v1/chat/${session.session_id}`)).status).toBe(404)
        expect((await get(agent, server.url, `/api/v1/chat/${session.session_id}?project_id=${project}`)).status).toBe(200)
      }))
  })

  describe("every route", () => {
    it("answers 401 without a bearer token, 405 with allow for a wrong method, 404 off the resource", () =>
      withServer(async (server, agent) => {
        const session = await createSession(agent, server.url)
        const id = session.session_id
        const unauthenticated = await each([
          { method: "GET" as const, path: "/api/v1/chat" },
          { method: "GET" as const, path: `/api/v1/chat/${id}` },
          { method: "GET" as const, path: `/api/v1/chat/${id}/summary` },
          { method: "DELETE" as const, path: `/api/v1/chat/${id}` },
          { path: streamPath(id) }
        ], (call) => send(agent, server.url, { ...call, headers: {} }))
        for (const reply of unauthenticated) {
          expect(reply.status).toBe(401)
          expect(parse(reply.text)).toEqual({ detail: "Not authenticated" })
        }
        const wrong = await each([
          { method: "PUT" as const, path: `/api/v1/chat/${id}` },
          { method: "POST" as const, path: `/api/v1/chat/${id}/summary` },
          { method: "GET" as const, path: streamPath(id) }
        ], (call) => send(agent, server.url, call))
        expect(wrong.map((reply) => [reply.status, reply.headers["allow"]])).toEqual([
          [405, "GET, DELETE"],
          [405, "GET"],
          [405, "POST"]
        ])
        const off = await each(
          [`/api/v1/chat/${id}/`, `/api/v1/chat/${id}/messages`, "/api/v1/chat//summary", "/api/v2/chat"],
          (path) => get(agent, server.url, path)
        )
        expect(off.map((reply) => reply.status)).toEqual([404, 404, 404, 404])
        // The session is still there: nothing above touched it.
        expect((await get(agent, server.url, `/api/v1/chat/${id}`)).status).toBe(200)
      }))

    it("reset forgets every session and history", () =>
      withServer(async (server, agent) => {
        const session = await createSession(agent, server.url)
        await runTurn(agent, server.url, session.session_id)
        server.reset()
        expect(sessions(server.model())).toEqual([])
        expect((await get(agent, server.url, `/api/v1/chat/${session.session_id}`)).status).toBe(404)
        expect((await listPage(agent, server.url, "")).items).toEqual([])
      }))

    it("sends a distinct x-request-id on every answer and records every request", () =>
      withServer(async (server, agent) => {
        const session = await createSession(agent, server.url)
        const replies = await each(
          [`/api/v1/chat`, `/api/v1/chat/${session.session_id}`, `/api/v1/chat/${session.session_id}/summary`],
          (path) => get(agent, server.url, path)
        )
        const ids = replies.map((reply) => reply.headers["x-request-id"])
        expect(new Set(ids).size).toBe(3)
        expect((server.requests()).slice(1).map((request) => request.requestId)).toEqual(ids)
      }))
  })
})
