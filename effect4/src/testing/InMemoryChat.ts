/**
 * An in-memory `ChatService` for users' own tests: every operation, on the model of the chat
 * resource that the local server serves too (`ChatModel`), with the real service's validation and
 * errors, turns answered by the model's deterministic agent, and controls to script failures and
 * turns ("the next retrieve fails with RateLimitError", "the next turn breaks off after 3 events").
 * Each call is checked and encoded by its operation's row in the table of operations, as the real
 * service's is. It imports nothing from Node: it runs on any runtime.
 *
 * A little over 300 lines: the operations of the service, each a few lines over the shared model,
 * plus the controls; the turn machinery lives in `inMemoryChat/`.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"
import type { ChatEvent } from "../ChatEvent.js"
import type { CreateSessionParams, ListPageParams, ListSessionsParams, SendMessageParams, SessionParams } from "../ChatParams.js"
import { validateCall } from "../ChatParams.js"
import { fromEvents } from "../ChatReply.js"
import { ChatService } from "../ChatService.js"
import * as Scripts from "../core/inMemoryChat/scripts.js"
import { ChatSession, type ChatSessionPage } from "../ChatSession.js"
import { type Answer, type Definition, type Name, onSession, operations, qualified } from "../internal/operations.js"
import { paginate, repeatedPageToken } from "../internal/paginate.js"
import type { CallFacts, LlamaCloudError } from "../LlamaCloudError.js"
import * as ChatModel from "./ChatModel.js"
import { answer, decode, problemError } from "./inMemoryChat/answers.js"
import { start, type Started, type TurnItem, type TurnScript, turnEvents } from "./inMemoryChat/turns.js"

/**
 * Controls and inspects the in-memory chat service.
 *
 * @since 0.1.0
 * @category tags
 */
