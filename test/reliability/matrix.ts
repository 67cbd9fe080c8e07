/**
 * The fault matrix's machinery: what a scenario is (one fault met by one operation under one
 * policy, and the outcome the documented rules promise), the short real-time policies it runs
 * under, and the runner that plays a scenario over a real socket and checks everything the issues
 * ask of it. The scenarios themselves are data, in `scenarios/`. Longer than most modules: what a
 * scenario promises and the runner that checks every promise are read together.
 */
import { expect } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import type { SendMessageParams } from "../../src/ChatParams.js"
import type { LlamaCloudError } from "../../src/LlamaCloudError.js"
import { RetryPolicy } from "../../src/RetryPolicy.js"
import { TimeoutPolicy } from "../../src/TimeoutPolicy.js"
import { LocalServer } from "../../src/testing/node.js"
import { acted, before, type Call, calls, defaultTurn, type Delivered, type OperationName, prepare } from "./calls.js"
import {
  clientLayer,
  closedPort,
  handleCounts,
  keyLeaks,
  observe,
  outcomeOf,
  pollUntil,
  record,
  renderings,
  resourceMark,
  type Row,
  settledHandles,
  spanAttributeSum,
  type Transport,
  unhandled
} from "./harness.js"

// -------------------------------------------------------------------------------------------------
// policies: the documented rules, with durations short enough for real sockets

/** The default policy's rules (2 retries, only safe failures), with short waits. */
export const retryOptions = {
  baseDelay: "20 millis",
  maxDelay: "200 millis",
  jitter: 0.25,
  maxRetryAfter: "2 seconds"
} as const satisfies RetryPolicy.Options

/**
 * The per-attempt timeout of the timing scenarios: short and real. It also bounds the attempts
 * meant to succeed under it (a retry after a timeout, a list's later pages), so it leaves room for
 * a loaded machine: at 400 ms those failed under `stress --cpu 4`.
 */
export const perAttempt = 1_000
/** The limit as the client's errors say it (`Duration.format`). */
export const perAttemptText = Duration.format(Duration.millis(perAttempt))
export const short = { perAttempt: `${perAttempt} millis` } as const satisfies TimeoutPolicy.Options
/** The same, and as short an idle limit for a turn's events. */
export const shortWithIdle = { ...short, idle: `${perAttempt} millis` } as const satisfies TimeoutPolicy.Options
/**
 * The total deadline of the deadline scenarios: half a per-attempt limit after the first attempt's,
 * so that the second attempt has begun well before it and its own limit comes well after.
 */
export const deadline = 1.5 * perAttempt
/**
 * Everywhere else: long enough that no hiccup of a loaded machine passes for a timeout (at 2 s a
 * refused connection was once reported as a timeout under `stress --cpu 4`).
 */
export const relaxed = "10 seconds"

/** The smallest wait before retry `n` (0-based) under `retryOptions`: full jitter taken off. */
export const minBackoff = (retries: number): number => {
  let total = 0
  for (let n = 0; n < retries; n++) total += Math.min(20 * 2 ** n, 200) * (1 - 0.25)
  return total
}

export type PolicyName = "default" | "retryAmbiguous"

export const policyLabel = (policy: PolicyName, timeout: TimeoutPolicy.Options = {}): string => {
  const show = (d: Duration.DurationInput) => Duration.format(Duration.decode(d))
  const limits = [
    `perAttempt ${show(timeout.perAttempt ?? relaxed)}`,
    ...(timeout.idle === undefined ? [] : [`idle ${show(timeout.idle)}`]),
    ...(timeout.total === undefined ? [] : [`total ${show(timeout.total)}`])
  ].join(", ")
  return policy === "default" ? `default rules; ${limits}` : `retryAmbiguous; ${limits}`
}

// -------------------------------------------------------------------------------------------------
// scenarios

export type Group =
  | "connection"
  | "timing"
  | "rate limit"
  | "status"
  | "2xx body"
  | "client error"
  | "list pages"
  | "event stream"

