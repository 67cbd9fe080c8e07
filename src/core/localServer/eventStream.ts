/**
 * A turn as Server-Sent Events: each event a `data: <json>` frame (an `event:` name if asked),
 * keep-alive comments while the agent thinks, paced as configured, and mangled by a stream fault.
 *
 * @since 0.2.0
 */
import type { WireEvent } from "../chatModel/wire.js"
import type { StreamFault } from "./faults.js"
import { padded, type Piece, type RawSend } from "./raw.js"

/**
 * How fast the agent answers. Defaults are fast, for tests.
 *
 * @since 0.2.0
 * @category models
 */
export interface Pacing {
  /** How long the agent thinks before its first event. Default 0. */
  readonly thinkMs?: number
  /** A keep-alive comment goes out at once, then every `keepAliveMs` while the agent thinks. Default 15 000. */
  readonly keepAliveMs?: number
  /** The pause before each event after the first. Default 0. */
  readonly eventMs?: number
}

/**
 * How events are framed.
 *
 * @since 0.2.0
 * @category models
 */
export interface EventFormat {
  /**
   * The SSE `event:` field: none (the default), the payload's `type`, or `delta` for `*_delta`
   * events and `message` for the others (a belief about LlamaCloud no source confirms).
   */
  readonly eventNames?: "none" | "type" | "delta-message"
  /** The line ending. Default `\n`; a client must accept `\r\n` and `\r` as well. */
  readonly lineEnding?: "\n" | "\r\n" | "\r"
}

/** The response headers of a turn, as Starlette sends a streamed text response. */
export const streamHeaders: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  "x-accel-buffering": "no"
}

type Payload = Readonly<Record<string, unknown>>

const nameOf = (payload: Payload, format: EventFormat): string | undefined => {
  const type = typeof payload["type"] === "string" ? payload["type"] : "message"
  switch (format.eventNames ?? "none") {
    case "none":
      return undefined
    case "type":
      return type
    case "delta-message":
      return type.endsWith("_delta") ? "delta" : "message"
  }
}

/** One frame: optional `event:` line, one `data:` line (JSON has no raw line breaks), blank line. */
const frameText = (data: string, name: string | undefined, eol: string): string =>
  `${name === undefined ? "" : `event: ${name}${eol}`}data: ${data}${eol}${eol}`

const frame = (payload: Payload, format: EventFormat, name = nameOf(payload, format)): string =>
  frameText(JSON.stringify(payload), name, format.lineEnding ?? "\n")

const keepAlive = (format: EventFormat): string => `: keep-alive${format.lineEnding ?? "\n"}${format.lineEnding ?? "\n"}`

/** The whole stream as one text, unpaced: what a body fault mangles. */
export const wholeBody = (events: ReadonlyArray<WireEvent>, format: EventFormat): string =>
  [keepAlive(format), ...events.map((event) => frame(event, format))].join("")

const bytesOf = (text: string): Uint8Array => Buffer.from(text)

/** An event's frame, and whether it is the turn's `stop`. */
interface Frame {
  readonly bytes: Uint8Array
  readonly stop: boolean
  readonly delayMs: number
}

const defaultUnknown: Payload = {
  type: "citation",
  citation_id: "cit-1",
  text: "An event type this client has never seen."
}

const defaultAfterStop: ReadonlyArray<Payload> = [
  { type: "text_delta", content: " (sent after stop)" },
  { type: "text", content: "(sent after stop)" }
]

/**
 * The pieces of a turn's response and how it ends. `onStop` runs just before the `stop` event is
 * written (never, if it is not).
 */
