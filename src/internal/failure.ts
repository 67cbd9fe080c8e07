/**
 * Every way a call can fail, classified in one place: what went wrong becomes the error the caller
 * sees (`LlamaCloudError`) and, for the engine's retry rule, a `Failure` saying whether the server
 * can have acted on the request. Transport failures, error statuses (FastAPI's bodies read, the
 * server's retry advice kept), undecodable answers, cut streams and the limits all land here, and
 * every server-sent text is scrubbed of the key after it is decoded (a key spelled with JSON escapes
 * is only visible then).
 *
 * Over 300 lines and one concept: the classification of failures, whose parts (a status's body, a
 * transport's cause, a decode's problem) feed one another's messages.
 */
import type * as Headers from "@effect/platform/Headers"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import {
  ApiError,
  AuthError,
  type CallFacts,
  DecodeError,
  type LlamaCloudError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  ServerError,
  ValidationError,
  type ValidationIssue
} from "../LlamaCloudError.js"
import { detach, type Scrub, truncate } from "./redact.js"
import { parseRetryAfter } from "./retryAfter.js"
import { show } from "../core/show.js"

/**
 * What every failure names about its call: the operation, the session, and once the server has
 * answered, its request id (absent before an answer). All of it is safe to show.
 */
export interface Facts extends CallFacts {
  readonly requestId?: Option.Option<string> | undefined
}

const requestIdIn = (facts: Facts): Option.Option<string> => facts.requestId ?? Option.none()

/** The facts of a call about to be sent: the operation's name and its session, scrubbed. */
export const factsOf = (operation: { readonly name: string; readonly sessionId?: string | undefined }, scrub: Scrub): Facts =>
  operation.sessionId === undefined
    ? { operation: operation.name }
    : { operation: operation.name, sessionId: scrub(operation.sessionId) }

// -------------------------------------------------------------------------------------------------
// what the retry rule needs

/**
 * Whether retrying a failure can repeat an effect on the server:
 * - `safe`: the server cannot have acted (no connection, 408, 429, 503);
 * - `ambiguous`: it may have (connection lost or timed out after sending, 500, 502, 504);
 * - `never`: retrying cannot help (4xx, undecodable success).
 */
export type Safety = "safe" | "ambiguous" | "never"

/** A failed attempt: the error the caller would see, and what the retry rule needs to know. */
export interface Failure {
  readonly error: LlamaCloudError
  readonly safety: Safety
  /** `x-should-retry` from the server, which overrides `safety`. */
  readonly serverSays: Option.Option<boolean>
  /** `retry-after-ms` or `Retry-After` from the server. */
  readonly retryAfter: Option.Option<Duration.Duration>
  /** The status the server answered with, when the failure is an error status. */
  readonly status?: number | undefined
}

/** A failure with no word from the server. */
export const failure = (error: LlamaCloudError, safety: Safety): Failure => ({
  error,
  safety,
  serverSays: Option.none(),
  retryAfter: Option.none()
})

// -------------------------------------------------------------------------------------------------
// error statuses

/** The request id the server gave, scrubbed and bounded: it is server text like any other. */
export const requestIdOf = (headers: Headers.Headers, scrub: Scrub): Option.Option<string> => {
  const id = headers["x-request-id"]
  return id === undefined ? Option.none() : Option.some(truncate(scrub(id), 200))
}

export const statusFailure = (
  status: number,
  headers: Headers.Headers,
  text: string,
  facts: Facts,
  scrub: Scrub,
  now: number
): Failure => {
  const parsed = parseErrorBody(text, status, headers, scrub)
  const retryAfter = parseRetryAfter(headers, now)
  const serverSays = parseShouldRetry(headers["x-should-retry"])
  const fields = { ...facts, requestId: requestIdIn(facts), status, detail: parsed.detail }
  const failure = (error: LlamaCloudError, safety: Safety): Failure => ({ error, safety, serverSays, retryAfter, status })
  if (status === 401 || status === 403) return failure(new AuthError(fields), "never")
  if (status === 400 || status === 422) {
    return failure(
      new ValidationError({
        ...facts,
        requestId: requestIdIn(facts),
        status: Option.some(status),
        issues: parsed.issues.length > 0 ? parsed.issues : [{ path: [], message: parsed.detail }]
      }),
      "never"
    )
  }
  if (status === 404) return failure(new NotFoundError(fields), "never")
  if (status === 429) return failure(new RateLimitError({ ...fields, retryAfter }), "safe")
  if (status >= 500) {
    return failure(new ServerError({ ...fields, retryAfter }), status === 503 ? "safe" : "ambiguous")
  }
  return failure(new ApiError(fields), status === 408 ? "safe" : "never")
}

