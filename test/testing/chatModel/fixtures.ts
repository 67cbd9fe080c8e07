/**
 * What the model's tests share: fixed times, unwrapping results, and ready-made states.
 */
import * as Either from "effect/Either"
import * as ChatModel from "../../../src/testing/ChatModel.js"

export const org = "6f1c2a9e-8d3b-4c5a-9e7f-0a1b2c3d4e5f"
export const project = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"

/** A wire timestamp `seconds` after a fixed instant. */
export const at = (seconds: number) => `2026-04-22T12:${String(Math.floor(seconds / 60)).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}.000000`

export const ok = <A>(result: Either.Either<A, ChatModel.Problem>): A =>
  Either.getOrThrowWith(result, (problem) => new Error(`expected a success, got ${problem._tag}: ${JSON.stringify(problem.detail)}`))

export const problem = <A>(result: Either.Either<A, ChatModel.Problem>): ChatModel.Problem =>
  Either.getOrThrowWith(Either.flip(result), () => new Error("expected a problem"))

/** Applies a change, failing the test on a problem. */
export const run = <A>(state: ChatModel.State, change: (state: ChatModel.State) => ChatModel.Step<A>): [A, ChatModel.State] => {
  const [result, next] = change(state)
  return [ok(result), next]
}

export const createMany = (count: number, state: ChatModel.State = ChatModel.empty, query?: ChatModel.Query) => {
  let current = state
  const ids: Array<string> = []
  for (let i = 0; i < count; i++) {
    const [session, next] = run(current, (s) => ChatModel.create(s, { now: at(s.created), ...(query === undefined ? {} : { query }) }))
    ids.push(session.session_id)
    current = next
  }
  return { state: current, ids }
}

export const turnBody = { index_ids: ["idx-a", "idx-b"], prompt: "What is the refund policy for damaged items?" }

/** One session bound to nothing, and one whole turn in it. */
export const sessionWithTurn = () => {
  const [session, created] = run(ChatModel.empty, (s) => ChatModel.create(s, { now: at(0) }))
  const [turn, after] = run(created, (s) => ChatModel.runTurn(s, { sessionId: session.session_id, body: turnBody, now: at(5) }))
  return { sessionId: session.session_id, turn, state: after }
}
