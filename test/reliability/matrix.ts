/**
 * The fault matrix: every way the network or the server can misbehave on one create, what the
 * client must end in under the documented policy, and the runner that plays one fault over a real
 * socket and checks everything the issue asks of it.
 */
import { expect } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import type { LlamaCloudError } from "../../src/LlamaCloudError.js"
import { RetryPolicy } from "../../src/RetryPolicy.js"
import { TimeoutPolicy } from "../../src/TimeoutPolicy.js"
import { LocalServer } from "../../src/testing/node.js"
import {
  clientLayer,
  closedPort,
  create,
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
  spanAttribute,
  type Transport,
  unhandled
} from "./harness.js"

const { Fault } = LocalServer

// -------------------------------------------------------------------------------------------------
// policies: the documented defaults, with durations short enough for real sockets

/** The default policy's rules (2 retries, only safe failures), with short waits. */
export const retryOptions = {
  baseDelay: "20 millis",
  maxDelay: "200 millis",
  jitter: 0.25,
  maxRetryAfter: "2 seconds"
} as const satisfies RetryPolicy.Options

/** The per-attempt timeout of the timing scenarios: short, real, with room for a busy event loop. */
export const perAttempt = 400
const short = { perAttempt: `${perAttempt} millis` } as const satisfies TimeoutPolicy.Options
/** Everywhere else: long enough that no hiccup of a loaded machine passes for a timeout. */
const relaxed = "2 seconds"

/** The smallest wait before retry `n` (0-based) under `retryOptions`: full jitter taken off. */
const minBackoff = (retries: number): number => {
  let total = 0
  for (let n = 0; n < retries; n++) total += Math.min(20 * 2 ** n, 200) * (1 - 0.25)
  return total
}

export type PolicyName = "default" | "retryAmbiguous"

