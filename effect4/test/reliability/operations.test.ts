/**
 * The Effect 4 edition meets every operation meeting every fault
 * (test/shared/reliability/scenarios/operations.ts): the same scenarios, the same expected outcomes
 * and the same judge as the Effect 3 edition's test/reliability/operations.test.ts, through this
 * edition's adapter, over both transports on real sockets. Every fault, over the operations that
 * send requests of their own (`operationsMatrixOnEffect4` says why `listPage` and `ask` are left
 * to the Effect 3 edition's run of this matrix), to keep this suite's time.
 */
import { afterEach, beforeAll, describe, expect, it } from "@effect/vitest"
import { operationsMatrixOnEffect4 as operationsMatrix } from "../../../test/shared/reliability/matrices.js"
import { trackResources, unhandled } from "../../../test/shared/reliability/resources.js"
import { scenarioProblems, warmUp } from "../../../test/shared/reliability/runner.js"
import { edition, transports } from "./adapter.js"

trackResources()

beforeAll(() => warmUp(edition))

describe(`operations matrix over ${transports.map((t) => t.label).join(" and ")}`, () => {
  for (const test of operationsMatrix) {
    it(test.name, async () => expect(await scenarioProblems(edition, test.table, test.scenarios, test.concurrency)).toEqual([]), 60_000)
  }

  // After every test, not as a test of its own: what one leaves unhandled fails that one.
  afterEach(() => {
    expect(unhandled.splice(0), "unhandled rejections or uncaught exceptions").toEqual([])
  })
})
