/**
 * A small, deterministic retrieval agent: the same prompt, indexes and turn number always give the
 * same events, word for word, so tests can assert on them. It thinks, searches the indexes once,
 * and answers from the passages it "found" (text derived from the prompt and the index ids).
 *
 * Conventions a test can use:
 * - An index id starting with `unavailable-` cannot be queried: it is listed in the `stop` event's
 *   `skipped_index_ids`; with `require_all_indexes` the turn fails instead (`stop` with
 *   `is_error: true`, no search, no answer).
 * - A prompt mentioning an image, figure, chart, diagram, picture or photo gets an
 *   `image_attachment` on its search result.
 *
 * @since 0.2.0
 */
import type { WireEvent, WireImageAttachment, WireUsage } from "./wire.js"

/** What the agent is asked. */
export interface Question {
  readonly sessionId: string
  /** 1 for the session's first turn. */
  readonly turn: number
  readonly prompt: string
  readonly indexIds: ReadonlyArray<string>
  readonly requireAllIndexes: boolean
}

/** The events of one turn, `stop` last. */
export interface Answer {
  readonly events: ReadonlyArray<WireEvent>
  readonly usage: WireUsage
  readonly isError: boolean
  readonly error: string | null
}

/**
 * The prefix of index ids the agent cannot query: they end up in `skipped_index_ids`.
 *
 * @since 0.2.0
 * @category constants
 */
export const unavailablePrefix = "unavailable-"

// FNV-1a, 32 bits: stable ids and numbers from text, with no runtime dependency.
const hash = (text: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

const hex = (text: string): string => hash(text).toString(16).padStart(8, "0")

const stopWords = new Set([
  "a", "an", "and", "are", "about", "can", "could", "did", "do", "does", "for", "from", "how", "index", "indexes",
  "into", "is", "it", "me", "say", "says",
  "of", "on", "or", "please", "tell", "that", "the", "their", "there", "this", "to", "was", "what", "when",
  "where", "which", "who", "why", "with", "would", "you", "your"
])

/** Up to five distinct content words of the prompt, in order. */
const keywordsOf = (prompt: string): ReadonlyArray<string> => {
  const words = (prompt.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((word) => !stopWords.has(word))
  return [...new Set(words)].slice(0, 5)
}

/** Splits `text` into pieces of `words` words each, spaces kept, so that the pieces join back to it. */
export const piecesOf = (text: string, words: number): ReadonlyArray<string> => {
  const tokens = text.match(/\s*\S+/g) ?? [text]
  const pieces: Array<string> = []
  for (let i = 0; i < tokens.length; i += words) pieces.push(tokens.slice(i, i + words).join(""))
  return pieces
}

/** Words and punctuation marks: a rough, stable token count. */
const tokenCount = (text: string): number => (text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) ?? []).length

// What every turn sends the model besides the prompt: a system prompt and the tool's description.
const systemTokens = 48

const imageWords = /\b(?:image|figure|chart|diagram|picture|photo)s?\b/i

interface Passage {
  readonly index_id: string
  readonly node_id: string
  readonly score: number
  readonly text: string
}

const passageOf = (indexId: string, query: string, rank: number): Passage => {
  const section = 1 + (hash(`${indexId}|${query}`) % 9)
  return {
    index_id: indexId,
    node_id: `node-${hex(`${indexId}|${query}|node`)}`,
    score: Math.round((0.95 - 0.05 * rank) * 100) / 100,
    text: `Section ${section} of ${indexId}, on ${query}: a worked example.`
  }
}

const numbers = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]

/** `n` things in words: "one passage", "two indexes". */
const count = (n: number, one: string, many: string): string => `${numbers[n] ?? String(n)} ${n === 1 ? one : many}`

/** The question as the agent quotes it: its first line, cut near 60 characters, closed by a full stop when it has none. */
const quoted = (prompt: string): string => {
  const title = titleOf(prompt)
  return /[.?!…]$/.test(title) ? `"${title}"` : `"${title}."`
}