interface ErrorBody {
  readonly detail: string
  readonly issues: ReadonlyArray<ValidationIssue>
}

const statusText: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout"
}

export const looksLikeHtml = (text: string, headers: Headers.Headers): boolean =>
  (headers["content-type"] ?? "").includes("html") || /^\s*<(!doctype|html|head|body)/i.test(text)

/** FastAPI's `{"detail": "..."}` or `{"detail": [{loc, msg, type}]}`, or whatever else came. */
const parseErrorBody = (text: string, status: number, headers: Headers.Headers, scrub: Scrub): ErrorBody => {
  const fallback = statusText[status] ?? `HTTP ${status}`
  const trimmed = text.trim()
  if (trimmed === "") return { detail: `${fallback} (empty body)`, issues: [] }
  let json: unknown = undefined
  try {
    json = JSON.parse(trimmed)
  } catch {
    if (looksLikeHtml(trimmed, headers)) {
      const title = /<title[^>]*>([^<]*)<\/title>/i.exec(trimmed)?.[1]?.trim()
      return { detail: truncate(scrub(`${fallback} (an HTML page${title ? `: ${title}` : ""})`)), issues: [] }
    }
    return { detail: truncate(scrub(trimmed)), issues: [] }
  }
  const detail = typeof json === "object" && json !== null && "detail" in json ? json.detail : undefined
  if (typeof detail === "string") return { detail: truncate(scrub(detail)), issues: [] }
  if (Array.isArray(detail)) {
    // A list of thousands of issues only repeats itself: the first ones tell what to fix.
    const issues = detail.slice(0, 20).map((item) => toIssue(item, scrub))
    return { detail: truncate(issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")), issues }
  }
  return { detail: truncate(scrub(show(json, 300))), issues: [] }
}

const toIssue = (item: unknown, scrub: Scrub): ValidationIssue => {
  if (typeof item !== "object" || item === null) return { path: [], message: scrub(show(item)) }
  const loc = "loc" in item && Array.isArray(item.loc) ?
    item.loc.slice(0, 10).flatMap((k): Array<string | number> =>
      typeof k === "string" ? [truncate(scrub(k), 100)] : typeof k === "number" ? [k] : []
    ) :
    []
  const message = "msg" in item && typeof item.msg === "string" ? item.msg : show(item)
  return { path: loc, message: truncate(scrub(message)) }
}

const parseShouldRetry = (header: string | undefined): Option.Option<boolean> => {
  const value = header?.trim().toLowerCase()
  return value === "true" ? Option.some(true) : value === "false" ? Option.some(false) : Option.none()
}

// -------------------------------------------------------------------------------------------------
// transport failures

// Codes after which the request cannot have reached the server.
const neverConnected = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT"
])

// Runtimes without Node's error codes (Deno, workerd) say the same in words.
const refusedInWords = /connection refused|os error 111|failed to lookup address|dns error|name or service not known|no such host/i

// Codes that mean the request was never sent because something local is wrong: an invalid header,
// a TLS handshake that could not succeed (TLS spoken to a plain-HTTP port, an untrusted
// certificate). Trying again cannot help.
const invalidBeforeSending = (code: string): boolean =>
  code === "ERR_INVALID_CHAR" || code === "ERR_INVALID_HTTP_TOKEN" || code === "UND_ERR_INVALID_ARG" ||
  code === "ERR_INVALID_URL" || code === "EPROTO" || code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_") ||
  code.startsWith("CERT_") || code === "DEPTH_ZERO_SELF_SIGNED_CERT" || code === "SELF_SIGNED_CERT_IN_CHAIN" ||
  code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE" || code === "UNABLE_TO_GET_ISSUER_CERT_LOCALLY"

/**
 * A cause that no socket produced: a TypeError or ReferenceError with no code and no cause of its
 * own is the transport failing to run (the undici client under Bun: `dispatcher.request is not a
 * function`), not a network failure. fetch's own "fetch failed" TypeError always wraps a cause.
 */
