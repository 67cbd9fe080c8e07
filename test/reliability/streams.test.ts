/**
 * A turn's event stream broken every way the local server can break it
 * (test/shared/reliability/scenarios/streams.ts, shared with the Effect 4 edition), over
 * `NodeHttpClient.layerUndici` and `FetchHttpClient.layer` at once: the outcome, the events the
 * caller got, one request and one turn at the server whatever the policy, the socket released.
 */
import { afterEach, beforeAll, describe, expect, it } from "@effect/vitest"
import { streamsMatrix } from "../shared/reliability/matrices.js"
import { scenarioProblems, warmUp } from "../shared/reliability/runner.js"
import { edition } from "./adapter.js"
import { trackResources, transports, unhandled } from "./harness.js"

trackResources()

beforeAll(() => warmUp(edition))

describe(`a turn's event stream, broken, over ${transports.map((t) => t.label).join(" and ")}`, () => {
  for (const test of streamsMatrix) {
    it(test.name, async () => expect(await scenarioProblems(edition, test.table, test.scenarios, test.concurrency)).toEqual([]))
  }

  // After every scenario, not as a test of its own: run alone, such a test would pass having seen
  // nothing. What one scenario leaves unhandled fails that scenario, and only that one.
  afterEach(() => {
    expect(unhandled.splice(0), "unhandled rejections or uncaught exceptions").toEqual([])
  })
})
