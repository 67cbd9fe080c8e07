/**
 * What happens in a conversation: the events of a session's history (`ChatService.retrieve`) and of
 * a streamed turn (`ChatService.sendMessage`). On the wire each is a JSON object told apart by its
 * `type`; here each is a plain object told apart by its `_tag`, with idiomatic field names. Wire
 * names appear in this module only.
 *
 * An event of a `type` this version does not know is kept as an `UnknownEvent` (its type and raw
 * payload), never a decoding failure: servers add event types.
 *
 * Over 300 lines and still one concept: one schema per event type, each with the docs a user reads
 * when matching on it, and the one dispatch that decodes them all.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import * as SchemaTransformation from "effect/SchemaTransformation"
import { contentEventTags, type ContentEventType, plainContentEvent } from "./core/contentEvents.js"
import { describe } from "./internal/issueList.js"
import { optional, withDefault } from "./internal/optionalField.js"

/** The wire's `type` literal, read as the domain's `_tag` (the key is renamed by `wire`). */
const tag = <const Tag extends string, const Wire extends string>(tag: Tag, wire: Wire) => Schema.Literal(wire).transform(tag)

/** An event's struct with its `_tag` read from the wire's `type`, and its other keys renamed by `keys`. */
const wire = <const Keys extends Record<string, string>>(keys: Keys) => ({ _tag: "type", ...keys }) as const

/** An event that carries only its `content`, its `type` and `_tag` from `core/contentEvents.ts`. */
const contentEvent = <const Wire extends ContentEventType>(type: Wire) =>
  Schema.Struct({ _tag: tag(contentEventTags[type], type), content: Schema.String }).pipe(Schema.encodeKeys(wire({})))

/**
 * The user's message that opened a turn (history only).
 *
 * @since 0.2.0
 * @category schemas
 */
export const UserInput = contentEvent("user_input")

/**
 * A piece of the answer as it is written; the pieces joined make the answer.
 *
 * @since 0.2.0
 * @category schemas
 */
export const TextDelta = contentEvent("text_delta")

/**
 * The whole answer, once written.
 *
 * @since 0.2.0
 * @category schemas
 */
export const Text = contentEvent("text")

/**
 * A piece of the agent's reasoning as it is written.
 *
 * @since 0.2.0
 * @category schemas
 */
export const ThinkingDelta = contentEvent("thinking_delta")

/**
 * The agent's whole reasoning for a step.
 *
 * @since 0.2.0
 * @category schemas
 */
export const Thinking = contentEvent("thinking")

/**
 * The agent calls a tool, e.g. a search of the indexes. `callId` pairs it with its `ToolResult`.
 *
 * @since 0.2.0
 * @category schemas
 */
export const ToolCall = Schema.Struct({
  _tag: tag("ToolCall", "tool_call"),
  callId: Schema.String,
  name: Schema.String,
  arguments: withDefault(Schema.Record(Schema.String, Schema.Unknown), () => ({}))
}).pipe(Schema.encodeKeys(wire({ callId: "call_id" })))

/**
 * An image a tool result refers to.
 *
 * @since 0.2.0
 * @category schemas
 */
export const ImageAttachment = Schema.Struct({
  attachmentName: Schema.String,
  sourceId: Schema.String
}).pipe(Schema.encodeKeys({ attachmentName: "attachment_name", sourceId: "source_id" }))

/**
 * @since 0.2.0
 * @category models
 */
export interface ImageAttachment extends Schema.Schema.Type<typeof ImageAttachment> {}

/**
 * What a tool call returned (for a search: the passages found). `result` is whatever the tool
 * returned, as JSON.
 *
 * @since 0.2.0
 * @category schemas
 */
export const ToolResult = Schema.Struct({
  _tag: tag("ToolResult", "tool_result"),
  callId: Schema.String,
  name: Schema.String,
  result: withDefault(Schema.Unknown, () => null),
  imageAttachment: optional(ImageAttachment)
}).pipe(Schema.encodeKeys(wire({ callId: "call_id", imageAttachment: "image_attachment" })))