export const policyLabel = (policy: PolicyName, timeout: TimeoutPolicy.Options = {}): string => {
  const t = `perAttempt ${Duration.format(Duration.decode(timeout.perAttempt ?? relaxed))}${
    timeout.total === undefined ? "" : `, total ${Duration.format(Duration.decode(timeout.total))}`
  }`
  return policy === "default" ? `default rules; ${t}` : `retryAmbiguous; ${t}`
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

export interface Expected {
  /** `success`, or the error's label: `ServerError(503)`, `NetworkError(ConnectionLost)`… */
  readonly outcome: string
  /** Attempts the client makes. */
  readonly attempts: number
  /** Requests that reach the server (default: `attempts`). */
  readonly serverRequests?: number
  /** Sessions the server creates. */
  readonly sessions: number
  /** Bounds on the call's duration, in ms: the policy's waits below, generous slack above. */
  readonly elapsedMs: readonly [number, number]
  /** Further checks on the error (detail, retryAfter, issues…). */
  readonly error?: (error: LlamaCloudError) => void
  /** Idle connections the server may still see open while the client lives (default 1). */
  readonly idleConnections?: number
}

export interface Scenario {
  readonly id: string
  readonly group: Group
  /** What goes wrong, as the report says it. */
  readonly fault: string
  readonly policy: PolicyName
  readonly timeout?: TimeoutPolicy.Options
  /** Nothing listens at the URL. */
  readonly refused?: boolean
  readonly server?: LocalServer.Options
  /** Built when the scenario starts (an HTTP date is relative to now). */
  readonly script: () => ReadonlyArray<LocalServer.Fault>
  readonly expect: Expected
  /** Where a transport documents a different outcome (the report says how they differ). */
  readonly differs?: { readonly [K in Transport["name"]]?: Expected }
}

/** What `scenario` must end in over `transport`. */
export const expectationFor = (scenario: Scenario, transport: Transport): Expected =>
  scenario.differs?.[transport.name] ?? scenario.expect

/** Slack for a loaded 2-core machine: far above any sane duration, far below a hang. */
const SLACK = 2_500
const quick: readonly [number, number] = [0, SLACK]
const after = (ms: number): readonly [number, number] => [ms, ms + SLACK]

const detailIs = (text: string | RegExp) => (error: LlamaCloudError) => {
  expect("detail" in error).toBe(true)
  if ("detail" in error) {
    if (typeof text === "string") expect(error.detail).toBe(text)
    else expect(error.detail).toMatch(text)
  }
}
const problemMatches = (pattern: RegExp) => (error: LlamaCloudError) => {
  expect(error._tag).toBe("DecodeError")
  if (error._tag === "DecodeError") expect(error.problem).toMatch(pattern)
}
const retryAfterIs = (ms: number) => (error: LlamaCloudError) => {
  expect("retryAfter" in error).toBe(true)
  if ("retryAfter" in error) expect(Option.map(error.retryAfter, Duration.toMillis)).toEqual(Option.some(ms))
}

const ok = (attempts: number, sessions: number, elapsedMs = quick): Expected => ({
  outcome: "success",
  attempts,
  sessions,
  elapsedMs
})

const VALID_SESSION = `{"session_id":"ses-lying-content-type","last_updated_at":"2026-04-22T12:34:41.342245"}`
const NGINX_503 =
  `<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
const LOGIN_PAGE = `<!DOCTYPE html><html><head><title>Sign in</title></head><body>Please sign in</body></html>`
const ECHO = "Invalid token: Bearer llx-RELIABILITY-5e3cr3t"

const connection: ReadonlyArray<Scenario> = [
  {
    id: "refused",
    group: "connection",
    fault: "connection refused (nothing listening)",
    policy: "default",
    refused: true,
    script: () => [],
    expect: {
      outcome: "NetworkError(ConnectFailed)",
      attempts: 3,
      serverRequests: 0,
      sessions: 0,
      elapsedMs: after(minBackoff(2)),
      error: detailIs(/ECONNREFUSED/)
    }
  },
  {
    id: "reset-before",
    group: "connection",
    fault: "reset before any response byte",
    policy: "default",
    script: () => [Fault.resetBeforeResponse()],
    expect: { outcome: "NetworkError(ConnectionLost)", attempts: 1, sessions: 0, elapsedMs: quick }
  },
  {
    id: "reset-before-ambiguous",
    group: "connection",
    fault: "reset before any response byte, once",
    policy: "retryAmbiguous",
    script: () => [Fault.resetBeforeResponse()],
    expect: ok(2, 1, after(minBackoff(1)))
  },
  {
    id: "reset-before-always-ambiguous",
    group: "connection",
    fault: "reset before any response byte, every attempt",
    policy: "retryAmbiguous",
    script: () => [Fault.resetBeforeResponse(), Fault.resetBeforeResponse(), Fault.resetBeforeResponse()],
    expect: { outcome: "NetworkError(ConnectionLost)", attempts: 3, sessions: 0, elapsedMs: after(minBackoff(2)) }
  },
  {
    id: "reset-mid-body",
    group: "connection",
    fault: "reset in the middle of the body",
    policy: "default",
    script: () => [Fault.resetMidBody()],
    expect: { outcome: "NetworkError(ConnectionLost)", attempts: 1, sessions: 1, elapsedMs: quick }
  },
  {
    id: "reset-mid-body-ambiguous",
    group: "connection",
    fault: "reset in the middle of the body, once",
    policy: "retryAmbiguous",
    script: () => [Fault.resetMidBody()],
    // The documented price of the opt-in: the first session's answer was lost, a second is made.
    expect: ok(2, 2, after(minBackoff(1)))
  },
  {
    id: "close-after-headers",
    group: "connection",
    fault: "socket closed after the headers",
    policy: "default",
    script: () => [Fault.closeAfterHeaders()],
    expect: { outcome: "NetworkError(ConnectionLost)", attempts: 1, sessions: 1, elapsedMs: quick }
  },
  {
    id: "close-after-headers-ambiguous",
    group: "connection",
    fault: "socket closed after the headers, once",
    policy: "retryAmbiguous",
    script: () => [Fault.closeAfterHeaders()],
    expect: ok(2, 2, after(minBackoff(1)))
  }
]

const timing: ReadonlyArray<Scenario> = [
  {
    id: "delay-headers",
    group: "timing",
    fault: "headers delayed 5 s (past the per-attempt timeout)",
    policy: "default",
    timeout: short,
    script: () => [Fault.delayHeaders(5_000)],
    expect: { outcome: "NetworkError(AttemptTimeout)", attempts: 1, sessions: 1, elapsedMs: after(perAttempt) }
  },
  {
    id: "delay-headers-ambiguous",
    group: "timing",
    fault: "headers delayed 5 s, once",
    policy: "retryAmbiguous",
    timeout: short,
    script: () => [Fault.delayHeaders(5_000)],
    expect: ok(2, 2, after(perAttempt + minBackoff(1)))
  },
  {
    id: "stall-body",
    group: "timing",
    fault: "body stalls half way",
    policy: "default",
    timeout: short,
    script: () => [Fault.stallBody()],
    expect: { outcome: "NetworkError(AttemptTimeout)", attempts: 1, sessions: 1, elapsedMs: after(perAttempt) }
  },
  {
    id: "stall-body-ambiguous",
    group: "timing",
    fault: "body stalls half way, once",
    policy: "retryAmbiguous",
    timeout: short,
    script: () => [Fault.stallBody()],
    expect: ok(2, 2, after(perAttempt + minBackoff(1)))
  },
  {
    id: "drip-body",
    group: "timing",
    fault: "body dripped 1 byte / 20 ms (slowloris), ~2.6 s in all",
    policy: "default",
    timeout: short,
    script: () => [Fault.dripBody(20)],
    expect: { outcome: "NetworkError(AttemptTimeout)", attempts: 1, sessions: 1, elapsedMs: after(perAttempt) }
  },
  {
    id: "drip-body-always-ambiguous",
    group: "timing",
    fault: "body dripped 1 byte / 20 ms, every attempt",
    policy: "retryAmbiguous",
    timeout: short,
    script: () => [Fault.dripBody(20), Fault.dripBody(20), Fault.dripBody(20)],
    expect: {
      outcome: "NetworkError(AttemptTimeout)",
      attempts: 3,
      sessions: 3,
      elapsedMs: after(3 * perAttempt + minBackoff(2))
    }
  },
  {
    id: "drip-body-in-time",
    group: "timing",
    fault: "body dripped 1 byte / 2 ms, inside a 5 s timeout",
    policy: "default",
    timeout: { perAttempt: "5 seconds" },
    script: () => [Fault.dripBody(2)],
    // ~130 bytes at one write per 2 ms at least.
    expect: ok(1, 1, after(200))
  },
  {
    id: "deadline",
    group: "timing",
    fault: "body stalls on every attempt, total deadline 600 ms",
    policy: "retryAmbiguous",
    timeout: { perAttempt: `${perAttempt} millis`, total: "600 millis" },
    script: () => [Fault.stallBody(), Fault.stallBody(), Fault.stallBody()],
    expect: {
      outcome: "NetworkError(DeadlineExceeded)",
      attempts: 2,
      sessions: 2,
      elapsedMs: after(600),
      error: (error) => expect(error._tag === "NetworkError" && Option.map(error.timeout, Duration.toMillis)).toEqual(Option.some(600))
    }
  }
]

/** An HTTP date about 1 to 2 s ahead (HTTP dates have whole seconds). */
const httpDateAhead = (): string => new Date(Math.ceil((Date.now() + 1_000) / 1_000) * 1_000).toUTCString()

const rateLimit: ReadonlyArray<Scenario> = [
  {
    id: "429-retry-after-seconds",
    group: "rate limit",
    fault: "429 with `Retry-After: 1`, once",
    policy: "default",
    script: () => [Fault.status(429, { headers: { "retry-after": "1" } })],
    expect: ok(2, 1, after(1_000))
  },
  {
    id: "429-retry-after-date",
    group: "rate limit",
    fault: "429 with `Retry-After` as an HTTP date 1–2 s ahead, once",
    policy: "default",
    script: () => [Fault.status(429, { headers: { "retry-after": httpDateAhead() } })],
    // The date is at least 1 s ahead when the script is built; the answer comes a few ms later.
    expect: ok(2, 1, after(900))
  },
  {
    id: "429-retry-after-ms",
    group: "rate limit",
    fault: "429 with `retry-after-ms: 150`, once",
    policy: "default",
    script: () => [Fault.status(429, { headers: { "retry-after-ms": "150", "retry-after": "30" } })],
    expect: ok(2, 1, after(150))
  },
  {
    id: "429-retry-after-beyond-cap",
    group: "rate limit",
    fault: "429 with `Retry-After: 120` (cap 2 s)",
    policy: "default",
    script: () => [Fault.status(429, { headers: { "retry-after": "120" } })],
    expect: { outcome: "RateLimitError(429)", attempts: 1, sessions: 0, elapsedMs: quick, error: retryAfterIs(120_000) }
  },
  {
    id: "429-retry-after-3s",
    group: "rate limit",
    fault: "429 with `Retry-After: 3` (cap 2 s)",
    policy: "default",
    script: () => [Fault.status(429, { headers: { "retry-after": "3" } })],
    expect: { outcome: "RateLimitError(429)", attempts: 1, sessions: 0, elapsedMs: quick, error: retryAfterIs(3_000) }
  },
  {
    id: "429-always",
    group: "rate limit",
    fault: "429 without `Retry-After`, every attempt",
    policy: "default",
    script: () => [Fault.status(429), Fault.status(429), Fault.status(429)],
    expect: { outcome: "RateLimitError(429)", attempts: 3, sessions: 0, elapsedMs: after(minBackoff(2)) }
  },
  {
    id: "503-retry-after-beyond-cap",
    group: "rate limit",
    fault: "503 with `Retry-After: 120` (cap 2 s)",
    policy: "default",
    script: () => [Fault.status(503, { headers: { "retry-after": "120" } })],
    expect: { outcome: "ServerError(503)", attempts: 1, sessions: 0, elapsedMs: quick, error: retryAfterIs(120_000) }
  }
]

/** 408 and 503 say the server did not act; 500, 502, 504 do not. */
const safeStatus = (status: number) => status === 408 || status === 503
const tagOf = (status: number) => status === 408 ? `ApiError(${status})` : `ServerError(${status})`

const statuses: ReadonlyArray<Scenario> = [
  ...[408, 500, 502, 503, 504].flatMap((status): ReadonlyArray<Scenario> => [
    {
      id: `${status}-once`,
      group: "status",
      fault: `${status}, once`,
      policy: "default",
      script: () => [Fault.status(status)],
      expect: safeStatus(status)
        ? ok(2, 1, after(minBackoff(1)))
        : { outcome: tagOf(status), attempts: 1, sessions: 0, elapsedMs: quick }
    },
    ...(safeStatus(status)
      ? [{
        id: `${status}-always`,
        group: "status",
        fault: `${status}, every attempt`,
        policy: "default",
        script: () => [Fault.status(status), Fault.status(status), Fault.status(status)],
        expect: { outcome: tagOf(status), attempts: 3, sessions: 0, elapsedMs: after(minBackoff(2)) }
      } satisfies Scenario]
      : [{
        id: `${status}-once-ambiguous`,
        group: "status",
        fault: `${status}, once`,
        policy: "retryAmbiguous",
        script: () => [Fault.status(status)],
        expect: ok(2, 1, after(minBackoff(1)))
      } satisfies Scenario]),
    {
      id: `${status}-should-retry-true`,
      group: "status",
      fault: `${status} with \`x-should-retry: true\`, once`,
      policy: "default",
      script: () => [Fault.status(status, { headers: { "x-should-retry": "true" } })],
      expect: ok(2, 1, after(minBackoff(1)))
    },
    {
      id: `${status}-should-retry-false`,
      group: "status",
      fault: `${status} with \`x-should-retry: false\`, once`,
      policy: "retryAmbiguous",
      script: () => [Fault.status(status, { headers: { "x-should-retry": "false" } })],
      expect: { outcome: tagOf(status), attempts: 1, sessions: 0, elapsedMs: quick }
    }
  ]),
  {
    id: "500-acted",
    group: "status",
    fault: "500 after creating the session, once",
    policy: "default",
    script: () => [Fault.status(500, { createsSession: true })],
    expect: { outcome: "ServerError(500)", attempts: 1, sessions: 1, elapsedMs: quick }
  },
  {
    id: "500-acted-ambiguous",
    group: "status",
    fault: "500 after creating the session, once",
    policy: "retryAmbiguous",
    // The opt-in's price, measured: an orphan session.
    script: () => [Fault.status(500, { createsSession: true })],
    expect: ok(2, 2, after(minBackoff(1)))
  },
  {
    id: "307-redirect",
    group: "status",
    fault: "307 to `/api/v1/chat` on the same server, once",
    policy: "default",
    script: () => [Fault.status(307, { headers: { location: "/api/v1/chat" }, body: "" })],
    // A create is never re-sent behind the caller's back: undici does not follow redirects, and the
    // client asks fetch not to (`redirect: "manual"`), so both hand the 307 back as it came.
    expect: { outcome: "ApiError(307)", attempts: 1, sessions: 0, elapsedMs: quick }
  },
  {
    id: "302-redirect",
    group: "status",
    fault: "302 to `/api/v1/chat` on the same server, once",
    policy: "default",
    script: () => [Fault.status(302, { headers: { location: "/api/v1/chat" }, body: "" })],
    // Not followed either: following would turn the create into a GET.
    expect: { outcome: "ApiError(302)", attempts: 1, sessions: 0, elapsedMs: quick }
  },
  {
    id: "503-nginx-html",
    group: "status",
    fault: "503 nginx HTML page, every attempt",
    policy: "default",
    script: () => [1, 2, 3].map(() => Fault.status(503, { body: NGINX_503 })),
    expect: {
      outcome: "ServerError(503)",
      attempts: 3,
      sessions: 0,
      elapsedMs: after(minBackoff(2)),
      error: detailIs("Service Unavailable (an HTML page: 503 Service Temporarily Unavailable)")
    }
  }
]

