/**
 * The LlamaCloud Chat API as an Effect service: sessions (create, list, listPage, retrieve,
 * getSummary, delete) and conversations (sendMessage, ask). Each operation is a row of one table
 * (`internal/operations.ts`) that one engine runs (`internal/engine.ts`): this module checks a
 * call's parameters, resolves its scope, and says how each operation's answer reaches the caller
 * (one value, pages as a stream, events, a collected reply). Calling an operation does nothing: its
 * parameters are checked, and its request built, when the effect or stream it returns runs.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"
import type { ChatEvent } from "./ChatEvent.js"
import type { CreateSessionParams, ListPageParams, ListSessionsParams, SendMessageParams, SessionParams } from "./ChatParams.js"
import { validateCall } from "./ChatParams.js"
import { type ChatReply, fromEvents } from "./ChatReply.js"
import type { ChatSession, ChatSessionDetail, ChatSessionPage } from "./ChatSession.js"
import { makeEngine } from "./internal/engine.js"
import type { Empty, EventStream } from "./internal/operation.js"
import {
  type Answer,
  type Definition,
  describe,
  type JsonAnswer,
  type Name,
  onSession,
  operations,
  qualified
} from "./internal/operations.js"
import { RateLimitGate } from "./internal/rateLimitGate.js"
import { paginate, repeatedPageToken } from "./internal/paginate.js"
import { scrubber, truncate } from "./internal/redact.js"
import type { Scope } from "./internal/requestWire.js"
import { LlamaCloudClient } from "./LlamaCloudClient.js"
import { type LlamaCloudError, TurnError } from "./LlamaCloudError.js"
import { RetryPolicy } from "./RetryPolicy.js"
import { TimeoutPolicy } from "./TimeoutPolicy.js"

/**
 * Chat sessions on LlamaCloud.
 *
 * @since 0.1.0
 * @category tags
 */
export class ChatService extends Context.Service<ChatService, ChatService.Service>()("effect-llamacloud/ChatService") {
  /**
   * Builds the service over a `LlamaCloudClient`. The retry and timeout policies in context are
   * used (their defaults when none is provided), and the rate limit policy when one is provided; a
   * policy provided around a single call wins.
   */
  static readonly make: Effect.Effect<ChatService.Service, never, LlamaCloudClient> = Effect.gen(function*() {
    const client = yield* LlamaCloudClient
    const engine = makeEngine(client, {
      retry: Option.getOrElse(yield* Effect.serviceOption(RetryPolicy), () => RetryPolicy.defaults),
      timeout: Option.getOrElse(yield* Effect.serviceOption(TimeoutPolicy), () => TimeoutPolicy.defaults),
      rateLimit: yield* Effect.serviceOption(RateLimitGate)
    })
    const scrub = scrubber(client.apiKey)

    /** The call's own ids win over the client's defaults; an id set nowhere is not sent at all. */
    const scope = (params: Scope) => {
      const organizationId = params.organizationId ?? Option.getOrUndefined(client.organizationId)
      const projectId = params.projectId ?? Option.getOrUndefined(client.projectId)
      return {
        ...(organizationId === undefined ? {} : { organizationId }),
        ...(projectId === undefined ? {} : { projectId })
      }
    }

    /**
     * The call's parameters (and its session id) checked together, its scope resolved: a key passed
     * by mistake as an id is not quoted back.
     */
    const checked = <P extends Scope>(definition: Definition<Name, P, Answer>, params: unknown, sessionId?: string) =>
      Result.map(
        validateCall(definition.params, params, {
          operation: qualified(definition.name),
          sessionId: onSession(definition) ? { value: sessionId } : undefined,
          scrub
        }),
        (valid): P => ({ ...valid, ...scope(valid) })
      )

    /** An operation answered by JSON or a status, on one session when `sessionId` is given. */
    const call = <P extends Scope, A>(
      definition: Definition<Name, P, JsonAnswer<A> | Empty<A>>,
      params: unknown,
      sessionId?: string
    ): Effect.Effect<A, LlamaCloudError> =>
      Effect.suspend(() =>
        Result.match(checked(definition, params, sessionId), {
          onFailure: Effect.fail,
          onSuccess: (valid) => engine.run(describe(definition, valid, sessionId))
        })
      )

    /** An operation answered by an event stream. */
    const stream = <P extends Scope>(
      definition: Definition<Name, P, EventStream>,
      sessionId: string,
      params: unknown
    ): Stream.Stream<ChatEvent, LlamaCloudError> =>
      Stream.suspend(() =>
        Result.match(checked(definition, params, sessionId), {
          onFailure: Stream.fail,
          onSuccess: (valid) => engine.stream(describe(definition, valid, sessionId))
        })
      )

    const list = (params?: ListSessionsParams): Stream.Stream<ChatSession, LlamaCloudError> =>
      Stream.suspend(() =>
        Result.match(checked(operations.list, params), {
          onFailure: Stream.fail,
          onSuccess: (valid) =>
            paginate(
              (token) =>
                engine.run(describe(operations.list, {
                  ...valid,
                  ...Option.match(token, { onNone: () => ({}), onSome: (pageToken) => ({ pageToken }) })
                })),
              (token) => repeatedPageToken(qualified("list"), scrub(token))
            )
        })
      )

    const ask = (sessionId: string, params: SendMessageParams): Effect.Effect<ChatReply, LlamaCloudError> =>
      stream(operations.ask, sessionId, params).pipe(
        Stream.runCollect,
        Effect.flatMap((events) =>
          Effect.fromResult(Result.mapError(
            fromEvents(events),
            (error): LlamaCloudError =>
              new TurnError({
                ...error,
                // The agent's error is server text like any other: scrubbed of the key, cut to an excerpt.
                error: Option.map(error.error, (text) => truncate(scrub(text))),
                operation: qualified("ask"),
                sessionId: scrub(sessionId)
              })
          ))
        )
      )

    return ChatService.of({
      create: (params) => call(operations.create, params),
      list,
      listPage: (params) => call(operations.listPage, params),
      retrieve: (sessionId, params) => call(operations.retrieve, params, sessionId),
      getSummary: (sessionId, params) => call(operations.getSummary, params, sessionId),
      delete: (sessionId, params) => call(operations.delete, params, sessionId),
      sendMessage: (sessionId, params) => stream(operations.sendMessage, sessionId, params),
      ask
    })
  })

