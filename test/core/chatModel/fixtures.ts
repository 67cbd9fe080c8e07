/**
 * What the model's tests share: fixed times, unwrapping verdicts, an empty state, and ready-made
 * states.
 */
import type { Problem, Verdict } from "../../../src/core/chatModel/problems.js"
import * as Sessions from "../../../src/core/chatModel/sessions.js"
import * as State from "../../../src/core/chatModel/state.js"
import * as Turns from "../../../src/core/chatModel/turns.js"
import type { Query } from "../../../src/core/chatModel/validate.js"

export const org = "6f1c2a9e-8d3b-4c5a-9e7f-0a1b2c3d4e5f"
export const project = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"

/** A wire timestamp `seconds` after a fixed instant. */
export const at = (seconds: number) => `2026-04-22T12:${String(Math.floor(seconds / 60)).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}.000000`

// Sessions in a plain Map copied on each change: enough for a test's handful. The editions keep
// theirs in a HashMap; their own tests check that.
const inMap = (map: ReadonlyMap<string, State.StoredSession>): State.Sessions => ({
  get: (sessionId) => map.get(sessionId),
  set: (stored) => inMap(new Map(map).set(stored.session.session_id, stored)),
  remove: (sessionId) => inMap(new Map([...map].filter(([id]) => id !== sessionId))),
  values: () => map.values()
})

/** No sessions. */
export const empty: State.State = State.emptyOf(inMap(new Map()))

export const ok = <A>(verdict: Verdict<A>): A => {
  if (verdict.ok) return verdict.value
  throw new Error(`expected a success, got ${verdict.problem._tag}: ${JSON.stringify(verdict.problem.detail)}`)
}

export const problem = <A>(verdict: Verdict<A>): Problem => {
  if (!verdict.ok) return verdict.problem
  throw new Error("expected a problem")
}

/** Applies a change, failing the test on a problem. */
export const run = <A>(state: State.State, change: (state: State.State) => State.Step<A>): [A, State.State] => {
  const [verdict, next] = change(state)
  return [ok(verdict), next]
}

export const createMany = (count: number, state: State.State = empty, query?: Query) => {
  let current = state
  const ids: Array<string> = []
  for (let i = 0; i < count; i++) {
    const [session, next] = run(current, (s) => Sessions.create(s, { now: at(s.created), ...(query === undefined ? {} : { query }) }))
    ids.push(session.session_id)
    current = next
  }
  return { state: current, ids }
}

export const turnBody = { index_ids: ["idx-a", "idx-b"], prompt: "What is the refund policy for damaged items?" }

/** One session bound to nothing, and one whole turn in it. */
export const sessionWithTurn = () => {
  const [session, created] = run(empty, (s) => Sessions.create(s, { now: at(0) }))
  const [turn, after] = run(created, (s) => Turns.runTurn(s, { sessionId: session.session_id, body: turnBody, now: at(5) }))
  return { sessionId: session.session_id, turn, state: after }
}