const bodies: ReadonlyArray<Scenario> = [
  ["invalid", "200, invalid JSON", `{"session_id": ses-1}`, undefined, /not JSON/],
  ["truncated", "200, truncated JSON", `{"session_id":"ses-1","last_updated_at":"2026-04-22T12:3`, "application/json", /not JSON/],
  ["wrong-shape", "200, JSON of the wrong shape", `{"id":1,"created":"2026-04-22"}`, "application/json", /documented shape.*session_id/],
  ["html", "200, an HTML page", LOGIN_PAGE, "text/html", /HTML page/],
  ["empty", "200, empty body", "", undefined, /empty/],
  ["json-says-html", "200, HTML under `Content-Type: application/json`", LOGIN_PAGE, "application/json", /HTML page/]
].map(([id, fault, body, contentType, problem]): Scenario => ({
  id: `body-${id}`,
  group: "2xx body",
  fault: fault as string,
  policy: "default",
  script: () => [Fault.body200(body as string, contentType === undefined ? {} : { contentType: contentType as string })],
  expect: { outcome: "DecodeError(200)", attempts: 1, sessions: 1, elapsedMs: quick, error: problemMatches(problem as RegExp) }
}))

const bodiesMore: ReadonlyArray<Scenario> = [
  {
    id: "body-lying-content-type",
    group: "2xx body",
    fault: "200, a valid session under `Content-Type: text/html`",
    policy: "default",
    script: () => [Fault.body200(VALID_SESSION, { contentType: "text/html" })],
    expect: ok(1, 1)
  },
  {
    id: "body-48mib",
    group: "2xx body",
    fault: "200, a 48 MiB session (limit 16 MiB)",
    policy: "default",
    script: () => [Fault.largeBody(48 * 1024 * 1024)],
    expect: {
      outcome: "DecodeError(200)",
      attempts: 1,
      sessions: 1,
      elapsedMs: quick,
      error: problemMatches(/larger than the 16777216 byte limit/)
    }
  },
  {
    id: "body-8mib",
    group: "2xx body",
    fault: "200, an 8 MiB session (under the limit)",
    policy: "default",
    script: () => [Fault.largeBody(8 * 1024 * 1024)],
    expect: ok(1, 1)
  },
  {
    id: "body-echoes-key",
    group: "2xx body",
    fault: "200, not JSON, echoing the API key",
    policy: "default",
    script: () => [Fault.body200(`error: ${ECHO}`, { contentType: "text/plain" })],
    expect: {
      outcome: "DecodeError(200)",
      attempts: 1,
      sessions: 1,
      elapsedMs: quick,
      error: (error) => expect(error._tag === "DecodeError" && error.bodyExcerpt).toBe("error: Invalid token: Bearer <redacted>")
    }
  }
]

