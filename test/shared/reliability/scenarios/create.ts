/**
 * Create in depth: the faults create alone is tried with (every form of Retry-After, each status
 * with and without `x-should-retry`, redirects, error bodies of every shape), and what the call
 * must end in under the documented policy; "acted" is the sessions the server made. The faults
 * every operation meets are played once, create included, in `operations.ts`: none is repeated
 * here. Plain data, for both editions. Long, as a table is: its rows are meant to be read side by
 * side.
 */
import { Fault } from "../../../../src/core/localServer/faults.js"
import {
  deadline,
  minBackoff,
  ok,
  perAttempt,
  type Scenario as AnyScenario,
  short
} from "../matrix.js"

/** A scenario of this matrix: its operation is create. */
type Scenario = Omit<AnyScenario, "operation">

const VALID_SESSION = `{"session_id":"ses-lying-content-type","last_updated_at":"2026-04-22T12:34:41.342245"}`
const NGINX_503 =
  `<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
const LOGIN_PAGE = `<!DOCTYPE html><html><head><title>Sign in</title></head><body>Please sign in</body></html>`
const ECHO = "Invalid token: Bearer llx-RELIABILITY-5e3cr3t"

const connection: ReadonlyArray<Scenario> = [
  {
    id: "reset-before-always-ambiguous",
    group: "connection",
    fault: "reset before any response byte, every attempt",
    policy: "retryAmbiguous",
    script: () => [Fault.resetBeforeResponse(), Fault.resetBeforeResponse(), Fault.resetBeforeResponse()],
    expect: { outcome: "NetworkError(ConnectionLost)", attempts: 3, acted: 0, atLeastMs: minBackoff(2) }
  }
]

const timing: ReadonlyArray<Scenario> = [
  {
    id: "stall-body-ambiguous",
    group: "timing",
    fault: "body stalls half way, once",
    policy: "retryAmbiguous",
    timeout: short,
    script: () => [Fault.stallBody()],
    expect: { ...ok(2, 2, perAttempt + minBackoff(1)), retriesAnAbortedAttempt: true }
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
      atLeastMs: 3 * perAttempt + minBackoff(2),
      retriesAnAbortedAttempt: true
    }
  },
  {
    id: "drip-body-in-time",
    group: "timing",
    fault: "body dripped 1 byte / 2 ms, inside a 5 s timeout",
    policy: "default",
    timeout: { perAttempt: 5_000 },
    script: () => [Fault.dripBody(2)],
    // ~130 bytes at one write per 2 ms at least.
    expect: ok(1, 1, 200)
  },
  {
    id: "deadline",
    group: "timing",
    fault: `body stalls on every attempt, total deadline ${deadline} ms`,
    policy: "retryAmbiguous",
    timeout: { perAttempt, total: deadline },
    script: () => [Fault.stallBody(), Fault.stallBody(), Fault.stallBody()],
    expect: {
      outcome: "NetworkError(DeadlineExceeded)",
      attempts: 2,
      acted: 2,
      atLeastMs: deadline,
      retriesAnAbortedAttempt: true,
      error: { timeoutMs: deadline }
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
    expect: ok(2, 1, 1_000)
  },
  {
    id: "429-retry-after-date",
    group: "rate limit",
    fault: "429 with `Retry-After` as an HTTP date 1–2 s ahead, once",
    policy: "default",
    script: () => [Fault.status(429, { headers: { "retry-after": httpDateAhead() } })],
    // The date is at least 1 s ahead when the script is built; the answer comes a few ms later.
    expect: ok(2, 1, 900)
  },
  {
    id: "429-retry-after-ms",
    group: "rate limit",
    fault: "429 with `retry-after-ms: 150`, once",
    policy: "default",
    script: () => [Fault.status(429, { headers: { "retry-after-ms": "150", "retry-after": "30" } })],
    expect: ok(2, 1, 150)
  },
  {
    id: "429-retry-after-3s",
    group: "rate limit",
    fault: "429 with `Retry-After: 3` (cap 2 s)",
    policy: "default",
    script: () => [Fault.status(429, { headers: { "retry-after": "3" } })],
    expect: { outcome: "RateLimitError(429)", attempts: 1, acted: 0, error: { retryAfterMs: 3_000 } }
  },
  {
    id: "429-always",
    group: "rate limit",
    fault: "429 without `Retry-After`, every attempt",
    policy: "default",
    script: () => [Fault.status(429), Fault.status(429), Fault.status(429)],
    expect: { outcome: "RateLimitError(429)", attempts: 3, acted: 0, atLeastMs: minBackoff(2) }
  },
  {
    id: "503-retry-after-beyond-cap",
    group: "rate limit",
    fault: "503 with `Retry-After: 120` (cap 2 s)",
    policy: "default",
    script: () => [Fault.status(503, { headers: { "retry-after": "120" } })],
    expect: { outcome: "ServerError(503)", attempts: 1, acted: 0, error: { retryAfterMs: 120_000 } }
  }
]

const tagOf = (status: number) => status === 408 ? `ApiError(${status})` : `ServerError(${status})`

// Each status once, 503 every attempt, 500 once under retryAmbiguous, 500 with `x-should-retry:
// true` and 503 with `x-should-retry: false` are faults every operation meets, create included:
// they are played once, in scenarios/operations.ts. Here, the rest of each status.
const statuses: ReadonlyArray<Scenario> = [
  {
    id: "408-always",
    group: "status",
    fault: "408, every attempt",
    policy: "default",
    script: () => [Fault.status(408), Fault.status(408), Fault.status(408)],
    expect: { outcome: tagOf(408), attempts: 3, acted: 0, atLeastMs: minBackoff(2) }
  },
  ...[502, 504].map((status): Scenario => ({
    id: `${status}-once-ambiguous`,
    group: "status",
    fault: `${status}, once`,
    policy: "retryAmbiguous",
    script: () => [Fault.status(status)],
    expect: ok(2, 1, minBackoff(1))
  })),
  ...[408, 502, 503, 504].map((status): Scenario => ({
    id: `${status}-should-retry-true`,
    group: "status",
    fault: `${status} with \`x-should-retry: true\`, once`,
    policy: "default",
    script: () => [Fault.status(status, { headers: { "x-should-retry": "true" } })],
    expect: ok(2, 1, minBackoff(1))
  })),
  ...[408, 500, 502, 504].map((status): Scenario => ({
    id: `${status}-should-retry-false`,
    group: "status",
    fault: `${status} with \`x-should-retry: false\`, once`,
    policy: "retryAmbiguous",
    script: () => [Fault.status(status, { headers: { "x-should-retry": "false" } })],
    expect: { outcome: tagOf(status), attempts: 1, acted: 0 }
  })),
  {
    id: "500-acted-ambiguous",
    group: "status",
    fault: "500 after creating the session, once",
    policy: "retryAmbiguous",
    // The opt-in's price, measured: an orphan session.
    script: () => [Fault.status(500, { createsSession: true })],
    expect: ok(2, 2, minBackoff(1))
  },
  {
    id: "307-redirect",
    group: "status",
    fault: "307 to `/api/v1/chat` on the same server, once",
    policy: "default",
    script: () => [Fault.status(307, { headers: { location: "/api/v1/chat" }, body: "" })],
    // A create is never re-sent behind the caller's back: undici does not follow redirects, and the
    // client asks fetch not to (`redirect: "manual"`), so both hand the 307 back as it came.
    expect: { outcome: "ApiError(307)", attempts: 1, acted: 0 }
  },
  {
    id: "302-redirect",
    group: "status",
    fault: "302 to `/api/v1/chat` on the same server, once",
    policy: "default",
    script: () => [Fault.status(302, { headers: { location: "/api/v1/chat" }, body: "" })],
    // Not followed either: following would turn the create into a GET.
    expect: { outcome: "ApiError(302)", attempts: 1, acted: 0 }
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
      atLeastMs: minBackoff(2),
      error: { detail: "Service Unavailable (an HTML page: 503 Service Temporarily Unavailable)" }
    }
  }
]

