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
 * @since 0.2.0
 */
import * as Either from "effect/Either"
import * as HashMap from "effect/HashMap"
import * as PageToken from "./chatModel/pageToken.js"
import { Busy, type Problem } from "./chatModel/problems.js"
import {
  find,
  invalid,
  put,
  sameScope,
  type SessionRequest,
  type State,
  type Step,
  type StoredSession,
  visible
} from "./chatModel/state.js"
import { checkCreateBody, checkPageSize, checkScope, type Query } from "../core/chatModel/validate.js"
import type { WireIssue, WirePage, WireSession, WireSessionDetail } from "../core/chatModel/wire.js"

export type * from "../core/chatModel/wire.js"
export { Busy, Invalid, NotFound, type Problem, problemBody } from "./chatModel/problems.js"
export {
  empty,
  find,
  formatTimestamp,
  type SessionRequest,
  sessions,
  type State,
  type Step,
  type StoredSession,
  timestamp
} from "./chatModel/state.js"
export { finishTurn, runTurn, startTurn, type Turn, type TurnRequest } from "./chatModel/turns.js"
export { parseBody, type Query, type Scope, UnparsableBody } from "../core/chatModel/validate.js"
export { unavailablePrefix } from "../core/chatModel/agent.js"

// -------------------------------------------------------------------------------------------------
// sessions
// -------------------------------------------------------------------------------------------------

/**
 * @since 0.2.0
 * @category requests
 */
export interface CreateRequest {
  readonly query?: Query
  /** The JSON body (`parseBody` of the text); absent is `{}`. */
  readonly body?: unknown
  readonly now: string
  /** Default: `ses-` and the creation number as 24 hex digits. */
  readonly sessionId?: string
}

/**
 * Creates a session: `POST /api/v1/chat`. A duplicate `sessionId` is refused as a 409.
 *
 * @since 0.2.0
 * @category sessions
 */
export const create = (state: State, request: CreateRequest): Step<WireSession> => {
  const scope = checkScope(request.query ?? {})
  const body = checkCreateBody(request.body ?? {})
  if (scope.value === undefined || body.value === undefined) return [invalid([...scope.issues, ...body.issues]), state]
  const seq = state.created + 1
  const sessionId = request.sessionId ?? `ses-${seq.toString(16).padStart(24, "0")}`
  if (find(state, sessionId) !== undefined) {
    return [Either.left(new Busy({ detail: `Chat session ${sessionId} already exists` })), state]
  }
  const session: WireSession = {
    session_id: sessionId,
    last_updated_at: request.now,
    generated_title: null,
    index_ids: body.value.indexIds,
    job_metadata: null,
    ...(body.value.sharedAccess === undefined ? {} : { shared_access: body.value.sharedAccess })
  }
  return [Either.right(session), put({ ...state, created: seq }, { session, scope: scope.value, seq, events: [], turns: 0 })]
}

/**
 * The default `page_size`: the API documents none.
 *
 * @since 0.2.0
 * @category sessions
 */
export const defaultPageSize = 20

const cursorOf = (stored: StoredSession): PageToken.Cursor => ({
  lastUpdatedAt: stored.session.last_updated_at,
  seq: stored.seq
})

/**
 * One page of the request's sessions, newest first (latest update, then latest creation):
 * `GET /api/v1/chat` with `page_size` and `page_token`.
 *
 * @since 0.2.0
 * @category sessions
 */
export const list = (state: State, request: { readonly query?: Query } = {}): Either.Either<WirePage, Problem> => {
  const query = request.query ?? {}
  const scope = checkScope(query)
  const size = checkPageSize(query)
  const token = query["page_token"]
  const cursor = token === undefined || token === "" ? undefined : PageToken.decode(token)
  const tokenIssues: ReadonlyArray<WireIssue> = token !== undefined && token !== "" && cursor === undefined ?
    [{ loc: ["query", "page_token"], msg: "Invalid page token", type: "value_error", input: token }] :
    []
  if (scope.value === undefined || size.issues.length > 0 || tokenIssues.length > 0) {
    return invalid([...scope.issues, ...size.issues, ...tokenIssues])
  }
  const inScope = scope.value
  const after = Array.from(HashMap.values(state.sessions))
    .filter((stored) => sameScope(stored.scope, inScope) && (cursor === undefined || PageToken.compare(cursorOf(stored), cursor) > 0))
    .sort((a, b) => PageToken.compare(cursorOf(a), cursorOf(b)))
  const page = after.slice(0, size.value ?? defaultPageSize)
  const last = page.at(-1)
  return Either.right({
    items: page.map((stored) => stored.session),
    ...(last === undefined || after.length <= page.length ? {} : { next_page_token: PageToken.encode(cursorOf(last)) })
  })
}

/**
 * A session and its history: `GET /api/v1/chat/{session_id}`.
 *
 * @since 0.2.0
 * @category sessions
 */
export const retrieve = (state: State, request: SessionRequest): Either.Either<WireSessionDetail, Problem> =>
  Either.map(visible(state, request), (stored) => ({ ...stored.session, events: stored.events }))

/**
 * A session without its history: `GET /api/v1/chat/{session_id}/summary`.
 *
 * @since 0.2.0
 * @category sessions
 */
export const getSummary = (state: State, request: SessionRequest): Either.Either<WireSession, Problem> =>
  Either.map(visible(state, request), (stored) => stored.session)

/**
 * The former name of {@link getSummary}.
 *
 * @deprecated Since 0.3.0: use `getSummary`, the operation's name.
 * @since 0.2.0
 * @category sessions
 */
export const summary = getSummary

const deleteSession = (state: State, request: SessionRequest): Step<void> =>
  Either.match(visible(state, request), {
    onLeft: (problem) => [Either.left(problem), state],
    onRight: (stored) => [Either.void, { ...state, sessions: HashMap.remove(state.sessions, stored.session.session_id) }]
  })

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
