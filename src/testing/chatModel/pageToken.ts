/**
 * List page tokens: opaque to a client, a cursor here. A token holds the sort key of the last
 * session of the page it ended (last update, then creation number), not an offset, so sessions
 * created or deleted between two requests neither repeat nor shift the next page.
 *
 * @since 0.2.0
 */
import * as Either from "effect/Either"
import * as Encoding from "effect/Encoding"

/** Where a page ends: the list's sort key of its last session. */
export interface Cursor {
  readonly lastUpdatedAt: string
  readonly seq: number
}

// A version tag, so a token from another double (or a hand-made one) is told apart from garbling.
const version = "c1"

/** base64url of `c1|<last_updated_at>|<seq>`. */
export const encode = (cursor: Cursor): string =>
  Encoding.encodeBase64Url(`${version}|${cursor.lastUpdatedAt}|${cursor.seq}`)

const timestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/

/** The cursor a token holds, or `undefined` for anything this module did not write. */
export const decode = (token: string): Cursor | undefined => {
  const text = Either.getOrUndefined(Encoding.decodeBase64UrlString(token))
  const [tag, lastUpdatedAt, seq, ...rest] = text?.split("|") ?? []
  if (tag !== version || lastUpdatedAt === undefined || seq === undefined || rest.length > 0) return undefined
  if (!timestamp.test(lastUpdatedAt) || !/^\d{1,15}$/.test(seq)) return undefined
  return { lastUpdatedAt, seq: Number(seq) }
}

/** Newest first: later update first, then later creation first. Negative when `a` comes before `b`. */
export const compare = (a: Cursor, b: Cursor): number =>
  a.lastUpdatedAt === b.lastUpdatedAt ? b.seq - a.seq : a.lastUpdatedAt > b.lastUpdatedAt ? -1 : 1
