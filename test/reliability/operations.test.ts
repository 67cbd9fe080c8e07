/**
 * Every operation meets every fault (test/shared/reliability/scenarios/operations.ts, shared with
 * the Effect 4 edition), over `NodeHttpClient.layerUndici` and `FetchHttpClient.layer` on real
 * sockets: one test per fault, in which each operation it applies to runs over both transports at
 * once, each run against a local server of its own. Faults one after another, so that the
 * process-wide check for stray sockets and timers belongs to one of them.
 */
import { afterEach, beforeAll, describe, expect, it } from "@effect/vitest"
import { operationsMatrix } from "../shared/reliability/matrices.js"
import { scenarioProblems, warmUp } from "../shared/reliability/runner.js"
import { edition } from "./adapter.js"
import { trackResources, transports, unhandled } from "./harness.js"

trackResources()

beforeAll(() => warmUp(edition))

describe(`every operation, every fault, over ${transports.map((t) => t.label).join(" and ")}`, () => {
  for (const test of operationsMatrix) {
    it(test.name, async () => expect(await scenarioProblems(edition, test.table, test.scenarios, test.concurrency)).toEqual([]))
  }

  // After every scenario, not as a test of its own: run alone, such a test would pass having seen
  // nothing. What one scenario leaves unhandled fails that scenario, and only that one.
  afterEach(() => {
    expect(unhandled.splice(0), "unhandled rejections or uncaught exceptions").toEqual([])
  })
})
