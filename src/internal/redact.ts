/**
 * The API key out of every text that may quote it back: a server's echo, a key passed by mistake
 * as an id, a transport's error message.
 */
import * as Redacted from "effect/Redacted"

/** Replaces the API key wherever it appears in `text`. */
export type Scrub = (text: string) => string

export const scrubber = (apiKey: Redacted.Redacted<string>): Scrub => {
  const key = Redacted.value(apiKey)
  return (text) => text.includes(key) ? text.split(key).join("<redacted>") : text
}

/**
 * A copy of a short string that does not share memory with the string it was cut from: V8's
 * `slice` keeps the whole parent alive, and an error may live long.
 */
export const detach = (text: string): string => Array.from(text).join("")

/** At most `max` characters, detached, with an ellipsis when cut. */
export const truncate = (text: string, max = 500): string => text.length > max ? `${detach(text.slice(0, max))}…` : text
