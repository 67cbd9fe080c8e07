/**
 * Every operation meets every fault, over `NodeHttpClient.layerUndici` and `FetchHttpClient.layer`
 * on real sockets: one test per fault, in which each operation it applies to runs over both
 * transports at once, each run against a local server of its own. Faults one after another, so
 * that the process-wide check for stray sockets and timers belongs to one of them.
 */
import { afterEach, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { trackResources, transports, unhandled, warmUp } from "./harness.js"
import { scenarioTest } from "./matrix.js"
import { type FaultRow, rows, scenariosOf } from "./scenarios/operations.js"

trackResources()

beforeAll(() => Effect.runPromise(warmUp))

/** `success: list, retrieve; ServerError(500): create`: what each operation ends in. */
const outcomes = (scenarios: ReturnType<typeof scenariosOf>): string => {
  const byOutcome = new Map<string, Array<string>>()
  for (const s of scenarios) byOutcome.set(s.expect.outcome, [...(byOutcome.get(s.expect.outcome) ?? []), s.operation])
  return [...byOutcome.entries()].map(([outcome, operations]) => `${outcome}: ${operations.join(", ")}`).join("; ")
}

/**
 * Operations run at once, except where the outcome hangs on a short limit (two at a time) or on
 * reading a large body in time (one at a time): a dozen runs sharing two cores would test the
 * machine, not the client.
 */
const concurrencyOf = (row: FaultRow): number | "unbounded" =>
  row.id.startsWith("body-") && row.id.endsWith("mib") ? 1 : row.timeout !== undefined ? 2 : "unbounded"

describe(`every operation, every fault, over ${transports.map((t) => t.label).join(" and ")}`, () => {
  for (const row of rows) {
    const scenarios = scenariosOf(row)
    it.live(
      `${row.fault} [${row.policy}] → ${outcomes(scenarios)}`,
      () => scenarioTest("operations", scenarios, transports, concurrencyOf(row))
    )
  }

  // After every scenario, not as a test of its own: run alone, such a test would pass having seen
  // nothing. What one scenario leaves unhandled fails that scenario, and only that one.
  afterEach(() => {
    expect(unhandled.splice(0), "unhandled rejections or uncaught exceptions").toEqual([])
  })
})
