/**
 * One LlamaCloud call: attempts under the timeout policy, each reading the whole body, failures
 * classified into the project's errors, and retries under the retry policy. Every HTTP detail of
 * the project lives here, so a move to another HTTP stack touches this file only.
 */
import type * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as Random from "effect/Random"
import * as Redacted from "effect/Redacted"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as Tracer from "effect/Tracer"
import type { LlamaCloudClient } from "../LlamaCloudClient.js"
import {
  ApiError,
  AuthError,
  DecodeError,
  type LlamaCloudError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  ServerError,
  ValidationError,
  type ValidationIssue
} from "../LlamaCloudError.js"
import { backoff, RetryPolicy } from "../RetryPolicy.js"
import { TimeoutPolicy } from "../TimeoutPolicy.js"
import { show } from "./show.js"
import { withManualRedirect } from "./transportSettings.js"

/**
 * Whether retrying a failure can repeat an effect on the server:
 * - `safe`: the server cannot have acted (no connection, 408, 429, 503);
 * - `ambiguous`: it may have (connection lost or timed out after sending, 500, 502, 504);
 * - `never`: retrying cannot help (4xx, undecodable success).
 */
type Safety = "safe" | "ambiguous" | "never"

interface Failure {
  readonly error: LlamaCloudError
  readonly safety: Safety
  /** `x-should-retry` from the server, which overrides `safety`. */
  readonly serverSays: Option.Option<boolean>
  /** `retry-after-ms` or `Retry-After` from the server. */
  readonly retryAfter: Option.Option<Duration.Duration>
}

/** The largest body read; bigger answers fail with `DecodeError` instead of filling memory. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024
/** Error bodies only feed a message: the rest is discarded. */
const MAX_ERROR_BODY_BYTES = 64 * 1024

/** How to turn a 2xx body (parsed JSON) into the call's result. */
export type Decode<A> = (json: unknown) => Either.Either<A, ParseResult.ParseError>
/** Renders a decode failure for the `DecodeError` message. */
export type DescribeParseError = (error: ParseResult.ParseError) => string

/**
 * Builds the function that services run their calls through, over one authenticated client.
 * `built` are the policies seen when the service was built; a policy in the caller's context wins.
 */
export const makeCall = (
  client: LlamaCloudClient.Service,
  built: { readonly retry: RetryPolicy.Settings; readonly timeout: TimeoutPolicy.Settings },
  describe: DescribeParseError
) => {
  // withScope hands the transport the AbortController of a scope that each attempt owns: closing
  // that scope aborts the request, so a timeout or an interruption closes the socket at once instead
  // of when the response is garbage collected.
  const http = HttpClient.withScope(client.httpClient)
  const scrub = scrubber(client.apiKey)

  return <A>(
    name: string,
    request: HttpClientRequest.HttpClientRequest,
    decode: Decode<A>
  ): Effect.Effect<A, LlamaCloudError> => {
    const run = (span: Tracer.Span | undefined) =>
      Effect.contextWithEffect((context: Context.Context<never>) => {
        const retry = Option.getOrElse(Context.getOption(context, RetryPolicy), () => built.retry)
        const timeout = Option.getOrElse(Context.getOption(context, TimeoutPolicy), () => built.timeout)
        let attempts = 0

        const exchange = (scope: Scope.Scope): Effect.Effect<A, Failure> =>
          http.execute(request).pipe(
            // One update of the context for the scope and the redirect setting, which the client's
            // own settings then find in place.
            Effect.mapInputContext((context: Context.Context<never>) => withManualRedirect(Context.add(context, Scope.Scope, scope))),
            Effect.matchEffect({
              onFailure: (error) => Effect.fail(transportFailure(error)),
              onSuccess: (response) => {
                // Each read of `headers` converts them anew on some transports: read them once.
                const headers = response.headers
                if (span !== undefined) {
                  span.attribute("http.response.status_code", response.status)
                  const requestId = headers["x-request-id"]
                  if (requestId !== undefined) span.attribute("llamacloud.request_id", requestId)
                }
                return handle(response, headers, decode, describe, scrub)
              }
            })
          )

        const attempt = Effect.clockWith((clock) =>
          Effect.flatMap(Scope.make(), (scope) => {
            span?.attribute("llamacloud.attempts", ++attempts)
            return timed(exchange(scope), scope, clock, timeout.perAttempt)
          })
        )

        const loop = (retries: number, started: number): Effect.Effect<A, LlamaCloudError> =>
          Effect.catchAll(attempt, (failure) =>
            Effect.gen(function*() {
              const wait = yield* nextWait(failure, retries, retry, timeout, started)
              if (Option.isNone(wait)) return yield* Effect.fail(failure.error)
              yield* Effect.logDebug(`${name}: attempt ${retries + 1} failed, retrying`).pipe(
                Effect.annotateLogs({
                  attempt: retries + 1,
                  reason: reasonOf(failure.error),
                  delayMs: Math.round(Duration.toMillis(wait.value))
                })
              )
              yield* Effect.sleep(wait.value)
              return yield* loop(retries + 1, started)
            }))

        const calls = Effect.flatMap(Clock.currentTimeMillis, (started) => loop(0, started))
        return Option.match(timeout.total, {
          onNone: () => calls,
          onSome: (total) =>
            Effect.timeoutFail(calls, {
              duration: total,
              onTimeout: () =>
                new NetworkError({
                  reason: "DeadlineExceeded",
                  detail: `the call did not finish within ${Duration.format(total)}`,
                  timeout: Option.some(total)
                })
            })
        })
      })

    // Effect's own tracer keeps spans that nothing exports or reads back, and making one cost a sixth
    // of a call's CPU against a transport that answers at once. With any other tracer the call has
    // its span.
    return Effect.tracerWith((tracer) =>
      tracer === defaultTracer()
        ? run(undefined)
        : Effect.useSpan(name, {
          kind: "client",
          captureStackTrace: false,
          attributes: { "http.request.method": request.method, "server.address": client.baseUrl, "url.path": request.url }
        }, (span) => Effect.withParentSpan(run(span), span))
    )
  }
}

