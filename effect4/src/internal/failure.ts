/**
 * Every way a call can fail, classified in one place: what went wrong becomes the error the caller
 * sees (`LlamaCloudError`) and, for the engine's retry rule, a `Failure` saying whether the server
 * can have acted on the request. Transport failures, error statuses (FastAPI's bodies read, the
 * server's retry advice kept), undecodable answers, cut streams and the limits all land here, and
 * every server-sent text is scrubbed of the key after it is decoded (a key spelled with JSON escapes
 * is only visible then).
 *
 * The readings that do not depend on Effect (an error body, `x-should-retry`, a transport's cause,
 * `Retry-After`) are shared by both editions in `src/core/`; this module makes the errors.
 */
import * as Duration from "effect/Duration"
import type * as Headers from "effect/http/Headers"
import type * as HttpClientError from "effect/http/HttpClientError"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import type * as Schema from "effect/Schema"
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
  ValidationError
} from "../LlamaCloudError.js"
import { parseErrorBody, parseShouldRetry } from "../core/errorBody.js"
import * as RetrySafety from "../core/retrySafety.js"
import { brokeOff, classifyTransport } from "../core/transportFailure.js"
import { problems } from "./issueList.js"
import { detach, type Scrub, truncate } from "./redact.js"
import { parseRetryAfter } from "./retryAfter.js"

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

/** Whether retrying a failure can repeat an effect on the server (see `core/retrySafety.ts`). */
export type Safety = RetrySafety.Safety

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
  const serverSays = Option.fromNullishOr(parseShouldRetry(headers["x-should-retry"]))
  const fields = { ...facts, requestId: requestIdIn(facts), status, detail: parsed.detail }
  const { error: kind, safety } = RetrySafety.classifyStatus(status)
  const failure = (error: LlamaCloudError): Failure => ({ error, safety, serverSays, retryAfter, status })
  switch (kind) {
    case "AuthError":
      return failure(new AuthError(fields))
    case "ValidationError":
      return failure(
        new ValidationError({
          ...facts,
          requestId: requestIdIn(facts),
          status: Option.some(status),
          issues: parsed.issues.length > 0 ? parsed.issues : [{ path: [], message: parsed.detail }]
        })
      )
    case "NotFoundError":
      return failure(new NotFoundError(fields))
    case "RateLimitError":
      return failure(new RateLimitError({ ...fields, retryAfter }))
    case "ServerError":
      return failure(new ServerError({ ...fields, retryAfter }))
    case "ApiError":
      return failure(new ApiError(fields))
  }
}

// -------------------------------------------------------------------------------------------------
// transport failures

/**
 * What Effect 3's `HttpClientError` called its reason, kept in messages so that both editions say
 * the same: `Transport`, `Encode`, `InvalidUrl`, `StatusCode`, `Decode`, `EmptyBody`.
 */
const reasonName = (reason: HttpClientError.HttpClientErrorReason): string => reason._tag.replace(/Error$/, "")

/** A failure before or while the response headers arrived. */
export const transportFailure = (error: HttpClientError.HttpClientError, facts: Facts, scrub: Scrub): Failure => {
  const reason = error.reason
  const phase = reason._tag === "TransportError"
    ? "sending"
    : reason._tag === "EncodeError" || reason._tag === "InvalidUrlError"
    ? "unbuilt"
    : "answered"
  const verdict = classifyTransport(reason.cause, phase, reasonName(reason), scrub)
  return failure(
    new NetworkError({ ...facts, reason: verdict.reason, detail: verdict.detail, timeout: Option.none(), cause: verdict.cause }),
    verdict.safety
  )
}

/** The connection failed while a success body was being read: the server has acted. */
export const bodyBrokeOff = (error: HttpClientError.HttpClientError, facts: Facts, scrub: Scrub, what = "the response body"): Failure => {
  const verdict = brokeOff(error.reason.cause, reasonName(error.reason), scrub, what)
  return failure(
    new NetworkError({ ...facts, reason: verdict.reason, detail: verdict.detail, timeout: Option.none(), cause: verdict.cause }),
    verdict.safety
  )
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

/** The first ten problems of a schema failure, `path: message; …`. */
export const describeSchemaError = (error: Schema.SchemaError): string =>
  problems(error.issue)
    .slice(0, 10)
    .map((issue) => `${issue.path.length > 0 ? `${issue.path.join(".")}: ` : ""}${issue.message}`)
    .join("; ")

/** A `DecodeError`: the server answered 2xx, so it acted, and retrying would repeat it. */
export const decodeFailure = (context: DecodeContext, problem: string, body: string): Result.Result<never, Failure> => {
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
  return Result.fail(failure(error, "never"))
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
