/**
 * The API key both editions' reliability suites send, and how they look for it: a leak is found by
 * a plain substring search in everything a call left behind (errors however printed, log lines,
 * spans). Plain data: no Effect.
 */

/** Distinctive, so that a leak anywhere is found by a plain substring search. */
export const API_KEY = "llx-RELIABILITY-5e3cr3t"

/** Parts of the key that would survive a partial echo or a truncation. */
const KEY_PARTS = [API_KEY, "5e3cr3t", "RELIABILITY-5e3"]

/** The places (keys of `texts`) where any part of the key appears. */
export const keyLeaks = (texts: Readonly<Record<string, string>>): ReadonlyArray<string> =>
  Object.entries(texts).flatMap(([where, text]) => KEY_PARTS.some((part) => text.includes(part)) ? [where] : [])

/**
 * The key's first characters followed by the ellipsis of a cut: server text cut to an excerpt before
 * it was scrubbed. The hostile server never cuts the key itself, so only the client can have.
 */
export const keyCuts: ReadonlyArray<string> = Array.from({ length: API_KEY.length - 5 }, (_, i) => `${API_KEY.slice(0, i + 5)}…`)

/** The places (keys of `texts`) where the start of the key, cut short, appears. */
export const keyCutsIn = (texts: Readonly<Record<string, string>>): ReadonlyArray<string> =>
  Object.entries(texts).flatMap(([where, text]) => keyCuts.some((part) => text.includes(part)) ? [where] : [])

/** The text around the first trace of the key, for a failure's report. */
export const aroundKey = (text: string): string => {
  const at = text.search(/5e3cr3t|RELIABILITY-5e3/)
  return JSON.stringify(text.slice(Math.max(0, at - 200), at + 60))
}