let nativeTracer: Tracer.Tracer | undefined
/** The tracer a program has when none is provided. */
const defaultTracer = (): Tracer.Tracer => nativeTracer ??= Effect.runSync(Effect.tracer)

// ---------------------------------------------------------------------------------------------
// The per-attempt timeout

/** Node's timers fire at once for delays past this (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MILLIS = 2_147_483_647

// Every instance of Effect's own live clock sleeps on the host's timers; a TestClock or a clock of
// the user's making does not.
const liveClockPrototype: unknown = Object.getPrototypeOf(Clock.make())

const attemptTimeout = (limit: Duration.Duration): Failure => ({
  error: new NetworkError({
    reason: "AttemptTimeout",
    detail: `no complete answer within ${Duration.format(limit)}`,
    timeout: Option.some(limit)
  }),
  safety: "ambiguous",
  serverSays: Option.none(),
  retryAfter: Option.none()
})

/**
 * Runs one attempt under its time limit, then releases its scope. Closing the scope aborts the
 * request: after a failure, a timeout or an interruption that frees the socket at once. An attempt
 * that succeeded has read its body to the end, so nothing holds a socket and the abort is skipped:
 * over fetch it cost 200 to 250 µs of CPU per call (the abort runs fetch's whole abort algorithm on a
 * finished request), and the heap after 100 000 calls, once finalizers have run, is the same without it.
 *
 * On Effect's live clock the limit is a host timer that aborts the request: the transport's
 * promise rejects and the attempt ends with that failure, read as the timeout, with no fiber forked.
 * Forking the attempt to race it against a sleep (what `Effect.timeout` does) added about 90 µs
 * of CPU per attempt at concurrency 64, most of a bare platform request's 135. Any other clock (a `TestClock` above all) only moves when the
 * program moves it, so there the attempt is raced against the clock's own sleep, which also stops a
 * transport that ignores its abort signal.
 */
const timed = <A>(
  attempt: Effect.Effect<A, Failure>,
  scope: Scope.CloseableScope,
  clock: Clock.Clock,
  limit: Duration.Duration
): Effect.Effect<A, Failure> => {
  if (Object.getPrototypeOf(clock) !== liveClockPrototype) {
    return releasing(Effect.timeoutFail(attempt, { duration: limit, onTimeout: () => attemptTimeout(limit) }), scope)
  }
  const millis = Duration.toMillis(limit)
  if (!(millis < MAX_TIMER_MILLIS)) return releasing(attempt, scope)
  return Effect.suspend(() => {
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      Effect.runFork(Scope.close(scope, Exit.void))
    }, millis)
    return Effect.uninterruptibleMask((restore) =>
      Effect.flatMap(Effect.exit(restore(attempt)), (exit) => {
        clearTimeout(timer)
        if (Exit.isSuccess(exit)) return exit
        // Whatever failed after the limit failed because of the abort.
        const result = timedOut && !Exit.isInterrupted(exit) ? Exit.fail(attemptTimeout(limit)) : exit
        return Effect.zipRight(Scope.close(scope, exit), result)
      })
    )
  })
}

