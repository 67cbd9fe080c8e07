/**
 * The API key out of every text that may quote it back (a server's echo, a key passed by mistake
 * as an id, a transport's error message), and short copies of long texts for errors that may live
 * long. Each edition's `internal/redact.ts` reads the key out of its `Redacted`.
 */

/** Replaces the API key wherever it appears in `text`. */
export type Scrub = (text: string) => string

/** A scrub of `key`: every occurrence becomes `<redacted>`. */
export const scrubKey = (key: string): Scrub => (text) => text.includes(key) ? text.split(key).join("<redacted>") : text

/**
 * A copy of a short string that does not share memory with the string it was cut from: V8's
 * `slice` keeps the whole parent alive, and an error may live long.
 */
export const detach = (text: string): string => Array.from(text).join("")

/** At most `max` characters, detached, with an ellipsis when cut. */
export const truncate = (text: string, max = 500): string => text.length > max ? `${detach(text.slice(0, max))}…` : text
