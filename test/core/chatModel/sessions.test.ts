/**
 * The chat resource's model on its own: sessions, pages and histories, with the rules the API
 * enforces, as plain functions over a state value. Turns have a file of their own beside this one;
 * each edition's `ChatModel` tests the little it adds (its result type, its map, the Clock).
 */
import { describe, expect, it } from "@effect/vitest"
import { problemBody } from "../../../src/core/chatModel/problems.js"
import * as Sessions from "../../../src/core/chatModel/sessions.js"
import { find, formatTimestamp, sessions } from "../../../src/core/chatModel/state.js"
import * as Turns from "../../../src/core/chatModel/turns.js"
import { parseBody } from "../../../src/core/chatModel/validate.js"
import { at, createMany, empty, ok, org, problem, project, run, sessionWithTurn, turnBody } from "./fixtures.js"

describe("ChatModel sessions", () => {
  describe("create", () => {
    it("makes a wire-format session, unbound and untitled, numbered in creation order", () => {
      const { state, ids } = createMany(2)
      expect(ids).toEqual(["ses-000000000000000000000001", "ses-000000000000000000000002"])
      expect(find(state, ids[0] ?? "")?.session).toEqual({
        session_id: "ses-000000000000000000000001",
        last_updated_at: at(0),
        generated_title: null,
        index_ids: null,
        job_metadata: null
      })
    })

    it("keeps index_ids and shared_access as sent, and the session id it is given", () => {
      const [session] = run(empty, (s) =>
        Sessions.create(s, { body: { index_ids: ["idx-a"], shared_access: "read_only" }, now: at(0), sessionId: "ses-given" }))
      expect(session).toMatchObject({ session_id: "ses-given", index_ids: ["idx-a"], shared_access: "read_only" })
    })

    it("refuses a session id that exists with a 409", () => {
      const [, state] = run(empty, (s) => Sessions.create(s, { now: at(0), sessionId: "ses-x" }))
      const [result, after] = Sessions.create(state, { now: at(1), sessionId: "ses-x" })
      expect(problem(result)).toMatchObject({ _tag: "Busy", status: 409 })
      expect(after).toBe(state)
    })

    it("lists every problem of query and body in one 422, leaving the state as it was", () => {
      const [result, after] = Sessions.create(empty, {
        query: { project_id: "nope" },
        body: { index_ids: ["", ...Array.from({ length: 10 }, (_, i) => `idx-${i}`)], shared_access: "all" },
        now: at(0)
      })
      const found = problem(result)
      expect(found.status).toBe(422)
      expect(problemBody(found)).toEqual({
        detail: [
          expect.objectContaining({ loc: ["query", "project_id"], type: "uuid_parsing" }),
          expect.objectContaining({ loc: ["body", "index_ids", 0], type: "string_too_short" }),
          expect.objectContaining({ loc: ["body", "index_ids"], type: "too_long" }),
          expect.objectContaining({ loc: ["body", "shared_access"], type: "enum" })
        ]
      })
      expect(after).toBe(empty)
    })

    it("reads a request body as FastAPI does: empty is missing, broken is json_invalid", () => {
      const [blank] = Sessions.create(empty, { body: parseBody(""), now: at(0) })
      expect(problem(blank).detail).toEqual([expect.objectContaining({ loc: ["body"], type: "missing" })])
      const [broken] = Sessions.create(empty, { body: parseBody("{index_ids:"), now: at(0) })
      expect(problem(broken).detail).toEqual([expect.objectContaining({ loc: ["body"], type: "json_invalid" })])
      const [array] = Sessions.create(empty, { body: parseBody("[]"), now: at(0) })
      expect(problem(array).detail).toEqual([expect.objectContaining({ type: "model_attributes_type" })])
    })
  })

  describe("timestamps", () => {
    it("formats UTC with microseconds and no zone", () => {
      expect(formatTimestamp(1_776_861_281_342_245_123n)).toBe("2026-04-22T12:34:41.342245")
      expect(formatTimestamp(0n)).toBe("1970-01-01T00:00:00.000000")
    })
  })

  describe("list", () => {
    it("lists newest first: latest update, then latest creation", () => {
      const { state, ids } = createMany(3)
      // The first session's turn makes it the most recently updated.
      const [, touched] = run(state, (s) => Turns.runTurn(s, { sessionId: ids[0] ?? "", body: turnBody, now: at(60) }))
      const [, tie] = run(touched, (s) => Sessions.create(s, { now: at(60) }))
      const page = ok(Sessions.list(tie))
      expect(page.items.map((session) => session.session_id)).toEqual([
        "ses-000000000000000000000004",
        ids[0],
        ids[2],
        ids[1]
      ])
      expect(page.next_page_token).toBeUndefined()
    })

    it("pages with page_size and opaque tokens, and leaves the token out on the last page", () => {
      const { state, ids } = createMany(5)
      const first = ok(Sessions.list(state, { query: { page_size: "2" } }))
      expect(first.items.map((s) => s.session_id)).toEqual([ids[4], ids[3]])
      expect(first.next_page_token).toEqual(expect.any(String))
      const second = ok(Sessions.list(state, { query: { page_size: "2", page_token: first.next_page_token ?? "" } }))
      expect(second.items.map((s) => s.session_id)).toEqual([ids[2], ids[1]])
      const third = ok(Sessions.list(state, { query: { page_size: "2", page_token: second.next_page_token ?? "" } }))
      expect(third.items.map((s) => s.session_id)).toEqual([ids[0]])
      expect("next_page_token" in third).toBe(false)
    })

    it("leaves the token out when a page ends exactly at the last session", () => {
      const { state } = createMany(4)
      const first = ok(Sessions.list(state, { query: { page_size: "2" } }))
      const second = ok(Sessions.list(state, { query: { page_size: "2", page_token: first.next_page_token ?? "" } }))
      expect(second.items).toHaveLength(2)
      expect(second.next_page_token).toBeUndefined()
    })

    it("uses a default page size of 20", () => {
      const { state } = createMany(25)
      const page = ok(Sessions.list(state))
      expect(page.items).toHaveLength(Sessions.defaultPageSize)
      expect(Sessions.defaultPageSize).toBe(20)
    })

    it("keeps its place when sessions are created or deleted between pages", () => {
      const { state, ids } = createMany(6)
      const first = ok(Sessions.list(state, { query: { page_size: "2" } }))
      // A newer session, and the deletion of the session the token points at.
      const [, withNew] = run(state, (s) => Sessions.create(s, { now: at(100) }))
      const [, changed] = run(withNew, (s) => Sessions.deleteSession(s, { sessionId: ids[4] ?? "" }))
      const second = ok(Sessions.list(changed, { query: { page_size: "2", page_token: first.next_page_token ?? "" } }))
      expect(second.items.map((s) => s.session_id)).toEqual([ids[3], ids[2]])
    })

    it("answers 422 for a page_size that is not a positive integer", () => {
      const { state } = createMany(1)
      for (const size of ["0", "-1", "abc", "1.5", ""]) {
        const found = problem(Sessions.list(state, { query: { page_size: size } }))
        expect(found.status).toBe(422)
        expect(found.detail).toEqual([expect.objectContaining({ loc: ["query", "page_size"] })])
      }
    })

    it("answers 422 for a page token it did not write", () => {
      const { state } = createMany(3)
      const real = ok(Sessions.list(state, { query: { page_size: "1" } })).next_page_token ?? ""
      for (const token of ["garbage", `${real}x`, "e30", real.slice(0, -3), "!!!"]) {
        const found = problem(Sessions.list(state, { query: { page_token: token } }))
        expect(found.detail).toEqual([expect.objectContaining({ loc: ["query", "page_token"], type: "value_error" })])
      }
    })

    it("lists only the sessions of the request's organization and project", () => {
      const scoped = createMany(2, empty, { organization_id: org, project_id: project })
      const mixed = createMany(1, scoped.state)
      expect(ok(Sessions.list(mixed.state)).items.map((s) => s.session_id)).toEqual(mixed.ids)
      expect(ok(Sessions.list(mixed.state, { query: { organization_id: org, project_id: project } })).items).toHaveLength(2)
      // Another spelling of the same UUIDs names the same scope.
      expect(ok(Sessions.list(mixed.state, {
        query: { organization_id: org.toUpperCase(), project_id: `urn:uuid:${project.replaceAll("-", "")}` }
      })).items).toHaveLength(2)
      expect(ok(Sessions.list(mixed.state, { query: { organization_id: org } })).items).toEqual([])
      expect(problem(Sessions.list(mixed.state, { query: { organization_id: "acme" } })).status).toBe(422)
    })
  })

  describe("retrieve, summary, delete", () => {
    it("retrieves a session with its history, and summarises it without", () => {
      const { sessionId, state } = sessionWithTurn()
      const detail = ok(Sessions.retrieve(state, { sessionId }))
      expect(detail.events[0]).toEqual({ type: "user_input", content: turnBody.prompt })
      expect(detail.events.at(-1)).toMatchObject({ type: "stop" })
      const summary = ok(Sessions.getSummary(state, { sessionId }))
      expect("events" in summary).toBe(false)
      const { events: _, ...session } = detail
      expect(summary).toEqual(session)
    })

    it("answers 404 for an unknown id and for a session of another scope", () => {
      const scoped = createMany(1, empty, { project_id: project })
      const sessionId = scoped.ids[0] ?? ""
      for (const request of [{ sessionId: "ses-nope" }, { sessionId }, { sessionId, query: { project_id: org } }]) {
        const found = problem(Sessions.retrieve(scoped.state, request))
        expect(found).toMatchObject({ _tag: "NotFound", status: 404, detail: "Chat session not found" })
        expect(problem(Sessions.getSummary(scoped.state, request)).status).toBe(404)
        expect(problem(Sessions.deleteSession(scoped.state, request)[0]).status).toBe(404)
      }
      expect(ok(Sessions.retrieve(scoped.state, { sessionId, query: { project_id: project } })).session_id).toBe(sessionId)
    })

    it("deletes a session: it is gone from retrieve and list", () => {
      const { state, ids } = createMany(2)
      const [, after] = run(state, (s) => Sessions.deleteSession(s, { sessionId: ids[0] ?? "" }))
      expect(problem(Sessions.retrieve(after, { sessionId: ids[0] ?? "" })).status).toBe(404)
      expect(ok(Sessions.list(after)).items.map((s) => s.session_id)).toEqual([ids[1]])
      expect(sessions(after).map((s) => s.session.session_id)).toEqual([ids[1]])
    })
  })
})