/** Closes the attempt's scope unless the attempt succeeded. */
const releasing = <A>(attempt: Effect.Effect<A, Failure>, scope: Scope.CloseableScope): Effect.Effect<A, Failure> =>
  Effect.onExit(attempt, (exit) => Exit.isSuccess(exit) ? Effect.void : Scope.close(scope, exit))

/** The wait before the next attempt, or none when the failure is final. */
const nextWait = (
  failure: Failure,
  retries: number,
  retry: RetryPolicy.Settings,
  timeout: TimeoutPolicy.Settings,
  started: number
): Effect.Effect<Option.Option<Duration.Duration>> =>
  Effect.gen(function*() {
    if (retries >= retry.maxRetries) return Option.none()
    const retryable = Option.getOrElse(
      failure.serverSays,
      () => failure.safety === "safe" || (failure.safety === "ambiguous" && retry.retryAmbiguous)
    )
    if (!retryable) return Option.none()
    let wait: Duration.Duration
    if (Option.isSome(failure.retryAfter)) {
      // A longer wait than the cap is not slept: the error carrying it goes back to the caller.
      if (Duration.greaterThan(failure.retryAfter.value, retry.maxRetryAfter)) return Option.none()
      wait = failure.retryAfter.value
    } else {
      wait = backoff(retry, retries, yield* Random.next)
    }
    if (Option.isSome(timeout.total)) {
      // Sleeping into the deadline only trades the real error for a timeout.
      const elapsed = (yield* Clock.currentTimeMillis) - started
      if (elapsed + Duration.toMillis(wait) >= Duration.toMillis(timeout.total.value)) return Option.none()
    }
    return Option.some(wait)
  })

const reasonOf = (error: LlamaCloudError): string => {
  switch (error._tag) {
    case "NetworkError":
      return `NetworkError(${error.reason})`
    case "ValidationError":
      return Option.match(error.status, { onNone: () => error._tag, onSome: (s) => `${error._tag}(${s})` })
    default:
      return `${error._tag}(${error.status})`
  }
}

// ---------------------------------------------------------------------------------------------
// Responses

const handle = <A>(
  response: HttpClientResponse.HttpClientResponse,
  headers: Headers.Headers,
  decode: Decode<A>,
  describe: DescribeParseError,
  scrub: (text: string) => string
): Effect.Effect<A, Failure> => {
  const status = response.status
  const requestId = Option.fromNullable(headers["x-request-id"])
  if (status >= 200 && status < 300) {
    return readBody(response, headers, MAX_BODY_BYTES, "whole").pipe(
      Effect.mapError(bodyBrokeOff),
      Effect.flatMap((body) => {
        if (body.tooLarge) {
          return decodeFailure(status, requestId, `the body is larger than the ${MAX_BODY_BYTES} byte limit`, "")
        }
        return parseSuccess(body.text, status, headers, decode, describe, requestId, scrub)
      })
    )
  }
  return readBody(response, headers, MAX_ERROR_BODY_BYTES, "prefix").pipe(
    // The status already says what happened: a body that breaks off still yields its error.
    Effect.orElseSucceed((): Body => ({ text: "", tooLarge: false })),
    // The clock (not Date.now) dates a Retry-After given as an HTTP date, so TestClock governs it too.
    Effect.zipWith(Clock.currentTimeMillis, (body, now) => statusFailure(status, headers, scrub(body.text), requestId, now)),
    Effect.flatMap(Effect.fail)
  )
}

const parseSuccess = <A>(
  text: string,
  status: number,
  headers: Headers.Headers,
  decode: Decode<A>,
  describe: DescribeParseError,
  requestId: Option.Option<string>,
  scrub: (text: string) => string
): Effect.Effect<A, Failure> => {
  if (text.trim() === "") return decodeFailure(status, requestId, "the body is empty", text)
  // A server or proxy may echo the key: what a DecodeError keeps of the body is scrubbed.
  const safe = scrub(text)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (cause) {
    // JSON.parse quotes the text it choked on, which may be part of the key.
    const why = safe === text ? ` (${messageOf(cause)})` : ""
    const what = looksLikeHtml(text, headers) ? "an HTML page, not JSON" : `not JSON${why}`
    return decodeFailure(status, requestId, `the body is ${what}`, safe)
  }
  const result = decode(json)
  return Either.isRight(result)
    ? Effect.succeed(result.right)
    : decodeFailure(status, requestId, scrub(`the body is not the documented shape: ${describe(result.left)}`), safe)
}

