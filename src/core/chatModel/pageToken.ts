/**
 * List page tokens: opaque to a client, a cursor here. A token holds the sort key of the last
 * session of the page it ended (last update, then creation number), not an offset, so sessions
 * created or deleted between two requests neither repeat nor shift the next page.
 *
 * @since 0.2.0
 */

/** Where a page ends: the list's sort key of its last session. */
export interface Cursor {
  readonly lastUpdatedAt: string
  readonly seq: number
}

// A version tag, so a token from another double (or a hand-made one) is told apart from garbling.
const version = "c1"

// The token's text is ASCII (a tag, a timestamp, digits), so `btoa` / `atob`, which every runtime
// has, encode it whole; base64url without padding, as URLs carry it.
const toBase64Url = (text: string): string => btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "")

const fromBase64Url = (token: string): string | undefined => {
  if (!/^[A-Za-z0-9_-]*$/.test(token) || token.length % 4 === 1) return undefined
  try {
    return atob(token.replaceAll("-", "+").replaceAll("_", "/"))
  } catch {
    return undefined
  }
}

/** base64url of `c1|<last_updated_at>|<seq>`. */
export const encode = (cursor: Cursor): string => toBase64Url(`${version}|${cursor.lastUpdatedAt}|${cursor.seq}`)

const timestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/

/** The cursor a token holds, or `undefined` for anything this module did not write. */
export const decode = (token: string): Cursor | undefined => {
  const text = fromBase64Url(token)
  const [tag, lastUpdatedAt, seq, ...rest] = text?.split("|") ?? []
  if (tag !== version || lastUpdatedAt === undefined || seq === undefined || rest.length > 0) return undefined
  if (!timestamp.test(lastUpdatedAt) || !/^\d{1,15}$/.test(seq)) return undefined
  return { lastUpdatedAt, seq: Number(seq) }
}

/** Newest first: later update first, then later creation first. Negative when `a` comes before `b`. */
export const compare = (a: Cursor, b: Cursor): number =>
  a.lastUpdatedAt === b.lastUpdatedAt ? b.seq - a.seq : a.lastUpdatedAt > b.lastUpdatedAt ? -1 : 1