const isProgrammingError = (root: unknown): boolean =>
  (root instanceof TypeError || root instanceof ReferenceError) && codeOf(root) === undefined &&
  (root as { readonly cause?: unknown }).cause === undefined && !/fetch failed|network|socket|connect/i.test(root.message)

/** A runtime that refused the request before it left (Deno without `--allow-net` or `--allow-env`). */
const refusedByRuntime = (root: unknown): boolean =>
  root instanceof Error && (/^(PermissionDenied|NotCapable)$/.test(root.name) || /requires \S+ access|permission denied/i.test(root.message))

/** A failure before or while the response headers arrived. */
export const transportFailure = (error: HttpClientError.HttpClientError, facts: Facts, scrub: Scrub): Failure => {
  const root = rootCause(error.cause)
  const code = codeOf(root)
  const detail = scrub(describeCause(root, error.reason))
  const cause = sanitise(root, scrub)
  const connectFailed = (what: string, safety: "safe" | "never") =>
    failure(new NetworkError({ ...facts, reason: "ConnectFailed", detail: `${what}${detail}`, timeout: Option.none(), cause }), safety)
  if (error._tag === "RequestError" && error.reason !== "Transport") {
    // The request could not even be built: nothing was sent, and trying again cannot help.
    return connectFailed("the request could not be built: ", "never")
  }
  if (error._tag === "RequestError") {
    if (code !== undefined && neverConnected.has(code)) return connectFailed("", "safe")
    if (code !== undefined && invalidBeforeSending(code)) return connectFailed("the request could not be sent: ", "never")
    if (code === undefined && refusedInWords.test(messageOf(root))) return connectFailed("", "safe")
    if (refusedByRuntime(root)) return connectFailed("the runtime refused to send the request: ", "never")
    if (isProgrammingError(root)) {
      return connectFailed("the HTTP client failed before sending (is this transport supported on this runtime?): ", "never")
    }
  }
  return failure(
    new NetworkError({ ...facts, reason: "ConnectionLost", detail, timeout: Option.none(), cause }),
    "ambiguous"
  )
}

/** The connection failed while a success body was being read: the server has acted. */
export const bodyBrokeOff = (error: HttpClientError.ResponseError, facts: Facts, scrub: Scrub, what = "the response body"): Failure => {
  const root = rootCause(error.cause)
  return failure(
    new NetworkError({
      ...facts,
      reason: "ConnectionLost",
      detail: `${what} broke off: ${scrub(describeCause(root, error.reason))}`,
      timeout: Option.none(),
      cause: sanitise(root, scrub)
    }),
    "ambiguous"
  )
}

/**
 * What an error keeps of a transport's cause: its name, code and scrubbed message. The cause itself
 * may hold anything (undici's parser errors keep the unparsed response bytes, which may quote the key).
 */
const sanitise = (root: unknown, scrub: Scrub): unknown => {
  if (root === undefined) return undefined
  const name = root instanceof Error ? root.name : typeof root
  const copy = new Error(scrub(messageOf(root)))
  copy.name = name
  const code = codeOf(root)
  return code === undefined ? copy : Object.assign(copy, { code })
}

/** The innermost cause (fetch wraps the socket error in a TypeError; happy eyeballs in an AggregateError). */
const rootCause = (cause: unknown): unknown => {
  let current = cause
  for (let depth = 0; depth < 8; depth++) {
    if (typeof current !== "object" || current === null) return current
    if (codeOf(current) !== undefined) return current
    if ("cause" in current && current.cause !== undefined) {
      current = current.cause
    } else if ("errors" in current && Array.isArray(current.errors) && current.errors.length > 0) {
      current = current.errors[0]
    } else {
      return current
    }
  }
  return current
}

const describeCause = (root: unknown, fallback: string): string => {
  if (root === undefined) return fallback
  const message = messageOf(root)
  const code = codeOf(root)
  return code === undefined || message.includes(code) ? message : `${message} (${code})`
}

const codeOf = (u: unknown): string | undefined =>
  typeof u === "object" && u !== null && "code" in u && typeof u.code === "string" ? u.code : undefined

export const messageOf = (u: unknown): string => {
  try {
    return u instanceof Error ? String(u.message) : typeof u === "string" ? u : show(u)
  } catch {
    return "(unprintable error)"
  }
}

