/**
 * The fault matrices' runner, for both editions: plays a scenario (`matrix.ts`) over a real socket
 * against a local server of its own, through an edition's adapter, and observes everything the judge
 * reads. What depends on Effect — the local server, the client and its policies, the call — is the
 * adapter's (`Edition`); the order of things, the waits and the counts are here once. Node and
 * plain data: no Effect.
 */
import * as Http from "node:http"
import type { FaultPlan } from "../../../src/core/localServer/plan.js"
import type { Name } from "../../../src/core/operations.js"
import { API_KEY, keyLeaks } from "./key.js"
import {
  calls,
  createParams,
  defaultTurn,
  type EditionName,
  expectationFor,
  idleAllowed,
  leftoverProblems,
  LIST_PAGE_SIZE,
  type Observation,
  type Policies,
  policiesOf,
  problemsOf,
  type Scenario,
  type ServerOptions,
  type TransportName,
  type Turn
} from "./matrix.js"
import type { CallReport, Delivered } from "./outcome.js"
import { handleCounts, resourceMark, settled, unhandled } from "./resources.js"
import { record, toRow } from "./rows.js"

// -------------------------------------------------------------------------------------------------
// what an edition's adapter provides

/** A local server of the edition's testing module, read through promises. */
export interface MatrixServer {
  readonly url: string
  readonly setFaults: (plan: FaultPlan) => Promise<void>
  /** Requests received in full since start. */
  readonly requests: () => Promise<number>
  /** Sessions created since start (deleted ones included). */
  readonly sessions: () => Promise<number>
  /** The turns the session has run, or `undefined` once it is gone. */
  readonly turnsOf: (sessionId: string) => Promise<number | undefined>
  readonly openConnections: () => Promise<number>
  /** Whether every request handler has finished within `ms`. */
  readonly idle: (ms: number) => Promise<boolean>
  readonly handlerFailures: () => Promise<number>
  readonly close: () => Promise<void>
}

/** One call, as the runner asks an edition to make it. */
export interface CallRequest {
  readonly url: string
  readonly transport: TransportName
  readonly policies: Policies
  readonly operation: Name
  readonly sessionId: string
  readonly turn: Turn
  readonly createParams: typeof createParams
  readonly listPageSize: number
  /** Real time after which the call is a hang: it is reported as a bug, not waited on. */
  readonly hangMs: number
  /** Filled as the call hands things back: kept when it then fails. */
  readonly delivered: Delivered
  /** Run once the call has ended, while its client (and its connection pool) still lives. */
  readonly whileClientLives: () => Promise<void>
}

/** What a call left: its report, the client's count of attempts, the call's duration. */
export interface CallResult {
  readonly report: CallReport
  /** The edition's own exit, for a caller that keeps the error as a program would. */
  readonly exit: unknown
  /** `llamacloud.attempts` summed over the operation's spans; `undefined` when none carries it. */
  readonly attempts: number | undefined
  readonly elapsedMs: number
}

/** A transport as the runner knows it: its name, what a user provides, whether its pool lives with the layer. */
export interface TransportInfo {
  readonly name: TransportName
  readonly label: string
  readonly ownsPool: boolean
}

export interface Edition {
  readonly name: EditionName
  readonly transports: ReadonlyArray<TransportInfo>
  readonly startServer: (options: ServerOptions) => Promise<MatrixServer>
  /**
   * Builds a client for `request.url` over the transport with the policies, makes the call with
   * every log line and span recorded, runs `whileClientLives`, then closes the client.
   */
  readonly call: (request: CallRequest) => Promise<CallResult>
}

// -------------------------------------------------------------------------------------------------
// helpers

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Polls `check` every 5 ms for up to `ms`; returns its last value. A wait for a state, which returns
 * as soon as it holds: the limit only gives up on it. By default just under the local server's idle
 * keep-alive timeout (Node's 5 s), so that what the client left open is still seen open.
 */
export const pollUntil = async <A>(check: () => Promise<A>, done: (a: A) => boolean, ms = 4_500): Promise<A> => {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await check()
    if (done(value) || Date.now() > deadline) return value
    await sleep(5)
  }
}

/** A port on 127.0.0.1 with nothing listening: a server was started on it and closed. */
export const closedPort = (): Promise<number> =>
  new Promise((resolve) => {
    const probe = Http.createServer()
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      probe.close(() => resolve(port))
    })
  })

/** `f` over `items`, at most `limit` at a time, results in order. */
export const mapLimit = async <A, B>(
  items: ReadonlyArray<A>,
  limit: number,
  f: (a: A) => Promise<B>
): Promise<ReadonlyArray<B>> => {
  const results: Array<B> = new Array(items.length)
  let next = 0
  const lane = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await f(items[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane))
  return results
}

/** One session made with a bare `POST`, on a connection of its own that closes with the answer. */
export const createSession = (url: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const request = Http.request(`${url}/api/v1/chat`, {
      method: "POST",
      agent: false,
      headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json", connection: "close" }
    }, (response) => {
      let body = ""
      response.setEncoding("utf8")
      response.on("data", (chunk: string) => (body += chunk))
      response.on("end", () => {
        const json: unknown = JSON.parse(body)
        const id = typeof json === "object" && json !== null && "session_id" in json ? json.session_id : undefined
        if (typeof id === "string") resolve(id)
        else reject(new Error(`no session made: ${body}`))
      })
    })
    request.on("error", reject)
    request.end("{}")
  })

