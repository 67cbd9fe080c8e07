/**
 * What `sendMessage` gives for a turn's answer, as cases both editions' test/sendMessage.test.ts
 * run: the answers the mock transport gives (plain data, given by the edition's own `MockTransport`
 * through `replyWith`), the policies and virtual instants of the call, and what the caller must
 * see: the events it got, how the turn failed, what reached the server. Each edition hands back its
 * own events and error; `checkedOf` reads them (plainReading.ts) and `expectedOf` says what they
 * must be. No Effect here.
 */
import { SESSION_ID } from "./operations.js"
import { checkedFailure, type Failure, field } from "./plainReading.js"
import { sseBody, turnEvents } from "./turn.js"

/** A duration as both editions' `Duration` inputs read it. */
export type Span = `${number} ${"millis" | "second" | "seconds" | "minute" | "minutes"}`

/** An event as the server sends it (no `_tag`: that is a decoded event's). */
export interface WireItem {
  readonly type: string
  readonly _tag?: never
  readonly [field: string]: unknown
}

/** A silence in an event stream. */
export interface Pause {
  readonly pause: Span
}

/** What an event stream is made of: a wire event, raw SSE text sent verbatim, or a silence. */
export type StreamItem = WireItem | string | Pause

export const isPause = (item: StreamItem): item is Pause => typeof item === "object" && "pause" in item && !("type" in item)

/** How `MockTransport.eventStream` sends the items. */
export interface StreamOptions {
  readonly chunkSize?: number
  readonly delay?: Span
  readonly keepAlive?: Span
  readonly end?: "close" | "open" | "reset"
  readonly lineEnding?: "\n" | "\r\n" | "\r"
}

/** One answer of the mock transport. */
export type TurnAnswer =
  /** The events as one Server-Sent Events body. */
  | { readonly sse: ReadonlyArray<unknown> }
  /** `MockTransport.eventStream`: one chunk per item unless cut otherwise. */
  | { readonly stream: ReadonlyArray<StreamItem>; readonly options?: StreamOptions }
  /** A body sent as it is, with no content type. */
  | { readonly status: number; readonly text: string }
  | { readonly status: number; readonly json: unknown; readonly headers?: Readonly<Record<string, string>> }
  /** The connection fails with this code before any answer. */
  | { readonly fail: string }

/** The part of an edition's `MockTransport` that gives these answers. */
export interface Mock<R, P> {
  readonly json: (status: number, body: unknown, headers?: Readonly<Record<string, string>>) => R
  readonly text: (status: number, body: string, headers?: Readonly<Record<string, string>>) => R
  readonly eventStream: (items: ReadonlyArray<WireItem | string | P>, options?: StreamOptions) => R
  readonly pause: (duration: Span) => P
  readonly fail: (code: string) => R
}

/** An answer as the edition's `mock` gives it. */
export const replyWith = <R, P>(mock: Mock<R, P>, answer: TurnAnswer): R =>
  "sse" in answer ? mock.text(200, sseBody(answer.sse), { "content-type": "text/event-stream" }) :
  "stream" in answer ? mock.eventStream(answer.stream.map((item) => isPause(item) ? mock.pause(item.pause) : item), answer.options) :
  "fail" in answer ? mock.fail(answer.fail) :
  "json" in answer ? mock.json(answer.status, answer.json, answer.headers) :
  mock.text(answer.status, answer.text, {})

/** What the caller must see. */
export interface Expected {
  /** The tags of the events it got, exactly. */
  readonly tags?: ReadonlyArray<string>
  /** Fields of the event at a position (negative: from the end). */
  readonly event?: { readonly at: number; readonly has: Readonly<Record<string, unknown>> }
  /** How the turn failed; `undefined`: it did not. */
  readonly failure?: Failure
  /** How many requests reached the server. */
  readonly requests?: number
  /** How many requests the client aborted. */
  readonly aborted?: number
}

export interface Case {
  readonly name: string
  /** The turn's parameters; `undefined`: `turn`. */
  readonly params?: unknown
  /** The mock transport's answers, in order (the last repeats). */
  readonly answers: ReadonlyArray<TurnAnswer>
  readonly retry?: { readonly jitter?: number; readonly maxRetries?: number; readonly retryAmbiguous?: boolean }
  readonly timeout?: { readonly idle?: Span; readonly total?: Span }
  /**
   * The virtual instants (ms) the clock is moved to, each once a fiber sleeps until it; `undefined`:
   * the call must end without the clock moving.
   */
  readonly wakes?: ReadonlyArray<number>
  readonly expected: Expected
}