// -------------------------------------------------------------------------------------------------
// undecodable answers

/** What a success body is checked against, and what its failures name. */
export interface DecodeContext {
  readonly status: number
  readonly headers: Headers.Headers
  readonly facts: Facts
  readonly scrub: Scrub
}

export const describeParseError = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error)
    .slice(0, 10)
    .map((issue) => `${issue.path.length > 0 ? `${issue.path.join(".")}: ` : ""}${issue.message}`)
    .join("; ")

/** A `DecodeError`: the server answered 2xx, so it acted, and retrying would repeat it. */
export const decodeFailure = (context: DecodeContext, problem: string, body: string): Either.Either<never, Failure> => {
  const error = new DecodeError({
    ...context.facts,
    status: context.status,
    // Scrubbed before it is cut, as the excerpt is: a cut through the key would leave its start.
    problem: detach(truncate(context.scrub(problem), 1000)),
    // Scrubbed before it is cut, so that a key straddling the cut is still found.
    bodyExcerpt: detach(context.scrub(body.slice(0, 1200)).slice(0, 200)),
    requestId: requestIdIn(context.facts)
  })
  // V8 keeps the frames of an unread stack trace, and with them what the frames referenced: the
  // whole body. Rendering the trace now lets the body go with the call.
  void error.stack
  return Either.left(failure(error, "never"))
}

// -------------------------------------------------------------------------------------------------
// the limits and a turn's stream

/** No complete answer (or no headers, for a turn) within the per-attempt limit. */
export const attemptTimeout = (limit: Duration.Duration, facts: Facts, what: string): Failure =>
  failure(
    new NetworkError({ ...facts, reason: "AttemptTimeout", detail: `no ${what} within ${Duration.format(limit)}`, timeout: Option.some(limit) }),
    "ambiguous"
  )

/** The whole call, retries included, did not end within the total deadline. */
export const deadlineExceeded = (total: Duration.Duration, facts: Facts): NetworkError =>
  new NetworkError({
    ...facts,
    reason: "DeadlineExceeded",
    detail: `the call did not finish within ${Duration.format(total)}`,
    timeout: Option.some(total)
  })

/** A turn's stream that ended without its `Stop`: the connection broke, after `events` events. */
export const endedBeforeStop = (facts: Facts, events: number): NetworkError =>
  new NetworkError({
    ...facts,
    reason: "ConnectionLost",
    detail: `the event stream ended after ${events} events, before the turn's stop event`,
    timeout: Option.none()
  })

/** An event of a turn that is not JSON, not a chat event, or too large (`sse.ts` says which). */
export const undecodableEvent = (
  facts: Facts,
  status: number,
  scrub: Scrub,
  failure: { readonly problem: string; readonly excerpt: string }
): DecodeError =>
  new DecodeError({
    ...facts,
    status,
    problem: detach(scrub(failure.problem)),
    bodyExcerpt: detach(scrub(failure.excerpt).slice(0, 200)),
    requestId: requestIdIn(facts)
  })

/** A proxy's sign-in page, a JSON body or nothing at all: the server answered, not with a turn. */
export const notEventStream = (facts: Facts, status: number, scrub: Scrub, contentType: string | undefined): DecodeError =>
  new DecodeError({
    ...facts,
    status,
    problem: `the answer is not an event stream (content type ${
      contentType === undefined ? "none" : JSON.stringify(scrub(contentType).slice(0, 100))
    }) and holds no event`,
    bodyExcerpt: "",
    requestId: requestIdIn(facts)
  })

/** A turn that sent no event for longer than its idle limit. */
export const idleTimeout = (facts: Facts, idle: Duration.Duration, events: number): NetworkError =>
  new NetworkError({
    ...facts,
    reason: "IdleTimeout",
    detail: `no event for ${Duration.format(idle)}, after ${events} events`,
    timeout: Option.some(idle)
  })

/** A turn that had not ended by the call's total deadline. */
export const turnDeadlineExceeded = (facts: Facts, total: Option.Option<Duration.Duration>, events: number): NetworkError =>
  new NetworkError({
    ...facts,
    reason: "DeadlineExceeded",
    detail: `the turn did not end by its deadline, after ${events} events`,
    timeout: total
  })
