/**
 * What a call's failure becomes, for both editions' error tests (test/errors.test.ts,
 * effect4/test/errors.test.ts): each case is an answer (or a transport failure) and the error it
 * must end in, as plain data: its tag, status, detail, request id, wait, reason and what its
 * message says. Each edition replays the answer with its own `MockTransport`, and compares
 * `seen(error, …)` with the case's `expected`.
 */
import { answer, type Answer, REQUEST_ID } from "./errorAnswers.js"

/** What the transport gives the client: an answer, or a failure with this error code (`ECONNREFUSED`). */
export type Reply = Answer | { readonly fails: string }

export type Tag =
  | "AuthError"
  | "ValidationError"
  | "NotFoundError"
  | "RateLimitError"
  | "ServerError"
  | "ApiError"
  | "NetworkError"
  | "DecodeError"

/** The facts an error must show; a fact left out is not checked. `null`: the error says there is none. */
export interface Expected {
  readonly tag: Tag
  /** Its HTTP status (a `ValidationError`'s is optional: then it must be there, and this). */
  readonly status?: number
  readonly detail?: string
  /** What the `detail` must contain. */
  readonly detailSays?: string
  readonly requestId?: string | null
  /** The wait the server asked for, in milliseconds. */
  readonly retryAfterMs?: number | null
  /** The timeout that ran out, in milliseconds. */
  readonly timeoutMs?: number | null
  /** A `NetworkError`'s reason. */
  readonly reason?: string
  readonly issues?: ReadonlyArray<{ readonly path: ReadonlyArray<string | number>; readonly message: string }>
  readonly issueCount?: number
  /** What the first issue's message must contain. */
  readonly firstIssueSays?: string
  /** What the message must contain. */
  readonly says?: ReadonlyArray<string>
  /** What the message must not contain. */
  readonly never?: ReadonlyArray<string>
  /** An `Error` whose message is a sentence or more, and whose `String` is `<tag>: <message>`. */
  readonly describesItself?: true
}

export interface Case {
  readonly name: string
  readonly reply: Reply
  readonly expected: Expected
}

type OptionOf<A> = { readonly _tag: "Some"; readonly value: A } | { readonly _tag: "None" }

/** An error of either edition, read through its public fields; `D` is the edition's `Duration`. */
export interface FailureLike<D> {
  readonly _tag: string
  readonly message: string
  readonly status?: number | OptionOf<number>
  readonly detail?: string
  readonly requestId?: OptionOf<string>
  readonly retryAfter?: OptionOf<D>
  readonly timeout?: OptionOf<D>
  readonly reason?: string
  readonly issues?: ReadonlyArray<{ readonly path: ReadonlyArray<string | number>; readonly message: string }>
}

const orNull = <A, B>(option: OptionOf<A> | undefined, f: (a: A) => B): B | null | undefined =>
  option === undefined ? undefined : option._tag === "Some" ? f(option.value) : null

const found = (fragment: string, text: string | undefined): string =>
  text?.includes(fragment) === true ? fragment : `${JSON.stringify(fragment)} not in ${JSON.stringify(text)}`

/**
 * What `error` shows of the facts `expected` names, in the same shape: equal to `expected` when the
 * error is as expected, and otherwise a difference that says what it shows instead.
 */
export const seen = <D>(error: FailureLike<D>, millis: (duration: D) => number, expected: Expected): Record<string, unknown> => {
  const facts: Record<string, unknown> = { tag: error._tag }
  const { message } = error
  if (expected.status !== undefined) {
    facts.status = typeof error.status === "object" ? orNull(error.status, (status) => status) : error.status
  }
  if (expected.detail !== undefined) facts.detail = error.detail
  if (expected.detailSays !== undefined) facts.detailSays = found(expected.detailSays, error.detail)
  if (expected.requestId !== undefined) facts.requestId = orNull(error.requestId, (id) => id)
  if (expected.retryAfterMs !== undefined) facts.retryAfterMs = orNull(error.retryAfter, millis)
  if (expected.timeoutMs !== undefined) facts.timeoutMs = orNull(error.timeout, millis)
  if (expected.reason !== undefined) facts.reason = error.reason
  if (expected.issues !== undefined) facts.issues = error.issues
  if (expected.issueCount !== undefined) facts.issueCount = error.issues?.length
  if (expected.firstIssueSays !== undefined) facts.firstIssueSays = found(expected.firstIssueSays, error.issues?.[0]?.message)
  if (expected.says !== undefined) facts.says = expected.says.map((fragment) => found(fragment, message))
  if (expected.never !== undefined) {
    facts.never = expected.never.map((fragment) => message.includes(fragment) ? `${JSON.stringify(fragment)} in ${JSON.stringify(message)}` : fragment)
  }
  if (expected.describesItself !== undefined) {
    facts.describesItself = error instanceof Error && message.length > 40 && String(error).split("\n")[0] === `${error._tag}: ${message}`
      ? true
      : `${String(error)} (${message.length} characters)`
  }
  return facts
}

