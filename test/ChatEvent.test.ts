/**
 * `ChatEvent.decode` builds a content event (`user_input`, `text_delta`, `text`, `thinking_delta`,
 * `thinking`) without its schema when the JSON plainly is one (src/core/contentEvents.ts). These
 * properties hold it to the schema: on any input, decode gives what dispatching every value through
 * the schemas gives, the same event or the same problem.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as ChatEvent from "../src/ChatEvent.js"
import { contentEventTags } from "../src/core/contentEvents.js"

const schemas = {
  user_input: ChatEvent.UserInput,
  text_delta: ChatEvent.TextDelta,
  text: ChatEvent.Text,
  thinking_delta: ChatEvent.ThinkingDelta,
  thinking: ChatEvent.Thinking,
  tool_call: ChatEvent.ToolCall,
  tool_result: ChatEvent.ToolResult,
  stop: ChatEvent.Stop
} as const

const types = Object.keys(schemas) as Array<keyof typeof schemas>
const contentTypes = Object.keys(contentEventTags) as Array<keyof typeof contentEventTags>

/** `ChatEvent.decode` with every known event through its schema: what decode must give. */
const throughSchemas = (json: unknown): Either.Either<ChatEvent.ChatEvent, ChatEvent.EventProblem> => {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return Either.left({ type: Option.none(), issue: "an event must be a JSON object" })
  }
  const type: unknown = (json as { readonly type?: unknown }).type
  if (typeof type !== "string") return Either.left({ type: Option.none(), issue: "an event must have a string `type`" })
  if (!Object.hasOwn(schemas, type)) return Either.right({ _tag: "UnknownEvent", type, payload: json })
  const schema: Schema.Schema<ChatEvent.ChatEvent, unknown> = schemas[type as keyof typeof schemas] as never
  return Either.mapLeft(Schema.decodeUnknownEither(schema)(json), (error) => ({
    type: Option.some(type),
    issue: ParseResult.ArrayFormatter.formatErrorSync(error)
      .map((issue) => `${issue.path.length > 0 ? `${issue.path.join(".")}: ` : ""}${issue.message}`)
      .join("; ")
  }))
}

const sameAsSchemas = (json: unknown): void => {
  expect(ChatEvent.decode(json)).toStrictEqual(throughSchemas(json))
}

const encodedContentEvent = FastCheck.oneof(
  ...contentTypes.map((type) => {
    const schema: Schema.Schema.AnyNoContext = schemas[type]
    return Arbitrary.make(Schema.encodedSchema(schema))
  })
)

const hostileValue = FastCheck.oneof(
  FastCheck.string(),
  FastCheck.constant(null),
  FastCheck.constant(undefined),
  FastCheck.integer(),
  FastCheck.double(),
  FastCheck.boolean(),
  FastCheck.array(FastCheck.string(), { maxLength: 3 }),
  FastCheck.dictionary(FastCheck.string(), FastCheck.string(), { maxKeys: 3 })
)

/** An object with a content event's `type` (or another, or none) and any `content`, extra keys too. */
const hostileEvent = FastCheck.record(
  {
    type: FastCheck.oneof(FastCheck.constantFrom(...types, "citation"), hostileValue),
    content: hostileValue,
    extra: FastCheck.dictionary(FastCheck.string(), hostileValue, { maxKeys: 3 })
  },
  { requiredKeys: [] }
).map(({ extra, ...event }) => ({ ...extra, ...event }))

describe("ChatEvent.decode", () => {
  it("gives what the schema gives for every encoded content event", () =>
    FastCheck.assert(FastCheck.property(encodedContentEvent, sameAsSchemas), { numRuns: 500, seed: 17 }))

  it("gives what the schema gives for every encoded content event with extra keys", () =>
    FastCheck.assert(
      FastCheck.property(
        encodedContentEvent,
        FastCheck.dictionary(FastCheck.string(), hostileValue, { maxKeys: 3 }),
        (event, extra) => sameAsSchemas({ ...extra, ...event })
      ),
      { numRuns: 300, seed: 17 }
    ))

  it("gives what the schemas give for hostile objects: content not a string, missing, extra keys", () =>
    FastCheck.assert(FastCheck.property(hostileEvent, sameAsSchemas), { numRuns: 1000, seed: 17 }))

  it("gives what the schemas give for hostile JSON: null, arrays, numbers, strings", () =>
    FastCheck.assert(FastCheck.property(FastCheck.oneof(hostileValue, FastCheck.jsonValue()), sameAsSchemas), {
      numRuns: 500,
      seed: 17
    }))

  it("leaves a `type` or `content` that is not the object's own to the schema", () => {
    const inherited = Object.create({ type: "text_delta", content: "hi" }) as object
    sameAsSchemas(inherited)
    sameAsSchemas(Object.assign(Object.create({ content: "hi" }) as object, { type: "text_delta" }))
    sameAsSchemas(Object.assign(Object.create({ type: "text" }) as object, { content: "hi" }))
  })

  it("builds a plain content event with its tag and content only", () => {
    for (const type of contentTypes) {
      expect(ChatEvent.decode(JSON.parse(`{"type":"${type}","content":"a","extra":1}`))).toStrictEqual(
        Either.right({ _tag: contentEventTags[type], content: "a" })
      )
    }
  })
})