export interface Expected {
  /** `success`, or the error's label: `ServerError(503)`, `NetworkError(ConnectionLost)`… */
  readonly outcome: string
  /** Attempts the client makes (summed over the call's spans: a listing has one per page). */
  readonly attempts: number
  /** Requests that reach the server (default: `attempts`). */
  readonly serverRequests?: number
  /** What the server did: sessions created, turns run, sessions deleted (see `calls.ts`). */
  readonly acted: number
  /**
   * The least the call can take, in ms: the waits the policy promises (backoff, Retry-After, a
   * timeout). A floor only: a loaded machine makes a call slower, never quicker, so this holds on
   * any machine; how much slower is the bench's business. A hang is caught by `HANG_MS`. Default 0.
   */
  readonly atLeastMs?: number
  /** Further checks on the error (detail, retryAfter, issues…). */
  readonly error?: (error: LlamaCloudError) => void
  /** Further checks on what the call handed its caller (events, sessions, the reply). */
  readonly delivered?: (delivered: Delivered) => void
  /**
   * Connections the server may still see open while the client lives (default: the idle keep-alive
   * ones the operation may leave, `Call.pooled`). 0 where the client must have closed its socket:
   * a stream it stopped reading.
   */
  readonly idleConnections?: number
  /**
   * An attempt is aborted mid-request (a timeout) and the call goes on to another. undici (under
   * both transports) opens a connection of its own as it tears the aborted one down; when the next
   * attempt follows at once, the pool may keep that one too: one more idle connection is allowed.
   * Raw undici does the same (three connections for an aborted request and its retry).
   */
  readonly retriesAnAbortedAttempt?: boolean
}

/** The idle connections the server may still see open after the call, while the client lives. */
const idleAllowed = (e: Expected, call: Call): number =>
  e.idleConnections ?? call.pooled + (e.retriesAnAbortedAttempt === true ? 1 : 0)

export interface Scenario {
  readonly id: string
  readonly group: Group
  /** What goes wrong, as the report says it. */
  readonly fault: string
  readonly operation: OperationName
  readonly policy: PolicyName
  readonly timeout?: TimeoutPolicy.Options
  /** Nothing listens at the URL. */
  readonly refused?: boolean
  readonly server?: LocalServer.Options
  /** The turn sent, for sendMessage and ask (default `defaultTurn`). */
  readonly turn?: SendMessageParams
  /** Built when the scenario starts (an HTTP date is relative to now). */
  readonly script: () => ReadonlyArray<LocalServer.Fault>
  readonly expect: Expected
  /** Where a transport documents a different outcome (the report says how they differ). */
  readonly differs?: { readonly [K in Transport["name"]]?: Expected }
}

/** What `scenario` must end in over `transport`. */
export const expectationFor = (scenario: Scenario, transport: Transport): Expected =>
  scenario.differs?.[transport.name] ?? scenario.expect

export const ok = (attempts: number, acted: number, atLeastMs = 0): Expected => ({
  outcome: "success",
  attempts,
  acted,
  atLeastMs
})

export const detailIs = (text: string | RegExp) => (error: LlamaCloudError) => {
  expect("detail" in error).toBe(true)
  if ("detail" in error) {
    if (typeof text === "string") expect(error.detail).toBe(text)
    else expect(error.detail).toMatch(text)
  }
}
export const problemMatches = (pattern: RegExp) => (error: LlamaCloudError) => {
  expect(error._tag).toBe("DecodeError")
  if (error._tag === "DecodeError") expect(error.problem).toMatch(pattern)
}
export const retryAfterIs = (ms: number) => (error: LlamaCloudError) => {
  expect("retryAfter" in error).toBe(true)
  if ("retryAfter" in error) expect(Option.map(error.retryAfter, Duration.toMillis)).toEqual(Option.some(ms))
}

/** The `detail` of an error, or for a ValidationError its issues' messages joined. */
export const detailOf = (error: LlamaCloudError): string =>
  error._tag === "ValidationError" ? error.issues.map((issue) => issue.message).join("; ") : "detail" in error ? error.detail : ""

// -------------------------------------------------------------------------------------------------
// the runner

/** Everything seen while one scenario ran over one transport. */
export interface Observation {
  readonly scenario: Scenario
  readonly transport: Transport
  readonly exit: Exit.Exit<unknown, unknown>
  readonly outcome: ReturnType<typeof outcomeOf>
  readonly elapsedMs: number
  /** Attempts as the client's spans report them. */
  readonly attempts: number | undefined
  /** Requests the server received for the call (those that prepared it not counted). */
  readonly serverRequests: number
  /** What the server did for the call. */
  readonly acted: number
  readonly delivered: Delivered
  /** Whether every request handler had finished within 10 s of the call's end. */
  readonly serverIdle: boolean
  /** Open connections at the server once it is idle, with the client still alive. */
  readonly openWithClient: number
  /** Open connections at the server once the client's layer is closed. */
  readonly openWithoutClient: number
  readonly handlerFailures: number
  readonly keyLeaks: ReadonlyArray<string>
  readonly renderedPlaces: number
}

