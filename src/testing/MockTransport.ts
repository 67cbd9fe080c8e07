/**
 * A scripted `HttpClient` that records every request: for testing code that builds requests or
 * handles responses, without a socket.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"

/**
 * A request as the transport received it.
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordedRequest {
  readonly method: string
  /** The full URL, query included. */
  readonly url: string
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>
  /** The body as text; `""` when there is none. */
  readonly body: string
}

/**
 * What the mock answers with.
 * - `Reply`: a response with this status, headers and body;
 * - `Fail`: a transport failure, as a socket error with this `code` (`ECONNREFUSED`, `ECONNRESET`…);
 * - `Hang`: never answers, for timeouts. Like a real transport, it gives up when the request is
 *   aborted (a failure with the abort's reason) or the fiber interrupted.
 *
 * @since 0.1.0
 * @category models
 */
export type MockReply =
  | { readonly _tag: "Reply"; readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly body: string }
  | { readonly _tag: "Fail"; readonly code: string }
  | { readonly _tag: "Hang" }

/**
 * The recorded requests of a mock transport.
 *
 * @since 0.1.0
 * @category tags
 */
export class MockTransport extends Context.Tag("effect-llamacloud/testing/MockTransport")<MockTransport, {
  readonly requests: Effect.Effect<ReadonlyArray<RecordedRequest>>
}>() {
  /**
   * Provides an `HttpClient` answering from `replies`: a function of the request and its number
   * (0-based), or a script where request n gets entry n (the last entry repeats). Also provides
   * `MockTransport`, to read what was sent.
   */
  static readonly layer = (
    replies: ReadonlyArray<MockReply> | ((request: RecordedRequest, index: number) => MockReply)
  ): Layer.Layer<HttpClient.HttpClient | MockTransport> =>
    Layer.unwrapEffect(Effect.gen(function*() {
      const recorded = yield* Ref.make<ReadonlyArray<RecordedRequest>>([])
      const answer = typeof replies === "function"
        ? replies
        : (_: RecordedRequest, index: number): MockReply =>
          replies[Math.min(index, replies.length - 1)] ?? { _tag: "Reply", status: 500, headers: {}, body: "no reply scripted" }
      const client = HttpClient.make((request, url, signal) =>
        Effect.gen(function*() {
          const entry = record(request, url)
          const index = (yield* Ref.getAndUpdate(recorded, (all) => [...all, entry])).length
          return yield* respond(request, answer(entry, index), signal)
        })
      )
      return Layer.merge(
        Layer.succeed(HttpClient.HttpClient, client),
        Layer.succeed(MockTransport, { requests: Ref.get(recorded) })
      )
    }))

  /** A JSON reply. */
  static readonly json = (status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): MockReply => ({
    _tag: "Reply",
    status,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body)
  })

  /** A reply with a raw body, e.g. an HTML page or nothing. */
  static readonly text = (
    status: number,
    body: string,
    headers: Readonly<Record<string, string>> = { "content-type": "text/plain" }
  ): MockReply => ({ _tag: "Reply", status, headers, body })

  /** A transport failure with this socket error code. */
  static readonly fail = (code: string): MockReply => ({ _tag: "Fail", code })

  /** No answer, ever. */
  static readonly hang: MockReply = { _tag: "Hang" }
}

const decoder = new TextDecoder()

const record = (request: HttpClientRequest.HttpClientRequest, url: URL): RecordedRequest => {
  const body = request.body
  const text = body._tag === "Uint8Array"
    ? decoder.decode(body.body)
    : body._tag === "Raw" && typeof body.body === "string"
    ? body.body
    : ""
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) headers[name] = value
  return { method: request.method, url: url.toString(), headers, body: text }
}

const respond = (
  request: HttpClientRequest.HttpClientRequest,
  reply: MockReply,
  signal: AbortSignal
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> => {
  switch (reply._tag) {
    case "Reply":
      return Effect.succeed(HttpClientResponse.fromWeb(
        request,
        new Response(nullBodyStatus(reply.status) ? null : reply.body, { status: reply.status, headers: reply.headers })
      ))
    case "Fail":
      return Effect.fail(
        new HttpClientError.RequestError({
          request,
          reason: "Transport",
          cause: Object.assign(new Error(`mock transport failure ${reply.code}`), { code: reply.code })
        })
      )
    case "Hang":
      return Effect.async((resume) => {
        const aborted = () =>
          resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause: signal.reason })))
        if (signal.aborted) return aborted()
        signal.addEventListener("abort", aborted, { once: true })
        return Effect.sync(() => signal.removeEventListener("abort", aborted))
      })
  }
}

// The Fetch `Response` constructor rejects a body on these statuses.
const nullBodyStatus = (status: number): boolean => status === 204 || status === 205 || status === 304

/**
 * The query of a recorded request, as a plain record.
 *
 * @since 0.1.0
 * @category helpers
 */
export const queryOf = (request: RecordedRequest): Readonly<Record<string, string>> =>
  Object.fromEntries(new URL(request.url).searchParams)
