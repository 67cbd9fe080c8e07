/**
 * Our failures as Effect AI's `AiError`: what a program written against `LanguageModel` matches on
 * (`error.reason._tag`). The facts are kept where `AiError` has a place for them (the status, the
 * request id and the server's retry advice as the response's headers, the wait as `retryAfter`) and
 * our message whole as the reason's description; a rate limit, whose reason has no description,
 * carries it at `metadata.llamacloud.message`.
 *
 * @since 0.3.0
 */
import * as AiError from "effect/ai/AiError"
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import type { LlamaCloudError } from "../LlamaCloudError.js"

const module = "LlamaCloudLanguageModel"

/** The turn's route, as the client's spans name it: where a connection failure happened. */
const turnUrl = (sessionId: string | undefined): string =>
  sessionId === undefined ? "/api/v1/chat" : `/api/v1/chat/${encodeURIComponent(sessionId)}/messages/stream`

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

/** What `AiError` records of an answer: its status, the facts as headers, the body's detail. */
const answer = (facts: {
  readonly status: number
  readonly requestId: Option.Option<string>
  readonly retryAfter?: Option.Option<Duration.Duration>
  readonly body?: string
}) => ({
  response: { status: facts.status, headers: factHeaders(facts.requestId, facts.retryAfter ?? Option.none()) },
  ...(facts.body === undefined ? {} : { body: facts.body })
})

/** What the reason is for an answer with `status` that is neither a rate limit nor a server failure. */
const refusedAnswer = (
  error: LlamaCloudError,
  status: number,
  http: ReturnType<typeof answer>
): AiError.AiErrorReason => {
  if (status === 401 || status === 403) {
    return new AiError.AuthenticationError({
      kind: status === 401 ? "InvalidKey" : "InsufficientPermissions",
      description: error.message,
      http
    })
  }
  return status >= 500
    ? new AiError.InternalProviderError({ description: error.message, http })
    : new AiError.InvalidRequestError({ description: error.message, http })
}

/** The reason for one of our failures. */
const reasonOf = (error: LlamaCloudError): AiError.AiErrorReason => {
  switch (error._tag) {
    case "AuthError":
    case "NotFoundError":
    case "ApiError":
      return refusedAnswer(error, error.status, answer({ status: error.status, requestId: error.requestId, body: error.detail }))
    case "RateLimitError":
      return new AiError.RateLimitError({
        ...(Option.isSome(error.retryAfter) ? { retryAfter: error.retryAfter.value } : {}),
        metadata: { llamacloud: { message: error.message, origin: error.origin ?? "server" } },
        // A refusal by the local limit or its store was never sent: there is no answer to record.
        ...(error.origin === "local" || error.origin === "store" ? {} : {
          http: answer({ status: error.status, requestId: error.requestId, retryAfter: error.retryAfter, body: error.detail })
        })
      })
    case "ServerError":
      return new AiError.InternalProviderError({
        description: error.message,
        http: answer({ status: error.status, requestId: error.requestId, retryAfter: error.retryAfter, body: error.detail })
      })
    case "DecodeError":
      return new AiError.InvalidResponseError({
        description: error.message,
        http: answer({ status: error.status, requestId: error.requestId, body: error.bodyExcerpt })
      })
    case "ValidationError":
      return Option.match(error.status, {
        onNone: () => new AiError.InvalidUserInputError({ description: error.message }),
        onSome: (status) => new AiError.InvalidRequestError({ description: error.message, http: answer({ status, requestId: error.requestId }) })
      })
    case "NetworkError":
      return new AiError.NetworkError({
        reason: "TransportError",
        method: "POST",
        url: turnUrl(error.sessionId),
        description: error.message,
        cause: error
      })
    case "TurnError":
      return new AiError.UnknownError({ description: error.message })
  }
}

/**
 * The `AiError` for one of our failures, raised in `method` (`generateText`, `streamText`); its
 * `reason`:
 * - a refused key (401, 403) is an `AuthenticationError`;
 * - a rate limit (the server's 429, or the local limit's refusal) is a `RateLimitError` with the wait
 *   as `retryAfter`;
 * - a server failure (5xx) is an `InternalProviderError`;
 * - any other status answer (404 no such session, 422 the server's own validation, ...) is an
 *   `InvalidRequestError`;
 * - an answer that could not be decoded is an `InvalidResponseError`;
 * - a request refused before it was sent is an `InvalidUserInputError`;
 * - a connection that failed, broke or timed out is a `NetworkError` (`TransportError`), our error
 *   as its cause;
 * - a failed turn (only `ask` reports one; the model reads the `Stop` itself) is an `UnknownError`.
 * Those with an answer record its status, with the request id and `Retry-After` as headers.
 */
export const fromLlamaCloudError = (method: string, error: LlamaCloudError): AiError.AiError =>
  AiError.make({ module, method, reason: reasonOf(error) })

/**
 * A prompt the model cannot send as one user message to one session: refused before anything is
 * sent, naming what is unsupported and what to do instead.
 */
export const unsupported = (method: string, description: string): AiError.AiError =>
  AiError.make({ module, method, reason: new AiError.InvalidUserInputError({ description }) })
