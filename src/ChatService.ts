/**
 * The LlamaCloud Chat API as an Effect service: sessions (create, list, retrieve, summary, delete)
 * and conversations (a turn streamed as events, or collected). Each operation is a description
 * (`internal/operation.ts`) that one engine runs (`internal/execute.ts`): this module only wires
 * parameters to descriptions. Calling an operation does nothing: its parameters are checked, and
 * its request built, when the effect or stream it returns runs.
 *
 * Over 300 lines because every operation carries its user-facing docs and example; the wiring
 * itself is a description per operation.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { ChatEvent } from "./ChatEvent.js"
import {
  type CreateSessionParams,
  type ListPageParams,
  type ListSessionsParams,
  type SendMessageParams,
  type SessionParams,
  validate as validateCreate,
  validateCall,
  validateList,
  validateListPage,
  validateSession,
  validateTurn
} from "./ChatParams.js"
import { type ChatReply, fromEvents } from "./ChatReply.js"
import { ChatSession, ChatSessionDetail, ChatSessionPage } from "./ChatSession.js"
import { makeExecutor } from "./internal/execute.js"
import type { Operation } from "./internal/operation.js"
import { segment } from "./internal/operation.js"
import { paginate, repeatedPageToken } from "./internal/paginate.js"
import { scrubber, truncate } from "./internal/redact.js"
import { createSessionBody, listQuery, scopeQuery, sendMessageBody } from "./internal/requestWire.js"
import { LlamaCloudClient } from "./LlamaCloudClient.js"
import { type LlamaCloudError, TurnError, type ValidationError } from "./LlamaCloudError.js"
import { RetryPolicy } from "./RetryPolicy.js"
import { TimeoutPolicy } from "./TimeoutPolicy.js"

const chatRoute = "/api/v1/chat"
const sessionRoute = "/api/v1/chat/{session_id}"

/**
 * Chat sessions on LlamaCloud.
 *
 * @since 0.1.0
 * @category tags
 */
