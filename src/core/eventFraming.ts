/**
 * The Server-Sent-Events framing of a streamed turn's body, shared by both editions: bytes in, each
 * event's JSON handed to the edition's decoder, built on the kept parser `eventsource-parser`. Our
 * rules over the SSE specification: each event is dispatched on its JSON payload, never on the
 * `event:` name, which no public source documents; comments (keep-alives), `id:` and `retry:` are
 * ignored (a posted turn is never reconnected to, so a `retry:` line, valid or not, is no failure);
 * an event over a size limit fails the stream instead of holding memory; an event ended by a CR is
 * delivered in the chunk that ends it.
 */
import { createParser, type EventSourceMessage, type ParseError } from "eventsource-parser"

/**
 * The most characters (UTF-16 code units) one event's data may hold. Events are small (a delta, a
 * tool result quoting a few passages); the limit is far above them and stops a body that never ends
 * its line (a proxy's page, a broken server) from holding memory without bound.
 */
export const MAX_EVENT_CHARS: number = 4 * 1024 * 1024

// The parser's buffer also holds the line in progress with its field name (`data: `), and a short
// non-data line (`event:`, `id:`) may sit in it too: room for them, so that an event of exactly the
// limit is read.
const LINE_ROOM = 1024

/** The most bytes of a body chunk decoded and parsed at once: a larger chunk is read in pieces. */
export const MAX_PIECE_BYTES = 32 * 1024

const EXCERPT_CHARS = 200
const LF = 10
const CR = 13

/**
 * What the edition's decoder makes of one event's JSON (its 1-based `position` among the events
 * with data): the event, or a problem that names it.
 */
export type Decoded<A> = { readonly event: A } | { readonly problem: string }

/**
 * Why the reader stopped: which event (its 1-based position among the events with data) and what
 * was wrong with it.
 */
export interface FramingFailure<A> {
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
  readonly preceding: ReadonlyArray<A>
}

/** What one chunk gave: the events it completed (in order), or the first failure. */
export type Framed<A> =
  | { readonly _tag: "Events"; readonly events: ReadonlyArray<A> }
  | { readonly _tag: "Failed"; readonly failure: FramingFailure<A> }

export interface FrameReader<A> {
  /** Reads one chunk of the body. After a failure the reader is done and returns it again. */
  readonly push: (chunk: Uint8Array) => Framed<A>
  /** Events decoded so far. */
  readonly count: () => number
}

const noEvents: Framed<never> = { _tag: "Events", events: [] }

/**
 * A reader for one response body. Bytes may be split anywhere (inside a UTF-8 character too);
 * a leading byte order mark is dropped; LF, CRLF and CR end lines; the `data` lines of an event
 * are joined with "\n"; an event with empty data is skipped and not counted. Never throws.
 */
export const makeFrameReader = <A>(
  decode: (json: unknown, position: number) => Decoded<A>,
  options?: { readonly maxEventChars?: number | undefined }
): FrameReader<A> => {
  const limit = options?.maxEventChars ?? MAX_EVENT_CHARS
  // Streaming UTF-8: holds a character split across chunks, drops a leading BOM, and replaces
  // invalid bytes rather than throwing, as a browser's EventSource does.
  const decoder = new TextDecoder()
  let completed: Array<A> = []
  let seen = 0
  let decoded = 0
  let failed: Framed<A> | undefined
  let pendingLF = false

  const fail = (position: number, problem: string, excerpt: string): void => {
    failed = { _tag: "Failed", failure: { position, problem, excerpt, preceding: completed } }
    completed = []
  }

  const onEvent = ({ data }: EventSourceMessage): void => {
    // The parser goes on through the rest of a chunk after a failure: nothing more is read.
    if (failed !== undefined || data === "") return
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
    const result = decode(json, position)
    if ("problem" in result) return fail(position, result.problem, data.slice(0, EXCERPT_CHARS))
    completed.push(result.event)
    decoded++
  }

  const parser = createParser({
    maxBufferSize: limit + LINE_ROOM,
    onEvent,
    // Unknown fields and an invalid `retry:` are ignored, as the SSE specification says; only
    // the size limit ends the reader.
    onError: (error: ParseError) => {
      if (error.type === "max-buffer-size-exceeded" && failed === undefined) {
        fail(seen + 1, `event ${seen + 1} is larger than the limit of ${limit} characters`, "")
      }
    }
  })

  const feed = (bytes: Uint8Array): void => {
    let text = decoder.decode(bytes, { stream: true })
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
        if (failed === undefined) fail(seen + 1, `the event stream could not be read: ${messageOf(error)}`, "")
      }
    }
  }

  const push = (chunk: Uint8Array): Framed<A> => {
    if (failed !== undefined) return failed
    // A large buffer decoded and parsed whole costs several times more per byte than the same bytes
    // in pieces (docs/performance.md, "body buffers read whole"); the pieces are views, not copies.
    for (let start = 0; start < chunk.length && failed === undefined; start += MAX_PIECE_BYTES) {
      feed(chunk.length <= MAX_PIECE_BYTES ? chunk : chunk.subarray(start, start + MAX_PIECE_BYTES))
    }
    if (failed !== undefined) return failed
    if (completed.length === 0) return noEvents
    const events = completed
    completed = []
    return { _tag: "Events", events }
  }

  return { push, count: () => decoded }
}

const messageOf = (error: unknown): string => error instanceof Error ? error.message : String(error)
