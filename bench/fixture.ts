/**
 * What every contender sends and what the bench server answers: one place, so no contender gets an
 * easier request or a smaller body than another.
 */

/** The indexes every create binds, as in the seed example. */
export const indexIds = ["idx-abc123", "idx-def456"] as const

/** A key of the right shape; the bench server does not check it. */
export const apiKey = "llx-bench"

/** The create endpoint's path. */
export const createPath = "/api/v1/chat"

/** The seed example's ChatSession, with a fresh session id per response. */
export const sessionBody = (n: number): string =>
  `{"last_updated_at":"2026-04-22T12:34:41.342245","session_id":"ses-${n.toString(36).padStart(8, "0")}","generated_title":null,"index_ids":["idx-abc123","idx-def456"],"job_metadata":null}`

/** The marker a child puts before its one line of JSON on stdout. */
export const resultMarker = "@@bench "
