/**
 * The model's state and what every operation on it shares: finding a session the request may see,
 * and storing a changed one.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as HashMap from "effect/HashMap"
import * as Option from "effect/Option"
import { Invalid, notFound, type Problem } from "./problems.js"
import { checkScope, type Query, type Scope } from "../../core/chatModel/validate.js"
import type { WireEvent, WireIssue, WireSession } from "../../core/chatModel/wire.js"

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
 * @since 0.2.0
 * @category models
 */
export interface State {
  readonly sessions: HashMap.HashMap<string, StoredSession>
  /** Sessions created so far (deleted ones included): the next creation number is one more. */
  readonly created: number
}

/**
 * No sessions.
 *
 * @since 0.2.0
 * @category constructors
 */
export const empty: State = { sessions: HashMap.empty(), created: 0 }

/**
 * A change: its result, and the state after it (the state before it when it failed).
 *
 * @since 0.2.0
 * @category models
 */
export type Step<A> = readonly [Either.Either<A, Problem>, State]

/**
 * Every session, oldest first.
 *
 * @since 0.2.0
 * @category getters
 */
export const sessions = (state: State): ReadonlyArray<StoredSession> =>
  Array.from(HashMap.values(state.sessions)).sort((a, b) => a.seq - b.seq)

/**
 * The session of that id, whatever its scope.
 *
 * @since 0.2.0
 * @category getters
 */
export const find = (state: State, sessionId: string): StoredSession | undefined =>
  Option.getOrUndefined(HashMap.get(state.sessions, sessionId))

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
 * The current time from the `Clock`, as a wire timestamp: `TestClock` controls it.
 *
 * @since 0.2.0
 * @category time
 */
export const timestamp: Effect.Effect<string> = Effect.clockWith((clock) =>
  // The unsafe reading: TestClock's `currentTimeNanos` effect dies on a fractional virtual instant.
  Effect.sync(() => formatTimestamp(clock.unsafeCurrentTimeNanos()))
)

/**
 * @since 0.2.0
 * @category requests
 */
export interface SessionRequest {
  readonly sessionId: string
  readonly query?: Query
}

/** A 422 of these issues. */
export const invalid = (issues: ReadonlyArray<WireIssue>) => Either.left(new Invalid({ detail: issues }))

export const sameScope = (a: Scope, b: Scope): boolean =>
  a.organizationId === b.organizationId && a.projectId === b.projectId

/** The session, if the request's scope is valid and sees it. */
export const visible = (state: State, request: SessionRequest): Either.Either<StoredSession, Problem> => {
  const scope = checkScope(request.query ?? {})
  if (scope.value === undefined) return invalid(scope.issues)
  const stored = find(state, request.sessionId)
  return stored !== undefined && sameScope(stored.scope, scope.value) ? Either.right(stored) : Either.left(notFound)
}

/** The state with `stored` added or replaced. */
export const put = (state: State, stored: StoredSession): State => ({
  ...state,
  sessions: HashMap.set(state.sessions, stored.session.session_id, stored)
})
