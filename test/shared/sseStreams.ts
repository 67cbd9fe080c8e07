/**
 * Event streams as a server writes them, for both editions' event reader tests
 * (test/internal/sse.test.ts, effect4/test/internal/sse.test.ts): valid wire events of every type,
 * the fields and line endings around them, chunk cuts, and the ways a server gets an event wrong.
 * No Effect: each edition reads them with its own reader and result type.
 */
import * as Assert from "node:assert/strict"
import * as fc from "fast-check"

/**
 * The fast-check these are built with: each edition's own (Effect 3's, the Effect 4 edition's) is
 * another copy whose arbitraries do not mix with these, so the tests run their properties with this one.
 */
export { fc }

const encoder = new TextEncoder()

/** A UTF-8 byte order mark, which the reader drops at the start of a body. */
export const BOM = [0xef, 0xbb, 0xbf]

export const bytesOf = (text: string): Uint8Array => encoder.encode(text)

const content = fc.string({ unit: "binary", maxLength: 30 })
const id = fc.string({ unit: "binary", minLength: 1, maxLength: 8 })

/** Valid wire events of every documented type, and of types this version does not know. */
export const wireEvent: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ type: fc.constantFrom("text_delta", "text", "thinking_delta", "thinking", "user_input"), content }),
  fc.record({ type: fc.constant("tool_call"), call_id: id, name: content, arguments: fc.dictionary(content, fc.jsonValue({ maxDepth: 2 })) }),
  fc.record({ type: fc.constant("tool_result"), call_id: id, name: content, result: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({
    type: fc.constant("stop"),
    is_error: fc.boolean(),
    error: fc.option(content, { nil: null }),
    usage: fc.record({ duration_ms: fc.nat(), total_input_tokens: fc.nat(), total_output_tokens: fc.nat(), turns: fc.nat() }, { requiredKeys: [] }),
    skipped_index_ids: fc.array(id, { maxLength: 3 })
  }),
  fc.record({ type: fc.constantFrom("citation", "status", "x_future"), value: fc.jsonValue({ maxDepth: 2 }) })
)

/** Lines that may surround an event's data and must change nothing. */
const noise = fc.constantFrom(": keep-alive", ":", ": ping: pong", "id: 7", "id", "retry: 3000", "retry: soon", "event: delta", "event: error", "event:", "x-custom: 1")

const ending = fc.constantFrom("\n", "\r\n", "\r")

/** How one event is written: fields around it, its data on one line or several, a keep-alive after. */
export const framing = fc.record({
  before: fc.array(noise, { maxLength: 3 }),
  after: fc.array(noise, { maxLength: 2 }),
  multiline: fc.boolean(),
  spaced: fc.boolean(),
  keepAliveAfter: fc.boolean(),
  emptyAfter: fc.boolean()
})

type Framing = typeof framing extends fc.Arbitrary<infer F> ? F : never

/** The SSE text of `events`, each written as its framing says, lines ended by `endings` in turn. */
export const writeStream = (events: ReadonlyArray<readonly [Record<string, unknown>, Framing]>, endings: ReadonlyArray<string>): string => {
  const lines: Array<string> = []
  for (const [event, frame] of events) {
    lines.push(...frame.before)
    const json = frame.multiline ? JSON.stringify(event, null, 2) : JSON.stringify(event)
    for (const line of json.split("\n")) lines.push(`data:${frame.spaced ? " " : ""}${line}`)
    lines.push(...frame.after, "")
    if (frame.keepAliveAfter) lines.push(": keep-alive", "")
    if (frame.emptyAfter) lines.push("data:", "")
  }
  let text = ""
  let previous = ""
  lines.forEach((line, i) => {
    let end = endings[i % endings.length] ?? "\n"
    // A CR then an empty line ended by LF reads as one CRLF: the blank line would vanish.
    if (previous === "\r" && line === "" && end === "\n") end = "\r\n"
    text += line + end
    previous = end
  })
  return text
}

/** A whole body: framed events, their line endings, an optional byte order mark, and where to cut it into chunks. */
export const stream = fc.record({
  events: fc.array(fc.tuple(wireEvent, framing), { maxLength: 8 }),
  endings: fc.array(ending, { minLength: 1, maxLength: 6 }),
  bom: fc.boolean(),
  cuts: fc.array(fc.nat(), { maxLength: 30 })
})

export const bodyOf = (s: typeof stream extends fc.Arbitrary<infer S> ? S : never): Uint8Array => {
  const text = bytesOf(writeStream(s.events, s.endings))
  return s.bom ? new Uint8Array([...BOM, ...text]) : text
}

/** An event that is wrong in one of the ways a server or proxy gets it wrong. */
export const badEvent = fc.oneof(
  fc.constantFrom("{oops", "<html>", "nul", "{\"type\":\"text\"", "1 2"),
  fc.constantFrom(`[]`, `"text"`, `null`, `{"type":3}`, `{"content":"a"}`),
  fc.constantFrom(`{"type":"text"}`, `{"type":"tool_call","call_id":1,"name":"a"}`, `{"type":"stop","usage":{"turns":"x"}}`)
)

/** A text event whose data is exactly `chars` characters long (28 or more). */
export const eventOf = (chars: number): string => {
  const data = `{"type":"text","content":"${"a".repeat(chars - 28)}"}`
  if (data.length !== chars) throw new RangeError(`eventOf(${chars}) wrote ${data.length} characters`)
  return `data: ${data}\n\n`
}

/** What one chunk gave a reader, in the framing's terms (each edition maps its `Either` / `Result` to it). */
export type Pushed<A, F extends { readonly preceding: ReadonlyArray<A> }> =
  | { readonly _tag: "Events"; readonly events: ReadonlyArray<A> }
  | { readonly _tag: "Failed"; readonly failure: F }

/**
 * Feeds `bytes` to `push` cut at `cuts` (any offsets, in any order) and gathers what comes out: the
 * events, with those that came with the failure, and the failure, if any.
 */
export const readAll = <A, F extends { readonly preceding: ReadonlyArray<A> }>(
  push: (chunk: Uint8Array) => Pushed<A, F>,
  bytes: Uint8Array,
  cuts: ReadonlyArray<number> = []
): { readonly events: ReadonlyArray<A>; readonly failure: F | undefined } => {
  const offsets = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b)
  const events: Array<A> = []
  let start = 0
  for (const end of [...offsets, bytes.length]) {
    const result = push(bytes.subarray(start, end))
    start = end
    if (result._tag === "Failed") return { events: [...events, ...result.failure.preceding], failure: result.failure }
    events.push(...result.events)
  }
  return { events, failure: undefined }
}