export class InMemoryChat extends Context.Service<InMemoryChat, {
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
}>()("effect-llamacloud/testing/InMemoryChat") {
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
  static readonly layer: Layer.Layer<ChatService | InMemoryChat> = Layer.unwrap(Effect.gen(function*() {
    const memory = yield* Ref.make<Memory>({ model: ChatModel.empty, scripts: [] })
    const calls = yield* Ref.make<ReadonlyArray<InMemoryChat.Call>>([])
    const failures = yield* Ref.make<ReadonlyArray<Failure>>([])

    /** Records the call, validates it as the real service does, then meets a scripted failure if one is aimed at it. */
    const begin = <P>(definition: Definition<Name, P, Answer>, call: InMemoryChat.Call): Effect.Effect<P, LlamaCloudError> =>
      Effect.andThen(
        Ref.update(calls, (all) => [...all, call]),
        // Checked when the call runs, as the real service does, not when it is made.
        Effect.flatMap(
          Effect.suspend(() =>
            Effect.fromResult(validateCall(definition.params, call.params, {
              operation: qualified(call.operation),
              sessionId: onSession(definition) ? { value: "sessionId" in call ? call.sessionId : undefined } : undefined
            }))
          ),
          (valid) => Effect.as(scriptedFailure(call.operation), valid)
        )
      )

    const scriptedFailure = (operation: InMemoryChat.Operation): Effect.Effect<void, LlamaCloudError> =>
      Effect.flatMap(
        Ref.modify(failures, (queue) => Scripts.takeFailure(queue, operation)),
        (error) => error === undefined ? Effect.void : Effect.fail(error)
      )

    /** Runs a change on the model atomically. */
    const change = <A>(step: (state: ChatModel.State) => ChatModel.Step<A>) =>
      Ref.modify(memory, (held): [Result.Result<A, ChatModel.Problem>, Memory] => {
        const [result, model] = step(held.model)
        return [result, { ...held, model }]
      })

    const look = <A>(read: (state: ChatModel.State) => Result.Result<A, ChatModel.Problem>) =>
      Effect.map(Ref.get(memory), (held) => read(held.model))

    const create = (params?: CreateSessionParams): Effect.Effect<ChatSession, LlamaCloudError> =>
      begin(operations.create, { operation: "create", params }).pipe(
        Effect.flatMap((valid) =>
          Effect.flatMap(ChatModel.timestamp, (now) =>
            change((state) =>
              ChatModel.create(state, {
                ...operations.create.encode(valid),
                now,
                sessionId: `ses-${String(state.created + 1).padStart(6, "0")}`
              })
            ))
        ),
        Effect.flatMap(answer({ operation: qualified("create") }, decode(operations.create.answer.schema))),
        Effect.withSpan(qualified("create"))
      )

    const page = (operation: "list" | "listPage", params: ListPageParams): Effect.Effect<ChatSessionPage, LlamaCloudError> =>
      Effect.flatMap(
        look((state) => ChatModel.list(state, operations[operation].encode(params))),
        answer({ operation: qualified(operation) }, decode(operations[operation].answer.schema))
      )

    const listPage = (params?: ListPageParams): Effect.Effect<ChatSessionPage, LlamaCloudError> =>
      begin(operations.listPage, { operation: "listPage", params }).pipe(
        Effect.flatMap((valid) => page("listPage", valid)),
        Effect.withSpan(qualified("listPage"))
      )

    const list = (params?: ListSessionsParams): Stream.Stream<ChatSession, LlamaCloudError> =>
      Stream.unwrap(Effect.map(begin(operations.list, { operation: "list", params }), (valid) =>
        paginate(
          (token) =>
            page("list", Option.match(token, { onNone: () => valid, onSome: (pageToken) => ({ ...valid, pageToken }) })),
          (token) => repeatedPageToken(qualified("list"), token)
        ))).pipe(Stream.withSpan(qualified("list")))

    /** An operation on one session: the model's verdict on it, decoded as the real client decodes the answer. */
    const onSessionOf = <K extends "retrieve" | "getSummary" | "delete", W, A>(
      operation: K,
      step: (state: ChatModel.State, request: ChatModel.SessionRequest) => ChatModel.Step<W>,
      read: (wire: W) => Effect.Effect<A>
    ) =>
    (sessionId: string, params?: SessionParams): Effect.Effect<A, LlamaCloudError> =>
      begin(operations[operation], { operation, sessionId, params }).pipe(
        Effect.flatMap((valid) => change((state) => step(state, { sessionId, ...operations[operation].encode(valid) }))),
        Effect.flatMap(answer({ operation: qualified(operation), sessionId }, read)),
        Effect.withSpan(qualified(operation))
      )

    const retrieve = onSessionOf(
      "retrieve",
      (state, request) => [ChatModel.retrieve(state, request), state],
      decode(operations.retrieve.answer.schema)
    )
    const getSummary = onSessionOf(
      "getSummary",
      (state, request) => [ChatModel.getSummary(state, request), state],
      decode(operations.getSummary.answer.schema)
    )
    const deleteSession = onSessionOf("delete", ChatModel.delete, () => Effect.void)

    const finish = (turn: ChatModel.Turn) =>
      Effect.flatMap(ChatModel.timestamp, (at) =>
        Ref.update(memory, (held) => ({ ...held, model: ChatModel.finishTurn(held.model, turn, at) })))

    /**
     * A turn: the model starts it (or, for a scripted turn with events, only checks that it could),
     * the events stream as they are pulled, and the agent's turn is recorded when the stream ends,
     * however it ends (the server runs a turn to its end whatever the client does).
     */
    const turn = (operation: "sendMessage" | "ask", sessionId: string, params: SendMessageParams) => {
      const facts: CallFacts = { operation: qualified(operation), sessionId }
      return Stream.unwrap(Effect.gen(function*() {
        const valid = yield* begin(operations[operation], { operation, sessionId, params })
        const now = yield* ChatModel.timestamp
        const request = { sessionId, ...operations[operation].encode(valid), now }
        const started = yield* Effect.acquireRelease(
          Effect.flatMap(
            Ref.modify(memory, (held): [Result.Result<Started, ChatModel.Problem>, Memory] => {
              const [started, model, scripts] = start(held.model, held.scripts, request)
              return [started, { model, scripts }]
            }),
            (started) => Effect.mapError(Effect.fromResult(started), (problem) => problemError(problem, facts))
          ),
          ({ recorded }) => recorded === undefined ? Effect.void : finish(recorded)
        )
        return turnEvents(started.events, facts, started.cut)
      }))
    }

    const sendMessage = (sessionId: string, params: SendMessageParams): Stream.Stream<ChatEvent, LlamaCloudError> =>
      turn("sendMessage", sessionId, params).pipe(Stream.withSpan(qualified("sendMessage")))

    const ask = (sessionId: string, params: SendMessageParams) =>
      turn("ask", sessionId, params).pipe(
        Stream.runCollect,
        Effect.flatMap((events) => Effect.fromResult(fromEvents(events, { operation: qualified("ask"), sessionId }))),
        Effect.withSpan(qualified("ask"))
      )

    return Layer.merge(
      Layer.succeed(
        ChatService,
        ChatService.of({ create, list, listPage, retrieve, getSummary, delete: deleteSession, sendMessage, ask })
      ),
      Layer.succeed(InMemoryChat, InMemoryChat.of({
        sessions: Effect.flatMap(
          Ref.get(memory),
          (held) => Effect.forEach(ChatModel.sessions(held.model), (stored) => decode(ChatSession)(stored.session))
        ),
        calls: Ref.get(calls),
        failNext: (error, options) =>
          Effect.suspend(() => {
            const failure = Scripts.scriptedFailure(error, options)
            return failure === undefined ? Effect.void : Ref.update(failures, (queue) => [...queue, failure])
          }),
        scriptTurn: (scripted) =>
          Ref.update(memory, (held) => ({ ...held, scripts: [...held.scripts, isScriptedTurn(scripted) ? scripted : { events: scripted }] }))
      }))
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
  export type Call = { readonly [K in Operation]: CallOf<K, Parameters<ChatService.Service[K]>> }[Operation]

  /**
   * A call of `operation` made with `args`: the session id when it takes one, the parameters as passed.
   *
   * @since 0.3.0
   * @category models
   */
  export type CallOf<K extends Operation, Args> = Args extends readonly [string, infer P]
    ? { readonly operation: K; readonly sessionId: string; readonly params: P }
    : Args extends readonly [string, (infer P)?] ? { readonly operation: K; readonly sessionId: string; readonly params: P | undefined }
    : Args extends readonly [(infer P)?] ? { readonly operation: K; readonly params: P | undefined }
    : never

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

type Failure = Scripts.ScriptedFailure<LlamaCloudError, InMemoryChat.Operation>

const isScriptedTurn = (
  scripted: ReadonlyArray<InMemoryChat.ScriptedEvent> | InMemoryChat.ScriptedTurn
): scripted is InMemoryChat.ScriptedTurn => !Array.isArray(scripted)
