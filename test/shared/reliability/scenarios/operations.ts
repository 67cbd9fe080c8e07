/**
 * Every operation meets every fault: the faults any operation can meet, each aimed at every
 * operation's route in turn (create's own are in `create.ts`, and none is in both), and the outcome the documented rules promise for that kind of
 * operation — create (not idempotent), reads and delete (idempotent), a turn (never re-posted once
 * its answer has begun). One row per fault; the operations it applies to come from `calls.ts`.
 * Plain data, for both editions. Long, as a table is: its rows are meant to be read side by side.
 */
import { Fault } from "../../../../src/core/localServer/faults.js"
import type { Name } from "../../../../src/core/operations.js"
import {
  type Call,
  calls,
  deadline,
  type DeliveredCheck,
  type ErrorCheck,
  type Expected,
  type Group,
  type Kind,
  minBackoff,
  ok,
  operationNames,
  perAttempt,
  perAttemptText,
  type PolicyName,
  relaxed,
  type Scenario,
  shortWithIdle,
  type Timeouts
} from "../matrix.js"

/** One fault as every operation meets it. */
export interface FaultRow {
  readonly id: string
  readonly group: Group
  readonly fault: string
  readonly policy: PolicyName
  readonly timeout?: Timeouts
  readonly refused?: boolean
  readonly script: () => ReadonlyArray<Fault>
  /**
   * The outcome for each kind of operation (`read`: list, listPage, retrieve, getSummary). An
   * operation's own entry wins over its kind's; an operation with neither does not meet the fault.
   * A kind's entry describes the request the fault meets: the list's second page is added to it.
   */
  readonly expect: { readonly [K in Kind | Name]?: Expected }
}

const fails = (
  outcome: string,
  attempts: number,
  acted: number,
  atLeastMs = 0,
  more: Partial<Expected> = {}
): Expected => ({ outcome, attempts, acted, atLeastMs, ...more })

/** What the server does for an operation that succeeds: reads change nothing. */
const done = (kind: Kind): number => kind === "read" ? 0 : 1

/** The same expectation for every kind of operation, given what each does when it succeeds. */
const everyKind = (f: (kind: Kind) => Expected): FaultRow["expect"] => ({
  create: f("create"),
  read: f("read"),
  delete: f("delete"),
  turn: f("turn")
})

const onceMore = minBackoff(1)
/** Success on the next attempt, after one aborted by the per-attempt timeout. */
const okAfterTimeout = (acted: number): Expected => ({
  ...ok(2, acted, perAttempt + minBackoff(1)),
  retriesAnAbortedAttempt: true
})
const twiceMore = minBackoff(2)
/** A turn aborted on the client: its socket must be closed, not pooled. */
const closed = { idleConnections: 0 } as const

const turnEnded = (events: RegExp | string) => ({ error: { detail: events } })

const VALID_WIRE_SESSION = {
  session_id: "ses-page",
  last_updated_at: "2026-04-22T12:34:41.342245"
}
const LOGIN_PAGE = `<!DOCTYPE html><html><head><title>Sign in</title></head><body>Please sign in</body></html>`
const ECHO = "Invalid token: Bearer llx-RELIABILITY-5e3cr3t"
const NOT_AN_EVENT_STREAM = /^the event stream ended after 0 events, before the turn's stop event$/