const withId = { requestId: REQUEST_ID } as const

/** Each HTTP status a call may get, and the error it becomes. */
export const statuses: ReadonlyArray<Case> = [
  ...[401, 403].map((status): Case => ({
    name: `${status} is an AuthError`,
    reply: answer(status, "Invalid authentication token"),
    expected: { tag: "AuthError", status, detail: "Invalid authentication token", ...withId }
  })),
  { name: "401 says to check the key", reply: answer(401), expected: { tag: "AuthError", says: ["LLAMA_CLOUD_API_KEY"] } },
  {
    name: "403 says the key may not act on the project",
    reply: answer(403),
    expected: { tag: "AuthError", says: ["organizationId / projectId"] }
  },
  ...[400, 422].map((status): Case => ({
    name: `${status} is a ValidationError carrying the server's status`,
    reply: answer(status, "index_ids: too many"),
    expected: { tag: "ValidationError", status, issues: [{ path: [], message: "index_ids: too many" }], ...withId }
  })),
  {
    name: "422 parses FastAPI's detail list into issues",
    reply: answer(422, [
      { loc: ["body", "index_ids"], msg: "ensure this value has at most 10 items", type: "value_error.list.max_items" },
      { loc: ["query", "project_id"], msg: "value is not a valid uuid", type: "type_error.uuid" }
    ]),
    expected: {
      tag: "ValidationError",
      issues: [
        { path: ["body", "index_ids"], message: "ensure this value has at most 10 items" },
        { path: ["query", "project_id"], message: "value is not a valid uuid" }
      ],
      says: [
        "LlamaCloud rejected the request as invalid",
        "body.index_ids: ensure this value has at most 10 items",
        "query.project_id: value is not a valid uuid"
      ]
    }
  },
  {
    name: "404 is a NotFoundError that points at the base URL",
    reply: answer(404, "Not Found"),
    expected: { tag: "NotFoundError", status: 404, ...withId, says: ["LLAMA_CLOUD_BASE_URL"] }
  },
  {
    name: "429 is a RateLimitError carrying the server's Retry-After",
    reply: answer(429, "Too many requests", { "retry-after": "7" }),
    expected: { tag: "RateLimitError", status: 429, retryAfterMs: 7000, ...withId, says: ["wait 7s"] }
  },
  {
    name: "429 without a wait says none was given",
    reply: answer(429),
    expected: { tag: "RateLimitError", retryAfterMs: null, says: ["Wait before calling again"] }
  },
  ...[500, 502, 503, 504].map((status): Case => ({
    name: `${status} is a ServerError`,
    reply: answer(status, "upstream failed"),
    expected: { tag: "ServerError", status, detail: "upstream failed", ...withId }
  })),
  {
    name: "a ServerError carries the server's wait",
    reply: answer(503, "maintenance", { "retry-after-ms": "2500" }),
    expected: { tag: "ServerError", retryAfterMs: 2500 }
  },
  ...[405, 408, 409].map((status): Case => ({
    name: `${status} is an ApiError`,
    reply: answer(status, "no"),
    expected: { tag: "ApiError", status, ...withId }
  }))
]

const nginx503 = `<html>
<head><title>503 Service Temporarily Unavailable</title></head>
<body><center><h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body>
</html>`

