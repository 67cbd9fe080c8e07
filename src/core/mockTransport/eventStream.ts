/**
 * The byte layout of `MockTransport.eventStream`'s body: its items' text as one body, cut into the
 * chunks asked for, with each pause placed at the byte offset it falls at. Generic in the pause,
 * which each edition times with its own clock.
 *
 * @since 1.0.0
 */

/** An item of the body: text to send, or a pause. */
export type Piece<P> = { readonly text: string } | { readonly pause: P }

/** How to cut the body: every `chunkSize` bytes, at `splitAt` offsets, or (neither given) after each item. */
export interface Cutting {
  readonly chunkSize?: number | undefined
  readonly splitAt?: ReadonlyArray<number> | undefined
}

/** The body in chunks, each after the pauses that fall before it, then the pauses at its end. */
export interface Layout<P> {
  readonly chunks: ReadonlyArray<{ readonly pausesBefore: ReadonlyArray<P>; readonly bytes: Uint8Array }>
  readonly pausesAfter: ReadonlyArray<P>
}

const encoder = new TextEncoder()

/** Lays out `pieces` as `cutting` says; a pause always starts a new chunk. */
export const layout = <P>(pieces: ReadonlyArray<Piece<P>>, cutting: Cutting): Layout<P> => {
  const parts: Array<Uint8Array> = []
  const itemEnds: Array<number> = []
  const pauses: Array<{ readonly at: number; readonly pause: P }> = []
  let length = 0
  for (const piece of pieces) {
    if ("pause" in piece) {
      pauses.push({ at: length, pause: piece.pause })
      continue
    }
    const bytes = encoder.encode(piece.text)
    parts.push(bytes)
    length += bytes.length
    itemEnds.push(length)
  }
  const body = new Uint8Array(length)
  let offset = 0
  for (const part of parts) {
    body.set(part, offset)
    offset += part.length
  }

  const cuts = new Set<number>(pauses.map((pause) => pause.at))
  if (cutting.chunkSize === undefined && cutting.splitAt === undefined) itemEnds.forEach((end) => cuts.add(end))
  if (cutting.chunkSize !== undefined && cutting.chunkSize > 0) {
    for (let at = cutting.chunkSize; at < length; at += cutting.chunkSize) cuts.add(at)
  }
  for (const at of cutting.splitAt ?? []) cuts.add(at)
  const starts = [...cuts].filter((at) => at > 0 && at < length).sort((a, b) => a - b)
  starts.unshift(0)

  const pausesAt = (at: number): ReadonlyArray<P> => pauses.filter((pause) => pause.at === at).map((pause) => pause.pause)
  if (length === 0) return { chunks: [], pausesAfter: pausesAt(0) }
  return {
    chunks: starts.map((start, i) => ({ pausesBefore: pausesAt(start), bytes: body.subarray(start, starts[i + 1] ?? length) })),
    pausesAfter: pausesAt(length)
  }
}

/**
 * A silence of `totalMillis` broken by a keep-alive every `everyMillis`: the comments fall at every
 * multiple strictly inside the silence, then the rest of it passes.
 */
export const keepAliveBeats = (totalMillis: number, everyMillis: number): { readonly beats: number; readonly restMillis: number } => {
  const beats = Math.max(0, Math.ceil(totalMillis / everyMillis) - 1)
  return { beats, restMillis: totalMillis - beats * everyMillis }
}
