/**
 * A scripted `HttpClient` that records every request: for testing code that builds requests or
 * handles responses, without a socket. It answers from a script, a function of the request, or a
 * table of routes, and can stream a turn's events with chosen chunking and timing. Runtime-agnostic:
 * it uses only the Fetch `Response` and Effect.
 *
 * Over 300 lines and one concept, the scripted transport: its replies (status, failure, hang,
 * event stream), routing, and recording. What does not depend on Effect (route matching, the event
 * stream's byte layout, the check of the replies) is in `src/core/mockTransport/`, shared with the
 * Effect 3 edition.
 *
 * @since 0.1.0
 */
import type * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"
import * as ChatEvent from "../ChatEvent.js"
import { keepAliveBeats, layout } from "../core/mockTransport/eventStream.js"
import {
  type RecordedRequest,
  repliesProblem,
  type Route,
  type RouteMatch,
  router,
  scriptEntry
} from "../core/mockTransport/routes.js"
import { invalidData } from "../internal/layerOptions.js"

export { queryOf, type RecordedRequest, type RouteMatch } from "../core/mockTransport/routes.js"

/**
 * What the mock answers with.
 * - `Reply`: a response with this status, headers and body;
 * - `Stream`: a response whose body is sent as `body` emits it (see `MockTransport.eventStream`);
 *   like a real transport's body, it fails when the request is aborted;
 * - `Fail`: a transport failure, as a socket error with this `code` (`ECONNREFUSED`, `ECONNRESET`…);
 * - `Hang`: never answers, for timeouts. Like a real transport, it gives up when the request is
 *   aborted (a failure with the abort's reason) or the fiber interrupted.
 *
 * @since 0.1.0
 * @category models
 */
export type MockReply =
  | { readonly _tag: "Reply"; readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly body: string }
  | {
    readonly _tag: "Stream"
    readonly status: number
    readonly headers: Readonly<Record<string, string>>
    readonly body: Stream.Stream<Uint8Array, Error>
  }
  | { readonly _tag: "Fail"; readonly code: string }
  | { readonly _tag: "Hang" }

/**
 * How a mock transport chooses its replies: a script where request n gets entry n (the last entry
 * repeats), or a function of the request, its number (0-based) and the requests received before it.
 *
 * @since 0.2.0
 * @category models
 */
export type MockReplies =
  | ReadonlyArray<MockReply>
  | ((request: RecordedRequest, index: number, earlier: ReadonlyArray<RecordedRequest>) => MockReply)

/**
 * One route of `MockTransport.routes`. `path` is matched segment by segment against the request's
 * path (after the base URL's path); a `:name` segment matches any one segment. `reply` is a reply,
 * a script (the n-th request on this route gets entry n, the last repeats), or a function.
 *
 * @since 0.2.0
 * @category models
 */
export interface MockRoute extends Route<MockReply> {
  readonly reply: MockReply | ReadonlyArray<MockReply> | ((request: RecordedRequest, match: RouteMatch) => MockReply)
}

/**
 * An event as the server would send it, e.g. `{ type: "tool_call", call_id: "c1", name: "search" }`.
 *
 * @since 0.2.0
 * @category models
 */
export interface WireEvent {
  readonly type: string
  // No `_tag`: that is how a domain `ChatEvent` is told apart from a wire object.
  readonly _tag?: never
  readonly [field: string]: unknown
}

/**
 * A silence in an event stream, between two items (see `MockTransport.pause`).
 *
 * @since 0.2.0
 * @category models
 */
export interface MockPause {
  readonly _tag: "MockPause"
  readonly duration: Duration.Duration
}

/**
 * What an event stream is made of: a `ChatEvent` (sent in its wire form), a wire object (sent as
 * its JSON), raw SSE text sent verbatim (comments, broken events, `event:` names…), or a pause.
 *
 * @since 0.2.0
 * @category models
 */
export type EventStreamItem = ChatEvent.ChatEvent | WireEvent | string | MockPause

