/**
 * A turn collected: what `ChatService.ask` returns once the turn's `Stop` has arrived.
 *
 * @since 0.2.0
 */
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import type { ChatEvent, Stop, ToolCall, ToolResult, Usage } from "./ChatEvent.js"
import { type CallFacts, TurnError } from "./LlamaCloudError.js"

/**
 * A tool call of the turn, with its result when one came.
 *
 * @since 0.2.0
 * @category models
 */
export interface ToolStep {
  readonly call: ToolCall
  readonly result: Option.Option<ToolResult>
}

/**
 * @since 0.2.0
 * @category models
 */
export interface ChatReply {
  /** The answer: the final `Text`, or the `TextDelta`s joined when no `Text` came. */
  readonly text: string
  /** The agent's reasoning: the `Thinking` events, or the `ThinkingDelta`s joined where none came. */
  readonly thinking: string
  /** The tool calls in the order made, each paired with its result by `callId`. */
  readonly toolCalls: ReadonlyArray<ToolStep>
  readonly usage: Usage
  /** Requested indexes the turn could not search. */
  readonly skippedIndexIds: ReadonlyArray<string>
  /** Every event of the turn, in order, `Stop` included. */
  readonly events: ReadonlyArray<ChatEvent>
}

/**
 * Gathers a turn's events one at a time, for a caller that reads them as they arrive.
 *
 * @since 0.2.0
 * @category models
 */
export interface Collector {
  /** Adds the next event. The turn ends at its first `Stop`: what comes after it is ignored. */
  readonly add: (event: ChatEvent) => void
  /** The turn so far, collected as `fromEvents` does. */
  readonly done: () => Result.Result<ChatReply, TurnError>
}

/**
 * The usage of a turn whose `Stop` never came: nothing was reported, so nothing is claimed.
 *
 * @since 0.2.0
 * @category constants
 */
export const noUsage: Usage = { durationMs: 0, totalInputTokens: Option.none(), totalOutputTokens: Option.none(), turns: 0 }

/**
 * An empty collector. `facts` (the operation and session) are carried by the `TurnError`.
 *
 * @since 0.2.0
 * @category constructors
 */
export const collector = (facts: CallFacts = {}): Collector => {
  const events: Array<ChatEvent> = []
  let text: string | undefined
  const textDeltas: Array<string> = []
  const thoughts: Array<string> = []
  const thinkingDeltas: Array<string> = []
  const calls: Array<ToolCall> = []
  // Results by call id, in arrival order: the n-th call with an id gets the n-th result with it.
  const results = new Map<string, Array<ToolResult>>()
  let stop: Stop | undefined

  const add = (event: ChatEvent): void => {
    if (stop !== undefined) return
    events.push(event)
    switch (event._tag) {
      case "Text":
        text = event.content
        break
      case "TextDelta":
        textDeltas.push(event.content)
        break
      case "Thinking":
        thoughts.push(event.content)
        break
      case "ThinkingDelta":
        thinkingDeltas.push(event.content)
        break
      case "ToolCall":
        calls.push(event)
        break
      case "ToolResult": {
        const same = results.get(event.callId)
        if (same === undefined) results.set(event.callId, [event])
        else same.push(event)
        break
      }
      case "Stop":
        stop = event
        break
    }
  }

  const done = (): Result.Result<ChatReply, TurnError> => {
    const usage = stop?.usage ?? noUsage
    if (stop?.isError === true) return Result.fail(new TurnError({ ...facts, error: stop.error, usage }))
    const taken = new Map<string, number>()
    const toolCalls = calls.map((call): ToolStep => {
      const n = taken.get(call.callId) ?? 0
      taken.set(call.callId, n + 1)
      return { call, result: Option.fromNullishOr(results.get(call.callId)?.[n]) }
    })
    return Result.succeed({
      text: text ?? textDeltas.join(""),
      thinking: thoughts.length > 0 ? thoughts.join("\n\n") : thinkingDeltas.join(""),
      toolCalls,
      usage,
      skippedIndexIds: stop?.skippedIndexIds ?? [],
      events: events.slice()
    })
  }

  return { add, done }
}

/**
 * Collects a turn's events (ending with its `Stop`) into a reply; a `Stop` with `isError` is a
 * `TurnError` with the server's error and the usage. The turn ends at its first `Stop`. Events
 * with no `Stop` are taken as the turn so far, with `noUsage` and no skipped indexes. A result
 * whose call never came appears in `events` only.
 *
 * @since 0.2.0
 * @category constructors
 */
export const fromEvents = (events: ReadonlyArray<ChatEvent>, facts?: CallFacts): Result.Result<ChatReply, TurnError> => {
  const turn = collector(facts)
  for (const event of events) turn.add(event)
  return turn.done()
}