const connection: ReadonlyArray<FaultRow> = [
  {
    id: "refused",
    group: "connection",
    fault: "connection refused (nothing listening)",
    policy: "default",
    refused: true,
    script: () => [],
    expect: everyKind(() =>
      fails("NetworkError(ConnectFailed)", 3, 0, twiceMore, { serverRequests: 0, error: { detail: /ECONNREFUSED/ } })
    )
  },
  {
    id: "reset-before",
    group: "connection",
    fault: "reset before any response byte (the server did nothing)",
    policy: "default",
    script: () => [Fault.resetBeforeResponse()],
    expect: {
      create: fails("NetworkError(ConnectionLost)", 1, 0),
      read: ok(2, 0, onceMore),
      delete: ok(2, 1, onceMore),
      turn: fails("NetworkError(ConnectionLost)", 1, 0)
    }
  },
  {
    id: "reset-before-always",
    group: "connection",
    fault: "reset before any response byte, every attempt",
    policy: "default",
    script: () => [Fault.resetBeforeResponse(), Fault.resetBeforeResponse(), Fault.resetBeforeResponse()],
    expect: {
      create: fails("NetworkError(ConnectionLost)", 1, 0),
      read: fails("NetworkError(ConnectionLost)", 3, 0, twiceMore),
      delete: fails("NetworkError(ConnectionLost)", 3, 0, twiceMore),
      turn: fails("NetworkError(ConnectionLost)", 1, 0)
    }
  },
  {
    id: "reset-before-acted",
    group: "connection",
    fault: "reset before any response byte, after the server acted",
    policy: "default",
    script: () => [Fault.resetBeforeResponse({ performs: true })],
    expect: {
      create: fails("NetworkError(ConnectionLost)", 1, 1),
      read: ok(2, 0, onceMore),
      // The retry finds no session: the first attempt deleted it, and that is the delete's success.
      delete: ok(2, 1, onceMore),
      turn: fails("NetworkError(ConnectionLost)", 1, 1)
    }
  },
  {
    id: "reset-before-ambiguous",
    group: "connection",
    fault: "reset before any response byte, once",
    policy: "retryAmbiguous",
    script: () => [Fault.resetBeforeResponse()],
    expect: everyKind((kind) => ok(2, done(kind), onceMore))
  },
  {
    id: "reset-mid-body",
    group: "connection",
    fault: "reset in the middle of the body",
    policy: "default",
    script: () => [Fault.resetMidBody()],
    expect: {
      create: fails("NetworkError(ConnectionLost)", 1, 1),
      read: ok(2, 0, onceMore),
      // A 204 has no body to break off: its headers are the whole answer.
      delete: ok(1, 1),
      turn: fails("NetworkError(ConnectionLost)", 1, 1, 0, turnEnded(/^the event stream \(after \d+ events\) broke off: /))
    }
  },
  {
    id: "reset-mid-body-ambiguous",
    group: "connection",
    fault: "reset in the middle of the body, once",
    policy: "retryAmbiguous",
    script: () => [Fault.resetMidBody()],
    expect: {
      // The opt-in's documented price: the first session's answer was lost, a second is made.
      create: ok(2, 2, onceMore),
      read: ok(2, 0, onceMore),
      delete: ok(1, 1),
      // No policy re-posts a turn whose answer has begun.
      turn: fails("NetworkError(ConnectionLost)", 1, 1, 0, turnEnded(/^the event stream \(after \d+ events\) broke off: /))
    }
  },
  {
    id: "close-after-headers",
    group: "connection",
    fault: "socket closed after the headers",
    policy: "default",
    script: () => [Fault.closeAfterHeaders()],
    expect: {
      create: fails("NetworkError(ConnectionLost)", 1, 1),
      read: ok(2, 0, onceMore),
      delete: ok(1, 1),
      turn: fails("NetworkError(ConnectionLost)", 1, 1, 0, turnEnded(/^the event stream \(after 0 events\) broke off: /))
    }
  },
  {
    id: "close-after-headers-ambiguous",
    group: "connection",
    fault: "socket closed after the headers, once",
    policy: "retryAmbiguous",
    script: () => [Fault.closeAfterHeaders()],
    expect: {
      create: ok(2, 2, onceMore),
      read: ok(2, 0, onceMore),
      delete: ok(1, 1),
      turn: fails("NetworkError(ConnectionLost)", 1, 1, 0, turnEnded(/^the event stream \(after 0 events\) broke off: /))
    }
  }
]