/**
 * How `MockTransport.eventStream` sends its items. Times run on the Effect `Clock`, so `TestClock`
 * controls them.
 *
 * @since 0.2.0
 * @category models
 */
export interface EventStreamOptions {
  /** Cut the body every this many bytes (instead of one chunk per item). */
  readonly chunkSize?: number | undefined
  /** Cut the body at these byte offsets (instead of, or besides, `chunkSize`); inside a character is allowed. */
  readonly splitAt?: ReadonlyArray<number> | undefined
  /** The wait before each chunk but the first. */
  readonly delay?: Duration.Input | undefined
  /** While paused or held open, send a `: keep-alive` comment this often. */
  readonly keepAlive?: Duration.Input | undefined
  /**
   * After the last item: `"close"` ends the body (the default); `"open"` never ends it, until the
   * request is aborted; `"reset"` breaks it as a connection reset (`ECONNRESET`) would.
   */
  readonly end?: "close" | "open" | "reset" | undefined
  /** The line ending of the events the mock writes (raw text is sent as given). Default `"\n"`. */
  readonly lineEnding?: "\n" | "\r\n" | "\r" | undefined
  readonly status?: number | undefined
  /** Added to `content-type: text/event-stream`. */
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/**
 * The recorded requests of a mock transport.
 *
 * @since 0.1.0
 * @category tags
 */
export class MockTransport extends Context.Service<MockTransport, {
  readonly requests: Effect.Effect<ReadonlyArray<RecordedRequest>>
  /**
   * How many requests the client aborted (a timeout, an interruption, a stream left early): what a
   * real transport would see as a closed socket.
   */
  readonly aborted: Effect.Effect<number>
}>()("effect-llamacloud/testing/MockTransport") {
  /**
   * Provides an `HttpClient` answering from `replies`: a function of the request, its number
   * (0-based) and the requests before it, or a script where request n gets entry n (the last entry
   * repeats). Also provides `MockTransport`, to read what was sent. Replies that are neither (a test
   * in plain JavaScript, a cast) fail the layer when it is built, with a `ConfigError` naming the
   * value, rather than a request later.
   *
   * @example
   * ```ts
   * const Test = ChatService.layer.pipe(
   *   Layer.provide(LlamaCloudClient.layer({ apiKey: Redacted.make("llx-test") })),
   *   Layer.provideMerge(MockTransport.layer([MockTransport.json(503, { detail: "busy" }), MockTransport.json(200, session)]))
   * )
   * ```
   */
  static readonly layer = (replies: MockReplies): Layer.Layer<HttpClient.HttpClient | MockTransport, Config.ConfigError> =>
    Layer.unwrap(Effect.gen(function*() {
      yield* Effect.fromResult(checkReplies(replies))
      const recorded = yield* Ref.make<ReadonlyArray<RecordedRequest>>([])
      const answer = typeof replies === "function"
        ? replies
        : (_: RecordedRequest, index: number): MockReply => scriptEntry(replies, index) ?? noReplyScripted
      let aborts = 0
      const client = HttpClient.make((request, url, signal) =>
        Effect.gen(function*() {
          signal.addEventListener("abort", () => aborts++, { once: true })
          const entry = record(request, url)
          const earlier = yield* Ref.getAndUpdate(recorded, (all) => [...all, entry])
          return yield* respond(request, answer(entry, earlier.length, earlier), signal)
        })
      )
      return Layer.merge(
        Layer.succeed(HttpClient.HttpClient, client),
        Layer.succeed(MockTransport, MockTransport.of({ requests: Ref.get(recorded), aborted: Effect.sync(() => aborts) }))
      )
    }))

  /**
   * Answers by route, for `MockTransport.layer`: the first route whose method and path match the
   * request answers it; any other request gets `fallback` (by default a 404 naming the request).
   * `baseUrl`'s path (a URL or a path), when given, is taken off the request's path before matching.
   *
   * @example
   * MockTransport.layer(MockTransport.routes([
   *   { method: "GET", path: "/api/v1/chat/:sessionId", reply: (_, { params }) => MockTransport.json(200, session(params.sessionId)) },
   *   { method: "POST", path: "/api/v1/chat/:sessionId/messages/stream", reply: MockTransport.eventStream(events) }
   * ]))
   *
   * @since 0.2.0
   */
  static readonly routes = (
    table: ReadonlyArray<MockRoute>,
    options: { readonly fallback?: MockReply | undefined; readonly baseUrl?: string | undefined } = {}
  ): (request: RecordedRequest, index: number, earlier: ReadonlyArray<RecordedRequest>) => MockReply =>
    router(table, {
      fallback: (request, path) =>
        options.fallback ?? MockTransport.json(404, { detail: `no mock route for ${request.method} ${path}` }),
      emptyScript: noReplyScripted,
      baseUrl: options.baseUrl
    })

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

  /**
   * A `text/event-stream` reply sending `items` as `options` say: by default one chunk per item,
   * at once, then the end of the body.
   *
   * @example
   * MockTransport.eventStream([
   *   { _tag: "TextDelta", content: "Hel" },
   *   MockTransport.pause("20 seconds"),
   *   { type: "text_delta", content: "lo" },
   *   ": a comment\n\n"
   * ], { chunkSize: 3, keepAlive: "5 seconds", end: "open" })
   *
   * @since 0.2.0
   */
  static readonly eventStream = (items: ReadonlyArray<EventStreamItem>, options: EventStreamOptions = {}): MockReply => ({
    _tag: "Stream",
    status: options.status ?? 200,
    headers: { "content-type": "text/event-stream", ...options.headers },
    body: eventStreamBody(items, options)
  })

  /**
   * A silence of `duration` at this point of an event stream.
   *
   * @since 0.2.0
   */
  static readonly pause = (duration: Duration.Input): MockPause => ({
    _tag: "MockPause",
    duration: Duration.fromInputUnsafe(duration)
  })

  /** A transport failure with this socket error code. */
  static readonly fail = (code: string): MockReply => ({ _tag: "Fail", code })

  /** No answer, ever. */
  static readonly hang: MockReply = { _tag: "Hang" }
}

const noReplyScripted: MockReply = { _tag: "Reply", status: 500, headers: { "content-type": "text/plain" }, body: "no reply scripted" }

const decoder = new TextDecoder()
const encoder = new TextEncoder()

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
    case "Stream":
      // The body runs on the caller's services, so its sleeps follow the caller's Clock (TestClock
      // in tests), and it stops when the request is aborted, as a socket would. Buffered: a server
      // sends on its own timeline, not when the client reads (Effect 4's readable stream pulls).
      return Effect.map(Effect.context<never>(), (context) =>
        HttpClientResponse.fromWeb(
          request,
          new Response(
            reply.body.pipe(
              Stream.interruptWhen(aborted(signal)),
              Stream.buffer({ capacity: "unbounded" }),
              Stream.toReadableStreamWith(context)
            ),
            { status: reply.status, headers: reply.headers }
          )
        ))
    case "Fail":
      return Effect.fail(transportError(request, socketError(reply.code)))
    case "Hang":
      return Effect.catch(aborted(signal), (cause) => Effect.fail(transportError(request, cause)))
  }
}