const FASTAPI: Readonly<Record<number, string>> = {
  401: `{"detail":"Invalid authentication token"}`,
  403: `{"detail":"Not enough permissions for this project"}`,
  404: `{"detail":"Not Found"}`,
  422: `{"detail":[{"loc":["body","index_ids"],"msg":"List should have at most 10 items after validation, not 11","type":"too_long"}]}`
}
const PLAIN: Readonly<Record<number, string>> = {
  401: "Unauthorized",
  403: "Forbidden: key not allowed here",
  404: "404 page not found",
  422: "Unprocessable Entity: index_ids too long"
}
const EMPTY_DETAIL: Readonly<Record<number, string>> = {
  401: "Unauthorized (empty body)",
  403: "Forbidden (empty body)",
  404: "Not Found (empty body)",
  422: "Unprocessable Entity (empty body)"
}
const clientTag = (status: number) =>
  status === 401 || status === 403 ? `AuthError(${status})` : status === 404 ? "NotFoundError(404)" : `ValidationError(${status})`

/** The `detail` of an error, or for a ValidationError its issues' messages joined. */
const detailOf = (error: LlamaCloudError): string =>
  error._tag === "ValidationError" ? error.issues.map((issue) => issue.message).join("; ") : "detail" in error ? error.detail : ""

