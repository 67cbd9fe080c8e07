/**
 * A success body read as JSON, the same in both editions: what is wrong with it (too large, empty,
 * not JSON, nested too deep) before the edition's schema decodes it.
 */
import { looksLikeHtml, type HeaderRecord } from "./errorBody.js"
import type { Scrub } from "./redact.js"
import { boundedDepth } from "./show.js"
import { messageOf } from "./transportFailure.js"

/** The largest body read; bigger answers fail with `DecodeError` instead of filling memory. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024

/** The deepest JSON a success body may nest: no LlamaCloud answer comes near it, and rendering stays bounded. */
export const MAX_JSON_DEPTH = 64

/** A body as read: its text, or the mark that it was over the limit (then it holds no text). */
export interface Body {
  readonly text: string
  readonly tooLarge: boolean
}

/** The parsed JSON, or the problem a `DecodeError` names. */
export type Parsed = { readonly json: unknown } | { readonly problem: string }

/** Parses a 2xx body, bounded in size and depth. */
export const parseJsonBody = (body: Body, headers: HeaderRecord, scrub: Scrub): Parsed => {
  if (body.tooLarge) return { problem: `the body is larger than the ${MAX_BODY_BYTES} byte limit` }
  const text = body.text
  if (text.trim() === "") return { problem: "the body is empty" }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (cause) {
    // JSON.parse quotes the text it choked on, which may be part of the key: its words are kept
    // only when scrubbing changed nothing.
    const why = scrub(text) === text ? ` (${messageOf(cause)})` : ""
    return { problem: `the body is ${looksLikeHtml(text, headers) ? "an HTML page, not JSON" : `not JSON${why}`}` }
  }
  if (!boundedDepth(json, MAX_JSON_DEPTH)) return { problem: `the body nests deeper than ${MAX_JSON_DEPTH} levels` }
  return { json }
}
