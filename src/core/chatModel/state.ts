/**
 * The model's state and what every operation on it shares: finding a session the request may see,
 * and storing a changed one.
 *
 * @since 0.2.0
 */
import { notFound, refuse, accept, invalid, type Verdict } from "./problems.js"
import { checkScope, type Query, type Scope } from "./validate.js"
import type { WireEvent, WireSession } from "./wire.js"

/**
 * A session as the model keeps it.
 *
 * @since 0.2.0
 * @category models
 */
export interface StoredSession {
  readonly session: WireSession
  readonly scope: Scope
  /** Creation number, from 1: breaks ties between equal `last_updated_at`. */
  readonly seq: number
  /** The history, oldest first: each turn's `user_input`, then the agent's events. */
  readonly events: ReadonlyArray<WireEvent>
  /** Turns started so far. */
  readonly turns: number
  /** The id of the turn running now, if any. */
  readonly running?: string
}

/**
 * The sessions by id, as an immutable map: a change returns a new map and leaves this one as it
 * was. Each edition backs it with its Effect's `HashMap`, so that a change copies a path, not every
 * session (a load run creates thousands).
 *
 * @since 1.0.0
 * @category models
 */
export interface Sessions {
  readonly get: (sessionId: string) => StoredSession | undefined
  readonly set: (stored: StoredSession) => Sessions
  readonly remove: (sessionId: string) => Sessions
  readonly values: () => Iterable<StoredSession>
}

/**
 * @since 0.2.0
 * @category models
 */
export interface State {
  readonly sessions: Sessions
  /** Sessions created so far (deleted ones included): the next creation number is one more. */
  readonly created: number
}

/**
 * No sessions, kept in `sessions` (an empty map).
 *
 * @since 1.0.0
 * @category constructors
 */
export const emptyOf = (sessions: Sessions): State => ({ sessions, created: 0 })

/**
 * A change: its verdict, and the state after it (the state before it when it failed).
 *
 * @since 0.2.0
 * @category models
 */
export type Step<A> = readonly [Verdict<A>, State]

/**
 * Every session, oldest first.
 *
 * @since 0.2.0
 * @category getters
 */
export const sessions = (state: State): ReadonlyArray<StoredSession> =>
  Array.from(state.sessions.values()).sort((a, b) => a.seq - b.seq)

/**
 * The session of that id, whatever its scope.
 *
 * @since 0.2.0
 * @category getters
 */
export const find = (state: State, sessionId: string): StoredSession | undefined => state.sessions.get(sessionId)

/**
 * `2026-04-22T12:34:41.342245`: UTC, no zone, microseconds, as LlamaCloud writes `last_updated_at`.
 *
 * @since 0.2.0
 * @category time
 */
export const formatTimestamp = (epochNanos: bigint): string => {
  const micros = epochNanos / 1000n
  const seconds = new Date(Number(micros / 1000n)).toISOString().slice(0, 19)
  return `${seconds}.${String(micros % 1_000_000n).padStart(6, "0")}`
}

/**
 * @since 0.2.0
 * @category requests
 */
export interface SessionRequest {
  readonly sessionId: string
  readonly query?: Query
}

export const sameScope = (a: Scope, b: Scope): boolean =>
  a.organizationId === b.organizationId && a.projectId === b.projectId

/** The session, if the request's scope is valid and sees it. */
export const visible = (state: State, request: SessionRequest): Verdict<StoredSession> => {
  const scope = checkScope(request.query ?? {})
  if (scope.value === undefined) return invalid(scope.issues)
  const stored = find(state, request.sessionId)
  return stored !== undefined && sameScope(stored.scope, scope.value) ? accept(stored) : refuse(notFound)
}

/** The state with `stored` added or replaced. */
export const put = (state: State, stored: StoredSession): State => ({ ...state, sessions: state.sessions.set(stored) })
