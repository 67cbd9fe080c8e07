/**
 * The Server-Sent-Events reader of a streamed turn: bytes in, chat events out. The framing (the kept
 * parser `eventsource-parser` and our rules on comments, `id:`, `retry:`, line ends and oversized
 * events) is shared by both editions in `core/eventFraming.ts`; this module decodes each event's
 * JSON payload as a `ChatEvent`, dispatching on its `type`, never on the SSE `event:` name.
 *
 * Not `effect/encoding`'s `Sse`: its channel fails the stream on every `retry:` line (a `Retry`
 * failure, for a caller that reconnects), which a turn must ignore since a posted turn is never
 * reconnected to; and the framing shared with the Effect 3 edition keeps one copy of our rules for
 * both (a CR ending a chunk ends its event at once; an oversized event is a `DecodeError` naming it).
 *
 * @since 0.2.0
 */
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as ChatEvent from "../ChatEvent.js"
import { type Decoded, type FramingFailure, makeFrameReader, MAX_EVENT_CHARS as MAX_CHARS } from "../core/eventFraming.js"

/**
 * The most characters (UTF-16 code units) one event's data may hold. Events are small (a delta, a
 * tool result quoting a few passages); the limit is far above them and stops a body that never ends
 * its line (a proxy's page, a broken server) from holding memory without bound.
 *
 * @since 0.2.0
 * @category constants
 */
export const MAX_EVENT_CHARS: number = MAX_CHARS

/**
 * Why the reader stopped: which event (its 1-based position among the events with data) and what
 * was wrong with it, with the events the failing chunk completed before it (`preceding`).
 *
 * @since 0.2.0
 * @category models
 */
export interface EventFailure extends FramingFailure<ChatEvent.ChatEvent> {}

/**
 * @since 0.2.0
 * @category models
 */
export interface EventReader {
  /** Decodes one chunk of the body; returns the events it completed (in order), or the first failure. After a failure the reader is done. */
  readonly push: (chunk: Uint8Array) => Result.Result<ReadonlyArray<ChatEvent.ChatEvent>, EventFailure>
  /** Events decoded so far. */
  readonly count: () => number
}

const decodeEvent = (json: unknown, position: number): Decoded<ChatEvent.ChatEvent> => {
  const event = ChatEvent.decode(json)
  return Result.isSuccess(event) ? { event: event.success } : { problem: eventProblem(position, event.failure) }
}

/**
 * A reader for one response body. Bytes may be split anywhere (inside a UTF-8 character too);
 * a leading byte order mark is dropped; LF, CRLF and CR end lines; the `data` lines of an event
 * are joined with "\n"; an event with empty data is skipped and not counted. Never throws.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeEventReader = (options?: { readonly maxEventChars?: number }): EventReader => {
  const frames = makeFrameReader(decodeEvent, options)
  return {
    push: (chunk) => {
      const framed = frames.push(chunk)
      return framed._tag === "Events" ? Result.succeed(framed.events) : Result.fail(framed.failure)
    },
    count: frames.count
  }
}

/**
 * What a `DecodeError` says of the event at `position` (1-based) that `ChatEvent.decode` refused.
 *
 * @since 0.2.0
 * @category models
 */
export const eventProblem = (position: number, { issue, type }: ChatEvent.EventProblem): string =>
  Option.match(type, {
    onNone: () => `event ${position} is not a chat event: ${issue}`,
    onSome: (type) => `event ${position} (${JSON.stringify(type)}) is not the documented shape: ${issue}`
  })
