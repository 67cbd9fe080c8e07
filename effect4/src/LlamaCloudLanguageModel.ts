/**
 * LlamaCloud's agent as an Effect AI `LanguageModel`: `generateText` and `streamText` answer from
 * the user's own indexes, over `ChatService`.
 *
 * A turn maps as the agent wrote it: its thinking as reasoning parts, its answer as text parts, its
 * searches as provider-executed tool parts of `LlamaCloudTool.Retrieval` (when that tool is in the
 * toolkit), the session as the response metadata (`id`), and its `Stop` as the finish part with the
 * usage. An agent's failure (a `Stop` with an error) is not an `AiError`: the turn happened, used
 * tokens and is kept in the session, so it ends with the finish reason `"error"` and the agent's
 * message at `metadata.llamacloud.error`. A failure to get the turn at all (refused, unreachable,
 * broken off) is an `AiError`.
 *
 * Conversations stay on the server. The first turn of a conversation creates a session; a later
 * prompt continues the session that holds its earlier messages, sending only the new message: the
 * session Effect AI's previous-response id names (a program that provides a `ResponseIdTracker`),
 * or else the one the conversation's last answer names in its metadata, which a `Chat` keeps, and
 * keeps through `export` and `Chat.fromExport` (see `ai/conversations.ts`). A prompt that is not one
 * user message to one session is refused with an `InvalidUserInputError` naming what is
 * unsupported: a system message, a file, a client-defined tool, a forced tool choice, structured
 * output (`generateObject`), or earlier turns this model did not answer.
 *
 * @since 0.3.0
 */
import type * as AiError from "effect/ai/AiError"
import * as LanguageModel from "effect/ai/LanguageModel"
import type * as Response from "effect/ai/Response"
import { addGenAIAnnotations } from "effect/ai/Telemetry"
import type * as Config from "effect/Config"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"
import * as Tracer from "effect/Tracer"
import { fromLlamaCloudError, unsupported } from "./ai/aiError.js"
import { unknownHistory } from "./core/aiRefusals.js"
import * as Conversations from "./ai/conversations.js"
import * as TurnParts from "./ai/turnParts.js"
import * as TurnRequest from "./ai/turnRequest.js"
import { type SendMessageParams, validateCall, validateTurn, validateTurnIndexIds } from "./ChatParams.js"
import { ChatService } from "./ChatService.js"
import { boolean, givenOptions, required, validated } from "./internal/layerOptions.js"
import type { LlamaCloudError } from "./LlamaCloudError.js"

/**
 * @since 0.3.0
 * @category models
 */
export interface Options {
  /** The indexes every turn searches: 1 to 10. New sessions are bound to them. */
  readonly indexIds: ReadonlyArray<string>
  /** Fail a turn (finish reason `"error"`) when one of the indexes cannot be searched. */
  readonly requireAllIndexes?: boolean | undefined
}

/**
 * The telemetry provider name on this model's spans (`gen_ai.provider.name`).
 *
 * @since 0.3.0
 * @category constants
 */
export const system = "llamacloud"

const optionNames = ["indexIds", "requireAllIndexes"]

/** The options, as plain JavaScript may pass them, checked: the index ids by the rule of every turn. */
const checked = (options: unknown): Result.Result<Options, Config.ConfigError> =>
  Result.gen(function*() {
    const given = yield* givenOptions("LlamaCloudLanguageModel.layer", options, optionNames)
    const indexIds = yield* required(given, "indexIds", validated(given, "indexIds", validateTurnIndexIds))
    const requireAllIndexes = yield* boolean(given, "requireAllIndexes")
    return Option.match(requireAllIndexes, {
      onNone: () => ({ indexIds }),
      onSome: (requireAll) => ({ indexIds, requireAllIndexes: requireAll })
    })
  })

/**
 * Builds the model over `ChatService`. The model keeps no conversations itself: each prompt says
 * which session it continues (see the module's description).
 *
 * The options are checked when the effect runs, for callers from plain JavaScript too: a
 * `ConfigError` names the option and the value that is wrong (`indexIds` is 1 to 10 non-empty
 * index ids, `requireAllIndexes` true or false, no other option), so that no turn is tried with them.
 *
 * @since 0.3.0
 * @category constructors
 */
