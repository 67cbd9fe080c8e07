/**
 * The turns the bench server streams, and the session ids that name them. One place, so that every
 * contender reads the same bytes and the harness knows what each should have seen.
 *
 * A turn is mostly `text_delta` events of a few tokens; every 1 000 events the agent searches: a
 * `tool_call` of 2 to 4 KB and a `tool_result` of 4 to 20 KB. The last event is the `stop`. Some
 * words are not ASCII, so that a chunk boundary also splits UTF-8 characters.
 */

/** What the server streams for a session id; the contenders pass the id through untouched. */
export type TurnKind =
  /** `events` events written at once, in chunks that split events. */
  | { readonly _tag: "Burst"; readonly events: number }
  /** The first event at once, then one event every `pacingMs` (a model writing ~100 tokens/s). */
  | { readonly _tag: "Paced"; readonly events: number }
  /** The first event, then nothing until the harness releases the held turns (`POST /__release`). */
  | { readonly _tag: "Held" }

export const burstSession = (events: number): string => `bench-burst-${events}`
export const pacedSession = (events: number): string => `bench-paced-${events}`
export const heldSession = "bench-held"

/** The interval between the events of a paced turn. */
export const pacingMs = 10

export const turnKindOf = (sessionId: string): TurnKind | undefined => {
  if (sessionId === heldSession) return { _tag: "Held" }
  const match = /^bench-(burst|paced)-(\d+)$/.exec(sessionId)
  if (match === null) return undefined
  const events = Number(match[2])
  if (!Number.isSafeInteger(events) || events < 1) return undefined
  return match[1] === "burst" ? { _tag: "Burst", events } : { _tag: "Paced", events }
}

/** The request path of a turn. */
export const turnPath = (sessionId: string): string => `/api/v1/chat/${sessionId}/messages/stream`

/** What every turn asks. */
export const prompt = "What were the main findings in Q3, and which sources support them?"

const words = [
  " the", " revenue", " grew", " by", " 12", "%", " in", " Q3", ",", " driven", " by", " naïve", " demand",
  " for", " the", " new", " tier", ".", " Costs", " fell", " to", " €4.2M", " as", " the", " team", " moved",
  " workloads", " off", " legacy", " hardware", " —", " see", " the", " board", " memo", " (p. 7)", "."
]

// A small deterministic generator: every run, and every contender, sees the same turn.
const lcg = (seed: number) => {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

const filler = (next: () => number, bytes: number): string => {
  let text = ""
  while (text.length < bytes) text += words[Math.floor(next() * words.length)]!
  return text.slice(0, bytes)
}

export type WireEvent = Readonly<Record<string, unknown>> & { readonly type: string }

/** The `i`-th event (0-based) of a turn of `total` events. */
export const eventAt = (i: number, total: number): WireEvent => {
  const next = lcg(i + 1)
  if (i === total - 1) {
    return {
      type: "stop",
      error: null,
      is_error: false,
      usage: { duration_ms: 1834, total_input_tokens: 5120, total_output_tokens: total, turns: 2 },
      skipped_index_ids: []
    }
  }
  const callId = `call-${Math.floor(i / 1000)}`
  if (i % 1000 === 10) {
    return {
      type: "tool_call",
      call_id: callId,
      name: "search_indexes",
      arguments: {
        query: filler(next, 200),
        index_ids: ["idx-abc123", "idx-def456"],
        filters: { must: filler(next, 1800 + Math.floor(next() * 2000)) },
        top_k: 8
      }
    }
  }
  if (i % 1000 === 11) {
    const passages = 2 + Math.floor(next() * 8)
    return {
      type: "tool_result",
      call_id: callId,
      name: "search_indexes",
      result: Array.from({ length: passages }, (_, p) => ({
        source_id: `src-${i}-${p}`,
        score: Math.round(next() * 1000) / 1000,
        text: filler(next, 1800)
      })),
      image_attachment: null
    }
  }
  const tokens = 1 + Math.floor(next() * 3)
  let content = ""
  for (let t = 0; t < tokens; t++) content += words[Math.floor(next() * words.length)]!
  return { type: "text_delta", content }
}

/** One SSE frame: a `data:` line and the blank line that ends the event. */
export const frame = (event: WireEvent): string => `data: ${JSON.stringify(event)}\n\n`

/** What a turn opens with before its first event, as Starlette's servers do while the agent starts. */
export const keepAlive = ": keep-alive\n\n"

/** What a consumer counts: events, and the characters of `text_delta` content (a check that all read the same). */
export interface TurnTally {
  readonly events: number
  readonly textChars: number
}

/** The tally a complete turn of `total` events gives. */
export const expectedTally = (total: number): TurnTally => {
  let textChars = 0
  for (let i = 0; i < total; i++) {
    const event = eventAt(i, total)
    if (event.type === "text_delta") textChars += (event["content"] as string).length
  }
  return { events: total, textChars }
}

/**
 * The sizes the server cuts a burst turn's bytes into, in turn: none falls on an event boundary
 * by design, some fall inside a multi-byte character.
 */
export const chunkSizes: ReadonlyArray<number> = [1_377, 4_096, 16_384, 733, 8_192, 65_536, 2_900]
