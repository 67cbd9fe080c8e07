/**
 * Turns in the model: the agent's events, what a turn records, and the rules a turn follows.
 */
import { describe, expect, it } from "@effect/vitest"
import { unavailablePrefix } from "../../../src/core/chatModel/agent.js"
import * as Sessions from "../../../src/core/chatModel/sessions.js"
import { find } from "../../../src/core/chatModel/state.js"
import * as Turns from "../../../src/core/chatModel/turns.js"
import { at, createMany, empty, problem, run, sessionWithTurn, turnBody } from "./fixtures.js"

describe("ChatModel turns", () => {
  it("yields thinking, a search and its result, the answer in pieces, then stop", () => {
    const { turn } = sessionWithTurn()
    const types = turn.events.map((event) => event.type)
    const firstNonThinking = types.findIndex((type) => type !== "thinking_delta")
    expect(firstNonThinking).toBeGreaterThan(1)
    expect(types.slice(firstNonThinking, firstNonThinking + 3)).toEqual(["thinking", "tool_call", "tool_result"])
    const rest = types.slice(firstNonThinking + 3)
    expect(rest.slice(-2)).toEqual(["text", "stop"])
    expect(new Set(rest.slice(0, -2))).toEqual(new Set(["text_delta"]))
    expect(rest.length - 2).toBeGreaterThan(2)
  })

  it("makes the deltas add up to the whole thinking and the whole answer", () => {
    const { turn } = sessionWithTurn()
    const joined = (type: string) =>
      turn.events.flatMap((event) => event.type === type && "content" in event ? [event.content] : []).join("")
    const whole = (type: string) => turn.events.find((event) => event.type === type)
    expect(whole("thinking")).toEqual({ type: "thinking", content: joined("thinking_delta") })
    expect(whole("text")).toEqual({ type: "text", content: joined("text_delta") })
  })

  it("searches the turn's indexes for the prompt, and pairs the call with its result", () => {
    const { turn } = sessionWithTurn()
    const call = turn.events.find((event) => event.type === "tool_call")
    const result = turn.events.find((event) => event.type === "tool_result")
    expect(call).toMatchObject({
      name: "search",
      arguments: { query: "refund policy damaged items", index_ids: ["idx-a", "idx-b"] }
    })
    expect(result).toMatchObject({
      call_id: call?.type === "tool_call" ? call.call_id : "",
      name: "search",
      image_attachment: null,
      result: {
        passages: [
          expect.objectContaining({ index_id: "idx-a", text: expect.stringContaining("refund policy damaged items") }),
          expect.objectContaining({ index_id: "idx-b" })
        ]
      }
    })
  })

  it("ends with a stop carrying usage and no skipped indexes", () => {
    const { turn } = sessionWithTurn()
    expect(turn.events.at(-1)).toEqual({
      type: "stop",
      error: null,
      is_error: false,
      usage: {
        duration_ms: expect.any(Number),
        total_input_tokens: expect.any(Number),
        total_output_tokens: expect.any(Number),
        turns: 1
      },
      skipped_index_ids: []
    })
  })

  it("answers the same question the same way, word for word", () => {
    expect(sessionWithTurn().turn).toEqual(sessionWithTurn().turn)
  })

  it("attaches an image when the prompt asks about a figure", () => {
    const [session, state] = run(empty, (s) => Sessions.create(s, { now: at(0) }))
    const [turn] = run(state, (s) =>
      Turns.runTurn(s, { sessionId: session.session_id, body: { index_ids: ["idx-a"], prompt: "Show me the revenue chart" }, now: at(1) }))
    expect(turn.events.find((event) => event.type === "tool_result")).toMatchObject({
      image_attachment: { attachment_name: expect.stringMatching(/\.png$/), source_id: expect.stringMatching(/^src-/) }
    })
  })

  it("skips an index it cannot query, or fails the turn when every index is required", () => {
    const [session, state] = run(empty, (s) => Sessions.create(s, { now: at(0) }))
    const ids = ["idx-a", `${unavailablePrefix}b`]
    const [skipping, afterSkip] = run(state, (s) =>
      Turns.runTurn(s, { sessionId: session.session_id, body: { index_ids: ids, prompt: "refunds" }, now: at(1) }))
    expect(skipping.events.at(-1)).toMatchObject({ is_error: false, skipped_index_ids: ["unavailable-b"] })
    expect(skipping.events.find((event) => event.type === "tool_call")).toMatchObject({ arguments: { index_ids: ["idx-a"] } })
    const [failing, afterFail] = run(afterSkip, (s) =>
      Turns.runTurn(s, {
        sessionId: session.session_id,
        body: { index_ids: ids, prompt: "refunds", require_all_indexes: true },
        now: at(2)
      }))
    expect(failing.events.map((event) => event.type)).not.toContain("tool_call")
    expect(failing.events.at(-1)).toMatchObject({ is_error: true, error: expect.stringContaining("unavailable-b") })
    expect(find(afterFail, session.session_id)?.session.job_metadata).toMatchObject({ is_error: true, turns: 2 })
  })

  it("records the turn: user_input first, the events, the title, and the job metadata", () => {
    const { sessionId, turn, state } = sessionWithTurn()
    const stored = find(state, sessionId)
    expect(stored?.events).toEqual([{ type: "user_input", content: turnBody.prompt }, ...turn.events])
    expect(stored?.session).toMatchObject({
      last_updated_at: at(5),
      generated_title: turnBody.prompt,
      index_ids: ["idx-a", "idx-b"],
      job_metadata: {
        duration_ms: turn.usage.duration_ms,
        error: null,
        export_config_ids: null,
        is_error: false,
        total_input_tokens: turn.usage.total_input_tokens,
        total_output_tokens: turn.usage.total_output_tokens,
        turns: 1
      }
    })
    expect(stored?.running).toBeUndefined()
  })

  it("adds every turn to the job metadata, and keeps the first prompt's title", () => {
    const { sessionId, turn, state } = sessionWithTurn()
    const [second, after] = run(state, (s) =>
      Turns.runTurn(s, { sessionId, body: { ...turnBody, prompt: "And for lost parcels?" }, now: at(9) }))
    const stored = find(after, sessionId)
    expect(stored?.session.generated_title).toBe(turnBody.prompt)
    expect(stored?.session.job_metadata).toMatchObject({
      turns: 2,
      total_input_tokens: turn.usage.total_input_tokens + second.usage.total_input_tokens,
      duration_ms: turn.usage.duration_ms + second.usage.duration_ms
    })
    expect(stored?.events.filter((event) => event.type === "user_input")).toHaveLength(2)
    expect(second.events).not.toEqual(turn.events)
  })

  it("titles a session from a long first prompt's first line, cut at a word", () => {
    const [session, state] = run(empty, (s) => Sessions.create(s, { now: at(0) }))
    const prompt = `${"lorem ipsum dolor ".repeat(8)}\nsecond line`
    const [, after] = run(state, (s) => Turns.runTurn(s, { sessionId: session.session_id, body: { index_ids: ["i"], prompt }, now: at(1) }))
    const title = find(after, session.session_id)?.session.generated_title ?? ""
    expect([...title].length).toBeLessThanOrEqual(60)
    expect(title).toMatch(/^lorem ipsum dolor .*\w…$/)
  })

  it("records the user's message at the start and the agent's events at the finish; busy in between (409)", () => {
    const [session, state] = run(empty, (s) => Sessions.create(s, { now: at(0) }))
    const request = { sessionId: session.session_id, body: turnBody, now: at(1) }
    const [turn, running] = run(state, (s) => Turns.startTurn(s, request))
    expect(find(running, session.session_id)).toMatchObject({
      running: turn.id,
      events: [{ type: "user_input", content: turnBody.prompt }],
      session: { job_metadata: null, generated_title: turnBody.prompt, last_updated_at: at(1) }
    })
    const [busy, unchanged] = Turns.startTurn(running, { ...request, now: at(2) })
    expect(problem(busy)).toMatchObject({ _tag: "Busy", status: 409 })
    expect(unchanged).toBe(running)
    const finished = Turns.finishTurn(running, turn, at(3))
    expect(find(finished, session.session_id)?.events).toHaveLength(1 + turn.events.length)
    expect(find(finished, session.session_id)?.session.last_updated_at).toBe(at(3))
    // Finishing twice records nothing more.
    expect(Turns.finishTurn(finished, turn, at(4))).toBe(finished)
  })

  it("finishes nothing when the session was deleted mid-turn", () => {
    const [session, state] = run(empty, (s) => Sessions.create(s, { now: at(0) }))
    const [turn, running] = run(state, (s) => Turns.startTurn(s, { sessionId: session.session_id, body: turnBody, now: at(1) }))
    const [, deleted] = run(running, (s) => Sessions.deleteSession(s, { sessionId: session.session_id }))
    expect(Turns.finishTurn(deleted, turn, at(2))).toBe(deleted)
  })

  it("binds an unbound session to its first turn's indexes, then refuses others with a 422", () => {
    const { sessionId, state } = sessionWithTurn()
    expect(find(state, sessionId)?.session.index_ids).toEqual(["idx-a", "idx-b"])
    // The same set in another order is the same set.
    const [reordered] = Turns.runTurn(state, { sessionId, body: { ...turnBody, index_ids: ["idx-b", "idx-a"] }, now: at(6) })
    expect(reordered.ok).toBe(true)
    for (const indexIds of [["idx-a"], ["idx-a", "idx-b", "idx-c"], ["idx-c"]]) {
      const [locked] = Turns.runTurn(state, { sessionId, body: { ...turnBody, index_ids: indexIds }, now: at(6) })
      expect(problem(locked)).toMatchObject({
        status: 422,
        detail: [expect.objectContaining({ loc: ["body", "index_ids"], type: "value_error" })]
      })
    }
  })

  it("refuses other indexes on a session bound at creation, even on its first turn", () => {
    const [session, state] = run(empty, (s) => Sessions.create(s, { body: { index_ids: ["idx-z"] }, now: at(0) }))
    const [locked] = Turns.startTurn(state, { sessionId: session.session_id, body: turnBody, now: at(1) })
    expect(problem(locked).status).toBe(422)
  })

  it("wants 1 to 10 non-empty index ids", () => {
    const { state, ids } = createMany(1)
    const sessionId = ids[0] ?? ""
    const cases: ReadonlyArray<readonly [unknown, string]> = [
      [[], "too_short"],
      [Array.from({ length: 11 }, (_, i) => `idx-${i}`), "too_long"],
      [["idx-a", ""], "string_too_short"],
      [["idx-a", 3], "string_type"],
      ["idx-a", "list_type"],
      [undefined, "missing"]
    ]
    for (const [indexIds, type] of cases) {
      const [result] = Turns.startTurn(state, { sessionId, body: { prompt: "hi", index_ids: indexIds }, now: at(1) })
      expect(problem(result).detail).toEqual([expect.objectContaining({ type })])
    }
    const ten = Array.from({ length: 10 }, (_, i) => `idx-${i}`)
    expect(Turns.startTurn(state, { sessionId, body: { prompt: "hi", index_ids: ten }, now: at(1) })[0].ok).toBe(true)
  })

  it("counts the prompt's length in code points: 1 to 1000", () => {
    const { state, ids } = createMany(1)
    const sessionId = ids[0] ?? ""
    const start = (prompt: unknown) => Turns.startTurn(state, { sessionId, body: { index_ids: ["i"], prompt }, now: at(1) })[0]
    // 1000 emoji are 2000 UTF-16 units, and still 1000 characters.
    expect(start("😀".repeat(1000)).ok).toBe(true)
    expect(problem(start("😀".repeat(1001))).detail).toEqual([expect.objectContaining({ loc: ["body", "prompt"], type: "string_too_long" })])
    expect(start("a".repeat(1000)).ok).toBe(true)
    expect(problem(start("a".repeat(1001))).status).toBe(422)
    expect(problem(start("")).detail).toEqual([expect.objectContaining({ type: "string_too_short" })])
    expect(problem(start(42)).detail).toEqual([expect.objectContaining({ type: "string_type" })])
  })

  it("checks the request's shape before the session: 422 first, then 404, then 409", () => {
    const [session, state] = run(empty, (s) => Sessions.create(s, { now: at(0) }))
    const [, running] = run(state, (s) => Turns.startTurn(s, { sessionId: session.session_id, body: turnBody, now: at(1) }))
    expect(problem(Turns.startTurn(running, { sessionId: "ses-nope", body: { prompt: "" }, now: at(2) })[0]).status).toBe(422)
    expect(problem(Turns.startTurn(running, { sessionId: "ses-nope", body: turnBody, now: at(2) })[0]).status).toBe(404)
    expect(problem(Turns.startTurn(running, { sessionId: session.session_id, body: { ...turnBody, index_ids: ["x"] }, now: at(2) })[0]).status)
      .toBe(409)
  })
})
