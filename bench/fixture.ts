/**
 * What every contender sends and what the bench server answers: one place, so no contender gets an
 * easier request or a smaller body than another.
 */
import { eventAt } from "./stream/turns.js"

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

/** How many sessions a list page holds, as with `pageSize: 20`. */
export const pageSize = 20

/** A session that has run `turns` turns, as the wire shows it: every field filled. */
const ranSession = (sessionId: string, turns: number) => ({
  session_id: sessionId,
  last_updated_at: "2026-04-22T12:34:41.342245",
  generated_title: "Main findings of the Q3 report",
  index_ids: ["idx-abc123", "idx-def456"],
  job_metadata: {
    duration_ms: 1834,
    error: null,
    export_config_ids: null,
    is_error: false,
    total_input_tokens: 5120,
    total_output_tokens: 734,
    turns
  }
})

/** One page of the list: `pageSize` sessions that have run, and the next page's token. */
export const pageBody = (n: number): string =>
  JSON.stringify({
    items: Array.from({ length: pageSize }, (_, i) => ranSession(`ses-${(n * pageSize + i).toString(36).padStart(8, "0")}`, 2)),
    next_page_token: `tok-${n + 1}`
  })

/** The session whose history retrieve reads. */
export const historySessionId = "ses-history"

/** How many events that history holds: ten turns of 100 events, deltas included. */
export const historyEvents = 1_000

/** Retrieve's answer: the session and its history, oldest first (a turn's deltas included). */
export const historyBody = (): string => {
  const perTurn = historyEvents / 10
  const events = Array.from({ length: historyEvents }, (_, i) => {
    const step = i % perTurn
    if (step === 0) return { type: "user_input", content: "What were the main findings in Q3?" }
    if (step === 1) return eventAt(10, 2_000)
    if (step === 2) return eventAt(11, 2_000)
    if (step === perTurn - 2) return { type: "text", content: "Revenue grew by 12 % in Q3." }
    if (step === perTurn - 1) return eventAt(1, 2)
    return eventAt(12 + (i % 900), 1_000_000)
  })
  return JSON.stringify({ ...ranSession(historySessionId, 10), events })
}

/**
 * The calls the request/response contenders make: create (the main figures), one page of the list,
 * and retrieve of a session with a long history.
 */
export type Operation = "create" | "listPage" | "retrieve"

export const operations: ReadonlyArray<Operation> = ["create", "listPage", "retrieve"]

/** An operation as plain HTTP, for the contenders that speak it. */
export const requestOf = (
  operation: Operation,
  baseUrl: string
): { readonly method: "GET" | "POST"; readonly url: string; readonly body?: string } => {
  switch (operation) {
    case "create":
      return { method: "POST", url: `${baseUrl}${createPath}`, body: JSON.stringify({ index_ids: indexIds }) }
    case "listPage":
      return { method: "GET", url: `${baseUrl}${createPath}?page_size=${pageSize}` }
    case "retrieve":
      return { method: "GET", url: `${baseUrl}${createPath}/${historySessionId}` }
  }
}
