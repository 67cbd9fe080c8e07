/**
 * Turns: a message to a session, answered by the agent. A turn starts (the user's message recorded,
 * the session busy) and finishes (the agent's events recorded, the session free) apart, so that a
 * double can stream the events in between and refuse a second turn meanwhile.
 *
 * @since 0.2.0
 */
import * as Agent from "./agent.js"
import { accept, Busy, invalid, refuse } from "./problems.js"
import { find, put, type SessionRequest, type State, type Step, visible } from "./state.js"
import { checkScope, checkTurnBody } from "./validate.js"
import type { WireEvent, WireUsage } from "./wire.js"

/**
 * @since 0.2.0
 * @category requests
 */
export interface TurnRequest extends SessionRequest {
  /** The JSON body: `{index_ids, prompt, require_all_indexes?}`. */
  readonly body: unknown
  readonly now: string
}

/**
 * A turn under way: what the agent answers, to be streamed, then recorded by {@link finishTurn}.
 *
 * @since 0.2.0
 * @category models
 */
export interface Turn {
  /** `<session id>/<turn number>`. */
  readonly id: string
  readonly sessionId: string
  readonly prompt: string
  /** The agent's events, `stop` last (without the `user_input`, already recorded). */
  readonly events: ReadonlyArray<WireEvent>
  readonly usage: WireUsage
  readonly isError: boolean
  readonly error: string | null
}

const sameIndexes = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean => {
  const set = new Set(a)
  return set.size === new Set(b).size && b.every((id) => set.has(id))
}

/**
 * Starts a turn: `POST /api/v1/chat/{session_id}/messages/stream`. Records the `user_input`, binds
 * an unbound session to the turn's indexes, titles an untitled one from the prompt, and marks the
 * session busy until {@link finishTurn}. Checked in FastAPI's order: the request's shape (422), the
 * session (404), a turn already running (409), the locked indexes (422).
 *
 * @since 0.2.0
 * @category turns
 */
export const startTurn = (state: State, request: TurnRequest): Step<Turn> => {
  const scope = checkScope(request.query ?? {})
  const body = checkTurnBody(request.body)
  if (scope.value === undefined || body.value === undefined) return [invalid([...scope.issues, ...body.issues]), state]
  const stored = visible(state, request)
  if (!stored.ok) return [stored, state]
  const { session } = stored.value
  if (stored.value.running !== undefined) {
    return [refuse(new Busy({ detail: "A message is already being processed in this chat session" })), state]
  }
  const { indexIds, prompt, requireAllIndexes } = body.value
  if (session.index_ids !== null && !sameIndexes(session.index_ids, indexIds)) {
    return [invalid([{
      loc: ["body", "index_ids"],
      msg: `The session's indexes are locked to [${session.index_ids.join(", ")}] after its first message`,
      type: "value_error",
      input: indexIds
    }]), state]
  }
  const number = stored.value.turns + 1
  const answer = Agent.answer({ sessionId: session.session_id, turn: number, prompt, indexIds, requireAllIndexes })
  const turn: Turn = { id: `${session.session_id}/${number}`, sessionId: session.session_id, prompt, ...answer }
  return [accept(turn), put(state, {
    ...stored.value,
    session: {
      ...session,
      last_updated_at: request.now,
      generated_title: session.generated_title ?? Agent.titleOf(prompt),
      index_ids: session.index_ids ?? indexIds
    },
    events: [...stored.value.events, { type: "user_input", content: prompt }],
    turns: number,
    running: turn.id
  })]
}

/**
 * Ends a turn: records the agent's events and adds the turn to `job_metadata` (turns, token and
 * duration totals; `is_error` and `error` of this turn). Nothing happens if the session is gone or
 * is not running this turn.
 *
 * @since 0.2.0
 * @category turns
 */
export const finishTurn = (state: State, turn: Turn, now: string): State => {
  const stored = find(state, turn.sessionId)
  if (stored === undefined || stored.running !== turn.id) return state
  const before = stored.session.job_metadata
  const { running: _, ...rest } = stored
  return put(state, {
    ...rest,
    session: {
      ...stored.session,
      last_updated_at: now,
      job_metadata: {
        duration_ms: (before?.duration_ms ?? 0) + turn.usage.duration_ms,
        error: turn.error,
        export_config_ids: before?.export_config_ids ?? null,
        is_error: turn.isError,
        total_input_tokens: (before?.total_input_tokens ?? 0) + turn.usage.total_input_tokens,
        total_output_tokens: (before?.total_output_tokens ?? 0) + turn.usage.total_output_tokens,
        turns: (before?.turns ?? 0) + turn.usage.turns
      }
    },
    events: [...stored.events, ...turn.events]
  })
}

/**
 * A whole turn at once: {@link startTurn}, then {@link finishTurn} at the same time.
 *
 * @since 0.2.0
 * @category turns
 */
export const runTurn = (state: State, request: TurnRequest): Step<Turn> => {
  const [started, next] = startTurn(state, request)
  return started.ok ? [started, finishTurn(next, started.value, request.now)] : [started, state]
}
