/**
 * An in-memory `ChatService` for users' own tests: every operation, on the model of the chat
 * resource that the local server serves too (`ChatModel`), with the real service's validation and
 * errors, turns answered by the model's deterministic agent, and controls to script failures and
 * turns ("the next retrieve fails with RateLimitError", "the next turn breaks off after 3 events").
 * It imports nothing from Node: it runs on any runtime.
 *
 * A little over 300 lines: the eight operations of the service, each a few lines over the shared
 * model, plus the controls; the turn machinery lives in `inMemoryChat/`.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"
import type { ChatEvent } from "../ChatEvent.js"
import {
  type CreateSessionParams,
  type ListPageParams,
  type ListSessionsParams,
  type SendMessageParams,
  type SessionParams,
  validate,
  validateCall,
  validateList,
  validateListPage,
  validateSession,
  validateTurn
} from "../ChatParams.js"
import { fromEvents } from "../ChatReply.js"
import { ChatService } from "../ChatService.js"
import { ChatSession, ChatSessionDetail, ChatSessionPage } from "../ChatSession.js"
import { paginate, repeatedPageToken } from "../internal/paginate.js"
import { createSessionBody, listQuery, scopeQuery, sendMessageBody } from "../internal/requestWire.js"
import type { CallFacts, LlamaCloudError, ValidationError } from "../LlamaCloudError.js"
import * as ChatModel from "./ChatModel.js"
import { answer, decode, problemError } from "./inMemoryChat/answers.js"
import { start, type Started, type TurnItem, type TurnScript, turnEvents } from "./inMemoryChat/turns.js"

/**
 * Controls and inspects the in-memory chat service.
 *
 * @since 0.1.0
 * @category tags
 */