const headersLate = `no response headers within ${perAttemptText}`
const answerLate = `no complete answer within ${perAttemptText}`
const attemptTimeout = (attempts: number, acted: number, detail: string, atLeastMs: number) =>
  fails("NetworkError(AttemptTimeout)", attempts, acted, atLeastMs, { error: { detail }, ...closed })
const stalled = (events: string) =>
  fails("NetworkError(IdleTimeout)", 1, 1, perAttempt, {
    error: { detail: new RegExp(`^no event for ${perAttemptText}, after ${events} events$`) },
    ...closed
  })

/** The total deadline, ended while the second attempt's body stalls: its error carries the duration set. */
const pastDeadline = (kind: Kind): Expected =>
  fails("NetworkError(DeadlineExceeded)", 2, kind === "read" ? 0 : 1, deadline, {
    ...closed,
    // A turn's events had begun: its stream's own deadline, which says how far it got.
    error: {
      timeoutMs: deadline,
      ...(kind === "turn" ? { detail: /^the turn did not end by its deadline, after \d+ events$/ } : {})
    }
  })

const timing: ReadonlyArray<FaultRow> = [
  {
    id: "delay-headers",
    group: "timing",
    fault: "headers delayed 5 s (past the per-attempt timeout)",
    policy: "default",
    timeout: shortWithIdle,
    script: () => [Fault.delayHeaders(5_000)],
    expect: {
      create: attemptTimeout(1, 1, answerLate, perAttempt),
      read: okAfterTimeout(0),
      // The first attempt deleted the session; the retry's 404 says so.
      delete: okAfterTimeout(1),
      turn: attemptTimeout(1, 1, headersLate, perAttempt)
    }
  },
  {
    id: "delay-headers-ambiguous",
    group: "timing",
    fault: "headers delayed 5 s, once",
    policy: "retryAmbiguous",
    timeout: shortWithIdle,
    script: () => [Fault.delayHeaders(5_000)],
    // Before any response byte, the opt-in retries a turn too: the first one ran, a second runs.
    expect: everyKind((kind) => okAfterTimeout(kind === "create" || kind === "turn" ? 2 : done(kind)))
  },
  {
    id: "stall-body",
    group: "timing",
    fault: "body stalls half way",
    policy: "default",
    timeout: shortWithIdle,
    script: () => [Fault.stallBody()],
    expect: {
      create: attemptTimeout(1, 1, answerLate, perAttempt),
      read: okAfterTimeout(0),
      // Not delete: a 204 has no body to stall. Its headers are the whole answer, and the server's
      // fault would hold its end of the pooled connection open until the client closes it.
      turn: stalled("\\d+")
    }
  },
  {
    id: "drip-body",
    group: "timing",
    fault: "body dripped 1 byte / 20 ms (slowloris)",
    policy: "default",
    timeout: shortWithIdle,
    script: () => [Fault.dripBody(20)],
    expect: {
      create: attemptTimeout(1, 1, answerLate, perAttempt),
      read: okAfterTimeout(0),
      delete: ok(1, 1),
      // Bytes trickle in, but no event is ever complete: the idle limit is per event.
      turn: stalled("0")
    }
  },
  {
    id: "deadline",
    group: "timing",
    fault: `reset before any byte, then the body stalls; total deadline ${deadline} ms`,
    policy: "retryAmbiguous",
    // No per-attempt limit in play: the second attempt reaches the server at once, and only the
    // deadline can end it.
    timeout: { perAttempt: relaxed, idle: relaxed, total: deadline },
    script: () => [Fault.resetBeforeResponse(), Fault.stallBody(), Fault.stallBody()],
    // Not delete: its 204 has no body to stall (see above).
    expect: {
      create: pastDeadline("create"),
      read: pastDeadline("read"),
      turn: pastDeadline("turn")
    }
  }
]

const statusOnce = (status: number, options?: Parameters<typeof Fault.status>[1]) => () => [Fault.status(status, options)]