const clientErrors: ReadonlyArray<Scenario> = [
  ...[401, 403, 404, 422].flatMap((status) =>
    (["FastAPI JSON", "plain text", "empty"] as const).map((shape): Scenario => ({
      id: `${status}-${shape.replace(" ", "-").toLowerCase()}`,
      group: "client error",
      fault: `${status}, ${shape} body`,
      policy: "default",
      script: () => [
        Fault.status(status, { body: shape === "FastAPI JSON" ? FASTAPI[status]! : shape === "plain text" ? PLAIN[status]! : "" })
      ],
      expect: {
        outcome: clientTag(status),
        attempts: 1,
        sessions: 0,
        elapsedMs: quick,
        error: (error) => {
          const expected = shape === "FastAPI JSON"
            ? status === 422
              ? "List should have at most 10 items after validation, not 11"
              : (JSON.parse(FASTAPI[status]!) as { detail: string }).detail
            : shape === "plain text"
            ? PLAIN[status]!
            : EMPTY_DETAIL[status]!
          expect(detailOf(error)).toBe(expected)
          if (status === 422 && shape === "FastAPI JSON" && error._tag === "ValidationError") {
            expect(error.issues.map((issue) => issue.path)).toEqual([["body", "index_ids"]])
          }
        }
      }
    }))
  ),
  {
    id: "401-real-server",
    group: "client error",
    fault: "the server does not accept the key (its own 401)",
    policy: "default",
    server: { apiKeys: ["llx-someone-else"] },
    script: () => [],
    expect: { outcome: "AuthError(401)", attempts: 1, sessions: 0, elapsedMs: quick, error: detailIs("Invalid authentication token") }
  },
  {
    id: "401-echoes-key",
    group: "client error",
    fault: "401 whose detail echoes the API key",
    policy: "default",
    script: () => [Fault.status(401, { body: JSON.stringify({ detail: ECHO }) })],
    expect: {
      outcome: "AuthError(401)",
      attempts: 1,
      sessions: 0,
      elapsedMs: quick,
      error: detailIs("Invalid token: Bearer <redacted>")
    }
  },
  {
    id: "503-echoes-key",
    group: "client error",
    fault: "503 HTML page echoing the API key, with `x-should-retry: false`",
    policy: "default",
    script: () => [
      Fault.status(503, {
        headers: { "x-should-retry": "false" },
        body: `<html><head><title>${ECHO}</title></head><body>${ECHO}</body></html>`
      })
    ],
    expect: {
      outcome: "ServerError(503)",
      attempts: 1,
      sessions: 0,
      elapsedMs: quick,
      // The page's title is quoted only up to the first "<": here the redaction marker itself.
      error: detailIs(/^Service Unavailable \(an HTML page/)
    }
  }
]

export const scenarios: ReadonlyArray<Scenario> = [
  ...connection,
  ...timing,
  ...rateLimit,
  ...statuses,
  ...bodies,
  ...bodiesMore,
  ...clientErrors
]

// -------------------------------------------------------------------------------------------------
// the runner

/** Everything seen while one scenario ran over one transport. */
export interface Observation {
  readonly scenario: Scenario
  readonly transport: Transport
  readonly exit: Exit.Exit<unknown, unknown>
  readonly outcome: ReturnType<typeof outcomeOf>
  readonly elapsedMs: number
  /** Attempts as the client's span reports them. */
  readonly attempts: unknown
  readonly serverRequests: number
  readonly sessions: number
  /** Whether every request handler had finished within 3 s of the call's end. */
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

/** Plays `scenario` over `transport` against a local server of its own, and observes everything. */
export const run = (scenario: Scenario, transport: Transport): Effect.Effect<Observation> =>
  Effect.gen(function*() {
    const observed = observe()

    const serverScope = yield* Scope.make()
    const server = yield* Layer.buildWithScope(LocalServer.layer(scenario.server), serverScope).pipe(
      Effect.map(Context.get(LocalServer.LocalServer)),
      Effect.orDie
    )
    yield* server.setFaults({ script: scenario.script() })
    const url = scenario.refused === true ? `http://127.0.0.1:${yield* closedPort}` : server.url

    const policies = Layer.merge(
      RetryPolicy.layer({ ...retryOptions, retryAmbiguous: scenario.policy === "retryAmbiguous" }),
      TimeoutPolicy.layer({ perAttempt: relaxed, ...scenario.timeout })
    )
    const clientScope = yield* Scope.make()
    const client = yield* Layer.buildWithScope(clientLayer(url, transport.layer, policies), clientScope)

    const started = performance.now()
    const exit = yield* create({ indexIds: ["idx-reliability"] }).pipe(
      Effect.timeoutFail({ duration: HANG_MS, onTimeout: () => new Error(`no outcome within ${HANG_MS} ms: a hang`) }),
      Effect.provide(client),
      Effect.provide(observed.layer),
      Effect.exit
    )
    const elapsedMs = performance.now() - started

    // Every fault handler ends only when its socket closes: idle means no connection was left hanging.
    const serverIdle = yield* server.idle.pipe(Effect.timeout("3 seconds"), Effect.isSuccess)
    const idle = expectationFor(scenario, transport).idleConnections ?? 1
    const openWithClient = (yield* pollUntil(server.connections, (c) => c.open <= idle)).open
    const serverRequests = (yield* server.requests).length
    const sessions = (yield* server.sessions).length
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
      attempts: spanAttribute(observed.spans, "ChatService.create", "llamacloud.attempts"),
      serverRequests,
      sessions,
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

/** Asserts everything the issue asks of one scenario over one transport. */
export const verify = (o: Observation): void => {
  const e = expectationFor(o.scenario, o.transport)
  const where = `${o.scenario.id} over ${o.transport.name}`
  // The outcome: exactly the documented one, never a defect or a hang.
  expect(o.outcome._tag, `${where}: ${o.outcome.label}`).not.toBe("Bug")
  expect(o.outcome.label, where).toBe(e.outcome)
  if (o.outcome._tag === "Failure" && e.error !== undefined) e.error(o.outcome.error)
  // Attempts and sessions.
  expect(o.attempts, `${where}: attempts`).toBe(e.attempts)
  expect(o.serverRequests, `${where}: requests at the server`).toBe(e.serverRequests ?? e.attempts)
  expect(o.sessions, `${where}: sessions created`).toBe(e.sessions)
  // Time within the policy's bounds.
  expect(o.elapsedMs, `${where}: elapsed`).toBeGreaterThanOrEqual(e.elapsedMs[0] - 5)
  expect(o.elapsedMs, `${where}: elapsed`).toBeLessThanOrEqual(e.elapsedMs[1])
  // No connection left behind: the server's handlers are done, at most one idle keep-alive
  // connection remains while the client lives, none once a client that owns its pool is closed.
  expect(o.serverIdle, `${where}: a request handler was still running 3 s after the call`).toBe(true)
  expect(o.openWithClient, `${where}: open connections with the client alive`).toBeLessThanOrEqual(e.idleConnections ?? 1)
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

export const toRow = (o: Observation): Row => ({
  table: "matrix",
  id: o.scenario.id,
  group: o.scenario.group,
  fault: o.scenario.fault,
  transport: o.transport.label,
  policy: policyLabel(o.scenario.policy, o.scenario.timeout),
  outcome: o.outcome.label,
  attempts: typeof o.attempts === "number" ? o.attempts : null,
  serverRequests: o.serverRequests,
  sessions: o.sessions,
  elapsedMs: Math.round(o.elapsedMs),
  figures: {
    boundMinMs: Math.round(expectationFor(o.scenario, o.transport).elapsedMs[0]),
    openWithClient: o.openWithClient,
    renderedPlaces: o.renderedPlaces
  },
  ...(o.outcome._tag === "Failure" ? { note: o.outcome.error.message } : {})
})

/**
 * One scenario over every transport at once (each against its own server), then the process-wide
 * check that nothing of it is left. Every observation is recorded for the report.
 */
export const scenarioTest = (scenario: Scenario, over: ReadonlyArray<Transport>) =>
  Effect.map(
    withLeftovers(Effect.forEach(over, (transport) => run(scenario, transport), { concurrency: "unbounded" })),
    ([observations, leftovers]) => {
      observations.forEach((observation) => record(toRow(observation)))
      observations.forEach(verify)
      verifyLeftovers(scenario.id, leftovers)
    }
  )