export class ChatService extends Context.Tag("effect-llamacloud/ChatService")<ChatService, ChatService.Service>() {
  /**
   * Builds the service over a `LlamaCloudClient`. The retry and timeout policies in context are
   * used (their defaults when none is provided); a policy provided around a single call wins.
   */
  static readonly make: Effect.Effect<ChatService.Service, never, LlamaCloudClient> = Effect.gen(function*() {
    const client = yield* LlamaCloudClient
    const engine = makeExecutor(client, {
      retry: Option.getOrElse(yield* Effect.serviceOption(RetryPolicy), () => RetryPolicy.defaults),
      timeout: Option.getOrElse(yield* Effect.serviceOption(TimeoutPolicy), () => TimeoutPolicy.defaults)
    })
    const scrub = scrubber(client.apiKey)

    /** The call's own ids win over the client's defaults; an id set nowhere is not sent at all. */
    const scope = (params: { readonly organizationId?: string | undefined; readonly projectId?: string | undefined }) => {
      const organizationId = params.organizationId ?? Option.getOrUndefined(client.organizationId)
      const projectId = params.projectId ?? Option.getOrUndefined(client.projectId)
      return {
        ...(organizationId === undefined ? {} : { organizationId }),
        ...(projectId === undefined ? {} : { projectId })
      }
    }

    /** The session id and the parameters checked together; a key passed by mistake as an id is not quoted back. */
    const check = <P>(
      operation: string,
      parse: (input: unknown) => Either.Either<P, ValidationError>,
      params: unknown,
      sessionId?: { readonly value: unknown }
    ): Either.Either<P, ValidationError> => validateCall(parse, params, { operation, sessionId, scrub })

    /** Runs an operation on one session, once its id and parameters are valid. */
    const onSession = <P, A>(
      name: string,
      parse: (input: unknown) => Either.Either<P, ValidationError>,
      describe: (id: string, params: P) => Operation<A>
    ) =>
    (sessionId: string, params?: unknown): Effect.Effect<A, LlamaCloudError> =>
      Effect.suspend(() =>
        Either.match(check(`ChatService.${name}`, parse, params, { value: sessionId }), {
          onLeft: Effect.fail,
          onRight: (valid) => engine.run(describe(sessionId, valid))
        })
      )

    const create = (params?: CreateSessionParams): Effect.Effect<ChatSession, LlamaCloudError> =>
      Effect.suspend(() =>
        Either.match(check("ChatService.create", validateCreate, params), {
          onLeft: Effect.fail,
          onRight: (valid) =>
            engine.run({
              name: "ChatService.create",
              method: "POST",
              route: chatRoute,
              path: chatRoute,
              query: scopeQuery(scope(valid)),
              body: createSessionBody(valid),
              idempotent: false,
              answer: { _tag: "Json", decode: decodeSession }
            })
        })
      )

    const fetchPage = (name: string, params: ListPageParams) =>
      engine.run({
        name,
        method: "GET",
        route: chatRoute,
        path: chatRoute,
        query: listQuery({ ...params, ...scope(params) }),
        idempotent: true,
        answer: { _tag: "Json", decode: decodePage }
      })

    const listPage = (params?: ListPageParams): Effect.Effect<ChatSessionPage, LlamaCloudError> =>
      Effect.suspend(() =>
        Either.match(check("ChatService.listPage", validateListPage, params), {
          onLeft: Effect.fail,
          onRight: (valid) => fetchPage("ChatService.listPage", valid)
        })
      )

    const list = (params?: ListSessionsParams): Stream.Stream<ChatSession, LlamaCloudError> =>
      Stream.suspend(() =>
        Either.match(check("ChatService.list", validateList, params), {
          onLeft: Stream.fail,
          onRight: (valid) =>
            paginate(
              (token) =>
                fetchPage("ChatService.list", {
                  ...valid,
                  ...Option.match(token, { onNone: () => ({}), onSome: (pageToken) => ({ pageToken }) })
                }),
              (token) => repeatedPageToken("ChatService.list", scrub(token))
            )
        })
      )

    const sessionOperation = <A>(
      name: string,
      id: string,
      params: SessionParams,
      suffix: string,
      answer: Operation<A>["answer"]
    ): Operation<A> => ({
      name: `ChatService.${name}`,
      method: answer._tag === "Empty" ? "DELETE" : "GET",
      route: `${sessionRoute}${suffix}`,
      path: `${chatRoute}/${segment(id)}${suffix}`,
      sessionId: id,
      query: scopeQuery(scope(params)),
      idempotent: true,
      answer
    })

    const retrieve = onSession("retrieve", validateSession, (id, params: SessionParams) =>
      sessionOperation<ChatSessionDetail>("retrieve", id, params, "", { _tag: "Json", decode: decodeDetail }))

    const getSummary = onSession("getSummary", validateSession, (id, params: SessionParams) =>
      sessionOperation<ChatSession>("getSummary", id, params, "/summary", { _tag: "Json", decode: decodeSession }))

    const deleteSession = onSession("delete", validateSession, (id, params: SessionParams) => ({
      ...sessionOperation<void>("delete", id, params, "", { _tag: "Empty", value: undefined }),
      notFoundAfterAmbiguousIsSuccess: true
    }))

    const turn = (name: string, sessionId: string, params: SendMessageParams): Stream.Stream<ChatEvent, LlamaCloudError> =>
      Stream.suspend(() =>
        Either.match(check(`ChatService.${name}`, validateTurn, params, { value: sessionId }), {
          onLeft: Stream.fail,
          onRight: (valid) =>
            engine.stream({
              name: `ChatService.${name}`,
              method: "POST",
              route: `${sessionRoute}/messages/stream`,
              path: `${chatRoute}/${segment(sessionId)}/messages/stream`,
              sessionId,
              query: scopeQuery(scope(valid)),
              body: sendMessageBody(valid),
              idempotent: false,
              answer: { _tag: "EventStream" }
            })
        })
      )

    const sendMessage = (sessionId: string, params: SendMessageParams) => turn("sendMessage", sessionId, params)

    const ask = (sessionId: string, params: SendMessageParams): Effect.Effect<ChatReply, LlamaCloudError> =>
      turn("ask", sessionId, params).pipe(
        Stream.runCollect,
        Effect.flatMap((events) =>
          Either.mapLeft(
            fromEvents(Array.from(events)),
            (error): LlamaCloudError =>
              new TurnError({
                ...error,
                // The agent's error is server text like any other: scrubbed of the key, cut to an excerpt.
                error: Option.map(error.error, (text) => truncate(scrub(text))),
                operation: "ChatService.ask",
                sessionId: scrub(sessionId)
              })
          )
        )
      )

    return ChatService.of({
      create,
      list,
      listPage,
      retrieve,
      getSummary,
      delete: deleteSession,
      sendMessage,
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

/**
 * The first issue is enough to know a body is bad and costs half as much; the error then lists all.
 */
const decoderOf = <A, I>(schema: Schema.Schema<A, I>) => {
  const first = Schema.decodeUnknownEither(schema)
  const all = Schema.decodeUnknownEither(schema, { errors: "all" })
  return (json: unknown) => {
    const result = first(json)
    return Either.isRight(result) ? result : all(json)
  }
}

const decodeSession = decoderOf(ChatSession)
const decodeDetail = decoderOf(ChatSessionDetail)
const decodePage = decoderOf(ChatSessionPage)