const decodeFailure = (
  status: number,
  requestId: Option.Option<string>,
  problem: string,
  body: string
): Effect.Effect<never, Failure> => {
  const error = new DecodeError({ status, problem, bodyExcerpt: detach(body.slice(0, 200)), requestId })
  // V8 keeps the frames of an unread stack trace, and with them what the frames referenced: the
  // whole body. Rendering the trace now lets the body go with the call.
  void error.stack
  return Effect.fail({
    error,
    // The server answered 2xx: it acted. Retrying would repeat it.
    safety: "never",
    serverSays: Option.none(),
    retryAfter: Option.none()
  })
}

/**
 * A copy of a short string that does not share memory with the string it was cut from: V8's
 * `slice` keeps the whole parent alive, and an error may live long.
 */
const detach = (text: string): string => Array.from(text).join("")

const looksLikeHtml = (text: string, headers: Headers.Headers): boolean =>
  (headers["content-type"] ?? "").includes("html") || /^\s*<(!doctype|html|head|body)/i.test(text)

interface Body {
  readonly text: string
  readonly tooLarge: boolean
}

const tooLargeBody: Body = { text: "", tooLarge: true }

/**
 * Reads the body, `limit` bytes at the most:
 * - `whole`: a body over the limit is not wanted at all. A declared length over it is refused
 *   before reading, an undeclared one is counted as it streams; the result then holds no text.
 * - `prefix`: the first `limit` bytes are kept and the rest dropped (error bodies only feed a message).
 * Either way the attempt's scope then aborts the request, which discards what was not read.
 */
const readBody = (
  response: HttpClientResponse.HttpClientResponse,
  headers: Headers.Headers,
  limit: number,
  mode: "whole" | "prefix"
): Effect.Effect<Body, HttpClientError.ResponseError> => {
  const declared = Number(headers["content-length"] ?? Number.NaN)
  if (Number.isFinite(declared) && declared <= limit) {
    return Effect.map(response.text, (text) => ({ text, tooLarge: false }))
  }
  if (Number.isFinite(declared) && mode === "whole") return Effect.succeed(tooLargeBody)
  const read = Effect.suspend(() => {
    const decoder = new TextDecoder()
    let text = ""
    let seen = 0
    let kept = 0
    return response.stream.pipe(
      // Stop pulling at the limit: nothing past it is buffered.
      Stream.takeWhile((chunk) => {
        const before = seen
        seen += chunk.byteLength
        return before < limit
      }),
      Stream.runForEach((chunk) =>
        Effect.sync(() => {
          const part = chunk.byteLength > limit - kept ? chunk.subarray(0, limit - kept) : chunk
          kept += part.byteLength
          text += decoder.decode(part, { stream: true })
        })
      ),
      Effect.map((): Body => {
        if (seen > limit && mode === "whole") {
          text = "" // drop the partial body now: nothing may keep 16 MiB alive
          return tooLargeBody
        }
        return { text: text + decoder.decode(), tooLarge: false }
      })
    )
  })
  // A response without a body (a 204, say) is an empty body, not a connection that broke off.
  return Effect.catchIf(read, (error) => error.reason === "EmptyBody", () => Effect.succeed({ text: "", tooLarge: false }))
}

// ---------------------------------------------------------------------------------------------
// Error statuses

