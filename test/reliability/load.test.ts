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
import { CALLS, checkClean, checkFaulty, CONCURRENCY, FAULT_RATE, SEED } from "../shared/reliability/load.js"

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

// The clean run over undici, the faulty one over fetch: each transport under load, in CI time.
// `npm run soak` runs both over both, ten times larger.
describe("load", () => {
  it.live(`${CALLS} creates at concurrency ${CONCURRENCY} over ${undici.label}: all succeed, one request and one session each`, () =>
    Effect.gen(function*() {
      const report = yield* runLoad({ transport: undici, calls: CALLS, concurrency: CONCURRENCY, faultRate: 0 })
      recordLoad(report, "undici-clean")
      checkClean(report)
    }))

  it.live(`${CALLS} creates with 10 % of answers 503 over ${fetch.label}: only the documented outcomes`, () =>
    Effect.gen(function*() {
      const report = yield* runLoad({ transport: fetch, calls: CALLS, concurrency: CONCURRENCY, faultRate: FAULT_RATE, seed: SEED })
      recordLoad(report, "fetch-503")
      checkFaulty(report)
    }))
})

afterAll(() => {
  expect(unhandled).toEqual([])
})
