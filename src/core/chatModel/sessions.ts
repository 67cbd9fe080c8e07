/**
 * The model's operations on sessions: create, list (in pages), retrieve, summarise and delete, each
 * a pure function of the state and the request as LlamaCloud receives it.
 *
 * @since 1.0.0
 */
import * as PageToken from "./pageToken.js"
import { accept, Busy, invalid, refuse, type Verdict } from "./problems.js"
import { find, put, sameScope, type SessionRequest, type State, type Step, type StoredSession, visible } from "./state.js"
import { checkCreateBody, checkPageSize, checkScope, type Query } from "./validate.js"
import type { WireIssue, WirePage, WireSession, WireSessionDetail } from "./wire.js"

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
    return [refuse(new Busy({ detail: `Chat session ${sessionId} already exists` })), state]
  }
  const session: WireSession = {
    session_id: sessionId,
    last_updated_at: request.now,
    generated_title: null,
    index_ids: body.value.indexIds,
    job_metadata: null,
    ...(body.value.sharedAccess === undefined ? {} : { shared_access: body.value.sharedAccess })
  }
  return [accept(session), put({ ...state, created: seq }, { session, scope: scope.value, seq, events: [], turns: 0 })]
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
export const list = (state: State, request: { readonly query?: Query } = {}): Verdict<WirePage> => {
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
  const after = Array.from(state.sessions.values())
    .filter((stored) => sameScope(stored.scope, inScope) && (cursor === undefined || PageToken.compare(cursorOf(stored), cursor) > 0))
    .sort((a, b) => PageToken.compare(cursorOf(a), cursorOf(b)))
  const page = after.slice(0, size.value ?? defaultPageSize)
  const last = page.at(-1)
  return accept({
    items: page.map((stored) => stored.session),
    ...(last === undefined || after.length <= page.length ? {} : { next_page_token: PageToken.encode(cursorOf(last)) })
  })
}

const mapVerdict = <A, B>(verdict: Verdict<A>, f: (a: A) => B): Verdict<B> => verdict.ok ? accept(f(verdict.value)) : verdict

/**
 * A session and its history: `GET /api/v1/chat/{session_id}`.
 *
 * @since 0.2.0
 * @category sessions
 */
export const retrieve = (state: State, request: SessionRequest): Verdict<WireSessionDetail> =>
  mapVerdict(visible(state, request), (stored) => ({ ...stored.session, events: stored.events }))

/**
 * A session without its history: `GET /api/v1/chat/{session_id}/summary`.
 *
 * @since 0.2.0
 * @category sessions
 */
export const getSummary = (state: State, request: SessionRequest): Verdict<WireSession> =>
  mapVerdict(visible(state, request), (stored) => stored.session)

/**
 * Deletes a session, a running one included: `DELETE /api/v1/chat/{session_id}`.
 *
 * @since 0.3.0
 * @category sessions
 */
export const deleteSession = (state: State, request: SessionRequest): Step<void> => {
  const stored = visible(state, request)
  return stored.ok ?
    [accept(undefined), { ...state, sessions: state.sessions.remove(stored.value.session.session_id) }] :
    [stored, state]
}