/** Error bodies that are not FastAPI JSON, and how each is read. */
export const oddBodies: ReadonlyArray<Case> = [
  {
    name: "an nginx HTML page with 503 is a ServerError quoting the page title",
    reply: { status: 503, text: nginx503, headers: { "content-type": "text/html" } },
    expected: {
      tag: "ServerError",
      status: 503,
      detail: "Service Unavailable (an HTML page: 503 Service Temporarily Unavailable)",
      never: ["<html>"]
    }
  },
  {
    name: "an empty 401 is an AuthError",
    reply: { status: 401, text: "" },
    expected: { tag: "AuthError", status: 401, detail: "Unauthorized (empty body)" }
  },
  {
    name: "an empty 404 is a NotFoundError",
    reply: { status: 404, text: "" },
    expected: { tag: "NotFoundError", status: 404, detail: "Not Found (empty body)" }
  },
  {
    name: "an HTML 502 from a gateway is a ServerError",
    reply: { status: 502, text: "<html><body>Bad gateway</body></html>", headers: { "content-type": "text/html" } },
    expected: { tag: "ServerError", status: 502, detailSays: "an HTML page" }
  },
  {
    name: "plain text is kept as the detail",
    reply: { status: 409, text: "session already exists" },
    expected: { tag: "ApiError", status: 409, detail: "session already exists" }
  },
  {
    name: "JSON without a detail field is shown as the detail",
    reply: { status: 500, json: { error: "boom", code: 17 } },
    expected: { tag: "ServerError", status: 500, detailSays: `"error":"boom"` }
  },
  {
    name: "an unlisted status is named by its number",
    reply: { status: 418, text: "" },
    expected: { tag: "ApiError", status: 418, detail: "HTTP 418 (empty body)" }
  },
  {
    name: "a 422 whose detail list holds odd items still lists them",
    reply: answer(422, ["just a string", { loc: "not-a-list" }]),
    expected: { tag: "ValidationError", issueCount: 2, firstIssueSays: "just a string" }
  }
]

/** Transport failures before any answer, and the `NetworkError` each becomes. */
export const transportFailures: ReadonlyArray<Case> = [
  {
    name: "ECONNREFUSED is a NetworkError ConnectFailed",
    reply: { fails: "ECONNREFUSED" },
    expected: { tag: "NetworkError", reason: "ConnectFailed", detailSays: "ECONNREFUSED", says: ["nothing was sent"] }
  },
  { name: "ENOTFOUND is a NetworkError ConnectFailed", reply: { fails: "ENOTFOUND" }, expected: { tag: "NetworkError", reason: "ConnectFailed" } },
  {
    name: "ECONNRESET is a NetworkError ConnectionLost",
    reply: { fails: "ECONNRESET" },
    expected: { tag: "NetworkError", reason: "ConnectionLost", says: ["may have acted"] }
  }
]

/**
 * A call whose one request never gets an answer: `totalMs`, the total deadline set with
 * `TimeoutPolicy.layer({ total })` (else the defaults); `expiresAtMs`, when the clock fires it.
 */
export const timeouts: ReadonlyArray<{
  readonly name: string
  readonly totalMs?: number
  readonly expiresAtMs: number
  readonly expected: Expected
}> = [
  {
    name: "an attempt without an answer within the per-attempt timeout is a NetworkError AttemptTimeout",
    expiresAtMs: 60_000,
    expected: { tag: "NetworkError", reason: "AttemptTimeout", timeoutMs: 60_000, says: ["TimeoutPolicy.layer({ perAttempt })"] }
  },
  {
    name: "a call past its total deadline is a NetworkError DeadlineExceeded",
    totalMs: 5_000,
    expiresAtMs: 5_000,
    expected: { tag: "NetworkError", reason: "DeadlineExceeded", timeoutMs: 5_000, says: ["TimeoutPolicy.layer({ total })"] }
  }
]

const namesWhatHappened = (tag: Tag, reply: Reply): Case => ({
  name: `${tag} is a LlamaCloudError with a message that names what happened`,
  reply,
  expected: { tag, describesItself: true, says: tag === "NetworkError" ? [] : ["HTTP ", `request id ${REQUEST_ID}`] }
})

/** One failed call for each tag a call's failure may have. */
export const everyCallError: ReadonlyArray<Case> = [
  namesWhatHappened("AuthError", answer(401)),
  namesWhatHappened("ValidationError", answer(422)),
  namesWhatHappened("NotFoundError", answer(404)),
  namesWhatHappened("RateLimitError", answer(429)),
  namesWhatHappened("ServerError", answer(500)),
  namesWhatHappened("ApiError", answer(409)),
  namesWhatHappened("NetworkError", { fails: "ECONNREFUSED" }),
  namesWhatHappened("DecodeError", { status: 200, text: "{}", headers: { "x-request-id": REQUEST_ID } })
]

/** Every case above but the timeouts, by what they are about: each group a `describe`. */
export const callFailures: ReadonlyArray<{ readonly title: string; readonly cases: ReadonlyArray<Case> }> = [
  { title: "HTTP statuses", cases: statuses },
  { title: "error bodies that are not FastAPI JSON", cases: oddBodies },
  { title: "transport failures", cases: transportFailures },
  { title: "every call's error", cases: everyCallError }
]
