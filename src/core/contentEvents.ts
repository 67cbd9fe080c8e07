/**
 * The events of a turn that carry only their `content` (the answer's and the reasoning's pieces,
 * the user's message): their wire `type`s and domain `_tag`s, and the plain check that builds one
 * without a schema. Nearly every event of a streamed turn is one of them, and a schema decode costs
 * several times the rest of an event's reading (docs/performance.md, "The event decode"). Each
 * edition's `ChatEvent.ts` derives these events' schemas from this table, and hands the schema
 * every value the check does not plainly accept, so the schema stays the one definition of an
 * event and the one author of every failure.
 */

/** Each content event's wire `type`, and the `_tag` the domain reads it as. */
export const contentEventTags = {
  user_input: "UserInput",
  text_delta: "TextDelta",
  text: "Text",
  thinking_delta: "ThinkingDelta",
  thinking: "Thinking"
} as const

/** A content event's wire `type`. */
export type ContentEventType = keyof typeof contentEventTags

/** A content event as the domain reads it. */
export type ContentEvent = {
  readonly [Type in ContentEventType]: { readonly _tag: (typeof contentEventTags)[Type]; readonly content: string }
}[ContentEventType]

const isContentEventType = (type: unknown): type is ContentEventType =>
  typeof type === "string" && Object.hasOwn(contentEventTags, type)

/**
 * The content event `json` plainly is (its own `type` one of the table's, its own `content` a
 * string; other keys ignored, as the schemas ignore them), else `undefined`, for the schema to
 * decide. Own properties only: what JSON.parse makes has no other, and an inherited key is where
 * the editions' schemas differ.
 */
export const plainContentEvent = (json: object): ContentEvent | undefined => {
  if (!Object.hasOwn(json, "type") || !Object.hasOwn(json, "content")) return undefined
  const { content, type } = json as { readonly type: unknown; readonly content: unknown }
  return typeof content === "string" && isContentEventType(type) ? { _tag: contentEventTags[type], content } : undefined
}
