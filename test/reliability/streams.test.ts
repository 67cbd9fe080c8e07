/**
 * A turn's event stream broken every way the local server can break it, over
 * `NodeHttpClient.layerUndici` and `FetchHttpClient.layer` at once: the outcome, the events the
 * caller got, one request and one turn at the server whatever the policy, the socket released.
 */
import { afterEach, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { trackResources, transports, unhandled, warmUp } from "./harness.js"
import { scenarioTest } from "./matrix.js"
import { scenarios } from "./scenarios/streams.js"

trackResources()

beforeAll(() => Effect.runPromise(warmUp))

describe(`a turn's event stream, broken, over ${transports.map((t) => t.label).join(" and ")}`, () => {
  for (const scenario of scenarios) {
    it.live(
      `${scenario.operation}: ${scenario.fault} [${scenario.policy}] → ${scenario.expect.outcome}`,
      () => scenarioTest("streams", [scenario], transports)
    )
  }

  // After every scenario, not as a test of its own: run alone, such a test would pass having seen
  // nothing. What one scenario leaves unhandled fails that scenario, and only that one.
  afterEach(() => {
    expect(unhandled.splice(0), "unhandled rejections or uncaught exceptions").toEqual([])
  })
})
