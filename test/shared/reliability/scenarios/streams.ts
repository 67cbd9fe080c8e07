/**
 * A turn's event stream broken every way the local server can break it, met by `sendMessage`, and
 * by `ask` where what the caller gets differs. Each turn's answer has begun (its 2xx arrived), so
 * every row expects exactly one request and one turn run at the server, under `retryAmbiguous`
 * too: no policy posts a turn again once its events have started. Plain data, for both editions.
 */
import { answer } from "../../../../src/core/chatModel/agent.js"
import { MAX_EVENT_CHARS } from "../../../../src/core/eventFraming.js"
import { Fault } from "../../../../src/core/localServer/faults.js"
import {
  defaultTurn,
  type DeliveredCheck,
  type Expected,
  perAttempt,
  perAttemptText,
  type PolicyName,
  relaxed,
  type Scenario,
  type Timeouts,
  type Turn
} from "../matrix.js"

/** The events of the default turn as the agent answers it, by `_tag` (`thinking_delta` → `ThinkingDelta`). */
const reference = answer({
  sessionId: "ses-reference",
  turn: 1,
  prompt: defaultTurn.prompt,
  indexIds: defaultTurn.indexIds,
  requireAllIndexes: false
}).events
const tagOf = (type: string): string => type.split("_").map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join("")
const normalTags = reference.map((event) => tagOf(event.type))
const normalText = reference.flatMap((event) => event.type === "text" ? [event.content] : [])[0]
/** The default turn's body on the wire: a keep-alive comment, then a `data:` frame per event. */
const normalBytes = ": keep-alive\n\n".length +
  reference.reduce((sum, event) => sum + Buffer.byteLength(`data: ${JSON.stringify(event)}\n\n`), 0)

const deliveredTags = (events: ReadonlyArray<string>): DeliveredCheck => ({ events })

const firstEvents = (n: number) => deliveredTags(normalTags.slice(0, n))

/** An idle limit this short makes a stall show soon; everything else gets the relaxed limit. */
const shortIdle: Timeouts = { perAttempt: relaxed, idle: perAttempt }

/** Every row: one request, one turn run, whatever the policy. */
const once = (outcome: string, more: Partial<Expected> = {}): Expected => ({
  outcome,
  attempts: 1,
  acted: 1,
  ...more
})

const brokeOff = (events: number, how = "") => ({
  detail: new RegExp(`^the event stream \\(after ${events} events\\) broke off: ${how}`)
})

/** A stream the client stopped reading must have had its socket closed: none stays open. */
const released = { idleConnections: 0 } as const

interface Row {
  readonly id: string
  readonly fault: string
  readonly operation?: "sendMessage" | "ask"
  readonly policy?: PolicyName
  readonly timeout?: Timeouts
  readonly turn?: Turn
  readonly script: () => ReadonlyArray<Fault>
  readonly expect: Expected
}

const scenario = ({ operation, policy, timeout, turn, ...row }: Row): Scenario => ({
  ...row,
  group: "event stream",
  operation: operation ?? "sendMessage",
  policy: policy ?? "retryAmbiguous",
  ...(timeout === undefined ? {} : { timeout }),
  ...(turn === undefined ? {} : { turn })
})

/** A turn the agent fails: an index it cannot query, and every index required. */
const failingTurn: Turn = { prompt: defaultTurn.prompt, indexIds: ["unavailable-idx"], requireAllIndexes: true }

