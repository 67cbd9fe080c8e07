/**
 * The fault matrices as plain data, for both editions: what a scenario is (one fault met by one
 * operation under one policy, and the outcome the documented rules promise), the short real-time
 * policies it runs under, each operation as the matrices call it, and the judge that reads what an
 * edition's adapter observed and says what broke a promise. The scenarios themselves are in
 * `scenarios/`; the runner that plays them on real sockets is `runner.ts`. No Effect: both editions
 * meet the same scenarios and the same judge. Long: what a scenario promises and the judge of every
 * promise are read together.
 */
import type { Fault } from "../../../src/core/localServer/faults.js"
import { type Name, names, routeOf, type RouteName, routes } from "../../../src/core/operations.js"
import type { Delivered, EventFacts, Outcome } from "./outcome.js"

// -------------------------------------------------------------------------------------------------
// policies: the documented rules, with durations short enough for real sockets

/** The default policy's rules (2 retries, only safe failures), with short waits; durations in ms. */
export const retryOptions = { baseDelayMs: 20, maxDelayMs: 200, jitter: 0.25, maxRetryAfterMs: 2_000 } as const

/**
 * The per-attempt timeout of the timing scenarios: short and real. It also bounds the attempts
 * meant to succeed under it (a retry after a timeout, a list's later pages), so it leaves room for
 * a loaded machine: at 400 ms those failed under `stress --cpu 4`.
 */
export const perAttempt = 1_000

/** A duration as Effect's `Duration.format` writes it (`1s`, `1s 500ms`): as the client's errors say it. */
export const formatMs = (ms: number): string => {
  if (ms === 0) return "0"
  const parts: Array<string> = []
  const units: ReadonlyArray<readonly [string, number]> = [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1_000]]
  let rest = ms
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size)
    if (n > 0) parts.push(`${n}${unit}`)
    rest -= n * size
  }
  if (rest > 0) parts.push(`${rest}ms`)
  return parts.join(" ")
}

/** The limit as the client's errors say it. */
export const perAttemptText = formatMs(perAttempt)

/** A scenario's limits, in ms; an unset one is `relaxed` (`total`: none). */
export interface Timeouts {
  readonly perAttempt?: number
  readonly idle?: number
  readonly total?: number
}

export const short: Timeouts = { perAttempt }
/** The same, and as short an idle limit for a turn's events. */
export const shortWithIdle: Timeouts = { perAttempt, idle: perAttempt }
/**
 * The total deadline of the deadline scenarios: half a per-attempt limit after the first attempt's,
 * so that the second attempt has begun well before it and its own limit comes well after.
 */
export const deadline = 1.5 * perAttempt
/**
 * Everywhere else: long enough that no hiccup of a loaded machine passes for a timeout (at 2 s a
 * refused connection was once reported as a timeout under `stress --cpu 4`).
 */
export const relaxed = 10_000

/** The smallest wait before retry `n` (0-based) under `retryOptions`: full jitter taken off. */
export const minBackoff = (retries: number): number => {
  let total = 0
  for (let n = 0; n < retries; n++) {
    total += Math.min(retryOptions.baseDelayMs * 2 ** n, retryOptions.maxDelayMs) * (1 - retryOptions.jitter)
  }
  return total
}

export type PolicyName = "default" | "retryAmbiguous"

/** What each edition's adapter builds its `RetryPolicy` and `TimeoutPolicy` layers from. */
export interface Policies {
  readonly retryAmbiguous: boolean
  /** Default: `RetryPolicy`'s own (2). */
  readonly maxRetries?: number
  readonly perAttemptMs: number
  readonly idleMs: number
  readonly totalMs?: number
}

export const policiesOf = (policy: PolicyName, timeout: Timeouts = {}): Policies => ({
  retryAmbiguous: policy === "retryAmbiguous",
  perAttemptMs: timeout.perAttempt ?? relaxed,
  idleMs: timeout.idle ?? relaxed,
  ...(timeout.total === undefined ? {} : { totalMs: timeout.total })
})