export class InMemoryChat extends Context.Tag("effect-llamacloud/testing/InMemoryChat")<InMemoryChat, {
  /** The sessions that exist now (deleted ones gone), oldest first, whatever their project. */
  readonly sessions: Effect.Effect<ReadonlyArray<ChatSession>>
  /** Every operation call, failed ones included, oldest first. A stream's call is recorded when it runs. */
  readonly calls: Effect.Effect<ReadonlyArray<InMemoryChat.Call>>
  /**
   * The next call (or the next `times` calls, default 1) fails with `error` after its parameters
   * are validated, changing nothing. Aimed with `operation`, only that operation's calls fail.
   * Failures are used in the order they were scripted. `failNext(error, 2)` is `{ times: 2 }`.
   */
  readonly failNext: (error: LlamaCloudError, options?: number | InMemoryChat.FailNextOptions) => Effect.Effect<void>
  /**
   * The next turn (of `sendMessage` or `ask`) that the model accepts emits these events instead of
   * the agent's answer, or breaks off after `failAfter.after` events. Scripted turns are used in
   * order. A turn with `events` is checked as any turn is (the session exists and is idle, its
   * indexes lock) but records nothing in the session; a turn without `events` is the agent's
   * answer, recorded whole even when it breaks off, as the server would.
   */
  readonly scriptTurn: (turn: ReadonlyArray<InMemoryChat.ScriptedEvent> | InMemoryChat.ScriptedTurn) => Effect.Effect<void>
}>() {
  /**
   * Provides `ChatService` and its `InMemoryChat` controls, with no sessions. Session ids are
   * `ses-000001`, `ses-000002`…; `lastUpdatedAt` comes from the `Clock`, so `TestClock` controls
   * it. Parameters are validated exactly as the real service does, and what the model refuses fails
   * with the error the real client gives for the same answer (404 `NotFoundError`, 409 `ApiError`,
   * 422 `ValidationError`). Each provision has sessions of its own.
   *
   * @example
   * ```ts
   * it.effect("shows the answer", () => program.pipe(Effect.provide(InMemoryChat.layer)))
   * ```
   */
  static readonly layer: Layer.Layer<ChatService | InMemoryChat> = Layer.unwrapEffect(Effect.gen(function*() {
    const memory = yield* Ref.make<Memory>({ model: ChatModel.empty, scripts: [] })
    const calls = yield* Ref.make<ReadonlyArray<InMemoryChat.Call>>([])
    const failures = yield* Ref.make<ReadonlyArray<Failure>>([])

    /** Records the call, validates it as the real service does, then meets a scripted failure if one is aimed at it. */
    const begin = <P>(
      call: InMemoryChat.Call,
      parse: (input: unknown) => Either.Either<P, ValidationError>
    ): Effect.Effect<P, LlamaCloudError> =>
      Effect.zipRight(
        Ref.update(calls, (all) => [...all, call]),
        // Checked when the call runs, as the real service does, not when it is made.
        Effect.flatMap(
          Effect.suspend(() =>
            validateCall(parse, call.params, {
              operation: nameOf(call.operation),
              sessionId: "sessionId" in call ? { value: call.sessionId } : undefined
            })
          ),
          (valid) => Effect.as(scriptedFailure(call.operation), valid)
        )
      )

    const scriptedFailure = (operation: InMemoryChat.Operation): Effect.Effect<void, LlamaCloudError> =>
      Effect.flatMap(
        Ref.modify(failures, (queue): [LlamaCloudError | undefined, ReadonlyArray<Failure>] => {
          const at = queue.findIndex((failure) => failure.operation === undefined || failure.operation === operation)
          const found = queue[at]
          if (found === undefined) return [undefined, queue]
          const rest = found.times > 1 ? [{ ...found, times: found.times - 1 }] : []
          return [found.error, [...queue.slice(0, at), ...rest, ...queue.slice(at + 1)]]
        }),
        (error) => error === undefined ? Effect.void : Effect.fail(error)
      )

    /** Runs a change on the model atomically. */
    const change = <A>(step: (state: ChatModel.State) => ChatModel.Step<A>) =>
      Ref.modify(memory, (held): [Either.Either<A, ChatModel.Problem>, Memory] => {
        const [result, model] = step(held.model)
        return [result, { ...held, model }]
      })

    const look = <A>(read: (state: ChatModel.State) => Either.Either<A, ChatModel.Problem>) =>
      Effect.map(Ref.get(memory), (held) => read(held.model))

    const create = (params?: CreateSessionParams): Effect.Effect<ChatSession, LlamaCloudError> =>
      begin({ operation: "create", params }, validate).pipe(
        Effect.flatMap((valid) =>
          Effect.flatMap(ChatModel.timestamp, (now) =>
            change((state) =>
              ChatModel.create(state, {
                query: scopeQuery(valid),
                body: createSessionBody(valid),
                now,
                sessionId: `ses-${String(state.created + 1).padStart(6, "0")}`
              })
            ))
        ),
        Effect.flatMap(answer({ operation: nameOf("create") }, decode(ChatSession))),
        Effect.withSpan(nameOf("create"))
      )

    const page = (operation: "list" | "listPage", params: ListPageParams) =>
      Effect.flatMap(
        look((state) => ChatModel.list(state, { query: listQuery(params) })),
        answer({ operation: nameOf(operation) }, decode(ChatSessionPage))
      )

    const listPage = (params?: ListPageParams): Effect.Effect<ChatSessionPage, LlamaCloudError> =>
      begin({ operation: "listPage", params }, validateListPage).pipe(
        Effect.flatMap((valid) => page("listPage", valid)),
        Effect.withSpan(nameOf("listPage"))
      )

    const list = (params?: ListSessionsParams): Stream.Stream<ChatSession, LlamaCloudError> =>
      Stream.unwrap(Effect.map(begin({ operation: "list", params }, validateList), (valid) =>
        paginate(
          (token) =>
            page("list", Option.match(token, { onNone: () => valid, onSome: (pageToken) => ({ ...valid, pageToken }) })),
          (token) => repeatedPageToken(nameOf("list"), token)
        ))).pipe(Stream.withSpan(nameOf("list")))

    /** An operation on one session: the model's verdict on it, decoded as the real client decodes the answer. */
    const onSession = <W, A>(
      operation: "retrieve" | "getSummary" | "delete",
      step: (state: ChatModel.State, request: ChatModel.SessionRequest) => ChatModel.Step<W>,
      read: (wire: W) => Effect.Effect<A>
    ) =>
    (sessionId: string, params?: SessionParams): Effect.Effect<A, LlamaCloudError> =>
      begin({ operation, sessionId, params }, validateSession).pipe(
        Effect.flatMap((valid) => change((state) => step(state, { sessionId, query: scopeQuery(valid) }))),
        Effect.flatMap(answer({ operation: nameOf(operation), sessionId }, read)),
        Effect.withSpan(nameOf(operation))
      )

    const retrieve = onSession("retrieve", (state, request) => [ChatModel.retrieve(state, request), state], decode(ChatSessionDetail))
    const getSummary = onSession("getSummary", (state, request) => [ChatModel.summary(state, request), state], decode(ChatSession))
    const deleteSession = onSession("delete", ChatModel.remove, () => Effect.void)

    const finish = (turn: ChatModel.Turn) =>
      Effect.flatMap(ChatModel.timestamp, (at) =>
        Ref.update(memory, (held) => ({ ...held, model: ChatModel.finishTurn(held.model, turn, at) })))

    /**
     * A turn: the model starts it (or, for a scripted turn with events, only checks that it could),
     * the events stream as they are pulled, and the agent's turn is recorded when the stream ends,
     * however it ends (the server runs a turn to its end whatever the client does).
     */
    const turn = (operation: "sendMessage" | "ask", sessionId: string, params: SendMessageParams) => {
      const facts: CallFacts = { operation: nameOf(operation), sessionId }
      return Stream.unwrapScoped(Effect.gen(function*() {
        const valid = yield* begin({ operation, sessionId, params }, validateTurn)
        const now = yield* ChatModel.timestamp
        const request = { sessionId, query: scopeQuery(valid), body: sendMessageBody(valid), now }
        const started = yield* Effect.acquireRelease(
          Effect.flatMap(
            Ref.modify(memory, (held): [Either.Either<Started, ChatModel.Problem>, Memory] => {
              const [started, model, scripts] = start(held.model, held.scripts, request)
              return [started, { model, scripts }]
            }),
            (started) => Effect.mapError(started, (problem) => problemError(problem, facts))
          ),
          ({ recorded }) => recorded === undefined ? Effect.void : finish(recorded)
        )
        return turnEvents(started.events, facts, started.cut)
      }))
    }

    const sendMessage = (sessionId: string, params: SendMessageParams): Stream.Stream<ChatEvent, LlamaCloudError> =>
      turn("sendMessage", sessionId, params).pipe(Stream.withSpan(nameOf("sendMessage")))

    const ask = (sessionId: string, params: SendMessageParams) =>
      turn("ask", sessionId, params).pipe(
        Stream.runCollect,
        Effect.flatMap((events) => fromEvents(Array.from(events), { operation: nameOf("ask"), sessionId })),
        Effect.withSpan(nameOf("ask"))
      )

    return Layer.merge(
      Layer.succeed(
        ChatService,
        ChatService.of({ create, list, listPage, retrieve, getSummary, delete: deleteSession, sendMessage, ask })
      ),
      Layer.succeed(InMemoryChat, {
        sessions: Effect.flatMap(
          Ref.get(memory),
          (held) => Effect.forEach(ChatModel.sessions(held.model), (stored) => decode(ChatSession)(stored.session))
        ),
        calls: Ref.get(calls),
        failNext: (error, options) => {
          const { operation, times = 1 } = typeof options === "number" ? { times: options } : options ?? {}
          return times > 0 ? Ref.update(failures, (queue) => [...queue, { error, operation, times }]) : Effect.void
        },
        scriptTurn: (scripted) =>
          Ref.update(memory, (held) => ({ ...held, scripts: [...held.scripts, isScriptedTurn(scripted) ? scripted : { events: scripted }] }))
      })
    )
  }))
}

