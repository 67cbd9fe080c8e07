/**
 * The retry policy's behaviour, one table per `describe` of both editions' test/retry.test.ts:
 * how often a call is attempted, how long it waits between attempts, which failures are retried and
 * which policy applies, each case a call in virtual time (see policyCall.ts).
 */
import {
  busy,
  created,
  exact,
  hangs,
  type PolicyCall,
  type Policies,
  type Reply,
  session,
  socketError,
  status,
  undecodable
} from "./policyCall.js"

/** A call whose first attempt gets `first` and whose retry, if any, succeeds. */
const firstFails = (first: Reply, policies: Policies = exact): Pick<PolicyCall, "replies" | "policies"> => ({
  replies: [first, session],
  policies
})

const ambiguousFirst = { retry: { jitter: 0, retryAmbiguous: true } } satisfies Policies

export const howManyAttempts: ReadonlyArray<PolicyCall> = [
  {
    name: "by default: the first and 2 retries, then the last error",
    replies: [busy],
    draw: 0,
    wakes: [500, 1_500],
    outcome: { fails: "ServerError", status: 503 },
    requests: 3
  },
  {
    name: "a retry that succeeds returns its session",
    replies: [busy, session],
    draw: 0,
    wakes: [500],
    outcome: created,
    requests: 2
  },
  {
    name: "RetryPolicy.disabled makes a single attempt",
    replies: [busy, session],
    policies: { retry: "disabled" },
    wakes: [],
    outcome: { fails: "ServerError", status: 503 },
    requests: 1
  },
  {
    name: "maxRetries sets the number of retries",
    replies: [busy],
    policies: { retry: { jitter: 0, maxRetries: 4 } },
    wakes: [500, 1_500, 3_500, 7_500],
    outcome: { fails: "ServerError", status: 503 },
    requests: 5
  }
]

export const waitsBetweenAttempts: ReadonlyArray<PolicyCall> = [
  {
    name: "are 500 ms, then 1000 ms, with no jitter",
    replies: [busy, busy, session],
    policies: exact,
    wakes: [500, 1_500],
    outcome: created,
    requests: 3
  },
  {
    name: "double up to the 8 s cap",
    replies: [busy],
    policies: { retry: { maxRetries: 6 } },
    draw: 0,
    // 500, 1000, 2000, 4000, 8000, then 8000 again rather than 16000.
    wakes: [500, 1_500, 3_500, 7_500, 15_500, 23_500],
    outcome: { fails: "ServerError", status: 503 },
    requests: 7
  },
  {
    name: "follow baseDelay and maxDelay when the policy sets them",
    replies: [busy],
    policies: { retry: { jitter: 0, maxRetries: 3, baseDelay: "3 seconds", maxDelay: "7 seconds" } },
    // 3 s, 6 s, then capped at 7 s.
    wakes: [3_000, 9_000, 16_000],
    outcome: { fails: "ServerError", status: 503 },
    requests: 4
  }
]

export const waitsTheServerAsksFor: ReadonlyArray<PolicyCall> = [
  {
    name: "retry-after-ms is honoured to the millisecond",
    ...firstFails(status(429, { "retry-after-ms": "1234" })),
    wakes: [1_234],
    outcome: created,
    requests: 2
  },
  {
    name: "Retry-After in seconds is honoured",
    ...firstFails(status(429, { "retry-after": "3" })),
    wakes: [3_000],
    outcome: created,
    requests: 2
  },
  {
    name: "Retry-After in decimal seconds is honoured to the millisecond, not replaced by the backoff",
    ...firstFails(status(429, { "retry-after": "1.5" })),
    wakes: [1_500],
    outcome: created,
    requests: 2
  },
  {
    name: "retry-after-ms of 1e303 is a wait beyond the cap: the error carrying it comes back at once",
    ...firstFails(status(429, { "retry-after-ms": "1e303" })),
    wakes: [],
    outcome: { fails: "RateLimitError", retryAfterMillis: 24 * 60 * 60 * 1_000 },
    requests: 1,
    endsAt: 0
  },
  {
    name: "retry-after-ms wins over Retry-After",
    ...firstFails(status(503, { "retry-after-ms": "250", "retry-after": "30" })),
    wakes: [250],
    // The 30 s of Retry-After is not waited for, nor anything between.
    neverWaitsUntil: [30_000],
    outcome: created,
    requests: 2,
    endsAt: 250
  },
  {
    name: "Retry-After as an HTTP date is the time until that date, on the Effect clock",
    // TestClock starts at the epoch, so a date 10 s after it is exactly 10 s away.
    ...firstFails(status(429, { "retry-after": new Date(10_000).toUTCString() })),
    wakes: [10_000],
    outcome: created,
    requests: 2
  },
  {
    name: "a wait beyond maxRetryAfter (60 s) is not slept: the RateLimitError carrying it comes back at once",
    ...firstFails(status(429, { "retry-after": "120" })),
    wakes: [],
    outcome: { fails: "RateLimitError", retryAfterMillis: 120_000 },
    requests: 1,
    endsAt: 0
  },
  {
    name: "a wait of exactly maxRetryAfter is slept",
    // A shorter attempt timeout keeps its own sleep away from the 60 s being waited for.
    ...firstFails(status(429, { "retry-after": "60" }), { ...exact, timeout: { perAttempt: "10 seconds" } }),
    wakes: [60_000],
    outcome: created,
    requests: 2
  },
  {
    name: "a longer maxRetryAfter lets a longer wait be slept",
    ...firstFails(status(429, { "retry-after": "120" }), { retry: { maxRetryAfter: "3 minutes" } }),
    wakes: [120_000],
    outcome: created,
    requests: 2
  }
]

