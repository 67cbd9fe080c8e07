/**
 * What `InMemoryChat`'s controls script, as plain queues shared by both editions: which scripted
 * failure a call meets (`failNext`), and what a turn plays (`scriptTurn`). Each edition holds the
 * queues in a `Ref` and turns what these pick into its own errors, effects and streams.
 */
import type { Verdict } from "../chatModel/problems.js"
import type { State } from "../chatModel/state.js"
import * as Turns from "../chatModel/turns.js"

/** A failure scripted by `failNext`: its error, the operation it waits for (any when absent), and how many calls it meets. */
export interface ScriptedFailure<E, O extends string> {
  readonly error: E
  readonly operation: O | undefined
  readonly times: number
}

/** `failNext`'s options, as a failure to queue: none when it meets no call (`times` of zero or less). */
export const scriptedFailure = <E, O extends string>(
  error: E,
  options: number | { readonly operation?: O | undefined; readonly times?: number | undefined } | undefined
): ScriptedFailure<E, O> | undefined => {
  const { operation, times = 1 } = typeof options === "number" ? { times: options } : options ?? {}
  return times > 0 ? { error, operation, times } : undefined
}

/**
 * The error a call of `operation` meets, and the queue after it: the first failure aimed at it (or
 * at any operation) uses up one of its times; none when no failure waits for it.
 */
export const takeFailure = <E, O extends string>(
  queue: ReadonlyArray<ScriptedFailure<E, O>>,
  operation: O
): readonly [E | undefined, ReadonlyArray<ScriptedFailure<E, O>>] => {
  const at = queue.findIndex((failure) => failure.operation === undefined || failure.operation === operation)
  const found = queue[at]
  if (found === undefined) return [undefined, queue]
  const rest = found.times > 1 ? [{ ...found, times: found.times - 1 }] : []
  return [found.error, [...queue.slice(0, at), ...rest, ...queue.slice(at + 1)]]
}

/** What `scriptTurn` queues: events to play instead of the agent's answer, and where to break off. */
export interface TurnScript<Item, Cut> {
  readonly events?: ReadonlyArray<Item> | undefined
  readonly failAfter?: Cut | undefined
}

/** A turn the model accepted: what to emit, where to break off, and the agent's turn to record once the stream ends. */
export interface Started<Item, Cut> {
  readonly events: ReadonlyArray<Item | Turns.Turn["events"][number]>
  readonly cut: Cut | undefined
  readonly recorded: Turns.Turn | undefined
}

/**
 * Starts a turn on the model with the next script, if any, and returns the scripts left. A script
 * with events is checked as a turn (the session exists and is idle, its indexes lock) but is not
 * the model's: nothing is recorded and the session is not held. Otherwise the agent answers, and
 * the session is busy until the turn is finished.
 */
export const startTurn = <Item, Cut>(
  state: State,
  scripts: ReadonlyArray<TurnScript<Item, Cut>>,
  request: Turns.TurnRequest
): readonly [Verdict<Started<Item, Cut>>, State, ReadonlyArray<TurnScript<Item, Cut>>] => {
  const [started, next] = Turns.startTurn(state, request)
  if (!started.ok) return [started, state, scripts]
  const [script, ...rest] = scripts
  if (script === undefined) return [{ ok: true, value: { events: started.value.events, cut: undefined, recorded: started.value } }, next, scripts]
  return script.events === undefined
    ? [{ ok: true, value: { events: started.value.events, cut: script.failAfter, recorded: started.value } }, next, rest]
    : [{ ok: true, value: { events: script.events, cut: script.failAfter, recorded: undefined } }, state, rest]
}