/**
 * Makes `count` sessions on the server, oldest first, each with a bare request on a connection that
 * closes with its answer (cheaper than a client of its own, and nothing left in any pool): the
 * server's connection and request counts are then the call's alone once it has seen them close.
 */
const prepare = async (server: MatrixServer, count: number): Promise<ReadonlyArray<string>> => {
  const ids: Array<string> = []
  for (let i = 0; i < count; i++) ids.push(await createSession(server.url))
  if (count > 0) await pollUntil(server.openConnections, (open) => open === 0)
  return ids
}

// -------------------------------------------------------------------------------------------------
// the runner

const HANG_MS = 15_000

/**
 * Plays `scenario` over `transport` against a local server of its own (holding the sessions the
 * operation needs, made beforehand by bare requests), and observes everything.
 */
export const run = async (edition: Edition, scenario: Scenario, transportName: TransportName): Promise<Observation> => {
  const transport = edition.transports.find((t) => t.name === transportName)!
  const call = calls[scenario.operation]
  const server = await edition.startServer(scenario.server ?? {})
  try {
    const sessionIds = await prepare(server, call.sessions)
    const first = sessionIds[0] ?? "ses-missing"
    const requestsBefore = await server.requests()
    const sessionsBefore = await server.sessions()
    // A fault that names no route is aimed at the operation's.
    await server.setFaults({ script: scenario.script(), route: call.route })
    const url = scenario.refused === true ? `http://127.0.0.1:${await closedPort()}` : server.url
    const idle = idleAllowed(expectationFor(scenario, edition.name, transport.name), call)

    let serverIdle = false
    let openWithClient = 0
    const delivered: Delivered = { events: [], items: [] }
    const result = await edition.call({
      url,
      transport: transport.name,
      policies: policiesOf(scenario.policy, scenario.timeout),
      operation: scenario.operation,
      sessionId: first,
      turn: scenario.turn ?? defaultTurn,
      createParams,
      listPageSize: LIST_PAGE_SIZE,
      hangMs: HANG_MS,
      delivered,
      whileClientLives: async () => {
        // Every fault handler ends only when its socket closes: idle means no connection was left hanging.
        serverIdle = await server.idle(10_000)
        openWithClient = await pollUntil(server.openConnections, (open) => open <= idle)
      }
    })
    const openWithoutClient = transport.ownsPool
      ? await pollUntil(server.openConnections, (open) => open === 0)
      : await server.openConnections()
    const serverRequests = (await server.requests()) - requestsBefore
    const acted = await actedAt(server, call.kind, first, sessionsBefore)
    return {
      scenario,
      edition: edition.name,
      transport,
      outcome: result.report.outcome,
      elapsedMs: result.elapsedMs,
      attempts: result.attempts,
      serverRequests,
      acted,
      delivered,
      serverIdle,
      openWithClient,
      openWithoutClient,
      handlerFailures: await server.handlerFailures(),
      keyLeaks: keyLeaks(result.report.texts),
      renderedPlaces: Object.keys(result.report.texts).length
    }
  } finally {
    await server.close()
  }
}

/**
 * What the server did for the call: sessions it created (create), turns it ran (a turn), whether it
 * deleted the session (delete: 1 or 0); reads do nothing.
 */
const actedAt = async (server: MatrixServer, kind: string, sessionId: string, sessionsBefore: number): Promise<number> => {
  switch (kind) {
    case "create":
      return (await server.sessions()) - sessionsBefore
    case "delete":
      return (await server.turnsOf(sessionId)) === undefined ? 1 : 0
    case "turn":
      return (await server.turnsOf(sessionId)) ?? 0
    default:
      return 0
  }
}

/**
 * Scenarios over every transport at once (each run against a server of its own), `concurrency`
 * scenarios at a time, then the process-wide check that nothing of them is left. Every observation
 * is recorded for the report, in the table `table`, before any is judged. Returns every broken
 * promise, said: a test expects none.
 */
export const scenarioProblems = async (
  edition: Edition,
  table: string,
  scenarios: ReadonlyArray<Scenario>,
  concurrency = Infinity
): Promise<ReadonlyArray<string>> => {
  const mark = resourceMark()
  const before = handleCounts()
  const unhandledBefore = unhandled.length
  const observations = (await mapLimit(
    scenarios,
    concurrency,
    (scenario) => Promise.all(edition.transports.map((transport) => run(edition, scenario, transport.name)))
  )).flat()
  const after = await settled(mark, before)
  observations.forEach((observation) => record(toRow(table)(observation)))
  return [
    ...observations.flatMap(problemsOf),
    ...leftoverProblems(scenarios.map((s) => `${s.operation}: ${s.id}`).join(", "), {
      before,
      after: after.counts,
      left: after.left,
      unhandled: unhandled.slice(unhandledBefore)
    })
  ]
}

/**
 * One create over each transport against a throwaway server. Node loads and compiles its fetch on
 * first use, blocking the event loop for a moment, and the first local server pays for the JIT:
 * neither belongs in a scenario's timing, so test files run this before their first scenario.
 */
export const warmUp = async (edition: Edition): Promise<void> => {
  for (const transport of edition.transports) {
    const server = await edition.startServer({})
    await edition.call({
      url: server.url,
      transport: transport.name,
      policies: policiesOf("default"),
      operation: "create",
      sessionId: "ses-missing",
      turn: defaultTurn,
      createParams,
      listPageSize: LIST_PAGE_SIZE,
      hangMs: HANG_MS,
      delivered: { events: [], items: [] },
      whileClientLives: () => Promise.resolve()
    })
    await server.close()
  }
}