/**
 * What a turn used. Absent counts take the API's defaults (`turns` 1, `durationMs` 0).
 *
 * @since 0.2.0
 * @category schemas
 */
export const Usage = Schema.Struct({
  durationMs: withDefault(Schema.Number, () => 0),
  totalInputTokens: optional(Schema.Number),
  totalOutputTokens: optional(Schema.Number),
  turns: withDefault(Schema.Number, () => 1)
}).pipe(Schema.encodeKeys({
  durationMs: "duration_ms",
  totalInputTokens: "total_input_tokens",
  totalOutputTokens: "total_output_tokens"
}))

/**
 * @since 0.2.0
 * @category models
 */
export interface Usage extends Schema.Schema.Type<typeof Usage> {}

/**
 * The end of a turn: whether it failed (`isError`, with the server's `error`), what it used, and the
 * requested indexes it could not search.
 *
 * @since 0.2.0
 * @category schemas
 */
export const Stop = Schema.Struct({
  _tag: tag("Stop", "stop"),
  error: optional(Schema.String),
  isError: withDefault(Schema.Boolean, () => false),
  usage: withDefault(Usage, (): Usage => ({ durationMs: 0, totalInputTokens: Option.none(), totalOutputTokens: Option.none(), turns: 1 })),
  skippedIndexIds: withDefault(Schema.Array(Schema.String), () => [])
}).pipe(Schema.encodeKeys(wire({ isError: "is_error", skippedIndexIds: "skipped_index_ids" })))

/**
 * An event of a type this version does not know, kept whole: `type` as sent, `payload` the
 * event's JSON object.
 *
 * @since 0.2.0
 * @category models
 */
export interface UnknownEvent {
  readonly _tag: "UnknownEvent"
  readonly type: string
  readonly payload: unknown
}

const UnknownEventSelf = Schema.Struct({ _tag: Schema.Literal("UnknownEvent"), type: Schema.String, payload: Schema.Unknown })

/**
 * @since 0.2.0
 * @category models
 */
export type UserInput = typeof UserInput.Type
/**
 * @since 0.2.0
 * @category models
 */
export type TextDelta = typeof TextDelta.Type
/**
 * @since 0.2.0
 * @category models
 */
export type Text = typeof Text.Type
/**
 * @since 0.2.0
 * @category models
 */
export type ThinkingDelta = typeof ThinkingDelta.Type
/**
 * @since 0.2.0
 * @category models
 */
export type Thinking = typeof Thinking.Type
/**
 * @since 0.2.0
 * @category models
 */
export type ToolCall = typeof ToolCall.Type
/**
 * @since 0.2.0
 * @category models
 */
export type ToolResult = typeof ToolResult.Type
/**
 * @since 0.2.0
 * @category models
 */
export type Stop = typeof Stop.Type

/**
 * One event of a conversation.
 *
 * @since 0.2.0
 * @category models
 */
export type ChatEvent =
  | UserInput
  | TextDelta
  | Text
  | ThinkingDelta
  | Thinking
  | ToolCall
  | ToolResult
  | Stop
  | UnknownEvent

// The schema of each known wire `type`.
const known = {
  user_input: UserInput,
  text_delta: TextDelta,
  text: Text,
  thinking_delta: ThinkingDelta,
  thinking: Thinking,
  tool_call: ToolCall,
  tool_result: ToolResult,
  stop: Stop
} as const

type Known = keyof typeof known

const isKnown = (type: string): type is Known => Object.prototype.hasOwnProperty.call(known, type)

// Problems quote the value found.
const quoting = { reportInput: true } as const

const decoders: { readonly [K in Known]: (u: unknown) => Result.Result<ChatEvent, Schema.SchemaError> } = {
  user_input: Schema.decodeUnknownResult(UserInput, quoting),
  text_delta: Schema.decodeUnknownResult(TextDelta, quoting),
  text: Schema.decodeUnknownResult(Text, quoting),
  thinking_delta: Schema.decodeUnknownResult(ThinkingDelta, quoting),
  thinking: Schema.decodeUnknownResult(Thinking, quoting),
  tool_call: Schema.decodeUnknownResult(ToolCall, quoting),
  tool_result: Schema.decodeUnknownResult(ToolResult, quoting),
  stop: Schema.decodeUnknownResult(Stop, quoting)
}

