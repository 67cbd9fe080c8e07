/**
 * Writing a response by hand on the raw node objects: paced pieces, then an end, a close, a reset
 * or silence. What a misbehaving server does on a socket, and what a platform's response writer
 * cannot be asked to do. Callback-based and free of Effect: each edition wraps these in its own
 * asynchronous effect, the returned function being the canceller.
 *
 * They run in an uninterruptible handler: a client going away must not interrupt them halfway
 * through a write, so each one watches the response's `close` itself, and clears its own timers on
 * every path (a canceller only runs on interruption, which never comes here).
 */
import type * as Http from "node:http"
import type * as Net from "node:net"

/** The node objects under a platform's request. */
export interface Raw {
  readonly request: Http.IncomingMessage
  readonly response: Http.ServerResponse
}

export const isGone = (raw: Raw): boolean => raw.response.destroyed || raw.request.socket.destroyed

/** A RST where the platform allows it (a client sees ECONNRESET), a plain close otherwise. */
export const resetSocket = (socket: Net.Socket): void => {
  try {
    socket.resetAndDestroy()
  } catch {
    socket.destroy()
  }
}

/** Calls `done` once the response is finished or its connection is gone; returns a canceller. */
export const whenClosed = (raw: Raw, done: () => void): () => void => {
  if (isGone(raw)) {
    done()
    return () => {}
  }
  raw.response.once("close", done)
  return () => raw.response.off("close", done)
}

/** Calls `done` after `ms`, or sooner if the connection goes first, telling which came first; returns a canceller. */
export const waitUnlessClosed = (raw: Raw, ms: number, done: (outcome: "elapsed" | "closed") => void): () => void => {
  if (isGone(raw)) {
    done("closed")
    return () => {}
  }
  const onClose = () => {
    clearTimeout(timer)
    done("closed")
  }
  const timer = setTimeout(() => {
    raw.response.off("close", onClose)
    done("elapsed")
  }, ms)
  raw.response.once("close", onClose)
  return () => {
    clearTimeout(timer)
    raw.response.off("close", onClose)
  }
}

// Long enough for a client on this host to have read what was written before the RST arrives.
const settleBeforeResetMs = 20

/** Bytes to write after a pause; `before` runs just before they are written. */
export interface Piece {
  readonly bytes: Uint8Array
  readonly delayMs: number
  readonly before?: () => void
}

/** What a hand-written response consists of. */
export interface RawSend {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  /** Written in order, each after its pause and once the socket has drained; may be endless. */
  readonly pieces: Iterator<Piece>
  /** What happens once every piece is written: end the body, reset, close without ending, or nothing. */
  readonly then: "end" | "reset" | "close" | "stall"
}

/** Writes a response by hand; calls `done` when the connection closes; returns a canceller. */
export const sendRaw = (raw: Raw, plan: RawSend, done: () => void): () => void => {
  const { response } = raw
  const socket = raw.request.socket
  let timer: ReturnType<typeof setTimeout> | undefined
  // A piece whose pause is under way.
  let waiting: Piece | undefined
  const cleanup = () => {
    clearTimeout(timer)
    response.off("drain", next)
    response.off("close", onClose)
  }
  const onClose = () => {
    cleanup()
    done()
  }
  const afterBody = () => {
    switch (plan.then) {
      case "end":
        return response.end()
      case "stall":
        return
      case "reset":
        timer = setTimeout(() => resetSocket(socket), settleBeforeResetMs)
        return
      case "close":
        // A FIN after what was written, not a RST: the client reads what came, then EOF.
        return socket.destroySoon()
    }
  }
  function next() {
    timer = undefined
    for (;;) {
      let piece = waiting
      waiting = undefined
      if (piece === undefined) {
        const step = plan.pieces.next()
        if (step.done === true) return afterBody()
        piece = step.value
        if (piece.delayMs > 0) {
          waiting = piece
          timer = setTimeout(next, piece.delayMs)
          return
        }
      }
      if (isGone(raw)) return
      piece.before?.()
      if (piece.bytes.length > 0 && !response.write(piece.bytes)) {
        response.once("drain", next)
        return
      }
    }
  }
  if (isGone(raw)) {
    done()
    return () => {}
  }
  response.once("close", onClose)
  response.writeHead(plan.status, { ...plan.headers })
  response.flushHeaders()
  next()
  return cleanup
}

/** One piece, unless it is empty. */
export function* once(bytes: Uint8Array): Generator<Piece> {
  if (bytes.length > 0) yield { bytes, delayMs: 0 }
}

/** Every byte a piece of its own, `intervalMs` apart. */
export function* byteByByte(bytes: Uint8Array, intervalMs: number): Generator<Piece> {
  for (let i = 0; i < bytes.length; i++) yield { bytes: bytes.subarray(i, i + 1), delayMs: i === 0 ? 0 : intervalMs }
}

/** The first half of a text's bytes. */
export const half = (body: string): Uint8Array => {
  const bytes = Buffer.from(body)
  return bytes.subarray(0, Math.floor(bytes.length / 2))
}

const padChunkBytes = 64 * 1024

/**
 * A JSON value of exactly `bytes` bytes (or the fewest it can take) with one of its string fields
 * padded by `x`s, produced chunk by chunk: only one chunk of padding is ever held in memory.
 */
export const padded = (
  value: object,
  field: string,
  bytes: number
): { readonly length: number; readonly chunks: () => Generator<Uint8Array> } => {
  const marker = "\u0000"
  const [head = "", tail = ""] = JSON.stringify({ ...value, [field]: marker }).split(JSON.stringify(marker))
  const fixed = Buffer.byteLength(head) + Buffer.byteLength(tail) + 2
  const padding = Math.max(0, bytes - fixed)
  function* chunks(): Generator<Uint8Array> {
    yield Buffer.from(`${head}"`)
    const block = Buffer.alloc(Math.min(padChunkBytes, padding), "x")
    for (let left = padding; left > 0; left -= block.length) {
      yield left >= block.length ? block : block.subarray(0, left)
    }
    yield Buffer.from(`"${tail}`)
  }
  return { length: fixed + padding, chunks }
}