// Invalid JSON, JSON of the wrong shape, an HTML page, an empty body, 8 and 48 MiB sessions: every
// operation's (scenarios/operations.ts). Here, the bodies only a create's answer is tried with.
const bodies: ReadonlyArray<Scenario> = [
  ["truncated", "200, truncated JSON", `{"session_id":"ses-1","last_updated_at":"2026-04-22T12:3`, "application/json", /not JSON/],
  ["json-says-html", "200, HTML under `Content-Type: application/json`", LOGIN_PAGE, "application/json", /HTML page/]
].map(([id, fault, body, contentType, problem]): Scenario => ({
  id: `body-${id}`,
  group: "2xx body",
  fault: fault as string,
  policy: "default",
  script: () => [Fault.body200(body as string, contentType === undefined ? {} : { contentType: contentType as string })],
  expect: { outcome: "DecodeError(200)", attempts: 1, acted: 1, error: { problem: problem as RegExp } }
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
    id: "body-echoes-key",
    group: "2xx body",
    fault: "200, not JSON, echoing the API key",
    policy: "default",
    script: () => [Fault.body200(`error: ${ECHO}`, { contentType: "text/plain" })],
    expect: {
      outcome: "DecodeError(200)",
      attempts: 1,
      acted: 1,
      error: { bodyExcerpt: "error: Invalid token: Bearer <redacted>" }
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

/** 401 and 404 with FastAPI's JSON body, and a 401 echoing the key, are every operation's. */
const metByEveryOperation = (status: number, shape: string) => shape === "FastAPI JSON" && (status === 401 || status === 404)

const clientErrors: ReadonlyArray<Scenario> = [
  ...[401, 403, 404, 422].flatMap((status) =>
    (["FastAPI JSON", "plain text", "empty"] as const).filter((shape) => !metByEveryOperation(status, shape)).map((shape): Scenario => ({
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
        error: {
          detail: shape === "FastAPI JSON"
            ? status === 422
              ? "List should have at most 10 items after validation, not 11"
              : (JSON.parse(FASTAPI[status]!) as { detail: string }).detail
            : shape === "plain text"
            ? PLAIN[status]!
            : EMPTY_DETAIL[status]!,
          ...(status === 422 && shape === "FastAPI JSON" ? { issuePaths: [["body", "index_ids"]] } : {})
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
    expect: { outcome: "AuthError(401)", attempts: 1, acted: 0, error: { detail: "Invalid authentication token" } }
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
      // The page's title is quoted only up to the first "<": here the redaction marker itself.
      error: { detail: /^Service Unavailable \(an HTML page/ }
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
].map((scenario): AnyScenario => ({ ...scenario, operation: "create" }))