export const turn = { prompt: "What is in the index?", indexIds: ["idx-1"] }

const [thinkingDelta, thinking, , , delta1, delta2, text, stop] = turnEvents
const tags = ["ThinkingDelta", "Thinking", "ToolCall", "ToolResult", "TextDelta", "TextDelta", "Text", "Stop"]
const endsWithStop = { event: { at: -1, has: { _tag: "Stop" } } }
const whole = { sse: turnEvents }
const exact = { jitter: 0 }

/** The cases, by what of a turn they specify. */
export const turnAnswers: ReadonlyArray<readonly [string, ReadonlyArray<Case>]> = [
  ["sendMessage", [
    {
      name: "emits every event in order, decoded, ending with the turn's Stop",
      answers: [whole],
      expected: { tags, event: { at: 2, has: { _tag: "ToolCall", callId: "call-1" } } }
    },
    {
      name: "completes after Stop although the server keeps the connection open, and aborts the request",
      answers: [{ stream: [...turnEvents, { type: "text_delta", content: "after the end" }], options: { end: "open" } }],
      expected: { ...endsWithStop, aborted: 1 }
    },
    {
      name: "keeps an event of an unknown type as UnknownEvent and goes on",
      answers: [{ sse: [thinkingDelta, { type: "citation", url: "x" }, stop] }],
      expected: { tags: ["ThinkingDelta", "UnknownEvent", "Stop"], event: { at: 1, has: { _tag: "UnknownEvent", type: "citation" } } }
    },
    {
      name: "dispatches on the payload's type, whatever the SSE event name says",
      answers: [{
        stream: [
          `event: message\ndata: ${JSON.stringify(delta1)}\n\n`,
          `event: delta\nid: 7\nretry: 10\ndata: ${JSON.stringify(stop)}\n\n`
        ]
      }],
      expected: { tags: ["TextDelta", "Stop"] }
    },
    {
      name: "a body that ends before Stop fails with ConnectionLost, saying after how many events",
      answers: [{ sse: [thinkingDelta, thinking] }],
      expected: {
        failure: {
          _tag: "NetworkError",
          reason: "ConnectionLost",
          says: ["after 2 events"],
          operation: "ChatService.sendMessage",
          sessionId: SESSION_ID
        }
      }
    },
    {
      name: "a connection reset mid-stream fails with ConnectionLost and is never re-posted",
      answers: [{ stream: [thinkingDelta!, thinking!], options: { end: "reset" } }, whole],
      retry: { retryAmbiguous: true, maxRetries: 5 },
      expected: { failure: { _tag: "NetworkError", reason: "ConnectionLost" }, requests: 1 }
    },
    {
      name: "data that is not JSON fails with DecodeError naming the event",
      answers: [{ stream: [thinkingDelta!, "data: {not json\n\n", stop!] }],
      expected: { failure: { _tag: "DecodeError", problemSays: ["event 2"], excerptSays: ["{not json"] } }
    },
    {
      name: "an event not of its type's shape fails with DecodeError naming the event and its type",
      answers: [{ sse: [{ type: "tool_call", name: "search" }, stop] }],
      expected: { failure: { _tag: "DecodeError", problemSays: ["event 1", "tool_call"] } }
    },
    {
      name: "events before a bad one in the same chunk are still delivered",
      answers: [{ status: 200, text: `data: ${JSON.stringify(delta1)}\n\ndata: nope\n\n` }],
      expected: { tags: ["TextDelta"], failure: { _tag: "DecodeError", problemSays: ["event 2"] } }
    },
    {
      name: "garbage after Stop is never read",
      answers: [{ status: 200, text: `data: ${JSON.stringify(stop)}\n\ndata: nope\n\n` }],
      expected: endsWithStop
    },
    {
      name: "an event split at every byte, inside multi-byte characters too, arrives whole",
      answers: [{ stream: [{ type: "text", content: "Grüße 🌍 — 你好" }, stop!], options: { chunkSize: 1, lineEnding: "\r\n" } }],
      expected: { event: { at: 0, has: { _tag: "Text", content: "Grüße 🌍 — 你好" } } }
    }
  ]],
  ["the idle timeout", [
    {
      name: "is reset by each event: a slow turn with events 20 s apart completes",
      answers: [{ stream: [thinkingDelta!, thinking!, text!, stop!], options: { delay: "20 seconds" } }],
      timeout: { idle: "30 seconds" },
      wakes: [20_000, 40_000, 60_000],
      expected: endsWithStop
    }
  ]],
  ["the total deadline of a turn", [
    {
      name: "fails with DeadlineExceeded and aborts, however steady the events",
      answers: [{ stream: [delta1!, delta2!, delta1!, delta2!, stop!], options: { delay: "10 seconds" } }],
      timeout: { total: "25 seconds" },
      wakes: [10_000, 20_000, 30_000],
      expected: { failure: { _tag: "NetworkError", reason: "DeadlineExceeded" }, aborted: 1 }
    }
  ]],
  ["what is retried", [
    {
      name: "a 503 before the stream is retried: the turn never started",
      answers: [{ status: 503, json: { detail: "busy" } }, whole],
      retry: exact,
      wakes: [500],
      expected: { ...endsWithStop, requests: 2 }
    },
    {
      name: "a 429 and a refused connection are retried",
      answers: [{ status: 429, json: { detail: "slow" } }, { fail: "ECONNREFUSED" }, whole],
      retry: exact,
      wakes: [500, 1_500],
      expected: { requests: 3 }
    },
    ...([
      ["a 500", { status: 500, json: { detail: "boom" } }],
      ["a connection reset before the answer", { fail: "ECONNRESET" }]
    ] as const).flatMap(([what, answer]): ReadonlyArray<Case> => [
      {
        name: `${what} is not retried by default: the turn may have started`,
        answers: [answer, whole],
        retry: exact,
        expected: { failure: { _tag: "status" in answer ? "ServerError" : "NetworkError" }, requests: 1 }
      },
      {
        name: `${what} is retried with retryAmbiguous, before any byte of the stream`,
        answers: [answer, whole],
        retry: { jitter: 0, retryAmbiguous: true },
        wakes: [500],
        expected: { requests: 2 }
      }
    ]),
    {
      name: "x-should-retry: false stops even a 503",
      answers: [{ status: 503, json: { detail: "busy" }, headers: { "x-should-retry": "false" } }, whole],
      retry: exact,
      expected: { failure: { _tag: "ServerError" }, requests: 1 }
    }
  ]],
  ["the request", [
    {
      name: "a prompt of 1000 emoji passes: the limit counts code points",
      params: { ...turn, prompt: "🦙".repeat(1000) },
      answers: [whole],
      expected: { requests: 1 }
    },
    ...([
      ["a prompt of 1001 characters", { ...turn, prompt: "a".repeat(1001) }, ["prompt"]],
      ["an empty prompt", { ...turn, prompt: "" }, ["prompt"]],
      ["no index ids", { ...turn, indexIds: [] }, ["indexIds"]],
      ["11 index ids", { ...turn, indexIds: Array.from({ length: 11 }, (_, i) => `idx-${i}`) }, ["indexIds"]],
      ["an empty index id", { ...turn, indexIds: ["idx-1", ""] }, ["indexIds", 1]],
      ["a missing prompt", { indexIds: ["idx-1"] }, ["prompt"]]
    ] as const).map(([what, params, path]): Case => ({
      name: `${what} fails with a ValidationError before anything is sent`,
      params,
      answers: [whole],
      expected: { failure: { _tag: "ValidationError", firstIssuePath: path, status: null }, requests: 0 }
    }))
  ]]
]

/** What an edition saw of a case: its own events and error, and the mock transport's counts. */
export interface Seen {
  readonly events: ReadonlyArray<{ readonly _tag: string }>
  /** The error the turn failed with; `undefined`: it did not fail. */
  readonly failure: unknown
  readonly requests: number
  readonly aborted: number
}

/** What of `seen` the case checks, in the shape of `expectedOf(expected)`: assert the two deeply equal. */
export const checkedOf = (seen: Seen, expected: Expected): unknown => {
  const event = expected.event
  const at = event === undefined ? undefined : seen.events.at(event.at)
  return {
    failure: checkedFailure(seen.failure, expected.failure),
    ...(expected.tags === undefined ? {} : { tags: seen.events.map((e) => e._tag) }),
    ...(event === undefined ? {} : { event: { at: event.at, has: Object.fromEntries(Object.keys(event.has).map((key) => [key, field(at, key)])) } }),
    ...(expected.requests === undefined ? {} : { requests: seen.requests }),
    ...(expected.aborted === undefined ? {} : { aborted: seen.aborted })
  }
}

/** What `checkedOf` must give for a case. */
export const expectedOf = (expected: Expected): unknown => ({ ...expected, failure: expected.failure })