/** 500, 502, 504: the server may have acted. Reads and delete retry; create and a turn do not. */
const ambiguousStatus = (status: number): FaultRow => ({
  id: `${status}-once`,
  group: "status",
  fault: `${status}, once`,
  policy: "default",
  script: statusOnce(status),
  expect: {
    create: fails(`ServerError(${status})`, 1, 0),
    read: ok(2, 0, onceMore),
    delete: ok(2, 1, onceMore),
    turn: fails(`ServerError(${status})`, 1, 0)
  }
})

const statuses: ReadonlyArray<FaultRow> = [
  {
    id: "408-once",
    group: "status",
    fault: "408, once",
    policy: "default",
    script: statusOnce(408),
    expect: everyKind((kind) => ok(2, done(kind), onceMore))
  },
  {
    id: "429-retry-after-ms",
    group: "rate limit",
    fault: "429 with `retry-after-ms: 100`, once",
    policy: "default",
    script: statusOnce(429, { headers: { "retry-after-ms": "100" } }),
    expect: everyKind((kind) => ok(2, done(kind), 100))
  },
  {
    id: "429-beyond-cap",
    group: "rate limit",
    fault: "429 with `Retry-After: 120` (cap 2 s)",
    policy: "default",
    script: statusOnce(429, { headers: { "retry-after": "120" } }),
    expect: everyKind(() => fails("RateLimitError(429)", 1, 0, 0, { error: { retryAfterMs: 120_000 } }))
  },
  ambiguousStatus(500),
  {
    id: "500-once-ambiguous",
    group: "status",
    fault: "500, once",
    policy: "retryAmbiguous",
    script: statusOnce(500),
    expect: everyKind((kind) => ok(2, done(kind), onceMore))
  },
  {
    id: "500-acted",
    group: "status",
    fault: "500 after the server acted, once",
    policy: "default",
    script: statusOnce(500, { performs: true }),
    expect: {
      create: fails("ServerError(500)", 1, 1),
      read: ok(2, 0, onceMore),
      delete: ok(2, 1, onceMore),
      turn: fails("ServerError(500)", 1, 1)
    }
  },
  ambiguousStatus(502),
  ambiguousStatus(504),
  {
    id: "503-once",
    group: "status",
    fault: "503, once",
    policy: "default",
    script: statusOnce(503),
    expect: everyKind((kind) => ok(2, done(kind), onceMore))
  },
  {
    id: "503-always",
    group: "status",
    fault: "503, every attempt",
    policy: "default",
    script: () => [Fault.status(503), Fault.status(503), Fault.status(503)],
    expect: everyKind(() => fails("ServerError(503)", 3, 0, twiceMore))
  },
  {
    id: "500-should-retry-true",
    group: "status",
    fault: "500 with `x-should-retry: true`, once",
    policy: "default",
    script: statusOnce(500, { headers: { "x-should-retry": "true" } }),
    expect: everyKind((kind) => ok(2, done(kind), onceMore))
  },
  {
    id: "503-should-retry-false",
    group: "status",
    fault: "503 with `x-should-retry: false`, once",
    policy: "retryAmbiguous",
    script: statusOnce(503, { headers: { "x-should-retry": "false" } }),
    expect: everyKind(() => fails("ServerError(503)", 1, 0))
  }
]

/**
 * A 200 whose body is not the answer. Create and the reads fail with `DecodeError`; a delete reads
 * no body; a turn finds no event in it: a body of another content type is a `DecodeError` naming it,
 * an empty one with none reads as a stream that ended before its `Stop`.
 */
