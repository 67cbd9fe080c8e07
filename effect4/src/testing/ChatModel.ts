/**
 * One model of LlamaCloud's chat resource for every test double: sessions, their histories, the
 * list and its pages, and turns answered by a small deterministic agent. It speaks the wire format
 * (snake_case JSON as LlamaCloud sends it) and enforces the API's rules the way its FastAPI server
 * does, answering a broken rule with a problem that carries the status and the `detail` body to send.
 *
 * Pure and synchronous, with no runtime dependency: a `State` value and functions over it. Each
 * change returns `[result, nextState]`, the shape `Ref.modify` takes, so a double holds the state in
 * a `Ref` and updates it atomically:
 *
 * ```ts
 * const model = yield* Ref.make(ChatModel.empty)
 * const now = yield* ChatModel.timestamp
 * const session = yield* Ref.modify(model, (state) => ChatModel.create(state, { body: { index_ids: ["idx-a"] }, now }))
 * ```
 *
 * Rules: `organization_id` / `project_id` must be UUIDs and scope every session (a session is seen
 * only by requests naming the same organization and project, absent meaning the key's default);
 * `page_size` is a positive integer; a turn names 1 to 10 non-empty index ids and a prompt of 1 to
 * 1000 code points; a session's indexes are locked once bound (at create, or by its first turn);
 * a session runs one turn at a time.
 *
 * The model itself does not depend on Effect (`src/core/chatModel/`, shared with the Effect 3
 * edition); this module gives its verdicts as `Result`, keeps its sessions in a `HashMap`, and reads
 * the time from the `Clock`.
 *
 * @since 0.2.0
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import type { Problem, Verdict } from "../core/chatModel/problems.js"
import * as Sessions from "../core/chatModel/sessions.js"
import * as State from "../core/chatModel/state.js"
import * as Turns from "../core/chatModel/turns.js"
import type { Query } from "../core/chatModel/validate.js"
import type { WirePage, WireSession, WireSessionDetail } from "../core/chatModel/wire.js"

export type * from "../core/chatModel/wire.js"
export { unavailablePrefix } from "../core/chatModel/agent.js"
export { Busy, Invalid, NotFound, type Problem, problemBody } from "../core/chatModel/problems.js"
export { type CreateRequest, defaultPageSize } from "../core/chatModel/sessions.js"
export {
  find,
  formatTimestamp,
  type SessionRequest,
  sessions,
  type Sessions,
  type State,
  type StoredSession
} from "../core/chatModel/state.js"
export type { Turn, TurnRequest } from "../core/chatModel/turns.js"
export { parseBody, type Query, type Scope, UnparsableBody } from "../core/chatModel/validate.js"

/**
 * A change: its result, and the state after it (the state before it when it failed).
 *
 * @since 0.2.0
 * @category models
 */
export type Step<A> = readonly [Result.Result<A, Problem>, State.State]

const result = <A>(verdict: Verdict<A>): Result.Result<A, Problem> =>
  verdict.ok ? Result.succeed(verdict.value) : Result.fail(verdict.problem)

const step = <A>([verdict, state]: State.Step<A>): Step<A> => [result(verdict), state]

const sessionsIn = (map: HashMap.HashMap<string, State.StoredSession>): State.Sessions => ({
  get: (sessionId) => Option.getOrUndefined(HashMap.get(map, sessionId)),
  set: (stored) => sessionsIn(HashMap.set(map, stored.session.session_id, stored)),
  remove: (sessionId) => sessionsIn(HashMap.remove(map, sessionId)),
  values: () => HashMap.values(map)
})

/**
 * No sessions.
 *
 * @since 0.2.0
 * @category constructors
 */
export const empty: State.State = State.emptyOf(sessionsIn(HashMap.empty()))

/**
 * The current time from the `Clock`, as a wire timestamp: `TestClock` controls it.
 *
 * @since 0.2.0
 * @category time
 */
export const timestamp: Effect.Effect<string> = Effect.map(Clock.currentTimeNanos, State.formatTimestamp)

// -------------------------------------------------------------------------------------------------
// sessions
// -------------------------------------------------------------------------------------------------

/**
 * Creates a session: `POST /api/v1/chat`. A duplicate `sessionId` is refused as a 409.
 *
 * @since 0.2.0
 * @category sessions
 */
export const create = (state: State.State, request: Sessions.CreateRequest): Step<WireSession> =>
  step(Sessions.create(state, request))

/**
 * One page of the request's sessions, newest first (latest update, then latest creation):
 * `GET /api/v1/chat` with `page_size` and `page_token`.
 *
 * @since 0.2.0
 * @category sessions
 */
export const list = (state: State.State, request: { readonly query?: Query } = {}): Result.Result<WirePage, Problem> =>
  result(Sessions.list(state, request))

/**
 * A session and its history: `GET /api/v1/chat/{session_id}`.
 *
 * @since 0.2.0
 * @category sessions
 */
export const retrieve = (state: State.State, request: State.SessionRequest): Result.Result<WireSessionDetail, Problem> =>
  result(Sessions.retrieve(state, request))

/**
 * A session without its history: `GET /api/v1/chat/{session_id}/summary`.
 *
 * @since 0.2.0
 * @category sessions
 */
export const getSummary = (state: State.State, request: State.SessionRequest): Result.Result<WireSession, Problem> =>
  result(Sessions.getSummary(state, request))

/**
 * The former name of {@link getSummary}.
 *
 * @deprecated Since 0.3.0: use `getSummary`, the operation's name.
 * @since 0.2.0
 * @category sessions
 */
export const summary = getSummary

const deleteSession = (state: State.State, request: State.SessionRequest): Step<void> =>
  step(Sessions.deleteSession(state, request))

export {
  /**
   * Deletes a session, a running one included: `DELETE /api/v1/chat/{session_id}`.
   *
   * @since 0.3.0
   * @category sessions
   */
  deleteSession as delete
}

/**
 * The former name of `delete`.
 *
 * @deprecated Since 0.3.0: use `delete`, the operation's name.
 * @since 0.2.0
 * @category sessions
 */
export const remove = deleteSession

// -------------------------------------------------------------------------------------------------
// turns
// -------------------------------------------------------------------------------------------------

/**
 * Starts a turn: `POST /api/v1/chat/{session_id}/messages/stream`. Records the `user_input`, binds
 * an unbound session to the turn's indexes, titles an untitled one from the prompt, and marks the
 * session busy until {@link finishTurn}. Checked in FastAPI's order: the request's shape (422), the
 * session (404), a turn already running (409), the locked indexes (422).
 *
 * @since 0.2.0
 * @category turns
 */
export const startTurn = (state: State.State, request: Turns.TurnRequest): Step<Turns.Turn> =>
  step(Turns.startTurn(state, request))

/**
 * Ends a turn: records the agent's events and adds the turn to `job_metadata` (turns, token and
 * duration totals; `is_error` and `error` of this turn). Nothing happens if the session is gone or
 * is not running this turn.
 *
 * @since 0.2.0
 * @category turns
 */
export const finishTurn: (state: State.State, turn: Turns.Turn, now: string) => State.State = Turns.finishTurn

/**
 * A whole turn at once: {@link startTurn}, then {@link finishTurn} at the same time.
 *
 * @since 0.2.0
 * @category turns
 */
export const runTurn = (state: State.State, request: Turns.TurnRequest): Step<Turns.Turn> =>
  step(Turns.runTurn(state, request))
