/**
 * Load, CI-sized (1 000 creates at concurrency 50; `npm run soak` runs 10 000 at 200): no failures,
 * connections reused rather than exhausted, heap growth bounded; with 10 % of answers 503, only the
 * documented outcomes (success after retrying, or ServerError 503 after 3 attempts). The figures are
 * recorded for the report; the assertions are about correctness, with generous resource bounds.
 */
import { afterAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { fetch, record, undici, unhandled } from "./harness.js"
import { type LoadReport, runLoad } from "./load.js"

const CALLS = 1_000
const CONCURRENCY = 50

const recordLoad = (report: LoadReport, id: string) =>
  record({
    table: "load",
    id,
    group: "load (CI)",
    fault: report.faultRate === 0 ? "none" : `${report.faultRate * 100} % of answers 503 (seeded)`,
    transport: report.transport,
    policy: "default rules, baseDelay 20 ms",
    outcome: Object.entries(report.outcomes).map(([label, n]) => `${label} ×${n}`).join(", "),
    attempts: null,
    serverRequests: report.serverRequests,
    sessions: report.sessions,
    elapsedMs: report.wallMs,
    figures: {
      calls: report.calls,
      concurrency: report.concurrency,
      callsPerSecond: report.callsPerSecond,
      p50Ms: report.latencyMs.p50,
      p99Ms: report.latencyMs.p99,
      connectionsTotal: report.connectionsTotal,
      connectionsMaxOpen: report.connectionsMaxOpen,
      heapGrowthMiB: report.heapGrowthMiB,
      undocumented: report.undocumented
    }
  })

const sum = (record: Readonly<Record<string, number>>, weight: (key: string) => number = () => 1) =>
  Object.entries(record).reduce((total, [key, n]) => total + n * weight(key), 0)

// The clean run over undici, the faulty one over fetch: each transport under load, in CI time.
// `npm run soak` runs both over both, ten times larger.
describe("load", () => {
  it.live(`${CALLS} creates at concurrency ${CONCURRENCY} over ${undici.label}: all succeed, one request and one session each`, () =>
    Effect.gen(function*() {
      const report = yield* runLoad({ transport: undici, calls: CALLS, concurrency: CONCURRENCY, faultRate: 0 })
      recordLoad(report, "undici-clean")
      expect(report.outcomes).toEqual({ success: CALLS })
      expect(report.attempts).toEqual({ 1: CALLS })
      expect(report.serverRequests).toBe(CALLS)
      expect(report.sessions).toBe(CALLS)
      // Connections are pooled: about one per concurrent call, not one per call.
      expect(report.connectionsTotal).toBeLessThanOrEqual(CONCURRENCY * 2)
      expect(report.connectionsMaxOpen).toBeLessThanOrEqual(CONCURRENCY * 2)
      expect(report.heapGrowthMiB).toBeLessThan(32)
    }))

  it.live(`${CALLS} creates with 10 % of answers 503 over ${fetch.label}: only the documented outcomes`, () =>
    Effect.gen(function*() {
      const report = yield* runLoad({ transport: fetch, calls: CALLS, concurrency: CONCURRENCY, faultRate: 0.1, seed: 7 })
      recordLoad(report, "fetch-503")
      expect(report.undocumented).toBe(0)
      expect(Object.keys(report.outcomes).every((label) => label === "success" || label === "ServerError(503)")).toBe(true)
      const successes = report.outcomes["success"] ?? 0
      expect(successes + (report.outcomes["ServerError(503)"] ?? 0)).toBe(CALLS)
      // Retries happened, and every attempt the client counted reached the server.
      expect(report.attempts["2"] ?? 0).toBeGreaterThan(0)
      expect(sum(report.attempts, Number)).toBe(report.serverRequests)
      // A 503 creates nothing: one session per success, none twice.
      expect(report.sessions).toBe(successes)
      expect(report.connectionsTotal).toBeLessThanOrEqual(CONCURRENCY * 2)
      expect(report.heapGrowthMiB).toBeLessThan(32)
    }))
})

afterAll(() => {
  expect(unhandled).toEqual([])
})