const statusFailure = (
  status: number,
  headers: Headers.Headers,
  text: string,
  requestId: Option.Option<string>,
  now: number
): Failure => {
  const parsed = parseErrorBody(text, status, headers)
  const retryAfter = parseRetryAfter(headers, now)
  const serverSays = parseShouldRetry(headers["x-should-retry"])
  const facts = { status, detail: parsed.detail, requestId }
  const failure = (error: LlamaCloudError, safety: Safety): Failure => ({ error, safety, serverSays, retryAfter })
  if (status === 401 || status === 403) return failure(new AuthError(facts), "never")
  if (status === 400 || status === 422) {
    return failure(
      new ValidationError({
        status: Option.some(status),
        issues: parsed.issues.length > 0 ? parsed.issues : [{ path: [], message: parsed.detail }],
        requestId
      }),
      "never"
    )
  }
  if (status === 404) return failure(new NotFoundError(facts), "never")
  if (status === 429) return failure(new RateLimitError({ ...facts, retryAfter }), "safe")
  if (status >= 500) {
    return failure(new ServerError({ ...facts, retryAfter }), status === 503 ? "safe" : "ambiguous")
  }
  return failure(new ApiError(facts), status === 408 ? "safe" : "never")
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

/** FastAPI's `{"detail": "..."}` or `{"detail": [{loc, msg, type}]}`, or whatever else came. */
const parseErrorBody = (text: string, status: number, headers: Headers.Headers): ErrorBody => {
  const fallback = statusText[status] ?? `HTTP ${status}`
  const trimmed = text.trim()
  if (trimmed === "") return { detail: `${fallback} (empty body)`, issues: [] }
  let json: unknown = undefined
  try {
    json = JSON.parse(trimmed)
  } catch {
    if (looksLikeHtml(trimmed, headers)) {
      const title = /<title[^>]*>([^<]*)<\/title>/i.exec(trimmed)?.[1]?.trim()
      return { detail: `${fallback} (an HTML page${title ? `: ${title}` : ""})`, issues: [] }
    }
    return { detail: truncate(trimmed), issues: [] }
  }
  const detail = typeof json === "object" && json !== null && "detail" in json ? json.detail : undefined
  if (typeof detail === "string") return { detail: truncate(detail), issues: [] }
  if (Array.isArray(detail)) {
    const issues = detail.map(toIssue)
    return { detail: issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "), issues }
  }
  return { detail: truncate(show(json, 300)), issues: [] }
}

const toIssue = (item: unknown): ValidationIssue => {
  if (typeof item !== "object" || item === null) return { path: [], message: show(item) }
  const loc = "loc" in item && Array.isArray(item.loc) ?
    item.loc.filter((k): k is string | number => typeof k === "string" || typeof k === "number") :
    []
  const message = "msg" in item && typeof item.msg === "string" ? item.msg : show(item)
  return { path: loc, message }
}

const truncate = (text: string, max = 500): string => text.length > max ? `${detach(text.slice(0, max))}…` : text

const parseShouldRetry = (header: string | undefined): Option.Option<boolean> => {
  const value = header?.trim().toLowerCase()
  return value === "true" ? Option.some(true) : value === "false" ? Option.some(false) : Option.none()
}

/** `retry-after-ms` first, then `Retry-After` as seconds or as an HTTP date. */
export const parseRetryAfter = (
  headers: Readonly<Record<string, string | undefined>>,
  now: number
): Option.Option<Duration.Duration> => {
  const ms = headers["retry-after-ms"]
  if (ms !== undefined && ms.trim() !== "") {
    const value = Number(ms)
    if (Number.isFinite(value) && value >= 0) return Option.some(Duration.millis(value))
  }
  const after = headers["retry-after"]?.trim()
  if (after === undefined || after === "") return Option.none()
  if (/^\d+(\.\d+)?$/.test(after)) return Option.some(Duration.seconds(Number(after)))
  const date = Date.parse(after)
  return Number.isNaN(date) ? Option.none() : Option.some(Duration.millis(Math.max(0, date - now)))
}

// ---------------------------------------------------------------------------------------------
// Transport failures

/** The connection failed while the success body was streaming: the server has acted. */
const bodyBrokeOff = (error: HttpClientError.ResponseError): Failure => {
  const root = rootCause(error.cause)
  return {
    error: new NetworkError({
      reason: "ConnectionLost",
      detail: `the response body broke off: ${describeCause(root, error.reason)}`,
      timeout: Option.none(),
      cause: root
    }),
    safety: "ambiguous",
    serverSays: Option.none(),
    retryAfter: Option.none()
  }
}

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

const transportFailure = (error: HttpClientError.HttpClientError): Failure => {
  const root = rootCause(error.cause)
  const code = codeOf(root)
  const detail = describeCause(root, error.reason)
  const base = { serverSays: Option.none(), retryAfter: Option.none() } as const
  if (error._tag === "RequestError" && error.reason !== "Transport") {
    // The request could not even be built: nothing was sent, and trying again cannot help.
    return {
      ...base,
      error: new NetworkError({ reason: "ConnectFailed", detail: `the request could not be built: ${detail}`, timeout: Option.none(), cause: root }),
      safety: "never"
    }
  }
  const connectFailed = error._tag === "RequestError" && code !== undefined && neverConnected.has(code)
  return {
    ...base,
    error: new NetworkError({
      reason: connectFailed ? "ConnectFailed" : "ConnectionLost",
      detail,
      timeout: Option.none(),
      cause: root
    }),
    safety: connectFailed ? "safe" : "ambiguous"
  }
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

const messageOf = (u: unknown): string =>
  u instanceof Error ? u.message : typeof u === "string" ? u : show(u)

/** Replaces the API key wherever it would be quoted back: a server echo, a key passed as an id. */
export const scrubber = (apiKey: Redacted.Redacted<string>) => {
  const key = Redacted.value(apiKey)
  return (text: string): string => text.includes(key) ? text.split(key).join("<redacted>") : text
}