export const make = (given: Options): Effect.Effect<LanguageModel.LanguageModel, Config.ConfigError, ChatService> =>
  Effect.gen(function*() {
    const options = yield* Effect.suspend(() => Effect.fromResult(checked(given)))
    const chat = yield* ChatService

    /** The session a turn goes to: a new one for a new conversation, else the one holding it. */
    const sessionFor = (method: string, holder: Conversations.Holder): Effect.Effect<string, AiError.AiError> => {
      switch (holder._tag) {
        case "New":
          return chat.create({ indexIds: options.indexIds }).pipe(
            Effect.map((session) => session.sessionId),
            Effect.mapError((error) => fromLlamaCloudError(method, error))
          )
        case "Session":
          return Effect.succeed(holder.sessionId)
        case "Unknown":
          return Effect.fail(unsupported(
            method,
            unknownHistory("Continue a conversation with a Chat on this model (one restored with Chat.fromExport too)")
          ))
      }
    }

    /** One turn as stream parts, from the session's metadata to the finish. */
    const turn = (method: string, providerOptions: LanguageModel.ProviderOptions) =>
      Stream.unwrap(Effect.gen(function*() {
        const request = yield* Effect.mapError(
          Effect.fromResult(TurnRequest.fromOptions(providerOptions)),
          (refusal) => unsupported(method, refusal)
        )
        // Checked before a session is created for it: a turn that cannot be sent must leave nothing behind.
        const params: SendMessageParams = yield* Effect.mapError(
          Effect.fromResult(validateCall(validateTurn, {
            prompt: request.prompt,
            indexIds: options.indexIds,
            ...(options.requireAllIndexes === undefined ? {} : { requireAllIndexes: options.requireAllIndexes })
          }, { operation: "ChatService.sendMessage" })),
          (error) => fromLlamaCloudError(method, error)
        )
        const sessionId = yield* sessionFor(method, Conversations.holderOf(request, providerOptions.previousResponseId))
        const now = yield* DateTime.now
        const parts = TurnParts.make(sessionId, request.showRetrieval)
        const metadata: Response.ResponseMetadataPartEncoded = {
          type: "response-metadata",
          id: sessionId,
          timestamp: DateTime.formatIso(now),
          metadata: { [TurnParts.metadataKey]: { sessionId } }
        }
        return Stream.concat(
          Stream.make(metadata),
          chat.sendMessage(sessionId, params).pipe(
            Stream.mapError((error: LlamaCloudError) => fromLlamaCloudError(method, error)),
            Stream.flatMap((event) => Stream.fromIterable(parts.next(event)))
          )
        ).pipe(Stream.tap((part) => Effect.sync(() => annotate(providerOptions.span, part))))
      })).pipe(Stream.provideService(Tracer.ParentSpan, providerOptions.span))

    return yield* LanguageModel.make({
      generateText: (providerOptions) =>
        turn("generateText", providerOptions).pipe(
          Stream.runCollect,
          Effect.map((parts) => TurnParts.collect(Array.from(parts)))
        ),
      streamText: (providerOptions) => turn("streamText", providerOptions)
    })
  })

/**
 * The model as a layer, needing `ChatService` (and, through it, the client and its transport). A
 * wrong option fails the layer, when it is built, with a `ConfigError` naming it (see `make`).
 *
 * @example
 * ```ts
 * const Model = LlamaCloudLanguageModel.layer({ indexIds: ["idx-handbook"] }).pipe(
 *   Layer.provide(ChatService.layer),
 *   Layer.provide(LlamaCloudClient.layerConfig()),
 *   Layer.provide(NodeHttpClient.layerUndici)
 * )
 * ```
 *
 * @since 0.3.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<LanguageModel.LanguageModel, Config.ConfigError, ChatService> =>
  Layer.effect(LanguageModel.LanguageModel, make(options))

/** Effect AI's `gen_ai.*` attributes, beside the client's own on the turn's spans. */
const annotate = (span: Tracer.Span, part: Response.StreamPartEncoded): void => {
  if (part.type === "response-metadata") {
    addGenAIAnnotations(span, { provider: { name: system }, operation: { name: "chat" }, response: { id: part.id } })
  }
  if (part.type === "finish") {
    addGenAIAnnotations(span, {
      response: { finishReasons: [part.reason] },
      usage: { inputTokens: part.usage.inputTokens.total, outputTokens: part.usage.outputTokens.total }
    })
  }
}