export const shouldRetryHeader: ReadonlyArray<PolicyCall> = [
  {
    name: "true retries a 500, which is otherwise not retried",
    ...firstFails(status(500, { "x-should-retry": "true" })),
    wakes: [500],
    outcome: created,
    requests: 2
  },
  {
    name: "false stops a 503, which is otherwise retried",
    ...firstFails(status(503, { "x-should-retry": "false" })),
    wakes: [],
    outcome: { fails: "ServerError", status: 503 },
    requests: 1
  },
  {
    name: "does not raise the number of retries",
    replies: [status(500, { "x-should-retry": "true" })],
    policies: exact,
    wakes: [500, 1_500],
    outcome: { fails: "ServerError", status: 500 },
    requests: 3
  }
]

/** By default, failures where the server cannot have acted are retried. */
export const retriedByDefault: ReadonlyArray<PolicyCall> = ([
  ["408", status(408)],
  ["429", status(429)],
  ["503", status(503)],
  ["ECONNREFUSED", socketError("ECONNREFUSED")]
] as const).map(([name, reply]) => ({ name, ...firstFails(reply), wakes: [500], outcome: created, requests: 2 }))

/** Failures where the server may have acted, what each is, and an attempt that timed out as one of them. */
const ambiguous: ReadonlyArray<readonly [string, Reply, PolicyCall["outcome"]]> = [
  ["500", status(500), { fails: "ServerError", status: 500 }],
  ["502", status(502), { fails: "ServerError", status: 502 }],
  ["504", status(504), { fails: "ServerError", status: 504 }],
  ["ECONNRESET", socketError("ECONNRESET"), { fails: "NetworkError" }]
]

/** By default, failures where the server may have acted are not retried. */
export const ambiguousNotRetriedByDefault: ReadonlyArray<PolicyCall> = [
  ...ambiguous.map(([name, reply, outcome]) => ({ name, ...firstFails(reply), wakes: [], outcome, requests: 1 })),
  {
    name: "an attempt timeout",
    ...firstFails(hangs),
    wakes: [60_000],
    outcome: { fails: "NetworkError", reason: "AttemptTimeout" },
    requests: 1
  }
]

/** Failures that no retry can mend, and what each is. */
const final: ReadonlyArray<readonly [string, Reply, PolicyCall["outcome"]]> = [
  ["400", status(400), { fails: "ValidationError" }],
  ["401", status(401), { fails: "AuthError", status: 401 }],
  ["403", status(403), { fails: "AuthError", status: 403 }],
  ["404", status(404), { fails: "NotFoundError", status: 404 }],
  ["409", status(409), { fails: "ApiError", status: 409 }],
  ["422", status(422), { fails: "ValidationError" }],
  ["an undecodable 2xx", undecodable, { fails: "DecodeError" }]
]

/** Failures that no retry can mend are never retried, even with retryAmbiguous. */
export const neverRetried: ReadonlyArray<PolicyCall> = final.map(([name, reply, outcome]) => ({ name, ...firstFails(reply, ambiguousFirst), wakes: [], outcome, requests: 1 }))

/** With retryAmbiguous: true, failures where the server may have acted are retried. */
export const ambiguousRetriedWhenAllowed: ReadonlyArray<PolicyCall> = [
  ...ambiguous.map(([name, reply]) => ({ name, ...firstFails(reply, ambiguousFirst), wakes: [500], outcome: created, requests: 2 })),
  {
    name: "an attempt timeout",
    ...firstFails(hangs, ambiguousFirst),
    wakes: [60_000, 60_500],
    outcome: created,
    requests: 2
  }
]

export const whichPolicyApplies: ReadonlyArray<PolicyCall> = [
  {
    name: "a policy provided around one call wins over the one the service was built with",
    replies: [busy, session],
    policies: { retry: "disabled" },
    aroundCall: exact,
    wakes: [500],
    outcome: created,
    requests: 2
  },
  {
    name: "RetryPolicy.disabled around one call stops that call's retries",
    replies: [busy, session],
    policies: exact,
    aroundCall: { retry: "disabled" },
    wakes: [],
    outcome: { fails: "ServerError", status: 503 },
    requests: 1
  },
  {
    name: "the policy the service was built with applies to calls that provide none",
    replies: [status(500), session],
    policies: ambiguousFirst,
    wakes: [500],
    outcome: created,
    requests: 2
  }
]

export const totalDeadline: ReadonlyArray<PolicyCall> = [
  {
    name: "stops retrying when the next wait would pass it, returning the real error",
    replies: [busy],
    policies: { ...exact, timeout: { total: "1200 millis" } },
    // Attempts at 0 and 500 ms; a third at 1500 ms would be past the 1200 ms deadline.
    wakes: [500],
    outcome: { fails: "ServerError", status: 503 },
    requests: 2,
    endsAt: 500
  },
  {
    name: "provided around one call applies to that call",
    replies: [busy],
    policies: exact,
    aroundCall: { timeout: { total: "400 millis" } },
    wakes: [],
    outcome: { fails: "ServerError", status: 503 },
    requests: 1
  }
]

/** Each retry is logged at debug level with its attempt, reason and wait: `[level, attempt, reason, delayMs]`. */
export const retryLog: {
  readonly replies: ReadonlyArray<Reply>
  readonly policies: Policies
  readonly wakes: ReadonlyArray<number>
  readonly lines: Array<Array<string | number>>
  readonly names: string
} = {
  replies: [busy, socketError("ECONNREFUSED"), session],
  policies: exact,
  wakes: [500, 1_500],
  lines: [["DEBUG", 1, "ServerError(503)", 500], ["DEBUG", 2, "NetworkError(ConnectFailed)", 1000]],
  /** What every retry's message names. */
  names: "ChatService.create"
}
