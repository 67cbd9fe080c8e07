/**
 * How a turn's events become a reply, as cases both editions' test/ChatReply.test.ts run against
 * their `ChatReply.fromEvents`: the events as LlamaCloud sends them (each edition decodes them with
 * its `ChatEvent.decode`), and what the reply, or the `TurnError`, must hold. Each edition hands
 * back what `fromEvents` gave; `checkedOf` reads it (plainReading.ts) and `expectedOf` says what it
 * must be. No Effect here.
 */
import { field, orNull } from "./plainReading.js"

const wireUsage = { duration_ms: 1200, total_input_tokens: 300, total_output_tokens: 40, turns: 2 }

/** The usage every `stop` below reports, as the reply gives it (`null` where the reply has none). */
export const usage = { durationMs: 1200, totalInputTokens: 300, totalOutputTokens: 40, turns: 2 }

export const stop = (fields: Record<string, unknown> = {}) => ({
  type: "stop",
  error: null,
  is_error: false,
  usage: wireUsage,
  skipped_index_ids: [],
  ...fields
})
export const textDelta = (content: string) => ({ type: "text_delta", content })
const text = (content: string) => ({ type: "text", content })
export const thinkingDelta = (content: string) => ({ type: "thinking_delta", content })
const thinking = (content: string) => ({ type: "thinking", content })
export const call = (callId: string, name = "search") => ({ type: "tool_call", call_id: callId, name, arguments: { query: callId } })
export const result = (callId: string, value: unknown = `found for ${callId}`) => ({
  type: "tool_result",
  call_id: callId,
  name: "search",
  result: value
})

/** A turn's usage, `null` where the reply has none. */
export interface Usage {
  readonly durationMs: number
  readonly totalInputTokens: number | null
  readonly totalOutputTokens: number | null
  readonly turns: number
}

/**
 * What the reply must hold (a field left out is not checked): its events, and each tool call and
 * its result, as positions in the turn's events.
 */
export interface Reply {
  readonly text?: string
  readonly thinking?: string
  /** `result` is `null` where the call has none. */
  readonly toolCalls?: ReadonlyArray<{ readonly call: number; readonly result: number | null }>
  readonly usage?: Usage
  readonly skippedIndexIds?: ReadonlyArray<string>
  readonly events?: ReadonlyArray<number>
}

/** What an edition's `fromEvents` gave: its reply, or its error and whether that is its `TurnError`. */
export type Seen = { readonly reply: unknown } | { readonly turnError: unknown; readonly isTurnError: boolean }

/** What the `TurnError` must hold. */
export interface Failed {
  readonly error: string | null
  readonly usage?: Usage
  readonly sessionId?: string
  /** What its message contains. */
  readonly says?: string
  /** How its message begins. */
  readonly begins?: string
}

export interface Case {
  readonly name: string
  readonly events: ReadonlyArray<unknown>
  /** The call's facts, handed to `fromEvents`. */
  readonly facts?: { readonly operation: string; readonly sessionId: string }
  readonly outcome: { readonly reply: Reply } | { readonly turnError: Failed }
}