const badBody = (id: string, fault: string, body: string, contentType: string | undefined, problem: RegExp): FaultRow => ({
  id: `body-${id}`,
  group: "2xx body",
  fault,
  policy: "default",
  script: () => [Fault.body200(body, contentType === undefined ? {} : { contentType })],
  expect: {
    create: fails("DecodeError(200)", 1, 1, 0, { error: { problem } }),
    read: fails("DecodeError(200)", 1, 0, 0, { error: { problem } }),
    delete: ok(1, 1),
    turn: body === ""
      ? fails("NetworkError(ConnectionLost)", 1, 1, 0, turnEnded(NOT_AN_EVENT_STREAM))
      : fails("DecodeError(200)", 1, 1, 0, { error: { problem: /^the answer is not an event stream \(content type / } })
  }
})

const tooLarge: ErrorCheck = { problem: /larger than the 16777216 byte limit/ }

const bodies: ReadonlyArray<FaultRow> = [
  badBody("invalid", "200, invalid JSON", `{"session_id": ses-1}`, undefined, /not JSON/),
  badBody("wrong-shape", "200, JSON of the wrong shape", `{"id":1,"created":"2026-04-22"}`, "application/json", /documented shape/),
  badBody("html", "200, an HTML page", LOGIN_PAGE, "text/html", /HTML page/),
  badBody("empty", "200, empty body", "", undefined, /empty/),
  {
    id: "body-48mib",
    group: "2xx body",
    fault: "200, a 48 MiB session (limit 16 MiB)",
    policy: "default",
    script: () => [Fault.largeBody(48 * 1024 * 1024)],
    // Only a session grows: the operations answered by one.
    expect: {
      create: fails("DecodeError(200)", 1, 1, 0, { error: tooLarge }),
      retrieve: fails("DecodeError(200)", 1, 0, 0, { error: tooLarge }),
      getSummary: fails("DecodeError(200)", 1, 0, 0, { error: tooLarge })
    }
  },
  {
    id: "body-8mib",
    group: "2xx body",
    fault: "200, an 8 MiB session (under the limit)",
    policy: "default",
    script: () => [Fault.largeBody(8 * 1024 * 1024)],
    expect: { create: ok(1, 1), retrieve: ok(1, 0), getSummary: ok(1, 0) }
  }
]

const clientError = (status: number, body: string, outcome: string, detail: string): FaultRow => ({
  id: `${status}`,
  group: "client error",
  fault: `${status}, FastAPI JSON body`,
  policy: "default",
  script: statusOnce(status, { body }),
  expect: everyKind(() => fails(outcome, 1, 0, 0, { error: { detail } }))
})

const clientErrors: ReadonlyArray<FaultRow> = [
  clientError(401, `{"detail":"Invalid authentication token"}`, "AuthError(401)", "Invalid authentication token"),
  {
    id: "401-echoes-key",
    group: "client error",
    fault: "401 whose detail echoes the API key",
    policy: "default",
    script: statusOnce(401, { body: JSON.stringify({ detail: ECHO }) }),
    expect: everyKind(() => fails("AuthError(401)", 1, 0, 0, { error: { detail: "Invalid token: Bearer <redacted>" } }))
  },
  // A delete's first attempt that finds nothing is a failure: only after an ambiguous attempt is it done.
  clientError(404, `{"detail":"Not Found"}`, "NotFoundError(404)", "Not Found"),
  clientError(409, `{"detail":"A turn is already running in this session"}`, "ApiError(409)", "A turn is already running in this session"),
  clientError(
    422,
    `{"detail":[{"loc":["query","organization_id"],"msg":"Input should be a valid UUID","type":"uuid_parsing"}]}`,
    "ValidationError(422)",
    "Input should be a valid UUID"
  )
]

const sessionsListed = (n: number): DeliveredCheck => ({ items: Array.from({ length: n }, () => "value" as const) })
const page = (token: string) => JSON.stringify({ items: [VALID_WIRE_SESSION], next_page_token: token })

/** Faults the list meets on its second page: the first is answered at once, as it is. */
const listPages: ReadonlyArray<FaultRow> = [
  {
    id: "page-2-reset",
    group: "list pages",
    fault: "reset in the middle of the second page",
    policy: "default",
    script: () => [Fault.delayHeaders(0), Fault.resetMidBody()],
    expect: { list: { ...ok(3, 0, onceMore), delivered: sessionsListed(3) } }
  },
  {
    id: "page-2-500-always",
    group: "list pages",
    fault: "500 on the second page, every attempt",
    policy: "default",
    script: () => [Fault.delayHeaders(0), Fault.status(500), Fault.status(500), Fault.status(500)],
    // The first page's sessions reached the caller before the failure.
    expect: { list: fails("ServerError(500)", 4, 0, twiceMore, { delivered: sessionsListed(2) }) }
  },
  {
    id: "page-token-repeated",
    group: "list pages",
    fault: "the second page hands back the first page's token",
    policy: "default",
    script: () => [Fault.body200(page("tok-1")), Fault.body200(page("tok-1"))],
    expect: {
      list: fails("DecodeError(200)", 2, 0, 0, {
        error: { problem: /handed back the page token "tok-1" a second time/ },
        delivered: sessionsListed(2)
      })
    }
  }
]

export const rows: ReadonlyArray<FaultRow> = [...connection, ...timing, ...statuses, ...bodies, ...clientErrors, ...listPages]

/** What every successful call hands back, whatever the fault. */
const deliveredOnSuccess = (call: Call): DeliveredCheck =>
  call.kind === "turn"
    ? { eventAt: { index: -1, is: { _tag: "Stop" } } }
    : call.kind === "delete"
    ? { items: ["void"] }
    : sessionsListed(call.name === "list" ? 3 : 1)

/** The expectation for one operation: its own, or its kind's with the list's later pages added. */
const expectationOf = (row: FaultRow, call: Call): Expected | undefined => {
  const own = row.expect[call.name]
  const byKind = row.expect[call.kind]
  const e = own ?? byKind
  if (e === undefined) return undefined
  const success = e.outcome === "success"
  const later = own === undefined && success ? call.requestsAfter : 0
  const delivered = success ? { ...deliveredOnSuccess(call), ...e.delivered } : e.delivered
  return {
    ...e,
    attempts: e.attempts + later,
    serverRequests: (e.serverRequests ?? e.attempts) + later,
    ...(delivered === undefined ? {} : { delivered })
  }
}

/** One scenario per row and operation the row applies to. */
export const scenariosOf = (row: FaultRow): ReadonlyArray<Scenario> =>
  operationNames.flatMap((name) => {
    const e = expectationOf(row, calls[name])
    return e === undefined ? [] : [{
      id: row.id,
      group: row.group,
      fault: row.fault,
      operation: name,
      policy: row.policy,
      script: row.script,
      expect: e,
      ...(row.timeout === undefined ? {} : { timeout: row.timeout }),
      ...(row.refused === undefined ? {} : { refused: row.refused })
    }]
  })

export const scenarios: ReadonlyArray<Scenario> = rows.flatMap(scenariosOf)

/**
 * Operations run at once, except where the outcome hangs on a short limit (two at a time) or on
 * reading a large body in time (one at a time): a dozen runs sharing two cores would test the
 * machine, not the client.
 */
export const concurrencyOf = (row: FaultRow): number =>
  row.id.startsWith("body-") && row.id.endsWith("mib") ? 1 : row.timeout !== undefined ? 2 : Infinity

/** `success: list, retrieve; ServerError(500): create`: what each operation ends in, for a test's name. */
export const outcomesOf = (scenarios: ReadonlyArray<Scenario>): string => {
  const byOutcome = new Map<string, Array<string>>()
  for (const s of scenarios) byOutcome.set(s.expect.outcome, [...(byOutcome.get(s.expect.outcome) ?? []), s.operation])
  return [...byOutcome.entries()].map(([outcome, operations]) => `${outcome}: ${operations.join(", ")}`).join("; ")
}
