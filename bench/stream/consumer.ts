/**
 * What every contender does with each event it is handed, and the floors' reader. The same work per
 * event everywhere, so that the figures differ only by how events reach the consumer.
 */
import { createParser } from "eventsource-parser"
import type { TurnHooks, TurnRunner } from "./protocol.js"
import type { TurnTally, WireEvent } from "./turns.js"

export interface Consumer {
  /**
   * Takes one event: counts it, adds up `text_delta` content. Returns a promise when the consumer
   * waits before its next event (a memory reading), else undefined.
   */
  readonly take: (text: string | undefined) => Promise<void> | undefined
  readonly tally: () => TurnTally
}

export const makeConsumer = (hooks: TurnHooks): Consumer => {
  let events = 0
  let textChars = 0
  let pauseIndex = 0
  const pauseAt = hooks.pauseAt ?? []
  let nextPause = pauseAt[0] ?? -1
  return {
    take: (text) => {
      if (++events === 1) hooks.first?.()
      if (text !== undefined) textChars += text.length
      if (events !== nextPause || hooks.pause === undefined) return undefined
      nextPause = pauseAt[++pauseIndex] ?? -1
      return hooks.pause(events)
    },
    tally: () => ({ events, textChars })
  }
}

/** A wire event's `text_delta` content, as the floors read it. */
export const wireText = (event: WireEvent): string | undefined =>
  event.type === "text_delta" ? event["content"] as string : undefined

/**
 * The floors' reader: bytes through a streaming `TextDecoder` into `eventsource-parser`, each
 * event's data `JSON.parse`d. No checks, no limits: the least a client reading SSE does.
 */
export const makeFloorReader = () => {
  const decoder = new TextDecoder()
  let batch: Array<WireEvent> = []
  const parser = createParser({
    onEvent: (message) => {
      batch.push(JSON.parse(message.data))
    }
  })
  /** The events a chunk completes. */
  return (chunk: Uint8Array | string): ReadonlyArray<WireEvent> => {
    parser.feed(typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }))
    const events = batch
    batch = []
    return events
  }
}

/**
 * Runs `turn` for `turns` turns, `concurrency` workers at a time, worker `k` starting `k × staggerMs`
 * late, timing each turn (the promise contenders).
 */
export const poolTurns = async (
  turns: number,
  concurrency: number,
  staggerMs: number,
  firstEventMs: Float64Array,
  turnMs: Float64Array,
  turn: (hooks: TurnHooks) => Promise<TurnTally>
): Promise<TurnTally> => {
  let next = 0
  let events = 0
  let textChars = 0
  const worker = async (k: number): Promise<void> => {
    if (k > 0 && staggerMs > 0) await new Promise((resolve) => setTimeout(resolve, k * staggerMs))
    while (next < turns) {
      const i = next++
      const start = performance.now()
      const tally = await turn({ first: () => (firstEventMs[i] = performance.now() - start) })
      turnMs[i] = performance.now() - start
      events += tally.events
      textChars += tally.textChars
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, turns) }, (_, k) => worker(k)))
  return { events, textChars }
}

/** Reads a body's chunks with the floors' reader and hands the events to a consumer; its tally at the end. */
export const consumeChunks = async (
  chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  hooks: TurnHooks
): Promise<TurnTally> => {
  const read = makeFloorReader()
  const consumer = makeConsumer(hooks)
  for await (const chunk of chunks) {
    for (const event of read(chunk)) {
      const wait = consumer.take(wireText(event))
      if (wait !== undefined) await wait
    }
  }
  return consumer.tally()
}

/** A runner for a contender whose turn is a promise (no Effect runtime). */
export const promiseRunner = (
  turn: (sessionId: string, hooks: TurnHooks) => Promise<TurnTally>,
  options: { readonly buffered: boolean }
): TurnRunner => ({
  run: (sessionId, turns, concurrency, staggerMs, firstEventMs, turnMs) =>
    poolTurns(turns, concurrency, staggerMs, firstEventMs, turnMs, (hooks) => turn(sessionId, hooks)),
  runOne: turn,
  buffered: options.buffered,
  close: async () => {}
})