const encoders: { readonly [K in Known]: (a: never) => unknown } = {
  user_input: Schema.encodeSync(UserInput),
  text_delta: Schema.encodeSync(TextDelta),
  text: Schema.encodeSync(Text),
  thinking_delta: Schema.encodeSync(ThinkingDelta),
  thinking: Schema.encodeSync(Thinking),
  tool_call: Schema.encodeSync(ToolCall),
  tool_result: Schema.encodeSync(ToolResult),
  stop: Schema.encodeSync(Stop)
}

const wireTypeOf: { readonly [Tag in Exclude<ChatEvent["_tag"], "UnknownEvent">]: Known } = {
  UserInput: "user_input",
  TextDelta: "text_delta",
  Text: "text",
  ThinkingDelta: "thinking_delta",
  Thinking: "thinking",
  ToolCall: "tool_call",
  ToolResult: "tool_result",
  Stop: "stop"
}

/**
 * Why an event could not be decoded: not an object with a string `type`, or not the shape its
 * `type` promises (`issue` says where).
 *
 * @since 0.2.0
 * @category models
 */
export interface EventProblem {
  readonly type: Option.Option<string>
  readonly issue: string
}

/**
 * Decodes one event from its parsed JSON: dispatched on `type`, an unknown `type` kept as an
 * `UnknownEvent`.
 *
 * @since 0.2.0
 * @category decoding
 */
export const decode = (json: unknown): Result.Result<ChatEvent, EventProblem> => {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return Result.fail({ type: Option.none(), issue: "an event must be a JSON object" })
  }
  const type: unknown = (json as { readonly type?: unknown }).type
  if (typeof type !== "string") {
    return Result.fail({ type: Option.none(), issue: "an event must have a string `type`" })
  }
  if (!isKnown(type)) return Result.succeed({ _tag: "UnknownEvent", type, payload: json })
  // Most of a turn's events: built without the schema when plainly valid, the schema deciding the rest.
  const plain = plainContentEvent(json)
  if (plain !== undefined) return Result.succeed(plain)
  return Result.mapError(decoders[type](json), (error) => ({ type: Option.some(type), issue: describe(error.issue) }))
}

/**
 * The wire form of an event (its JSON object), as the server would send it.
 *
 * @since 0.2.0
 * @category encoding
 */
export const encode = (event: ChatEvent): unknown =>
  event._tag === "UnknownEvent" ? event.payload : (encoders[wireTypeOf[event._tag]] as (a: ChatEvent) => unknown)(event)

const ChatEventSelf = Schema.Union([
  Schema.toType(UserInput),
  Schema.toType(TextDelta),
  Schema.toType(Text),
  Schema.toType(ThinkingDelta),
  Schema.toType(Thinking),
  Schema.toType(ToolCall),
  Schema.toType(ToolResult),
  Schema.toType(Stop),
  UnknownEventSelf
])

/**
 * The schema of one event, from its wire JSON; used for a session's history.
 *
 * @since 0.2.0
 * @category schemas
 */
export const ChatEvent: Schema.Codec<ChatEvent, unknown> = Schema.Unknown.pipe(
  Schema.decodeTo(
    ChatEventSelf,
    SchemaTransformation.transformEffect({
      decode: (json: unknown) =>
        Result.match(decode(json), {
          onFailure: (problem) =>
            Effect.fail(
              new SchemaIssue.InvalidValue({
                message: Option.match(problem.type, {
                  onNone: () => problem.issue,
                  onSome: (type) => `a ${JSON.stringify(type)} event: ${problem.issue}`
                })
              }, json)
            ),
          onSuccess: (event) => Effect.succeed(event)
        }),
      encode: (event: ChatEvent) => Effect.succeed(encode(event))
    })
  ),
  Schema.annotate({ identifier: "ChatEvent" })
)

/**
 * Whether an event ends its turn.
 *
 * @since 0.2.0
 * @category guards
 */
export const isStop = (event: ChatEvent): event is Stop => event._tag === "Stop"