export const streamPlan = (
  events: ReadonlyArray<WireEvent>,
  options: {
    readonly pacing: Pacing
    readonly format: EventFormat
    readonly fault: StreamFault | undefined
    readonly onStop: () => void
  }
): Omit<RawSend, "status" | "headers"> => {
  const { fault, format, onStop } = options
  const thinkMs = Math.max(0, options.pacing.thinkMs ?? 0)
  const keepAliveMs = Math.max(1, options.pacing.keepAliveMs ?? 15_000)
  const eventMs = Math.max(0, options.pacing.eventMs ?? 0)

  if (fault?._tag === "KeepAlivesOnly") {
    const interval = Math.max(1, fault.intervalMs)
    return { pieces: forever({ bytes: bytesOf(keepAlive(format)), delayMs: interval }), then: "stall" }
  }

  // Keep-alives at 0, keepAliveMs, 2 × keepAliveMs… while the agent thinks; the first event at thinkMs.
  const alive: Array<Piece> = [{ bytes: bytesOf(keepAlive(format)), delayMs: 0 }]
  for (let at = keepAliveMs; at < thinkMs; at += keepAliveMs) alive.push({ bytes: bytesOf(keepAlive(format)), delayMs: keepAliveMs })
  const firstDelay = thinkMs - Math.floor(Math.max(0, thinkMs - 1) / keepAliveMs) * keepAliveMs
  let frames: Array<Frame> = events.map((event, i) => ({
    bytes: bytesOf(frame(event, format)),
    stop: event.type === "stop",
    delayMs: i === 0 ? (thinkMs > 0 ? firstDelay : 0) : eventMs
  }))
  const clamp = (at: number) => Math.max(0, Math.min(at, frames.length))
  let then: RawSend["then"] = "end"
  let oversized: { readonly at: number; readonly bytes: number } | undefined

  switch (fault?._tag) {
    case undefined:
    case "DripStream":
      break
    case "CutStream": {
      const kept = clamp(fault.afterEvents)
      const next = frames[kept]
      frames = frames.slice(0, kept)
      if (fault.midEvent === true && next !== undefined) {
        frames.push({ ...next, bytes: next.bytes.subarray(0, Math.floor(next.bytes.length / 2)) })
      }
      then = fault.reset === true ? "reset" : "close"
      break
    }
    case "StallStream":
      frames = frames.slice(0, clamp(fault.afterEvents))
      then = "stall"
      break
    case "MalformedEvent": {
      const at = clamp(fault.at)
      const bad = bytesOf(frameText(fault.data ?? "{not json", undefined, format.lineEnding ?? "\n"))
      const old = frames[at]
      frames[at] = old === undefined ? { bytes: bad, stop: false, delayMs: eventMs } : { ...old, bytes: bad }
      break
    }
    case "UnknownEvent": {
      const payload = fault.event ?? defaultUnknown
      frames.splice(clamp(fault.at), 0, {
        bytes: bytesOf(frame(payload, format, fault.name ?? nameOf(payload, format))),
        stop: false,
        delayMs: eventMs
      })
      break
    }
    case "OversizedEvent":
      oversized = { at: Math.min(clamp(fault.at), frames.length - 1), bytes: fault.bytes }
      break
    case "NoStop":
      frames = frames.filter((f) => !f.stop)
      break
    case "EventsAfterStop":
      frames.push(...(fault.events ?? defaultAfterStop).map((payload) => ({
        bytes: bytesOf(frame(payload, format)),
        stop: false,
        delayMs: eventMs
      })))
      then = "stall"
      break
  }

  function* pieces(): Generator<Piece> {
    yield* alive
    for (const [i, f] of frames.entries()) {
      const before = f.stop ? onStop : undefined
      if (oversized?.at === i) {
        yield* oversizedFrame(events[i] ?? {}, oversized.bytes, format, f.delayMs, before)
      } else {
        yield { bytes: f.bytes, delayMs: f.delayMs, ...(before === undefined ? {} : { before }) }
      }
    }
  }
  return {
    pieces: fault?._tag === "DripStream" ? dripped(pieces(), Math.max(1, fault.intervalMs)) : pieces(),
    then
  }
}

function* forever(piece: Piece): Generator<Piece> {
  yield { ...piece, delayMs: 0 }
  for (;;) yield piece
}

/** Every byte of every piece on its own, `intervalMs` apart; a piece's `before` on its first byte. */
function* dripped(pieces: Iterable<Piece>, intervalMs: number): Generator<Piece> {
  let first = true
  for (const piece of pieces) {
    for (let i = 0; i < piece.bytes.length; i++) {
      const before = i === 0 ? piece.before : undefined
      yield { bytes: piece.bytes.subarray(i, i + 1), delayMs: first ? 0 : intervalMs, ...(before === undefined ? {} : { before }) }
      first = false
    }
  }
}

/** An event's frame grown to `bytes` bytes by a `padding` field, written in chunks. */
function* oversizedFrame(
  payload: Payload,
  bytes: number,
  format: EventFormat,
  delayMs: number,
  before: (() => void) | undefined
): Generator<Piece> {
  const eol = format.lineEnding ?? "\n"
  const name = nameOf(payload, format)
  const prefix = bytesOf(`${name === undefined ? "" : `event: ${name}${eol}`}data: `)
  const suffix = bytesOf(`${eol}${eol}`)
  const json = padded(payload, "padding", bytes - prefix.length - suffix.length)
  yield { bytes: prefix, delayMs, ...(before === undefined ? {} : { before }) }
  for (const chunk of json.chunks()) yield { bytes: chunk, delayMs: 0 }
  yield { bytes: suffix, delayMs: 0 }
}
