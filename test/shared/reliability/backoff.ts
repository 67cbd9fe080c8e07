/**
 * The default retry policy's documented seconds, for both editions' virtual-time suites
 * (test/reliability/backoff.test.ts and its Effect 4 copy): the failures a server may send that are
 * safe to retry, and what the policy must do with any run of them — the waits between attempts are
 * `min(0.5 s × 2^n, 8 s)` minus at most 25 %, at most 3 attempts are made, and a server's wait is
 * slept exactly when it is within the 60 s cap and not at all beyond it. Each edition plays them
 * with its mock transport on its `TestClock` and hands the waits and the outcome to the judges here.
 * Plain data: no Effect.
 */
import type { MockAnswer } from "./mockAnswer.js"

/** The session a call gets once the failures are over. */
export const session: MockAnswer = { status: 200, json: { session_id: "ses-1", last_updated_at: "2026-04-22T12:34:41.342245" } }

/** A failure after which the server cannot have acted, as the server sends it, and the outcome it becomes. */
export interface SafeFailure {
  readonly label: string
  readonly answer: MockAnswer
}

export const safeFailures: ReadonlyArray<SafeFailure> = [
  { label: "ServerError(503)", answer: { status: 503, json: { detail: "busy" } } },
  { label: "RateLimitError(429)", answer: { status: 429, json: { detail: "slow down" } } },
  { label: "ApiError(408)", answer: { status: 408, json: { detail: "timeout" } } },
  { label: "NetworkError(ConnectFailed)", answer: { socketError: "ECONNREFUSED" } },
  { label: "ServerError(500)", answer: { status: 500, json: { detail: "boom" }, headers: { "x-should-retry": "true" } } }
]

/** Runs of safe failures: up to this many before the session. */
export const MAX_FAILURES = 5
/** Generated runs of failures per test. */
export const FAILURE_RUNS = 60

/** The answers a call meets: the failures, then the session. */
export const answersFor = (failures: ReadonlyArray<SafeFailure>): ReadonlyArray<MockAnswer> => [
  ...failures.map((failure) => failure.answer),
  session
]

/** The attempt timeout is a sleep on the same clock: an hour keeps it apart from every retry wait. */
export const PER_ATTEMPT_MS = 3_600_000

/** Whether a pending sleep ending at `at` is a retry wait, not the attempt timeout, seen at `now`. */
export const isRetryWait = (now: number) => (at: number): boolean => at >= now && at < now + PER_ATTEMPT_MS - 600_000

/**
 * What the policy must have done after `failures`: one wait per retry (two at most), each
 * `min(0.5 s × 2^n, 8 s)` minus at most 25 %, and the third failure returned when there were three
 * or more, else the session.
 */
export const waitsProblems = (
  failures: ReadonlyArray<SafeFailure>,
  waits: ReadonlyArray<number>,
  outcome: string
): ReadonlyArray<string> => {
  const problems: Array<string> = []
  const retries = Math.min(failures.length, 2)
  if (waits.length !== retries) problems.push(`${waits.length} waits, ${retries} expected: ${JSON.stringify(waits)}`)
  waits.forEach((wait, n) => {
    const base = Math.min(500 * 2 ** n, 8_000)
    if (wait < base * 0.75 || wait > base) problems.push(`wait ${n + 1} is ${wait} ms, not within ${base * 0.75}–${base} ms`)
  })
  const expected = failures.length <= 2 ? "success" : failures[2]!.label
  if (outcome !== expected) problems.push(`ended in ${outcome}, ${expected} expected`)
  return problems
}

/** The `Retry-After` seconds the cap test generates from: any up to three minutes, and the cap's edges. */
export const RETRY_AFTER = { min: 0, max: 180, edges: [0, 59, 60, 61] } as const
/** Generated `Retry-After` values per test. */
export const RETRY_AFTER_RUNS = 40
/** The default policy's cap on a server's wait. */
const CAP_SECONDS = 60

/** A 429 asking for `seconds`, then the session. */
export const rateLimited = (seconds: number): ReadonlyArray<MockAnswer> => [
  { status: 429, json: { detail: "slow down" }, headers: { "retry-after": String(seconds) } },
  session
]

/**
 * A `Retry-After` within the cap is slept exactly, once (a zero wait completes without the clock
 * moving), and the call then succeeds; beyond it, the 429 comes back at once.
 */
export const retryAfterProblems = (seconds: number, waits: ReadonlyArray<number>, outcome: string): ReadonlyArray<string> => {
  const within = seconds <= CAP_SECONDS
  const expectedWaits = within && seconds > 0 ? [seconds * 1000] : []
  const expectedOutcome = within ? "success" : "RateLimitError(429)"
  return [
    ...(JSON.stringify(waits) === JSON.stringify(expectedWaits)
      ? []
      : [`waits ${JSON.stringify(waits)}, ${JSON.stringify(expectedWaits)} expected`]),
    ...(outcome === expectedOutcome ? [] : [`ended in ${outcome}, ${expectedOutcome} expected`])
  ]
}
