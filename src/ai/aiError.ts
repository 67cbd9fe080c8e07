/**
 * Our failures as Effect AI's `AiError`: what a program written against `LanguageModel` matches on.
 * The facts are kept where `AiError` has a place for them (the status, the request id and the
 * server's retry advice as response headers) and in the description, which is our message whole.
 *
 * @since 0.3.0
 */
import * as AiError from "@effect/ai/AiError"
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import type { LlamaCloudError } from "../LlamaCloudError.js"

const module = "LlamaCloudLanguageModel"

/** What Effect AI records of the request: the turn's route, as the client's spans name it. */
const turnRequest = (sessionId: string | undefined) => ({
  method: "POST" as const,
  url: sessionId === undefined ? "/api/v1/chat" : `/api/v1/chat/${encodeURIComponent(sessionId)}/messages/stream`,
  urlParams: [],
  hash: Option.none(),
  headers: {}
})

/** The facts a status answer carried, as the headers that carried them. */
const factHeaders = (
  requestId: Option.Option<string>,
  retryAfter: Option.Option<Duration.Duration>
): Record<string, string> => ({
  ...Option.match(requestId, { onNone: () => ({}), onSome: (id) => ({ "x-request-id": id }) }),
  ...Option.match(retryAfter, {
    onNone: () => ({}),
    onSome: (wait) => ({ "retry-after": String(Math.ceil(Duration.toSeconds(wait))) })
  })
})

const answered = (
  method: string,
  error: LlamaCloudError,
  facts: {
    readonly status: number
    readonly requestId: Option.Option<string>
    readonly retryAfter?: Option.Option<Duration.Duration>
    readonly reason: "StatusCode" | "Decode"
    readonly body?: string
  }
): AiError.AiError =>
  new AiError.HttpResponseError({
    module,
    method,
    reason: facts.reason,
    request: turnRequest(error.sessionId),
    response: { status: facts.status, headers: factHeaders(facts.requestId, facts.retryAfter ?? Option.none()) },
    description: error.message,
    ...(facts.body === undefined ? {} : { body: facts.body })
  })

/**
 * The `AiError` for one of our failures, raised in `method` (`generateText`, `streamText`):
 * - an answer with a status (auth, not found, rate limit, server, other, and the server's own
 *   validation) is an `HttpResponseError` (`StatusCode`) with the status, and the request id and
 *   `Retry-After` as headers;
 * - an answer that could not be decoded is an `HttpResponseError` (`Decode`);
 * - a request refused before it was sent is `MalformedInput`;
 * - a connection that failed, broke or timed out is an `HttpRequestError` (`Transport`);
 * - a failed turn (only `ask` reports one; the model reads the `Stop` itself) is an `UnknownError`.
 * Every one carries our message as its description; those with a `cause` field keep our error there.
 */
export const fromLlamaCloudError = (method: string, error: LlamaCloudError): AiError.AiError => {
  switch (error._tag) {
    case "AuthError":
    case "NotFoundError":
    case "ApiError":
      return answered(method, error, { reason: "StatusCode", status: error.status, requestId: error.requestId, body: error.detail })
    case "RateLimitError":
    case "ServerError":
      return answered(method, error, {
        reason: "StatusCode",
        status: error.status,
        requestId: error.requestId,
        retryAfter: error.retryAfter,
        body: error.detail
      })
    case "DecodeError":
      return answered(method, error, { reason: "Decode", status: error.status, requestId: error.requestId, body: error.bodyExcerpt })
    case "ValidationError":
      return Option.match(error.status, {
        onNone: () => new AiError.MalformedInput({ module, method, description: error.message, cause: error }),
        onSome: (status) => answered(method, error, { reason: "StatusCode", status, requestId: error.requestId })
      })
    case "NetworkError":
      return new AiError.HttpRequestError({
        module,
        method,
        reason: "Transport",
        request: turnRequest(error.sessionId),
        description: error.message,
        cause: error
      })
    case "TurnError":
      return new AiError.UnknownError({ module, method, description: error.message, cause: error })
  }
}

/**
 * A prompt the model cannot send as one user message to one session: refused before anything is
 * sent, naming what is unsupported and what to do instead.
 */
export const unsupported = (method: string, description: string): AiError.AiError =>
  new AiError.MalformedInput({ module, method, description })