/** The cases, by what of the reply they specify. */
export const chatReplies: ReadonlyArray<readonly [string, ReadonlyArray<Case>]> = [
  ["text", [
    {
      name: "is the deltas joined when no Text came",
      events: [textDelta("Hel"), textDelta("lo"), textDelta(" 👋"), stop()],
      outcome: { reply: { text: "Hello 👋" } }
    },
    {
      name: "is the Text when one came, whatever the deltas said",
      events: [textDelta("draft"), text("Final answer"), stop()],
      outcome: { reply: { text: "Final answer" } }
    },
    {
      name: "is the last Text when several came",
      events: [text("first"), textDelta("x"), text("second"), stop()],
      outcome: { reply: { text: "second" } }
    },
    { name: "is empty when nothing was written", events: [stop()], outcome: { reply: { text: "" } } }
  ]],
  ["thinking", [
    {
      name: "is the Thinking events joined by a blank line",
      events: [thinkingDelta("ignored"), thinking("step 1"), thinking("step 2"), stop()],
      outcome: { reply: { thinking: "step 1\n\nstep 2" } }
    },
    {
      name: "is the deltas joined when no Thinking came",
      events: [thinkingDelta("I should "), thinkingDelta("search."), stop()],
      outcome: { reply: { thinking: "I should search." } }
    }
  ]],
  ["tool calls", [
    {
      name: "pairs each call with the result of its call id, in the order the calls were made",
      events: [call("a"), call("b"), result("b"), result("a"), stop()],
      outcome: { reply: { toolCalls: [{ call: 0, result: 3 }, { call: 1, result: 2 }] } }
    },
    {
      name: "pairs a result that came before its call",
      events: [result("a"), call("a"), stop()],
      outcome: { reply: { toolCalls: [{ call: 1, result: 0 }] } }
    },
    {
      name: "leaves a call without a result as none",
      events: [call("a"), call("b"), result("a"), stop()],
      outcome: { reply: { toolCalls: [{ call: 0, result: 2 }, { call: 1, result: null }] } }
    },
    {
      name: "gives calls sharing an id their results in turn",
      events: [call("a"), result("a", 1), call("a"), result("a", 2), stop()],
      outcome: { reply: { toolCalls: [{ call: 0, result: 1 }, { call: 2, result: 3 }] } }
    },
    {
      name: "keeps a result with no call in the events only",
      events: [result("orphan"), stop()],
      outcome: { reply: { toolCalls: [], events: [0, 1] } }
    }
  ]],
  ["the stop", [
    {
      name: "gives the usage and the skipped indexes",
      events: [textDelta("a"), stop({ skipped_index_ids: ["idx-2"] })],
      outcome: { reply: { usage, skippedIndexIds: ["idx-2"] } }
    },
    {
      name: "keeps every event of the turn, in order, Stop included",
      events: [thinking("t"), call("a"), result("a"), { type: "citation" }, text("x"), stop()],
      outcome: { reply: { events: [0, 1, 2, 3, 4, 5] } }
    },
    {
      name: "ends the turn: events after the first Stop are not part of it",
      events: [text("answer"), stop(), text("stray"), stop({ is_error: true })],
      outcome: { reply: { text: "answer", events: [0, 1] } }
    },
    {
      name: "with isError is a TurnError carrying the server's error and the usage",
      events: [textDelta("partial"), stop({ is_error: true, error: "index unavailable" })],
      outcome: { turnError: { error: "index unavailable", usage, says: "index unavailable" } }
    },
    {
      name: "with isError and no error text is a TurnError with none",
      events: [stop({ is_error: true })],
      outcome: { turnError: { error: null } }
    },
    {
      name: "gives the TurnError the call's facts when told them",
      events: [stop({ is_error: true })],
      facts: { operation: "ChatService.ask", sessionId: "ses-1" },
      outcome: { turnError: { error: null, sessionId: "ses-1", begins: `ChatService.ask (session "ses-1"): ` } }
    },
    {
      name: "missing: the events are the turn so far, with no usage",
      events: [textDelta("cut "), textDelta("off"), call("a")],
      outcome: {
        reply: {
          text: "cut off",
          usage: { durationMs: 0, totalInputTokens: null, totalOutputTokens: null, turns: 0 },
          skippedIndexIds: [],
          toolCalls: [{ call: 2, result: null }]
        }
      }
    }
  ]]
]

/** Each of `values` mapped, when it is a list (anything else is shown as it is). */
const each = (values: unknown, f: (value: unknown) => unknown): unknown => Array.isArray(values) ? values.map(f) : values

const plainUsage = (usage: unknown): unknown => ({
  durationMs: field(usage, "durationMs"),
  totalInputTokens: orNull(field(usage, "totalInputTokens")),
  totalOutputTokens: orNull(field(usage, "totalOutputTokens")),
  turns: field(usage, "turns")
})

/** A reply in plain terms, its events found among the turn's `events`. */
const plainReply = (reply: unknown, events: ReadonlyArray<unknown>): { readonly [K in keyof Reply]-?: unknown } => ({
  text: field(reply, "text"),
  thinking: field(reply, "thinking"),
  toolCalls: each(field(reply, "toolCalls"), (step) => {
    const result = orNull(field(step, "result"))
    return { call: events.indexOf(field(step, "call")), result: result === null ? null : events.indexOf(result) }
  }),
  usage: plainUsage(field(reply, "usage")),
  skippedIndexIds: field(reply, "skippedIndexIds"),
  events: each(field(reply, "events"), (event) => events.indexOf(event))
})

/**
 * What of `seen` the case checks, in the shape of `expectedOf(outcome)`: an edition asserts the two
 * deeply equal (a mismatch shows the whole reply or error where the kind is wrong). `events` are
 * the turn's events as the edition decoded them.
 */
export const checkedOf = (seen: Seen, events: ReadonlyArray<unknown>, outcome: Case["outcome"]): unknown => {
  if ("reply" in outcome) {
    if (!("reply" in seen)) return seen
    const reply = plainReply(seen.reply, events)
    return { reply: Object.fromEntries(Object.keys(outcome.reply).map((key) => [key, reply[key as keyof Reply]])) }
  }
  if (!("turnError" in seen)) return seen
  const { begins, says, ...facts } = outcome.turnError
  const error = seen.turnError
  const message = String(field(error, "message"))
  const got: Readonly<Record<string, unknown>> = {
    error: orNull(field(error, "error")),
    usage: plainUsage(field(error, "usage")),
    sessionId: field(error, "sessionId")
  }
  return {
    turnError: {
      ...Object.fromEntries(Object.keys(facts).map((key) => [key, got[key]])),
      isTurnError: seen.isTurnError,
      ...(says === undefined ? {} : { says: message.includes(says) ? says : message }),
      ...(begins === undefined ? {} : { begins: message.startsWith(begins) ? begins : message })
    }
  }
}

/** What `checkedOf` must give: every `TurnError` is the edition's own. */
export const expectedOf = (outcome: Case["outcome"]): unknown =>
  "reply" in outcome ? outcome : { turnError: { ...outcome.turnError, isTurnError: true } }