  /**
   * The service, needing a `LlamaCloudClient` (and, through it, an `HttpClient`).
   *
   * @example
   * ```ts
   * const Live = ChatService.layer.pipe(
   *   Layer.provide(LlamaCloudClient.layerConfig()),
   *   Layer.provide(NodeHttpClient.layerUndici)
   * )
   * ```
   */
  static readonly layer: Layer.Layer<ChatService, never, LlamaCloudClient> = Layer.effect(ChatService, ChatService.make)
}

/**
 * @since 0.1.0
 */
export declare namespace ChatService {
  /**
   * The chat resource. Every operation validates its parameters before anything is sent, fails
   * with exactly one `LlamaCloudError`, and takes `organizationId` / `projectId` to act outside the
   * client's defaults.
   *
   * @since 0.1.0
   * @category models
   */
  export interface Service {
    /**
     * @example
     * ```ts
     * const session = yield* chat.create({ indexIds: ["idx-handbook"] })
     * ```
     *
     * Creates a chat session, optionally bound to at most 10 indexes. Retried only where no
     * duplicate session can result, unless the retry policy opts in.
     */
    readonly create: (params?: CreateSessionParams) => Effect.Effect<ChatSession, LlamaCloudError>
    /**
     * @example
     * ```ts
     * const recent = yield* Stream.runCollect(Stream.take(chat.list({ pageSize: 20 }), 20))
     * ```
     *
     * Every session, newest first as LlamaCloud lists them, pages fetched as the stream is pulled:
     * `Stream.take(list(), 1)` fetches one page. A server that hands back a page token it already
     * gave fails the stream instead of looping.
     */
    readonly list: (params?: ListSessionsParams) => Stream.Stream<ChatSession, LlamaCloudError>
    /**
     * One page of sessions, and the token of the next one.
     *
     * @example
     * ```ts
     * const page = yield* chat.listPage({ pageSize: 50 })
     * const next = yield* Option.match(page.nextPageToken, {
     *   onNone: () => Effect.succeed(undefined),
     *   onSome: (pageToken) => chat.listPage({ pageSize: 50, pageToken })
     * })
     * ```
     */
    readonly listPage: (params?: ListPageParams) => Effect.Effect<ChatSessionPage, LlamaCloudError>
    /**
     * A session with its history of events.
     *
     * @example
     * ```ts
     * const detail = yield* chat.retrieve(sessionId)
     * const asked = detail.events.filter((event) => event._tag === "UserInput")
     * ```
     */
    readonly retrieve: (sessionId: string, params?: SessionParams) => Effect.Effect<ChatSessionDetail, LlamaCloudError>
    /**
     * A session without its history.
     *
     * @example
     * ```ts
     * const summary = yield* chat.getSummary(sessionId)
     * ```
     */
    readonly getSummary: (sessionId: string, params?: SessionParams) => Effect.Effect<ChatSession, LlamaCloudError>
    /**
     * @example
     * ```ts
     * yield* chat.delete(sessionId).pipe(Effect.catchTag("NotFoundError", () => Effect.void))
     * ```
     *
     * Deletes a session. When an earlier attempt was lost on the way back and the retry finds no
     * session, the first attempt deleted it: that counts as success.
     */
    readonly delete: (sessionId: string, params?: SessionParams) => Effect.Effect<void, LlamaCloudError>
    /**
     * @example
     * ```ts
     * yield* chat.sendMessage(sessionId, { prompt: "What changed?", indexIds: ["idx-handbook"] }).pipe(
     *   Stream.runForEach((event) => event._tag === "TextDelta" ? Console.log(event.content) : Effect.void)
     * )
     * ```
     *
     * Runs one turn: sends the prompt and streams the agent's events as they arrive, ending after
     * the turn's `Stop`. Never re-posted once the server may have started the turn.
     */
    readonly sendMessage: (sessionId: string, params: SendMessageParams) => Stream.Stream<ChatEvent, LlamaCloudError>
    /**
     * @example
     * ```ts
     * const reply = yield* chat.ask(sessionId, { prompt: "What changed?", indexIds: ["idx-handbook"] })
     * console.log(reply.text, reply.usage.totalOutputTokens)
     * ```
     *
     * Runs one turn and collects it into a `ChatReply`; a turn whose `Stop` reports an error fails
     * with `TurnError`.
     */
    readonly ask: (sessionId: string, params: SendMessageParams) => Effect.Effect<ChatReply, LlamaCloudError>
  }
}
