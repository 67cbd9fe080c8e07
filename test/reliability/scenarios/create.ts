/**
 * The create matrix: every way the network or the server can misbehave on one create, and what the
 * call must end in under the documented policy. The deepest of the matrices, since create is the
 * operation a careless retry makes twice: "acted" is the sessions the server made. Long, as a table
 * is: its rows are meant to be read side by side.
 */
import { expect } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import { LocalServer } from "../../../src/testing/node.js"
import {
  after,
  detailIs,
  detailOf,
  minBackoff,
  ok,
  perAttempt,
  problemMatches,
  quick,
  retryAfterIs,
  type Scenario as AnyScenario,
  short
} from "../matrix.js"

const { Fault } = LocalServer

/** A scenario of this matrix: its operation is create. */
type Scenario = Omit<AnyScenario, "operation">

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
      acted: 0,
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
    expect: { outcome: "NetworkError(ConnectionLost)", attempts: 1, acted: 0, elapsedMs: quick }
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
    expect: { outcome: "NetworkError(ConnectionLost)", attempts: 3, acted: 0, elapsedMs: after(minBackoff(2)) }
  },
  {
    id: "reset-mid-body",
    group: "connection",
    fault: "reset in the middle of the body",
    policy: "default",
    script: () => [Fault.resetMidBody()],
    expect: { outcome: "NetworkError(ConnectionLost)", attempts: 1, acted: 1, elapsedMs: quick }
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
    expect: { outcome: "NetworkError(ConnectionLost)", attempts: 1, acted: 1, elapsedMs: quick }
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
    expect: { outcome: "NetworkError(AttemptTimeout)", attempts: 1, acted: 1, elapsedMs: after(perAttempt) }
  },
  {
    id: "delay-headers-ambiguous",
    group: "timing",
    fault: "headers delayed 5 s, once",
    policy: "retryAmbiguous",
    timeout: short,
    script: () => [Fault.delayHeaders(5_000)],
    expect: { ...ok(2, 2, after(perAttempt + minBackoff(1))), retriesAnAbortedAttempt: true }
  },
  {
    id: "stall-body",
    group: "timing",
    fault: "body stalls half way",
    policy: "default",
    timeout: short,
    script: () => [Fault.stallBody()],
    expect: { outcome: "NetworkError(AttemptTimeout)", attempts: 1, acted: 1, elapsedMs: after(perAttempt) }
  },
  {
    id: "stall-body-ambiguous",
    group: "timing",
    fault: "body stalls half way, once",
    policy: "retryAmbiguous",
    timeout: short,
    script: () => [Fault.stallBody()],
    expect: { ...ok(2, 2, after(perAttempt + minBackoff(1))), retriesAnAbortedAttempt: true }
  },
  {
    id: "drip-body",
    group: "timing",
    fault: "body dripped 1 byte / 20 ms (slowloris), ~2.6 s in all",
    policy: "default",
    timeout: short,
    script: () => [Fault.dripBody(20)],
    expect: { outcome: "NetworkError(AttemptTimeout)", attempts: 1, acted: 1, elapsedMs: after(perAttempt) }
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
      acted: 3,
      elapsedMs: after(3 * perAttempt + minBackoff(2)),
      retriesAnAbortedAttempt: true
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
      acted: 2,
      elapsedMs: after(600),
      retriesAnAbortedAttempt: true,
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
    expect: { outcome: "RateLimitError(429)", attempts: 1, acted: 0, elapsedMs: quick, error: retryAfterIs(120_000) }
  },
  {
    id: "429-retry-after-3s",
    group: "rate limit",
    fault: "429 with `Retry-After: 3` (cap 2 s)",
    policy: "default",
    script: () => [Fault.status(429, { headers: { "retry-after": "3" } })],
    expect: { outcome: "RateLimitError(429)", attempts: 1, acted: 0, elapsedMs: quick, error: retryAfterIs(3_000) }
  },
  {
    id: "429-always",
    group: "rate limit",
    fault: "429 without `Retry-After`, every attempt",
    policy: "default",
    script: () => [Fault.status(429), Fault.status(429), Fault.status(429)],
    expect: { outcome: "RateLimitError(429)", attempts: 3, acted: 0, elapsedMs: after(minBackoff(2)) }
  },
  {
    id: "503-retry-after-beyond-cap",
    group: "rate limit",
    fault: "503 with `Retry-After: 120` (cap 2 s)",
    policy: "default",
    script: () => [Fault.status(503, { headers: { "retry-after": "120" } })],
    expect: { outcome: "ServerError(503)", attempts: 1, acted: 0, elapsedMs: quick, error: retryAfterIs(120_000) }
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
        : { outcome: tagOf(status), attempts: 1, acted: 0, elapsedMs: quick }
    },
    ...(safeStatus(status)
      ? [{
        id: `${status}-always`,
        group: "status",
        fault: `${status}, every attempt`,
        policy: "default",
        script: () => [Fault.status(status), Fault.status(status), Fault.status(status)],
        expect: { outcome: tagOf(status), attempts: 3, acted: 0, elapsedMs: after(minBackoff(2)) }
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
      expect: { outcome: tagOf(status), attempts: 1, acted: 0, elapsedMs: quick }
    }
  ]),
  {
    id: "500-acted",
    group: "status",
    fault: "500 after creating the session, once",
    policy: "default",
    script: () => [Fault.status(500, { createsSession: true })],
    expect: { outcome: "ServerError(500)", attempts: 1, acted: 1, elapsedMs: quick }
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
    expect: { outcome: "ApiError(307)", attempts: 1, acted: 0, elapsedMs: quick }
  },
  {
    id: "302-redirect",
    group: "status",
    fault: "302 to `/api/v1/chat` on the same server, once",
    policy: "default",
    script: () => [Fault.status(302, { headers: { location: "/api/v1/chat" }, body: "" })],
    // Not followed either: following would turn the create into a GET.
    expect: { outcome: "ApiError(302)", attempts: 1, acted: 0, elapsedMs: quick }
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
      acted: 0,
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
  expect: { outcome: "DecodeError(200)", attempts: 1, acted: 1, elapsedMs: quick, error: problemMatches(problem as RegExp) }
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
      acted: 1,
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
      acted: 1,
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
        acted: 0,
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
    expect: { outcome: "AuthError(401)", attempts: 1, acted: 0, elapsedMs: quick, error: detailIs("Invalid authentication token") }
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
      acted: 0,
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
      acted: 0,
      elapsedMs: quick,
      // The page's title is quoted only up to the first "<": here the redaction marker itself.
      error: detailIs(/^Service Unavailable \(an HTML page/)
    }
  }
]

export const scenarios: ReadonlyArray<AnyScenario> = [
  ...connection,
  ...timing,
  ...rateLimit,
  ...statuses,
  ...bodies,
  ...bodiesMore,
  ...clientErrors
].map((scenario) => ({ ...scenario, operation: "create" }))
