/**
 * The timeout policy's behaviour over a server that never answers, for both editions'
 * test/timeout.test.ts: the per-attempt timeout and the total deadline, each case a call in virtual
 * time (see policyCall.ts). What needs a body that stalls or the live clock stays in each edition.
 */
import { created, hangs, type PolicyCall, session } from "./policyCall.js"

const ambiguousRetried = { jitter: 0, retryAmbiguous: true } as const

export const perAttemptTimeout: ReadonlyArray<PolicyCall> = [
  {
    name: "fires while waiting for the headers",
    replies: [hangs],
    policies: { timeout: { perAttempt: "2 seconds" } },
    wakes: [2_000],
    outcome: { fails: "NetworkError", reason: "AttemptTimeout", timeoutMillis: 2_000 },
    requests: 1
  },
  {
    name: "is 60 s by default",
    replies: [hangs],
    wakes: [60_000],
    outcome: { fails: "NetworkError", reason: "AttemptTimeout", timeoutMillis: 60_000 },
    requests: 1
  },
  {
    name: "starts again for each attempt",
    replies: [hangs, hangs, session],
    policies: { timeout: { perAttempt: "5 seconds" }, retry: ambiguousRetried },
    // Timeout at 5 s, wait 500 ms, second attempt times out at 10.5 s, wait 1 s, third succeeds.
    wakes: [5_000, 5_500, 10_500, 11_500],
    outcome: created,
    requests: 3
  },
  {
    name: "provided around one call wins over the one the service was built with",
    replies: [hangs],
    policies: { timeout: { perAttempt: "30 seconds" } },
    aroundCall: { timeout: { perAttempt: "1 second" } },
    wakes: [1_000],
    outcome: { fails: "NetworkError", reason: "AttemptTimeout", timeoutMillis: 1_000 },
    requests: 1
  }
]

export const totalDeadline: ReadonlyArray<PolicyCall> = [
  {
    name: "covers attempts and the waits between them",
    replies: [hangs],
    policies: { timeout: { perAttempt: "2 seconds", total: "3 seconds" }, retry: ambiguousRetried },
    // Attempt 1 times out at 2 s, waits 500 ms; attempt 2 starts at 2.5 s and is cut at 3 s.
    wakes: [2_000, 2_500, 3_000],
    outcome: { fails: "NetworkError", reason: "DeadlineExceeded", timeoutMillis: 3_000 },
    requests: 2
  },
  {
    name: "is unset by default: a call may retry past any time",
    replies: [hangs, hangs, session],
    policies: { retry: ambiguousRetried },
    wakes: [60_000, 60_500, 120_500, 121_500],
    outcome: created,
    requests: 3
  }
]