/** A text both editions give word for word, or each its own. */
export type Worded = string | { readonly effect3: string; readonly effect4: string }

export const wordedBy = (text: Worded, edition: "effect3" | "effect4"): string => typeof text === "string" ? text : text[edition]

/**
 * Bodies and the `ChatEvent`s (plain data: `_tag` and fields) each edition's reader must make of
 * them, or the failure it must stop with; `problem` is worded by each edition's schema formatter.
 */
export const decodings: ReadonlyArray<{
  readonly name: string
  readonly text: string
  readonly maxEventChars?: number
  readonly events: ReadonlyArray<{ readonly _tag: string; readonly [field: string]: unknown }>
  readonly failure?: { readonly position: number; readonly problem: Worded; readonly excerpt: string }
}> = [
  {
    name: "dispatches on the payload's type, not on the event name",
    text: `event: error\ndata: {"type":"text_delta","content":"x"}\n\n`,
    events: [{ _tag: "TextDelta", content: "x" }]
  },
  {
    name: "keeps an event of an unknown type, whole",
    text: `data: {"type":"citation","source":{"page":3}}\n\n`,
    events: [{ _tag: "UnknownEvent", type: "citation", payload: { type: "citation", source: { page: 3 } } }]
  },
  {
    name: "an event not of the shape its type promises says what is wrong",
    text: `data: {"type":"text_delta","content":"a"}\n\ndata: {"type":"tool_call","name":"search"}\n\n`,
    events: [{ _tag: "TextDelta", content: "a" }],
    failure: {
      position: 2,
      problem: {
        effect3: `event 2 ("tool_call") is not the documented shape: call_id: is missing`,
        // Effect 4's schema formatter words a missing key "Missing key".
        effect4: `event 2 ("tool_call") is not the documented shape: call_id: Missing key`
      },
      excerpt: `{"type":"tool_call","name":"search"}`
    }
  },
  {
    name: "JSON that is not an object is not a chat event",
    text: `data: [1,2]\n\n`,
    events: [],
    failure: { position: 1, problem: "event 1 is not a chat event: an event must be a JSON object", excerpt: "[1,2]" }
  },
  {
    name: "an object without a string type is not a chat event",
    text: `data: {"content":"a"}\n\n`,
    events: [],
    failure: { position: 1, problem: "event 1 is not a chat event: an event must have a string `type`", excerpt: `{"content":"a"}` }
  },
  {
    name: "a limit given to the reader is kept",
    text: eventOf(1001),
    maxEventChars: 1000,
    events: [],
    failure: { position: 1, problem: "event 1 is larger than the limit of 1000 characters", excerpt: eventOf(1001).slice(6, 206) }
  }
]

/** What an edition's reader gave for a body: its events (with those that came with a failure), the failure, the count. */
type Read<A> = {
  readonly events: ReadonlyArray<A>
  readonly failure: { readonly position: number; readonly problem: string; readonly excerpt: string } | undefined
  readonly count: number
}

/**
 * Any chunking, line ending and surrounding fields: `read` gives each wire event as `decodeAll`
 * makes it, counted, and no failure.
 */
export const readsEveryEvent = <A>(read: (bytes: Uint8Array, cuts: ReadonlyArray<number>) => Read<A>, decodeAll: (wire: ReadonlyArray<unknown>) => ReadonlyArray<A>) =>
  fc.property(stream, (s) => {
    const { count, events, failure } = read(bodyOf(s), s.cuts)
    Assert.strictEqual(failure, undefined)
    Assert.deepStrictEqual(events, decodeAll(s.events.map(([event]) => event)))
    Assert.strictEqual(count, s.events.length)
  })

/** A bad event after valid ones, whatever the chunking: `read` fails at its position, quoting it, with the events before it. */
export const stopsAtBadEvent = <A>(read: (bytes: Uint8Array, cuts: ReadonlyArray<number>) => Read<A>, decodeAll: (wire: ReadonlyArray<unknown>) => ReadonlyArray<A>) =>
  fc.property(stream, badEvent, fc.array(fc.tuple(wireEvent, framing), { maxLength: 3 }), (s, data, rest) => {
    const text = `${writeStream(s.events, s.endings)}data: ${data}\n\n${writeStream(rest, ["\n"])}`
    const { count, events, failure } = read(bytesOf(text), s.cuts)
    Assert.deepStrictEqual(events, decodeAll(s.events.map(([event]) => event)))
    Assert.strictEqual(count, s.events.length)
    Assert.ok(failure !== undefined, "the bad event must fail the reader")
    Assert.strictEqual(failure.position, s.events.length + 1)
    Assert.ok(failure.problem.includes(`event ${s.events.length + 1} `), failure.problem)
    Assert.strictEqual(failure.excerpt, data)
  })