const sendMessage: ReadonlyArray<Row> = [
  {
    id: "cut-3",
    fault: "cut after 3 events (the connection closed)",
    policy: "default",
    script: () => [Fault.cutStream(3)],
    expect: once("NetworkError(ConnectionLost)", { error: brokeOff(3), delivered: firstEvents(3), ...released })
  },
  {
    id: "cut-3-ambiguous",
    fault: "cut after 3 events (the connection closed)",
    script: () => [Fault.cutStream(3)],
    expect: once("NetworkError(ConnectionLost)", { error: brokeOff(3), delivered: firstEvents(3), ...released })
  },
  {
    id: "cut-0",
    fault: "cut after the headers, before any event",
    script: () => [Fault.cutStream(0)],
    expect: once("NetworkError(ConnectionLost)", { error: brokeOff(0), delivered: firstEvents(0), ...released })
  },
  {
    id: "cut-mid-event",
    fault: "cut in the middle of event 3",
    script: () => [Fault.cutStream(2, { midEvent: true })],
    expect: once("NetworkError(ConnectionLost)", { error: brokeOff(2), delivered: firstEvents(2), ...released })
  },
  {
    id: "cut-reset",
    fault: "reset after 3 events",
    script: () => [Fault.cutStream(3, { reset: true })],
    // undici reports the reset as one (ECONNRESET) when it is reading the body as the reset arrives,
    // and as the socket closing when the reset lands between two reads: both are the same fault.
    expect: once("NetworkError(ConnectionLost)", {
      error: brokeOff(3, "(read ECONNRESET|other side closed)"),
      delivered: firstEvents(3),
      ...released
    })
  },
  {
    id: "stall-3",
    fault: "stalls after 3 events (no keep-alives)",
    timeout: shortIdle,
    script: () => [Fault.stallStream(3)],
    expect: once("NetworkError(IdleTimeout)", {
      error: { detail: `no event for ${perAttemptText}, after 3 events` },
      delivered: firstEvents(3),
      atLeastMs: perAttempt,
      ...released
    })
  },
  {
    id: "keep-alives-only",
    fault: "keep-alive comments every 50 ms, never an event",
    timeout: shortIdle,
    script: () => [Fault.keepAlivesOnly(50)],
    // Each comment is a byte on the wire; none is an event, so none resets the idle limit.
    expect: once("NetworkError(IdleTimeout)", {
      error: { detail: `no event for ${perAttemptText}, after 0 events` },
      delivered: firstEvents(0),
      atLeastMs: perAttempt,
      ...released
    })
  },
  {
    id: "drip",
    fault: `the whole turn dripped 1 byte / ms (${normalBytes} bytes)`,
    script: () => [Fault.dripStream(1)],
    // A byte a millisecond at the most: the call cannot have been quicker.
    expect: once("success", { delivered: deliveredTags(normalTags), atLeastMs: normalBytes * 0.9 })
  },
  {
    id: "malformed-3",
    fault: "event 3 is not JSON",
    script: () => [Fault.malformedEvent(2)],
    expect: once("DecodeError(200)", { error: { problem: /^event 3 is not JSON: / }, delivered: firstEvents(2) })
  },
  {
    id: "wrong-shape-1",
    fault: "event 1 is JSON of the wrong shape (`content: 42`)",
    script: () => [Fault.malformedEvent(0, { data: `{"type":"text_delta","content":42}` })],
    expect: once("DecodeError(200)", {
      error: { problem: /^event 1 \("text_delta"\) is not the documented shape: / },
      delivered: firstEvents(0)
    })
  },
  {
    id: "unknown-type",
    fault: "an event of an unknown type (`citation`) before event 2",
    script: () => [Fault.unknownEvent(1)],
    expect: once("success", {
      delivered: {
        events: [normalTags[0]!, "UnknownEvent", ...normalTags.slice(1)],
        eventAt: { index: 1, is: { _tag: "UnknownEvent", type: "citation" } }
      }
    })
  },
  {
    id: "event-at-limit",
    fault: `event 2 of exactly the limit, ${MAX_EVENT_CHARS} characters of data`,
    // The frame: `data: ` and the data, then a blank line.
    script: () => [Fault.oversizedEvent(1, MAX_EVENT_CHARS + 8)],
    expect: once("success", { delivered: deliveredTags(normalTags) })
  },
  {
    id: "event-over-limit",
    fault: `event 2 one character over the limit (${MAX_EVENT_CHARS + 1})`,
    script: () => [Fault.oversizedEvent(1, MAX_EVENT_CHARS + 9)],
    expect: once("DecodeError(200)", {
      error: { problem: new RegExp(`^event 2 is larger than the limit of ${MAX_EVENT_CHARS} characters$`) },
      delivered: firstEvents(1)
    })
  },
  {
    id: "no-stop",
    fault: "every event but `stop`, then the body ends cleanly",
    script: () => [Fault.noStop()],
    expect: once("NetworkError(ConnectionLost)", {
      error: { detail: `the event stream ended after ${reference.length - 1} events, before the turn's stop event` },
      delivered: firstEvents(reference.length - 1)
    })
  },
  {
    id: "events-after-stop",
    fault: "events after `stop`, the connection kept open",
    script: () => [Fault.eventsAfterStop()],
    // The stream ends at its Stop, and the socket the server holds open is closed, not pooled.
    expect: once("success", { delivered: deliveredTags(normalTags), ...released })
  },
  {
    id: "error-stop",
    fault: "`stop` with `is_error` (a required index cannot be queried)",
    turn: failingTurn,
    script: () => [],
    expect: once("success", {
      delivered: { eventAt: { index: -1, is: { _tag: "Stop", isError: true } } }
    })
  }
]

/** Where `ask`'s caller gets something else than `sendMessage`'s. */
const ask: ReadonlyArray<Row> = [
  {
    id: "ask-cut-3",
    fault: "cut after 3 events (the connection closed)",
    operation: "ask",
    script: () => [Fault.cutStream(3)],
    // The three events are not handed back: ask collects a whole turn or fails.
    expect: once("NetworkError(ConnectionLost)", { error: brokeOff(3), delivered: firstEvents(0), ...released })
  },
  {
    id: "ask-unknown-type",
    fault: "an event of an unknown type (`citation`) before event 2",
    operation: "ask",
    script: () => [Fault.unknownEvent(1)],
    expect: once("success", {
      delivered: { replyText: normalText!, replyEventAt: { index: 1, is: { _tag: "UnknownEvent", type: "citation" } } }
    })
  },
  {
    id: "ask-events-after-stop",
    fault: "events after `stop`, the connection kept open",
    operation: "ask",
    script: () => [Fault.eventsAfterStop()],
    expect: once("success", {
      delivered: { replyText: normalText!, replyEvents: normalTags },
      ...released
    })
  },
  {
    id: "ask-error-stop",
    fault: "`stop` with `is_error` (a required index cannot be queried)",
    operation: "ask",
    turn: failingTurn,
    script: () => [],
    expect: once("TurnError", {
      error: { turnError: "Could not query required indexes: unavailable-idx" }
    })
  }
]

export const scenarios: ReadonlyArray<Scenario> = [...sendMessage, ...ask].map(scenario)
