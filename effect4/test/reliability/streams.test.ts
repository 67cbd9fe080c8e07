/**
 * The Effect 4 edition meets a turn's event stream broken
 * (test/shared/reliability/scenarios/streams.ts): the same scenarios, the same expected outcomes
 * and the same judge as the Effect 3 edition's test/reliability/streams.test.ts, through this
 * edition's adapter, over both transports on real sockets.
 */
import { afterEach, beforeAll, describe, expect, it } from "@effect/vitest"
import { streamsMatrix } from "../../../test/shared/reliability/matrices.js"
import { trackResources, unhandled } from "../../../test/shared/reliability/resources.js"
import { scenarioProblems, warmUp } from "../../../test/shared/reliability/runner.js"
import { edition, transports } from "./adapter.js"

trackResources()

beforeAll(() => warmUp(edition))

describe(`streams matrix over ${transports.map((t) => t.label).join(" and ")}`, () => {
  for (const test of streamsMatrix) {
    it(test.name, async () => expect(await scenarioProblems(edition, test.table, test.scenarios, test.concurrency)).toEqual([]), 60_000)
  }

  // After every test, not as a test of its own: what one leaves unhandled fails that one.
  afterEach(() => {
    expect(unhandled.splice(0), "unhandled rejections or uncaught exceptions").toEqual([])
  })
})
