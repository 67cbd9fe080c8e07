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
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { contentEventTags, type ContentEventType, plainContentEvent } from "./core/contentEvents.js"

// Absent and null both mean "not there" on this API.
const optional = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { as: "Option", nullable: true })

/** The wire's `type` literal, read as the domain's `_tag`. */
const tag = <const Tag extends string, const Wire extends string>(tag: Tag, wire: Wire) =>
  Schema.transformLiteral(wire, tag).pipe(Schema.propertySignature, Schema.fromKey("type"))

/**
 * An event that carries only its `content`, the wire's `type` read as the domain's `_tag` (the pair
 * from `core/contentEvents.ts`). One transformation of the whole object rather than a renamed field,
 * which Effect decodes in fewer steps.
 */
const contentEvent = <const Wire extends ContentEventType>(wire: Wire) => {
  const tag: (typeof contentEventTags)[Wire] = contentEventTags[wire]
  return Schema.transform(
    Schema.Struct({ type: Schema.Literal(wire), content: Schema.String }),
    Schema.Struct({ _tag: Schema.Literal(tag), content: Schema.String }),
    {
      strict: true,
      decode: ({ content }) => ({ _tag: tag, content }),
      encode: ({ content }) => ({ type: wire, content })
    }
  )
}

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
  callId: Schema.String.pipe(Schema.propertySignature, Schema.fromKey("call_id")),
  name: Schema.String,
  arguments: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.Unknown }), {
    nullable: true,
    default: () => ({})
  })
})

/**
 * An image a tool result refers to.
 *
 * @since 0.2.0
 * @category schemas
 */
export const ImageAttachment = Schema.Struct({
  attachmentName: Schema.String.pipe(Schema.propertySignature, Schema.fromKey("attachment_name")),
  sourceId: Schema.String.pipe(Schema.propertySignature, Schema.fromKey("source_id"))
})

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
  callId: Schema.String.pipe(Schema.propertySignature, Schema.fromKey("call_id")),
  name: Schema.String,
  result: Schema.optionalWith(Schema.Unknown, { default: () => null }),
  imageAttachment: optional(ImageAttachment).pipe(Schema.fromKey("image_attachment"))
})

/**
 * What a turn used. Absent counts take the API's defaults (`turns` 1, `durationMs` 0).
 *
 * @since 0.2.0
 * @category schemas
 */
export const Usage = Schema.Struct({
  durationMs: Schema.optionalWith(Schema.Number, { nullable: true, default: () => 0 }).pipe(Schema.fromKey("duration_ms")),
  totalInputTokens: optional(Schema.Number).pipe(Schema.fromKey("total_input_tokens")),
  totalOutputTokens: optional(Schema.Number).pipe(Schema.fromKey("total_output_tokens")),
  turns: Schema.optionalWith(Schema.Number, { nullable: true, default: () => 1 })
})

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
  isError: Schema.optionalWith(Schema.Boolean, { nullable: true, default: () => false }).pipe(Schema.fromKey("is_error")),
  usage: Schema.optionalWith(Usage, { nullable: true, default: () => ({ durationMs: 0, totalInputTokens: Option.none(), totalOutputTokens: Option.none(), turns: 1 }) }),
  skippedIndexIds: Schema.optionalWith(Schema.Array(Schema.String), { nullable: true, default: () => [] }).pipe(
    Schema.fromKey("skipped_index_ids")
  )
})

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

const decoders: { readonly [K in Known]: (u: unknown) => Either.Either<ChatEvent, ParseResult.ParseError> } = {
  user_input: Schema.decodeUnknownEither(UserInput),
  text_delta: Schema.decodeUnknownEither(TextDelta),
  text: Schema.decodeUnknownEither(Text),
  thinking_delta: Schema.decodeUnknownEither(ThinkingDelta),
  thinking: Schema.decodeUnknownEither(Thinking),
  tool_call: Schema.decodeUnknownEither(ToolCall),
  tool_result: Schema.decodeUnknownEither(ToolResult),
  stop: Schema.decodeUnknownEither(Stop)
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

const describe = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error)
    .map((issue) => `${issue.path.length > 0 ? `${issue.path.join(".")}: ` : ""}${issue.message}`)
    .join("; ")

/**
 * Decodes one event from its parsed JSON: dispatched on `type`, an unknown `type` kept as an
 * `UnknownEvent`.
 *
 * @since 0.2.0
 * @category decoding
 */
export const decode = (json: unknown): Either.Either<ChatEvent, EventProblem> => {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return Either.left({ type: Option.none(), issue: "an event must be a JSON object" })
  }
  const type: unknown = (json as { readonly type?: unknown }).type
  if (typeof type !== "string") {
    return Either.left({ type: Option.none(), issue: "an event must have a string `type`" })
  }
  if (!isKnown(type)) return Either.right({ _tag: "UnknownEvent", type, payload: json })
  // Most of a turn's events: built without the schema when plainly valid, the schema deciding the rest.
  const plain = plainContentEvent(json)
  if (plain !== undefined) return Either.right(plain)
  return Either.mapLeft(decoders[type](json), (error) => ({ type: Option.some(type), issue: describe(error) }))
}

/**
 * The wire form of an event (its JSON object), as the server would send it.
 *
 * @since 0.2.0
 * @category encoding
 */
export const encode = (event: ChatEvent): unknown =>
  event._tag === "UnknownEvent" ? event.payload : (encoders[wireTypeOf[event._tag]] as (a: ChatEvent) => unknown)(event)

const ChatEventSelf = Schema.Union(
  Schema.typeSchema(UserInput),
  Schema.typeSchema(TextDelta),
  Schema.typeSchema(Text),
  Schema.typeSchema(ThinkingDelta),
  Schema.typeSchema(Thinking),
  Schema.typeSchema(ToolCall),
  Schema.typeSchema(ToolResult),
  Schema.typeSchema(Stop),
  UnknownEventSelf
)

/**
 * The schema of one event, from its wire JSON; used for a session's history.
 *
 * @since 0.2.0
 * @category schemas
 */
export const ChatEvent: Schema.Schema<ChatEvent, unknown> = Schema.transformOrFail(Schema.Unknown, ChatEventSelf, {
  strict: false,
  decode: (json, _, ast) =>
    Either.match(decode(json), {
      onLeft: (problem) =>
        ParseResult.fail(
          new ParseResult.Type(
            ast,
            json,
            Option.match(problem.type, {
              onNone: () => problem.issue,
              onSome: (type) => `a ${JSON.stringify(type)} event: ${problem.issue}`
            })
          )
        ),
      onRight: ParseResult.succeed
    }),
  encode: (event) => ParseResult.succeed(encode(event as ChatEvent))
}).annotations({ identifier: "ChatEvent" })

/**
 * Whether an event ends its turn.
 *
 * @since 0.2.0
 * @category guards
 */
export const isStop = (event: ChatEvent): event is Stop => event._tag === "Stop"