const transportError = (request: HttpClientRequest.HttpClientRequest, cause: Error): HttpClientError.HttpClientError =>
  new HttpClientError.HttpClientError({ reason: new HttpClientError.TransportError({ request, cause }) })

/** Fails with the abort's reason once `signal` is aborted; never succeeds. */
const aborted = (signal: AbortSignal): Effect.Effect<never, Error> =>
  Effect.callback((resume) => {
    const abort = () => resume(Effect.fail(abortReason(signal)))
    if (signal.aborted) return abort()
    signal.addEventListener("abort", abort, { once: true })
    return Effect.sync(() => signal.removeEventListener("abort", abort))
  })

const abortReason = (signal: AbortSignal): Error => {
  const reason: unknown = signal.reason
  return reason instanceof Error ? reason : new Error("The request was aborted", { cause: reason })
}

const socketError = (code: string): Error => Object.assign(new Error(`mock transport failure ${code}`), { code })

// The Fetch `Response` constructor rejects a body on these statuses.
const nullBodyStatus = (status: number): boolean => status === 204 || status === 205 || status === 304

/** The body of `MockTransport.eventStream`: its bytes cut into chunks, with the waits between them. */
const eventStreamBody = (items: ReadonlyArray<EventStreamItem>, options: EventStreamOptions): Stream.Stream<Uint8Array, Error> =>
  Stream.suspend(() => {
    const lineEnding = options.lineEnding ?? "\n"
    const { chunks, pausesAfter } = layout(
      items.map((item) =>
        typeof item !== "string" && item._tag === "MockPause" ? { pause: item.duration } : { text: itemText(item, lineEnding) }
      ),
      options
    )
    const keepAlive = Option.map(Option.fromNullishOr(options.keepAlive), Duration.fromInputUnsafe)
    const comment = encoder.encode(`: keep-alive${lineEnding}`)
    const pauses = (durations: ReadonlyArray<Duration.Duration>): Stream.Stream<Uint8Array> =>
      inOrder(durations.map((duration) => silence(duration, keepAlive, comment)))

    const sent = Stream.concat(
      inOrder(chunks.map(({ bytes, pausesBefore }, i) => {
        const chunk = Stream.make(bytes)
        const waited = i > 0 && options.delay !== undefined ? Stream.concat(Stream.fromEffectDrain(Effect.sleep(options.delay)), chunk) : chunk
        return Stream.concat(pauses(pausesBefore), waited)
      })),
      pauses(pausesAfter)
    )
    switch (options.end ?? "close") {
      case "close":
        return sent
      case "open":
        return Stream.concat(sent, silence(Duration.infinity, keepAlive, comment))
      case "reset":
        return Stream.concat(sent, Stream.fail(socketError("ECONNRESET")))
    }
  })