export const policyLabel = (policy: PolicyName, timeout: Timeouts = {}): string => {
  const limits = [
    `perAttempt ${formatMs(timeout.perAttempt ?? relaxed)}`,
    ...(timeout.idle === undefined ? [] : [`idle ${formatMs(timeout.idle)}`]),
    ...(timeout.total === undefined ? [] : [`total ${formatMs(timeout.total)}`])
  ].join(", ")
  return policy === "default" ? `default rules; ${limits}` : `retryAmbiguous; ${limits}`
}

// -------------------------------------------------------------------------------------------------
// the operations, as the matrices call them

/**
 * How the retry rules treat an operation (docs/retries-and-timeouts.md, docs/conversations.md),
 * read from its retry class and answer in the table of operations:
 * - `create` (acts, JSON): retried only where the server cannot have acted;
 * - `read` (safe: list, listPage, retrieve, getSummary) and `delete`: ambiguous failures retried
 *   too; a delete's 404 after an ambiguous attempt is its success;
 * - `turn` (acts, events: sendMessage, ask): retried only before the response headers, never after
 *   a 2xx.
 */
export type Kind = "create" | "read" | "delete" | "turn"

const kindOf = (name: Name): Kind => {
  const { answerKind, notFoundAfterAmbiguousIsSuccess, retry } = routes[name]
  if (retry === "acts") return answerKind === "EventStream" ? "turn" : "create"
  return notFoundAfterAmbiguousIsSuccess ? "delete" : "read"
}

/** The list reads pages of 2 over 3 sessions: two pages, so that a fault can meet either. */
export const LIST_PAGE_SIZE = 2

/** The create every scenario sends. */
export const createParams = { indexIds: ["idx-reliability"] } as const

/** A turn's parameters, as both editions' `sendMessage` takes them. */
export interface Turn {
  readonly prompt: string
  readonly indexIds: ReadonlyArray<string>
  readonly requireAllIndexes?: boolean
}

/** The turn every scenario sends unless it says otherwise: short, so that a dripped turn is quick. */
export const defaultTurn: Turn = { prompt: "hi", indexIds: ["idx-reliability"] }

export interface Call {
  readonly name: Name
  /** The local server's route for its requests, where a fault that names none is aimed. */
  readonly route: RouteName
  readonly kind: Kind
  /** Sessions the server must hold before the call. */
  readonly sessions: number
  /** Requests a successful call makes after the one a fault meets: the list's second page. */
  readonly requestsAfter: number
  /**
   * Idle keep-alive connections the call may leave in its transport's pool. One, except for the
   * list: its second page is asked for the moment the first is read, before the transport has
   * handed the first page's connection back, so both transports open a second one.
   */
  readonly pooled: number
}

const sessionsFor = (name: Name): number => name === "create" ? 0 : name === "list" ? 3 : 1

export const calls: { readonly [K in Name]: Call } = Object.fromEntries(
  names.map((name): [Name, Call] => [name, {
    name,
    route: routeOf(name),
    kind: kindOf(name),
    sessions: sessionsFor(name),
    requestsAfter: name === "list" ? 1 : 0,
    pooled: name === "list" ? 2 : 1
  }])
) as { readonly [K in Name]: Call }

/** Every operation, in the table's order. */
export const operationNames: ReadonlyArray<Name> = names

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

/** What the error must say, beyond its label; each field set is checked. */
export interface ErrorCheck {
  /** `detail` (a `ValidationError`: its issues' messages joined with `; `). */
  readonly detail?: string | RegExp
  /** A `DecodeError`'s `problem`. */
  readonly problem?: RegExp
  readonly retryAfterMs?: number
  /** A `NetworkError`'s `timeout`: the limit that ended the call. */
  readonly timeoutMs?: number
  readonly bodyExcerpt?: string
  /** A `TurnError`'s `error`. */
  readonly turnError?: string
  readonly issuePaths?: ReadonlyArray<ReadonlyArray<string | number>>
}

