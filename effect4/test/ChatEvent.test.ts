/**
 * `ChatEvent.decode` builds a content event (`user_input`, `text_delta`, `text`, `thinking_delta`,
 * `thinking`) without its schema when the JSON plainly is one (src/core/contentEvents.ts). These
 * properties hold it to the schema: on any input, decode gives what dispatching every value through
 * the schemas gives, the same event or the same problem.
 */
import { assert, describe, expect, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as fc from "fast-check"
import * as ChatEvent from "../src/ChatEvent.js"
import { contentEventTags } from "../src/core/contentEvents.js"
import { describe as describeIssue } from "../src/internal/issueList.js"

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
const throughSchemas = (json: unknown): Result.Result<ChatEvent.ChatEvent, ChatEvent.EventProblem> => {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return Result.fail({ type: Option.none(), issue: "an event must be a JSON object" })
  }
  const type: unknown = (json as { readonly type?: unknown }).type
  if (typeof type !== "string") return Result.fail({ type: Option.none(), issue: "an event must have a string `type`" })
  if (!Object.hasOwn(schemas, type)) return Result.succeed({ _tag: "UnknownEvent", type, payload: json })
  const schema: Schema.Codec<ChatEvent.ChatEvent, unknown> = schemas[type as keyof typeof schemas] as never
  return Result.mapError(
    Schema.decodeUnknownResult(schema, { reportInput: true })(json),
    (error) => ({ type: Option.some(type), issue: describeIssue(error.issue) })
  )
}

const sameAsSchemas = (json: unknown): void => {
  expect(ChatEvent.decode(json)).toStrictEqual(throughSchemas(json))
}

const hostileValue = fc.oneof(
  fc.string(),
  fc.constant(null),
  fc.constant(undefined),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 })
)

/** An object with a content event's `type` (or another, or none) and any `content`, extra keys too. */
const hostileEvent = fc.record(
  {
    type: fc.oneof(fc.constantFrom(...types, "citation"), hostileValue),
    content: hostileValue,
    extra: fc.dictionary(fc.string(), hostileValue, { maxKeys: 3 })
  },
  { requiredKeys: [] }
).map(({ extra, ...event }) => ({ ...extra, ...event }))

/** Values of each content event's encoded schema, from Effect's own generator. */
const encodedContentEvents = Effect.forEach(contentTypes, (type) =>
  Arbitrary.sampleEffect(Arbitrary.schema(Schema.toEncoded(schemas[type])), { count: 100, seed: 17 })).pipe(
    Effect.map((samples) => samples.flat())
  )

describe("ChatEvent.decode", () => {
  it.effect("gives what the schema gives for every encoded content event, with or without extra keys", () =>
    Effect.gen(function*() {
      const events = yield* encodedContentEvents
      assert.strictEqual(events.length, 500)
      for (const event of events) sameAsSchemas(event)
      fc.assert(
        fc.property(
          fc.constantFrom(...events),
          fc.dictionary(fc.string(), hostileValue, { maxKeys: 3 }),
          (event, extra) => sameAsSchemas({ ...extra, ...event })
        ),
        { numRuns: 300, seed: 17 }
      )
    }))

  it("gives what the schemas give for hostile objects: content not a string, missing, extra keys", () =>
    fc.assert(fc.property(hostileEvent, sameAsSchemas), { numRuns: 1000, seed: 17 }))

  it("gives what the schemas give for hostile JSON: null, arrays, numbers, strings", () =>
    fc.assert(fc.property(fc.oneof(hostileValue, fc.jsonValue()), sameAsSchemas), { numRuns: 500, seed: 17 }))

  it("leaves a `type` or `content` that is not the object's own to the schema", () => {
    sameAsSchemas(Object.create({ type: "text_delta", content: "hi" }))
    sameAsSchemas(Object.assign(Object.create({ content: "hi" }) as object, { type: "text_delta" }))
    sameAsSchemas(Object.assign(Object.create({ type: "text" }) as object, { content: "hi" }))
  })

  it("builds a plain content event with its tag and content only", () => {
    for (const type of contentTypes) {
      expect(ChatEvent.decode(JSON.parse(`{"type":"${type}","content":"a","extra":1}`))).toStrictEqual(
        Result.succeed({ _tag: contentEventTags[type], content: "a" })
      )
    }
  })
})
