/**
 * The fault matrices as the test files run them, for both editions: one test per create scenario,
 * per every-operation fault (each operation it applies to, side by side), and per broken event
 * stream. Each edition's test files (`test/reliability/{matrix,operations,streams}.test.ts`, and the
 * same under `effect4/`) turn these into tests through their adapter. Plain data: no Effect.
 */
import { routeNames } from "../../../src/core/operations.js"
import type { Scenario } from "./matrix.js"
import { scenarios as createScenarios } from "./scenarios/create.js"
import { concurrencyOf, outcomesOf, rows, scenariosOf } from "./scenarios/operations.js"
import { scenarios as streamScenarios } from "./scenarios/streams.js"

export interface MatrixTest {
  readonly name: string
  /** The report's table (`RELIABILITY_ROWS`). */
  readonly table: "matrix" | "operations" | "streams"
  readonly scenarios: ReadonlyArray<Scenario>
  /** Scenarios at a time (each over both transports at once). */
  readonly concurrency: number
}

/** Create in depth: one test per scenario. */
export const createMatrix: ReadonlyArray<MatrixTest> = createScenarios.map((scenario) => ({
  name: `${scenario.fault} [${scenario.policy}] → ${scenario.expect.outcome}`,
  table: "matrix",
  scenarios: [scenario],
  concurrency: 1
}))

const operationsTests = (keep: (scenario: Scenario) => boolean): ReadonlyArray<MatrixTest> =>
  rows.flatMap((row) => {
    const scenarios = scenariosOf(row).filter(keep)
    return scenarios.length === 0 ? [] : [{
      name: `${row.fault} [${row.policy}] → ${outcomesOf(scenarios)}`,
      table: "operations" as const,
      scenarios,
      concurrency: concurrencyOf(row)
    }]
  })

/** Every operation, every fault: one test per fault, the operations it applies to side by side. */
export const operationsMatrix: ReadonlyArray<MatrixTest> = operationsTests(() => true)

const sendsItsOwnRequest = (scenario: Scenario): boolean => routeNames.some((name) => name === scenario.operation)

/**
 * The every-operation matrix as the Effect 4 edition runs it, to keep its suite's time: every fault,
 * over the operations whose requests the server tells apart (create, list, retrieve, getSummary,
 * delete, sendMessage). `listPage` and `ask` send `list`'s and `sendMessage`'s requests and read
 * them through the same engine; `ask` meets every broken event stream in the streams matrix, on
 * both editions.
 */
export const operationsMatrixOnEffect4: ReadonlyArray<MatrixTest> = operationsTests(sendsItsOwnRequest)

/** A turn's event stream, broken: one test per scenario. */
export const streamsMatrix: ReadonlyArray<MatrixTest> = streamScenarios.map((scenario) => ({
  name: `${scenario.operation}: ${scenario.fault} [${scenario.policy}] → ${scenario.expect.outcome}`,
  table: "streams",
  scenarios: [scenario],
  concurrency: 1
}))
