/**
 * A load run as both editions measure and judge it: what a run reports, which outcomes the default
 * policy documents, how the figures are read from the raw measurements, and what the CI-sized runs
 * must show. Each edition's `load.ts` drives the creates with its own Effect and hands the raw
 * measurements here.
 */
import * as assert from "node:assert/strict"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"

/** The CI-sized runs: `npm run soak` runs ten times as many at a higher concurrency. */
export const CALLS = 1_000
export const CONCURRENCY = 50

/** How the local server answers during a run, and with what policies the client calls it. */
export const SEED = 7
export const FAULT_RATE = 0.1
export const policies = {
  retry: { baseDelay: "20 millis", maxDelay: "200 millis" },
  timeout: { perAttempt: "20 seconds" }
} as const

export interface LoadReport {
  readonly transport: string
  readonly server: "in-process" | "child process"
  readonly calls: number
  readonly concurrency: number
  readonly faultRate: number
  readonly wallMs: number
  readonly callsPerSecond: number
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number }
  /** Calls by outcome label (`success`, `ServerError(503)`, …). */
  readonly outcomes: Readonly<Record<string, number>>
  /** Calls by number of attempts. */
  readonly attempts: Readonly<Record<string, number>>
  /** Calls whose outcome is not a documented one for this run (see `documented`). */
  readonly undocumented: number
  readonly serverRequests: number
  readonly sessions: number
  /** TCP connections the server accepted over the run, and the most open at once. */
  readonly connectionsTotal: number
  readonly connectionsMaxOpen: number
  /** Heap + array buffers after a full collection, before the run (after a warm-up) and after it. */
  readonly heapBeforeMiB: number
  readonly heapAfterMiB: number
  readonly heapGrowthMiB: number
  readonly rssAfterMiB: number
}

/** What the default policy documents for one call: 503 is retried twice, then returned. */
export const documented = (label: string, attempts: number, faultRate: number): boolean =>
  faultRate === 0
    ? label === "success" && attempts === 1
    : (label === "success" && attempts >= 1 && attempts <= 3) || (label === "ServerError(503)" && attempts === 3)

/** Each finished create's outcome and attempts, counted as a run goes (a run must not hold its spans). */
export const tally = (faultRate: number) => {
  const outcomes: Record<string, number> = {}
  const attempts: Record<string, number> = {}
  let undocumented = 0
  return {
    outcomes,
    attempts,
    undocumented: () => undocumented,
    add: (label: string, attemptCount: number): void => {
      outcomes[label] = (outcomes[label] ?? 0) + 1
      attempts[attemptCount] = (attempts[attemptCount] ?? 0) + 1
      if (!documented(label, attemptCount, faultRate)) undocumented++
    }
  }
}

setFlagsFromString("--expose-gc")
const gc = runInNewContext("gc") as () => void

const MiB = 1024 * 1024

/** Heap and array buffers after two full collections, in bytes. */
export const memory = (): number => {
  gc()
  gc()
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits

const percentile = (sorted: Float64Array, p: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0

/** What a run measured, before it is read into a report. */
export interface Measured {
  readonly transport: string
  readonly server: LoadReport["server"]
  readonly calls: number
  readonly concurrency: number
  readonly faultRate: number
  readonly wallMs: number
  /** Each call's latency in milliseconds, by call. */
  readonly latencies: Float64Array
  readonly tally: ReturnType<typeof tally>
  readonly serverRequests: number
  readonly sessions: number
  readonly connectionsTotal: number
  readonly connectionsMaxOpen: number
  /** `memory()` before the run and after it. */
  readonly heapBefore: number
  readonly heapAfter: number
}

export const reportOf = (m: Measured): LoadReport => {
  const latencies = m.latencies.slice().sort()
  return {
    transport: m.transport,
    server: m.server,
    calls: m.calls,
    concurrency: m.concurrency,
    faultRate: m.faultRate,
    wallMs: Math.round(m.wallMs),
    callsPerSecond: Math.round(m.calls / (m.wallMs / 1000)),
    latencyMs: {
      p50: round(percentile(latencies, 0.5)),
      p99: round(percentile(latencies, 0.99)),
      max: round(latencies[latencies.length - 1] ?? 0)
    },
    outcomes: m.tally.outcomes,
    attempts: m.tally.attempts,
    undocumented: m.tally.undocumented(),
    serverRequests: m.serverRequests,
    sessions: m.sessions,
    connectionsTotal: m.connectionsTotal,
    connectionsMaxOpen: m.connectionsMaxOpen,
    heapBeforeMiB: round(m.heapBefore / MiB),
    heapAfterMiB: round(m.heapAfter / MiB),
    heapGrowthMiB: round((m.heapAfter - m.heapBefore) / MiB),
    rssAfterMiB: round(process.memoryUsage().rss / MiB)
  }
}

const sum = (record: Readonly<Record<string, number>>, weight: (key: string) => number = () => 1) =>
  Object.entries(record).reduce((total, [key, n]) => total + n * weight(key), 0)

/** A clean run: every create succeeds at its first attempt, one request and one session each. */
export const checkClean = (report: LoadReport): void => {
  assert.deepEqual(report.outcomes, { success: report.calls })
  assert.deepEqual(report.attempts, { 1: report.calls })
  assert.equal(report.serverRequests, report.calls)
  assert.equal(report.sessions, report.calls)
  // Connections are pooled: about one per concurrent call, not one per call.
  assert.ok(report.connectionsTotal <= report.concurrency * 2, `${report.connectionsTotal} connections`)
  assert.ok(report.connectionsMaxOpen <= report.concurrency * 2, `${report.connectionsMaxOpen} open at once`)
  assert.ok(report.heapGrowthMiB < 32, `heap grew ${report.heapGrowthMiB} MiB`)
}

/** A run with a share of 503s: only the documented outcomes, every attempt at the server, no session twice. */
export const checkFaulty = (report: LoadReport): void => {
  assert.equal(report.undocumented, 0)
  assert.deepEqual(Object.keys(report.outcomes).filter((label) => label !== "success" && label !== "ServerError(503)"), [])
  const successes = report.outcomes["success"] ?? 0
  assert.equal(successes + (report.outcomes["ServerError(503)"] ?? 0), report.calls)
  // Retries happened, and every attempt the client counted reached the server.
  assert.ok((report.attempts["2"] ?? 0) > 0, "no call was retried")
  assert.equal(sum(report.attempts, Number), report.serverRequests)
  // A 503 creates nothing: one session per success, none twice.
  assert.equal(report.sessions, successes)
  assert.ok(report.connectionsTotal <= report.concurrency * 2, `${report.connectionsTotal} connections`)
  assert.ok(report.heapGrowthMiB < 32, `heap grew ${report.heapGrowthMiB} MiB`)
}