/** An event at `index` (negative: from the end) with at least these facts. */
export interface EventAt {
  readonly index: number
  readonly is: EventFacts
}

/** What the call must have handed its caller; each field set is checked. */
export interface DeliveredCheck {
  /** The events' tags, in order, exactly. */
  readonly events?: ReadonlyArray<string>
  readonly eventAt?: EventAt
  /** The results handed back (list: one per session), exactly. */
  readonly items?: ReadonlyArray<"value" | "void">
  /** ask's reply. */
  readonly replyText?: string
  readonly replyEvents?: ReadonlyArray<string>
  readonly replyEventAt?: EventAt
}

export interface Expected {
  /** `success`, or the error's label: `ServerError(503)`, `NetworkError(ConnectionLost)`… */
  readonly outcome: string
  /** Attempts the client makes (summed over the call's spans: a listing has one per page). */
  readonly attempts: number
  /** Requests that reach the server (default: `attempts`). */
  readonly serverRequests?: number
  /** What the server did: sessions created, turns run, sessions deleted. */
  readonly acted: number
  /**
   * The least the call can take, in ms: the waits the policy promises (backoff, Retry-After, a
   * timeout). A floor only: a loaded machine makes a call slower, never quicker, so this holds on
   * any machine; how much slower is the bench's business. A hang is caught by `HANG_MS`. Default 0.
   */
  readonly atLeastMs?: number
  readonly error?: ErrorCheck
  readonly delivered?: DeliveredCheck
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

export type EditionName = "effect3" | "effect4"
export type TransportName = "undici" | "fetch"

/**
 * Where an edition or a transport documents another outcome than the scenario's: the first entry
 * whose edition and transport (each, where set) match wins; `why` says what differs and why.
 */
export interface Difference {
  readonly edition?: EditionName
  readonly transport?: TransportName
  readonly why: string
  readonly expect: Expected
}

/** The local server's options a scenario may set. */
export interface ServerOptions {
  readonly apiKeys?: ReadonlyArray<string>
}

export interface Scenario {
  readonly id: string
  readonly group: Group
  /** What goes wrong, as the report says it. */
  readonly fault: string
  readonly operation: Name
  readonly policy: PolicyName
  readonly timeout?: Timeouts
  /** Nothing listens at the URL. */
  readonly refused?: boolean
  readonly server?: ServerOptions
  /** The turn sent, for sendMessage and ask (default `defaultTurn`). */
  readonly turn?: Turn
  /** Built when the scenario starts (an HTTP date is relative to now). */
  readonly script: () => ReadonlyArray<Fault>
  readonly expect: Expected
  readonly differs?: ReadonlyArray<Difference>
}

/** What `scenario` must end in on `edition` over `transport`. */
export const expectationFor = (scenario: Scenario, edition: EditionName, transport: TransportName): Expected =>
  scenario.differs?.find((d) => (d.edition ?? edition) === edition && (d.transport ?? transport) === transport)?.expect ??
    scenario.expect

export const ok = (attempts: number, acted: number, atLeastMs = 0): Expected => ({
  outcome: "success",
  attempts,
  acted,
  atLeastMs
})

/** The idle connections the server may still see open after the call, while the client lives. */
export const idleAllowed = (e: Expected, call: Call): number =>
  e.idleConnections ?? call.pooled + (e.retriesAnAbortedAttempt === true ? 1 : 0)

// -------------------------------------------------------------------------------------------------
// the judge

/** Everything seen while one scenario ran on one edition over one transport, as plain data. */
export interface Observation {
  readonly scenario: Scenario
  readonly edition: EditionName
  readonly transport: { readonly name: TransportName; readonly label: string; readonly ownsPool: boolean }
  readonly outcome: Outcome
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
  /** Open connections at the server once the client is closed. */
  readonly openWithoutClient: number
  readonly handlerFailures: number
  readonly keyLeaks: ReadonlyArray<string>
  readonly renderedPlaces: number
}

const show = (value: unknown): string => value instanceof RegExp ? String(value) : JSON.stringify(value)

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

const matches = (text: string | undefined, expected: string | RegExp): boolean =>
  text !== undefined && (typeof expected === "string" ? text === expected : expected.test(text))

/** Whether `event` has every fact `is` names. */
const eventIs = (event: EventFacts | undefined, is: EventFacts): boolean =>
  event !== undefined && Object.entries(is).every(([key, value]) => (event as unknown as Record<string, unknown>)[key] === value)

const at = <A>(items: ReadonlyArray<A>, index: number): A | undefined => items.at(index)

const errorProblems = (outcome: Outcome, check: ErrorCheck): ReadonlyArray<string> => {
  if (outcome._tag !== "Failure") return [`an error was expected to check, got ${outcome.label}`]
  const e = outcome.error
  const problems: Array<string> = []
  const field = (name: string, ok: boolean, got: unknown, expected: unknown) => {
    if (!ok) problems.push(`error ${name}: got ${show(got)}, expected ${show(expected)}`)
  }
  if (check.detail !== undefined) field("detail", matches(e.detail, check.detail), e.detail, check.detail)
  if (check.problem !== undefined) field("problem", matches(e.problem, check.problem), e.problem, check.problem)
  if (check.retryAfterMs !== undefined) field("retryAfter", e.retryAfterMs === check.retryAfterMs, e.retryAfterMs, check.retryAfterMs)
  if (check.timeoutMs !== undefined) field("timeout", e.timeoutMs === check.timeoutMs, e.timeoutMs, check.timeoutMs)
  if (check.bodyExcerpt !== undefined) field("bodyExcerpt", e.bodyExcerpt === check.bodyExcerpt, e.bodyExcerpt, check.bodyExcerpt)
  if (check.turnError !== undefined) field("turnError", e.turnError === check.turnError, e.turnError, check.turnError)
  if (check.issuePaths !== undefined) field("issue paths", same(e.issuePaths, check.issuePaths), e.issuePaths, check.issuePaths)
  return problems
}

const deliveredProblems = (d: Delivered, check: DeliveredCheck): ReadonlyArray<string> => {
  const problems: Array<string> = []
  const tags = (events: ReadonlyArray<EventFacts>) => events.map((event) => event._tag)
  const field = (name: string, ok: boolean, got: unknown, expected: unknown) => {
    if (!ok) problems.push(`${name}: got ${show(got)}, expected ${show(expected)}`)
  }
  if (check.events !== undefined) field("events delivered", same(tags(d.events), check.events), tags(d.events), check.events)
  if (check.eventAt !== undefined) {
    const event = at(d.events, check.eventAt.index)
    field(`event ${check.eventAt.index}`, eventIs(event, check.eventAt.is), event, check.eventAt.is)
  }
  if (check.items !== undefined) field("results", same(d.items, check.items), d.items, check.items)
  if (check.replyText !== undefined) field("reply text", d.reply?.text === check.replyText, d.reply?.text, check.replyText)
  if (check.replyEvents !== undefined) {
    const got = d.reply === undefined ? undefined : tags(d.reply.events)
    field("reply events", same(got, check.replyEvents), got, check.replyEvents)
  }
  if (check.replyEventAt !== undefined) {
    const event = d.reply === undefined ? undefined : at(d.reply.events, check.replyEventAt.index)
    field(`reply event ${check.replyEventAt.index}`, eventIs(event, check.replyEventAt.is), event, check.replyEventAt.is)
  }
  return problems
}

/** Everything the issues ask of one scenario over one transport: each broken promise, said. */
export const problemsOf = (o: Observation): ReadonlyArray<string> => {
  const e = expectationFor(o.scenario, o.edition, o.transport.name)
  const call = calls[o.scenario.operation]
  const problems: Array<string> = []
  const check = (ok: boolean, what: string) => {
    if (!ok) problems.push(what)
  }
  // The outcome: exactly the documented one, never a defect or a hang.
  check(o.outcome._tag !== "Bug", `a bug: ${o.outcome._tag === "Bug" ? o.outcome.pretty.slice(0, 2_000) : ""}`)
  check(o.outcome.label === e.outcome, `outcome: got ${o.outcome.label}, expected ${e.outcome}`)
  if (o.outcome._tag === "Failure" && e.error !== undefined) problems.push(...errorProblems(o.outcome, e.error))
  if (e.delivered !== undefined) problems.push(...deliveredProblems(o.delivered, e.delivered))
  // Attempts, requests, and what the server did.
  check(o.attempts === e.attempts, `attempts: got ${o.attempts}, expected ${e.attempts}`)
  const requests = e.serverRequests ?? e.attempts
  check(o.serverRequests === requests, `requests at the server: got ${o.serverRequests}, expected ${requests}`)
  check(o.acted === e.acted, `what the server did: got ${o.acted}, expected ${e.acted}`)
  // Whatever the row expects: under the default rules a create never makes two sessions and a
  // turn never runs twice.
  if (o.scenario.policy === "default" && (call.kind === "create" || call.kind === "turn")) {
    check(o.acted <= 1, `duplicated under the default rules: the server acted ${o.acted} times`)
  }
  // The policy's waits were waited (a timer may fire a millisecond or so early on the host clock).
  check(o.elapsedMs >= (e.atLeastMs ?? 0) - 5, `elapsed: ${Math.round(o.elapsedMs)} ms, less than the policy's ${e.atLeastMs} ms`)
  // No connection left behind: the server's handlers are done, at most the expected idle keep-alive
  // connections remain while the client lives, none once a client that owns its pool is closed.
  check(o.serverIdle, "a request handler was still running 10 s after the call")
  const idle = idleAllowed(e, call)
  check(o.openWithClient <= idle, `open connections with the client alive: ${o.openWithClient}, at most ${idle} expected`)
  if (o.transport.ownsPool) {
    check(o.openWithoutClient === 0, `open connections after the client closed: ${o.openWithoutClient}`)
  }
  check(o.handlerFailures === 0, `server handler failures: ${o.handlerFailures}`)
  // The key nowhere.
  check(o.keyLeaks.length === 0, `the API key leaked into ${o.keyLeaks.join(", ")}`)
  const where = `${o.scenario.operation}: ${o.scenario.id} over ${o.transport.name}`
  return problems.map((problem) => `${where}: ${problem}`)
}

/** What the process holds after scenarios, compared with before them. */
export interface Leftovers {
  /** Node's counts of sockets and servers before the scenarios, and once they have settled. */
  readonly before: { readonly sockets: number; readonly servers: number }
  readonly after: { readonly sockets: number; readonly servers: number }
  /** Timers and TCP handles the scenarios created that outlived them. */
  readonly left: ReadonlyArray<string>
  readonly unhandled: ReadonlyArray<unknown>
}

/** The process back where it was: no socket, server or timer left, no rejection unhandled. */
export const leftoverProblems = (where: string, l: Leftovers): ReadonlyArray<string> => [
  ...(l.after.sockets > l.before.sockets ? [`${where}: sockets ${l.after.sockets}, before ${l.before.sockets}`] : []),
  ...(l.after.servers > l.before.servers ? [`${where}: servers ${l.after.servers}, before ${l.before.servers}`] : []),
  ...l.left.map((left) => `${where}: left behind: ${left}`),
  ...l.unhandled.map((reason) => `${where}: unhandled rejection: ${String(reason)}`)
]