/** The answer's sentences: how many passages answer the question, then one sentence per passage, cited. */
const answerText = (prompt: string, passages: ReadonlyArray<Passage>): string => {
  const cited = passages.map((passage, i) => {
    const section = /^Section (\d+)/.exec(passage.text)?.[1] ?? "1"
    const says = i === 0 ? "gives a worked example" : "covers the same ground"
    return `Section ${section} of ${passage.index_id} ${says} [${i + 1}].`
  })
  return [`I found ${count(passages.length, "passage", "passages")} on ${quoted(prompt)}`, ...cited].join(" ")
}

/** Answers one question. */
export const answer = (question: Question): Answer => {
  const keywords = keywordsOf(question.prompt)
  const skipped = question.indexIds.filter((id) => id.startsWith(unavailablePrefix))
  const searched = question.indexIds.filter((id) => !id.startsWith(unavailablePrefix))
  const failed = question.requireAllIndexes && skipped.length > 0
  const seed = `${question.sessionId}|${question.turn}|${question.prompt}`

  const thinking = failed ?
    `Every index is required, but ${skipped.join(", ")} cannot be queried.` :
    `To answer ${quoted(question.prompt)} I will search ${count(searched.length, "index", "indexes")} for passages.`
  const events: Array<WireEvent> = [
    ...piecesOf(thinking, 3).map((content): WireEvent => ({ type: "thinking_delta", content })),
    { type: "thinking", content: thinking }
  ]
  let inputTokens = systemTokens + tokenCount(question.prompt)
  let outputTokens = tokenCount(thinking)

  const error = failed ? `Could not query required indexes: ${skipped.join(", ")}` : null
  if (!failed) {
    const callId = `call_${hex(seed)}${hex(`${seed}|call`)}`
    const query = keywords.length > 0 ? keywords.join(" ") : question.prompt
    const passages = searched.map((id, rank) => passageOf(id, query, rank))
    const image: WireImageAttachment | null = imageWords.test(question.prompt) && searched[0] !== undefined ?
      { attachment_name: `figure-${1 + (hash(seed) % 9)}.png`, source_id: `src-${hex(`${searched[0]}|${query}`)}` } :
      null
    const text = passages.length === 0 ?
      `I found no passages on ${quoted(question.prompt)} None of the indexes could be queried.` :
      answerText(question.prompt, passages)
    events.push(
      { type: "tool_call", call_id: callId, name: "search", arguments: { query, index_ids: searched } },
      { type: "tool_result", call_id: callId, name: "search", result: { passages }, image_attachment: image },
      ...piecesOf(text, 3).map((content): WireEvent => ({ type: "text_delta", content })),
      { type: "text", content: text }
    )
    inputTokens += passages.reduce((sum, passage) => sum + tokenCount(passage.text), 0)
    outputTokens += tokenCount(query) + tokenCount(text)
  }

  const usage: WireUsage = {
    duration_ms: 120 + 4 * outputTokens + inputTokens,
    total_input_tokens: inputTokens,
    total_output_tokens: outputTokens,
    turns: 1
  }
  events.push({ type: "stop", error, is_error: failed, usage, skipped_index_ids: skipped })
  return { events, usage, isError: failed, error }
}

const maxTitleCodePoints = 60

/** The title of a session, from its first prompt: its first line, cut at a word near 60 characters. */
export const titleOf = (prompt: string): string => {
  const line = prompt.trim().split(/\r\n|\r|\n/)[0]?.replace(/\s+/g, " ") ?? ""
  const chars = [...line]
  if (chars.length <= maxTitleCodePoints) return line
  const cut = chars.slice(0, maxTitleCodePoints - 1).join("")
  const space = cut.lastIndexOf(" ")
  return `${space > maxTitleCodePoints / 2 ? cut.slice(0, space) : cut}…`
}