const inOrder = <A, E>(streams: ReadonlyArray<Stream.Stream<A, E>>): Stream.Stream<A, E> =>
  Stream.flatten(Stream.fromIterable(streams))

const itemText = (item: Exclude<EventStreamItem, MockPause>, lineEnding: string): string => {
  if (typeof item === "string") return item
  const wire = item._tag === undefined ? item : ChatEvent.encode(item)
  return `data: ${JSON.stringify(wire)}${lineEnding}${lineEnding}`
}

/** `duration` of silence, broken only by a keep-alive comment every `keepAlive` when set. */
const silence = (
  duration: Duration.Duration,
  keepAlive: Option.Option<Duration.Duration>,
  comment: Uint8Array
): Stream.Stream<Uint8Array> => {
  const every = Option.filter(keepAlive, (d) => Duration.toMillis(d) > 0)
  if (Option.isNone(every)) return Duration.isFinite(duration) ? Stream.fromEffectDrain(Effect.sleep(duration)) : Stream.never
  const beat = Stream.fromEffectRepeat(Effect.as(Effect.sleep(every.value), comment))
  if (!Duration.isFinite(duration)) return beat
  const { beats, restMillis } = keepAliveBeats(Duration.toMillis(duration), Duration.toMillis(every.value))
  return Stream.concat(Stream.take(beat, beats), Stream.fromEffectDrain(Effect.sleep(Duration.millis(restMillis))))
}

/** A script of replies made by `MockTransport`'s constructors, or a function choosing them. */
const checkReplies = (replies: unknown): Result.Result<void, Config.ConfigError> => {
  const problem = repliesProblem(replies)
  return problem === undefined ? Result.void : Result.fail(invalidData(["replies"], problem))
}
