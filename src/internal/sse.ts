/**
 * The Server-Sent-Events reader of a streamed turn: bytes in, chat events out, built on the kept
 * parser `eventsource-parser`. Each event is dispatched on its JSON payload's `type`, never on the
 * SSE `event:` name, which no public source documents. Comments (keep-alives), `id:` and `retry:`
 * are ignored: a posted turn is never reconnected to.
 *
 * @since 0.2.0
 */
import { createParser, type EventSourceMessage, type ParseError } from "eventsource-parser"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ChatEvent from "../ChatEvent.js"

/**
 * The most characters (UTF-16 code units) one event's data may hold. Events are small (a delta, a
 * tool result quoting a few passages); the limit is far above them and stops a body that never ends
 * its line (a proxy's page, a broken server) from holding memory without bound.
 *
 * @since 0.2.0
 * @category constants
 */
export const MAX_EVENT_CHARS: number = 4 * 1024 * 1024

// The parser's buffer also holds the line in progress with its field name (`data: `), and a short
// non-data line (`event:`, `id:`) may sit in it too: room for them, so that an event of exactly the
// limit is read.
const LINE_ROOM = 1024

const EXCERPT_CHARS = 200
const LF = 10
const CR = 13

/**
 * Why the reader stopped: which event (its 1-based position among the events with data) and what
 * was wrong with it.
 *
 * @since 0.2.0
 * @category models
 */
export interface EventFailure {
  /** 1-based index of the bad event among the events with data. */
  readonly position: number
  readonly problem: string
  /** The first 200 characters of the event's data; empty when the event was too large to be read. */
  readonly excerpt: string
  /**
   * The events the failing `push` completed before the bad one, in order: decoded, and counted by
   * `count()`. Where a chunk ends decides whether good events share a push with a bad one; a caller
   * that delivers these first behaves the same for every chunking.
   */
  readonly preceding: ReadonlyArray<ChatEvent.ChatEvent>
}

/**
 * @since 0.2.0
 * @category models
 */
export interface EventReader {
  /** Decodes one chunk of the body; returns the events it completed (in order), or the first failure. After a failure the reader is done. */
  readonly push: (chunk: Uint8Array) => Either.Either<ReadonlyArray<ChatEvent.ChatEvent>, EventFailure>
  /** Events decoded so far. */
  readonly count: () => number
}

const none: ReadonlyArray<ChatEvent.ChatEvent> = []

/**
 * A reader for one response body. Bytes may be split anywhere (inside a UTF-8 character too);
 * a leading byte order mark is dropped; LF, CRLF and CR end lines; the `data` lines of an event
 * are joined with "\n"; an event with empty data is skipped and not counted. Never throws.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeEventReader = (options?: { readonly maxEventChars?: number }): EventReader => {
  const limit = options?.maxEventChars ?? MAX_EVENT_CHARS
  // Streaming UTF-8: holds a character split across chunks, drops a leading BOM, and replaces
  // invalid bytes rather than throwing, as a browser's EventSource does.
  const decoder = new TextDecoder()
  let completed: Array<ChatEvent.ChatEvent> = []
  let seen = 0
  let decoded = 0
  let failure: EventFailure | undefined
  let pendingLF = false

  const fail = (position: number, problem: string, excerpt: string): void => {
    failure = { position, problem, excerpt, preceding: completed }
    completed = []
  }

  const onEvent = ({ data }: EventSourceMessage): void => {
    // The parser goes on through the rest of a chunk after a failure: nothing more is read.
    if (failure !== undefined || data === "") return
    const position = ++seen
    if (data.length > limit) {
      return fail(position, `event ${position} is larger than the limit of ${limit} characters`, data.slice(0, EXCERPT_CHARS))
    }
    let json: unknown
    try {
      json = JSON.parse(data)
    } catch (error) {
      return fail(position, `event ${position} is not JSON: ${messageOf(error)}`, data.slice(0, EXCERPT_CHARS))
    }
    const event = ChatEvent.decode(json)
    if (Either.isLeft(event)) return fail(position, eventProblem(position, event.left), data.slice(0, EXCERPT_CHARS))
    completed.push(event.right)
    decoded++
  }

  const parser = createParser({
    maxBufferSize: limit + LINE_ROOM,
    onEvent,
    // Unknown fields and an invalid `retry:` are ignored, as the SSE specification says; only
    // the size limit ends the reader.
    onError: (error: ParseError) => {
      if (error.type === "max-buffer-size-exceeded" && failure === undefined) {
        fail(seen + 1, `event ${seen + 1} is larger than the limit of ${limit} characters`, "")
      }
    }
  })

  const push = (chunk: Uint8Array): Either.Either<ReadonlyArray<ChatEvent.ChatEvent>, EventFailure> => {
    if (failure !== undefined) return Either.left(failure)
    let text = decoder.decode(chunk, { stream: true })
    if (pendingLF && text !== "") {
      pendingLF = false
      if (text.charCodeAt(0) === LF) text = text.slice(1)
    }
    if (text.charCodeAt(text.length - 1) === CR) {
      // The parser holds back a CR that ends a chunk until it sees whether an LF follows, so an
      // event ended by a CR (CR line ends, or a CRLF split between chunks) would wait for the next
      // chunk, possibly forever. A CR ends the line either way: end it now with CRLF, and drop the
      // LF that may start the next chunk.
      text += "\n"
      pendingLF = true
    }
    if (text !== "") {
      try {
        parser.feed(text)
      } catch (error) {
        // The parser throws only when fed after it gave up, which the check above prevents;
        // should it throw anyway, it is a failure of this body, not of the program.
        if (failure === undefined) fail(seen + 1, `the event stream could not be read: ${messageOf(error)}`, "")
      }
    }
    if (failure !== undefined) return Either.left(failure)
    if (completed.length === 0) return Either.right(none)
    const events = completed
    completed = []
    return Either.right(events)
  }

  return { push, count: () => decoded }
}

const messageOf = (error: unknown): string => error instanceof Error ? error.message : String(error)

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
