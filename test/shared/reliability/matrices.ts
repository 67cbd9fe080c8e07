/**
 * The fault matrices as the test files run them, for both editions: one test per create scenario,
 * per every-operation fault (each operation it applies to, side by side), and per broken event
 * stream. Each edition's test files (`test/reliability/{matrix,operations,streams}.test.ts`, and the
 * same under `effect4/`) turn these into tests through their adapter. Plain data: no Effect.
 */
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

/** Every operation, every fault: one test per fault, the operations it applies to side by side. */
export const operationsMatrix: ReadonlyArray<MatrixTest> = rows.map((row) => {
  const scenarios = scenariosOf(row)
  return { name: `${row.fault} [${row.policy}] → ${outcomesOf(scenarios)}`, table: "operations", scenarios, concurrency: concurrencyOf(row) }
})

/** A turn's event stream, broken: one test per scenario. */
export const streamsMatrix: ReadonlyArray<MatrixTest> = streamScenarios.map((scenario) => ({
  name: `${scenario.operation}: ${scenario.fault} [${scenario.policy}] → ${scenario.expect.outcome}`,
  table: "streams",
  scenarios: [scenario],
  concurrency: 1
}))
