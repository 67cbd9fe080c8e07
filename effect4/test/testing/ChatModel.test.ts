/**
 * What the Effect 4 edition's `ChatModel` adds to the model (whose rules are tested at the top, in
 * test/core/chatModel/): verdicts as `Result`, sessions in a `HashMap` that a change leaves as it
 * was, and the time from the `Clock`.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import { TestClock } from "effect/testing"
import * as Problems from "../../src/core/chatModel/problems.js"
import * as ChatModel from "../../src/testing/ChatModel.js"

const created = (state: ChatModel.State, now: string) => {
  const [session, next] = ChatModel.create(state, { now })
  return { session: Result.getOrThrow(session), state: next }
}

describe("ChatModel (Effect 4)", () => {
  it("answers with Result: Success for an answer, Failure for a problem", () => {
    const { session, state } = created(ChatModel.empty, "2026-04-22T12:00:00.000000")
    expect(Result.getOrThrow(ChatModel.getSummary(state, { sessionId: session.session_id }))).toEqual(session)
    const missing = ChatModel.retrieve(state, { sessionId: "ses-nope" })
    expect(Result.isFailure(missing) && missing.failure).toMatchObject({ _tag: "NotFound", status: 404 })
    const [busy, unchanged] = ChatModel.create(state, { now: "2026-04-22T12:00:01.000000", sessionId: session.session_id })
    expect(Result.isFailure(busy) && busy.failure).toBeInstanceOf(ChatModel.Busy)
    expect(unchanged).toBe(state)
  })

  it("gives the model's own problems, which a double answers with problemBody", () => {
    expect(ChatModel.NotFound).toBe(Problems.NotFound)
    const [invalid] = ChatModel.create(ChatModel.empty, { query: { project_id: "nope" }, now: "2026-04-22T12:00:00.000000" })
    const problem = Result.getOrThrow(Result.flip(invalid))
    expect(ChatModel.problemBody(problem)).toEqual({ detail: [expect.objectContaining({ loc: ["query", "project_id"] })] })
  })

  it("keeps its sessions in a persistent map: a change leaves the state before it as it was", () => {
    const first = created(ChatModel.empty, "2026-04-22T12:00:00.000000")
    const second = created(first.state, "2026-04-22T12:00:01.000000")
    const [deleted, after] = ChatModel.delete(second.state, { sessionId: first.session.session_id })
    expect(Result.isSuccess(deleted)).toBe(true)
    expect(ChatModel.sessions(after).map((stored) => stored.session.session_id)).toEqual([second.session.session_id])
    expect(ChatModel.sessions(second.state)).toHaveLength(2)
    expect(ChatModel.sessions(first.state)).toHaveLength(1)
    expect(ChatModel.sessions(ChatModel.empty)).toEqual([])
    expect(ChatModel.find(after, first.session.session_id)).toBeUndefined()
    expect(ChatModel.find(second.state, first.session.session_id)?.session).toEqual(first.session)
  })

  it("runs a turn: started, then finished, or whole at once", () => {
    const { session, state } = created(ChatModel.empty, "2026-04-22T12:00:00.000000")
    const request = { sessionId: session.session_id, body: { index_ids: ["idx-a"], prompt: "refunds" }, now: "2026-04-22T12:00:01.000000" }
    const [started, running] = ChatModel.startTurn(state, request)
    const turn = Result.getOrThrow(started)
    expect(ChatModel.find(running, session.session_id)?.running).toBe(turn.id)
    const finished = ChatModel.finishTurn(running, turn, "2026-04-22T12:00:02.000000")
    const [whole, ran] = ChatModel.runTurn(state, request)
    expect(Result.getOrThrow(whole)).toEqual(turn)
    expect(ChatModel.find(ran, session.session_id)?.events).toEqual(ChatModel.find(finished, session.session_id)?.events)
  })

  it("keeps the former names of getSummary and delete", () => {
    expect(ChatModel.summary).toBe(ChatModel.getSummary)
    expect(ChatModel.remove).toBe(ChatModel.delete)
  })

  it.effect("takes the time from the Clock, so TestClock controls it", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_776_861_281_342)
      expect(yield* ChatModel.timestamp).toBe("2026-04-22T12:34:41.342000")
    }))
})