/**
 * @since 0.2.0
 */
export declare namespace InMemoryChat {
  /**
   * The operations of `ChatService`, by name.
   *
   * @since 0.2.0
   * @category models
   */
  export type Operation = keyof ChatService.Service

  /**
   * One call of an operation, with its arguments as passed.
   *
   * @since 0.2.0
   * @category models
   */
  export type Call =
    | { readonly operation: "create"; readonly params: CreateSessionParams | undefined }
    | { readonly operation: "list"; readonly params: ListSessionsParams | undefined }
    | { readonly operation: "listPage"; readonly params: ListPageParams | undefined }
    | {
      readonly operation: "retrieve" | "getSummary" | "delete"
      readonly sessionId: string
      readonly params: SessionParams | undefined
    }
    | { readonly operation: "sendMessage" | "ask"; readonly sessionId: string; readonly params: SendMessageParams }

  /**
   * Which calls a scripted failure meets.
   *
   * @since 0.2.0
   * @category models
   */
  export interface FailNextOptions {
    /** Only this operation's calls fail; any operation's when absent. */
    readonly operation?: Operation | undefined
    /** How many calls fail; default 1. */
    readonly times?: number | undefined
  }

  /**
   * An event of a scripted turn: a `ChatEvent`, or a wire object as the server would send it
   * (`{ type: "text_delta", content: "…" }`), decoded as the real client decodes it: an unknown
   * `type` is an `UnknownEvent`, a malformed event fails the turn with `DecodeError`.
   *
   * @since 0.2.0
   * @category models
   */
  export type ScriptedEvent = TurnItem

  /**
   * What the next turn does: emit `events` instead of the agent's answer, and/or break off with
   * `failAfter.error` once `failAfter.after` events were emitted.
   *
   * @since 0.2.0
   * @category models
   */
  export interface ScriptedTurn extends TurnScript {}
}

// -------------------------------------------------------------------------------------------------
// internals

interface Memory {
  readonly model: ChatModel.State
  readonly scripts: ReadonlyArray<InMemoryChat.ScriptedTurn>
}

interface Failure {
  readonly error: LlamaCloudError
  readonly operation: InMemoryChat.Operation | undefined
  readonly times: number
}

const nameOf = (operation: InMemoryChat.Operation): string => `ChatService.${operation}`

const isScriptedTurn = (
  scripted: ReadonlyArray<InMemoryChat.ScriptedEvent> | InMemoryChat.ScriptedTurn
): scripted is InMemoryChat.ScriptedTurn => !Array.isArray(scripted)