/** What the process holds after a scenario, compared with before it. */
export interface Leftovers {
  /** Node's counts of sockets and servers before the scenario, and once it has settled. */
  readonly before: ReturnType<typeof handleCounts>
  readonly after: ReturnType<typeof handleCounts>
  /** Timers and TCP handles the scenario created that outlived it. */
  readonly left: ReadonlyArray<string>
  readonly unhandled: ReadonlyArray<unknown>
}

const HANG_MS = 15_000

/**
 * Plays `scenario` over `transport` against a local server of its own (holding the sessions the
 * operation needs, made beforehand by another client), and observes everything.
 */
export const run = (scenario: Scenario, transport: Transport): Effect.Effect<Observation> =>
  Effect.gen(function*() {
    const call: Call = calls[scenario.operation]
    const observed = observe()

    const serverScope = yield* Scope.make()
    const server = yield* Layer.buildWithScope(LocalServer.layer(scenario.server), serverScope).pipe(
      Effect.map(Context.get(LocalServer.LocalServer)),
      Effect.orDie
    )
    const prepared = yield* prepare(server, call.sessions)
    const was = yield* before(server)
    // A fault that names no route is aimed at the operation's.
    yield* server.setFaults({ script: scenario.script(), route: call.route })
    const url = scenario.refused === true ? `http://127.0.0.1:${yield* closedPort}` : server.url

    const policies = Layer.merge(
      RetryPolicy.layer({ ...retryOptions, retryAmbiguous: scenario.policy === "retryAmbiguous" }),
      TimeoutPolicy.layer({ perAttempt: relaxed, idle: relaxed, ...scenario.timeout })
    )
    const clientScope = yield* Scope.make()
    const client = yield* Layer.buildWithScope(clientLayer(url, transport.layer, policies), clientScope)

    const delivered: Delivered = { events: [], items: [] }
    const started = performance.now()
    const exit = yield* call.run(prepared, delivered, scenario.turn ?? defaultTurn).pipe(
      Effect.timeoutFail({ duration: HANG_MS, onTimeout: () => new Error(`no outcome within ${HANG_MS} ms: a hang`) }),
      Effect.provide(client),
      Effect.provide(observed.layer),
      Effect.exit
    )
    const elapsedMs = performance.now() - started

    // Every fault handler ends only when its socket closes: idle means no connection was left hanging.
    const serverIdle = yield* server.idle.pipe(Effect.timeout("10 seconds"), Effect.isSuccess)
    const idle = idleAllowed(expectationFor(scenario, transport), call)
    const openWithClient = (yield* pollUntil(server.connections, (c) => c.open <= idle)).open
    const serverRequests = (yield* server.requests).length - was.requests
    const didAct = yield* acted(call, server, prepared, was)
    const handlerFailures = (yield* server.handlerFailures).length

    yield* Scope.close(clientScope, Exit.void)
    const openWithoutClient = transport.ownsPool
      ? (yield* pollUntil(server.connections, (c) => c.open === 0)).open
      : (yield* server.connections).open
    yield* Scope.close(serverScope, Exit.void)

    const texts = renderings(exit, observed)
    return {
      scenario,
      transport,
      exit,
      outcome: outcomeOf(exit),
      elapsedMs,
      attempts: spanAttributeSum(observed.spans, `ChatService.${call.name}`, "llamacloud.attempts"),
      serverRequests,
      acted: didAct,
      delivered,
      serverIdle,
      openWithClient,
      openWithoutClient,
      handlerFailures,
      keyLeaks: keyLeaks(texts),
      renderedPlaces: Object.keys(texts).length
    }
  })

/**
 * Runs `effect`, then waits for the process to let go of everything it created; reports what is
 * left (timers, sockets, servers) and any unhandled rejection raised meanwhile.
 */
export const withLeftovers = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<[A, Leftovers], E, R> =>
  Effect.gen(function*() {
    const mark = resourceMark()
    const before = handleCounts()
    const unhandledBefore = unhandled.length
    const result = yield* effect
    const settled = yield* settledHandles(mark, before)
    return [result, { before, after: settled.counts, left: settled.left, unhandled: unhandled.slice(unhandledBefore) }]
  })

