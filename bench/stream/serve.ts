/**
 * The bench server's side of a streamed turn: the bytes of each turn built once and kept, a burst
 * written in chunks that split events (waiting for `drain`), paced turns written by one shared
 * timer, held turns kept open until released. Used by `../server.ts`.
 */
import type * as Http from "node:http"
import { chunkSizes, eventAt, frame, keepAlive, pacingMs, type TurnKind } from "./turns.js"

const streamHeaders = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  "x-accel-buffering": "no",
  "x-request-id": "req-turn"
}

const bursts = new Map<number, Buffer>()
const pacedFrames = new Map<number, ReadonlyArray<Buffer>>()

/** A burst turn's whole body: built on first use, then shared by every request for it. */
const burstBody = (events: number): Buffer => {
  let body = bursts.get(events)
  if (body === undefined) {
    const parts: Array<string> = [keepAlive]
    for (let i = 0; i < events; i++) parts.push(frame(eventAt(i, events)))
    body = Buffer.from(parts.join(""))
    bursts.set(events, body)
  }
  return body
}

const framesOf = (events: number): ReadonlyArray<Buffer> => {
  let frames = pacedFrames.get(events)
  if (frames === undefined) {
    frames = Array.from({ length: events }, (_, i) => Buffer.from(frame(eventAt(i, events))))
    pacedFrames.set(events, frames)
  }
  return frames
}

/** Builds a turn's bytes ahead of the measurement, so that no contender pays for building them. */
export const prepare = (kind: TurnKind): void => {
  if (kind._tag === "Burst") burstBody(kind.events)
  if (kind._tag === "Paced") framesOf(kind.events)
}

const writeBurst = (response: Http.ServerResponse, body: Buffer): void => {
  let offset = 0
  let turn = 0
  const pump = (): void => {
    while (offset < body.length) {
      const size = chunkSizes[turn++ % chunkSizes.length]!
      const chunk = body.subarray(offset, offset + size)
      offset += chunk.length
      if (offset >= body.length) {
        response.end(chunk)
        return
      }
      if (!response.write(chunk)) {
        response.once("drain", pump)
        return
      }
    }
  }
  pump()
}

interface PacedTurn {
  readonly response: Http.ServerResponse
  readonly frames: ReadonlyArray<Buffer>
  next: number
}

const paced = new Set<PacedTurn>()
let ticker: NodeJS.Timeout | undefined

// One timer for every paced turn: each tick writes the next event of each.
const tick = (): void => {
  for (const turn of paced) {
    const bytes = turn.frames[turn.next++]!
    if (turn.next >= turn.frames.length) {
      paced.delete(turn)
      turn.response.end(bytes)
    } else {
      turn.response.write(bytes)
    }
  }
  if (paced.size === 0 && ticker !== undefined) {
    clearInterval(ticker)
    ticker = undefined
  }
}

const held = new Set<Http.ServerResponse>()
const heldStop = Buffer.from(frame(eventAt(1, 2)))
const heldFirst = Buffer.from(keepAlive + frame(eventAt(0, 2)))

/** How many held turns are open (their first event written). */
export const heldOpen = (): number => held.size

/** Ends every held turn with its `stop`. */
export const releaseHeld = (): number => {
  const released = held.size
  for (const response of held) response.end(heldStop)
  held.clear()
  return released
}

/** Answers a turn's request, once its body is in. */
export const serveTurn = (kind: TurnKind, response: Http.ServerResponse): void => {
  response.writeHead(200, streamHeaders)
  switch (kind._tag) {
    case "Burst":
      return writeBurst(response, burstBody(kind.events))
    case "Paced": {
      const frames = framesOf(kind.events)
      if (frames.length === 1) {
        response.end(Buffer.concat([Buffer.from(keepAlive), frames[0]!]))
        return
      }
      const turn: PacedTurn = { response, frames, next: 1 }
      response.write(Buffer.concat([Buffer.from(keepAlive), frames[0]!]))
      paced.add(turn)
      response.on("close", () => paced.delete(turn))
      ticker ??= setInterval(tick, pacingMs)
      return
    }
    case "Held": {
      response.write(heldFirst)
      held.add(response)
      response.on("close", () => held.delete(response))
      return
    }
  }
}
