/**
 * The JSON rows a reliability run records for the generated report (docs/reliability.md): one per
 * scenario and transport, appended to the file `RELIABILITY_ROWS` names. Plain data and Node: no
 * Effect, so that both editions' suites record the same rows.
 */
import { appendFileSync } from "node:fs"
import { expectationFor, type Observation, policyLabel } from "./matrix.js"

/** One line of the generated report. */
export interface Row {
  /** Which table: `matrix`, `operations`, `streams`, `sdk`, `interruption`, `load`, `memory`. */
  readonly table: string
  readonly id: string
  /** The `ChatService` operation called (`create`, `retrieve`, `sendMessage`…), where the table has several. */
  readonly operation?: string
  readonly group: string
  readonly fault: string
  readonly transport: string
  readonly policy: string
  readonly outcome: string
  /** Attempts the client made (its span), or `null` when unknown. */
  readonly attempts: number | null
  /** Requests the server received. */
  readonly serverRequests: number | null
  /**
   * What the server did: sessions created (create), turns run (sendMessage, ask), sessions deleted
   * (delete), 0 for reads.
   */
  readonly sessions: number | null
  readonly elapsedMs: number
  readonly note?: string
  readonly figures?: Readonly<Record<string, number | string>>
}

/** Appends `row` to the file named by `RELIABILITY_ROWS`, when it is set (JSON lines). */
export const record = (row: Row): void => {
  const file = process.env["RELIABILITY_ROWS"]
  if (file !== undefined && file !== "") appendFileSync(file, `${JSON.stringify(row)}\n`)
}

/**
 * How many of the scenario's first faults end an attempt before any 2xx can arrive (an error
 * status, a reset before the response): the requests a call may make before its answer begins.
 */
const endedBefore2xx = (o: Observation): number => {
  const script = o.scenario.script()
  const first2xx = script.findIndex((fault) => fault._tag !== "Status" && fault._tag !== "ResetBeforeResponse")
  return first2xx === -1 ? script.length : first2xx
}

export const toRow = (table: string) => (o: Observation): Row => ({
  table,
  id: o.scenario.id,
  operation: o.scenario.operation,
  group: o.scenario.group,
  fault: o.scenario.fault,
  transport: o.transport.label,
  policy: policyLabel(o.scenario.policy, o.scenario.timeout),
  outcome: o.outcome.label,
  attempts: o.attempts ?? null,
  serverRequests: o.serverRequests,
  sessions: o.acted,
  elapsedMs: Math.round(o.elapsedMs),
  figures: {
    boundMinMs: Math.round(expectationFor(o.scenario, o.edition, o.transport.name).atLeastMs ?? 0),
    openWithClient: o.openWithClient,
    renderedPlaces: o.renderedPlaces,
    eventsDelivered: o.delivered.events.length,
    itemsDelivered: o.delivered.items.length,
    attemptsEndedBefore2xx: endedBefore2xx(o),
    ...(o.outcome._tag === "Failure" ? { detail: o.outcome.error.problem ?? o.outcome.error.detail } : {})
  },
  ...(o.outcome._tag === "Failure" ? { note: o.outcome.error.message } : {})
})