/** Asserts everything the issues ask of one scenario over one transport. */
export const verify = (o: Observation): void => {
  const e = expectationFor(o.scenario, o.transport)
  const call = calls[o.scenario.operation]
  const where = `${o.scenario.operation}: ${o.scenario.id} over ${o.transport.name}`
  // The outcome: exactly the documented one, never a defect or a hang.
  expect(o.outcome._tag, `${where}: ${o.outcome.label}`).not.toBe("Bug")
  expect(o.outcome.label, `${where}: outcome`).toBe(e.outcome)
  if (o.outcome._tag === "Failure" && e.error !== undefined) e.error(o.outcome.error)
  e.delivered?.(o.delivered)
  // Attempts, requests, and what the server did.
  expect(o.attempts, `${where}: attempts`).toBe(e.attempts)
  expect(o.serverRequests, `${where}: requests at the server`).toBe(e.serverRequests ?? e.attempts)
  expect(o.acted, `${where}: what the server did`).toBe(e.acted)
  // Whatever the row expects: under the default rules a create never makes two sessions and a
  // turn never runs twice.
  if (o.scenario.policy === "default" && (call.kind === "create" || call.kind === "turn")) {
    expect(o.acted, `${where}: duplicated under the default rules`).toBeLessThanOrEqual(1)
  }
  // The policy's waits were waited (a timer may fire a millisecond or so early on the host clock).
  expect(o.elapsedMs, `${where}: elapsed`).toBeGreaterThanOrEqual((e.atLeastMs ?? 0) - 5)
  // No connection left behind: the server's handlers are done, at most the expected idle
  // keep-alive connections remain while the client lives, none once a client that owns its pool
  // (undici) is closed.
  expect(o.serverIdle, `${where}: a request handler was still running 10 s after the call`).toBe(true)
  expect(o.openWithClient, `${where}: open connections with the client alive`).toBeLessThanOrEqual(idleAllowed(e, call))
  if (o.transport.ownsPool) expect(o.openWithoutClient, `${where}: open connections after the client closed`).toBe(0)
  expect(o.handlerFailures, `${where}: server handler failures`).toBe(0)
  // The key nowhere.
  expect(o.keyLeaks, `${where}: the API key leaked`).toEqual([])
}

/** Asserts the process is back where it was: no socket, server or timer left, no rejection unhandled. */
export const verifyLeftovers = (where: string, l: Leftovers): void => {
  expect(l.after.sockets, `${where}: sockets`).toBeLessThanOrEqual(l.before.sockets)
  expect(l.after.servers, `${where}: servers`).toBeLessThanOrEqual(l.before.servers)
  expect(l.left, `${where}: timers or sockets left behind`).toEqual([])
  expect(l.unhandled, `${where}: unhandled rejections`).toEqual([])
}

/**
 * How many of the scenario's first faults end an attempt before any 2xx can arrive (an error
 * status, a reset before the response): the requests a call may make before its answer begins.
 */
const endedBefore2xx = (scenario: Scenario): number => {
  const script = scenario.script()
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
    boundMinMs: Math.round(expectationFor(o.scenario, o.transport).atLeastMs ?? 0),
    openWithClient: o.openWithClient,
    renderedPlaces: o.renderedPlaces,
    eventsDelivered: o.delivered.events.length,
    itemsDelivered: o.delivered.items.length,
    attemptsEndedBefore2xx: endedBefore2xx(o.scenario),
    ...(o.outcome._tag === "Failure" ? { detail: o.outcome.error._tag === "DecodeError" ? o.outcome.error.problem : detailOf(o.outcome.error) } : {})
  },
  ...(o.outcome._tag === "Failure" ? { note: o.outcome.error.message } : {})
})

/**
 * Scenarios over every transport at once (each run against a server of its own), `concurrency`
 * scenarios at a time, then the process-wide check that nothing of them is left. Every observation
 * is recorded for the report, in the table `table`, before any is checked.
 */
export const scenarioTest = (
  table: string,
  scenarios: ReadonlyArray<Scenario>,
  over: ReadonlyArray<Transport>,
  concurrency: number | "unbounded" = "unbounded"
) =>
  Effect.map(
    withLeftovers(
      Effect.forEach(
        scenarios,
        (scenario) => Effect.forEach(over, (transport) => run(scenario, transport), { concurrency: "unbounded" }),
        { concurrency }
      )
    ),
    ([observations, leftovers]) => {
      observations.flat().forEach((observation) => record(toRow(table)(observation)))
      observations.flat().forEach(verify)
      verifyLeftovers(scenarios.map((s) => `${s.operation}: ${s.id}`).join(", "), leftovers)
    }
  )
