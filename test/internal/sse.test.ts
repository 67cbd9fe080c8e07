/**
 * The event reader of a streamed turn: the events it reads do not depend on how the body is cut
 * into chunks, how lines end, or what comments and fields surround the data; each bad event stops
 * it with a failure naming the event; it never throws.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as ChatEvent from "../../src/ChatEvent.js"
import { MAX_PIECE_BYTES } from "../../src/core/eventFraming.js"
import { type EventFailure, type EventReader, makeEventReader, MAX_EVENT_CHARS } from "../../src/internal/sse.js"
import { badEvent, BOM, bodyOf, bytesOf, eventOf, fc, framing, stream, wireEvent, writeStream } from "../shared/sseStreams.js"

/** Feeds `bytes` cut at `cuts` (any offsets, in any order) and gathers what comes out. */
const readAll = (bytes: Uint8Array, cuts: ReadonlyArray<number> = [], reader: EventReader = makeEventReader()) => {
  const offsets = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b)
  const events: Array<ChatEvent.ChatEvent> = []
  let failure: EventFailure | undefined
  let start = 0
  for (const end of [...offsets, bytes.length]) {
    const result = reader.push(bytes.subarray(start, end))
    start = end
    if (Either.isLeft(result)) {
      failure = result.left
      events.push(...result.left.preceding)
      break
    }
    events.push(...result.right)
  }
  return { events, failure, count: reader.count() }
}

/** What the reader must give for these wire events: each decoded from its JSON. */
const decodedAll = (wire: ReadonlyArray<unknown>): ReadonlyArray<ChatEvent.ChatEvent> =>
  wire.map((event) => Either.getOrThrow(ChatEvent.decode(JSON.parse(JSON.stringify(event)))))

describe("sse", () => {
  describe("reading", () => {
    it("any chunking, line ending and surrounding fields yield the same events", () =>
      fc.assert(
        fc.property(stream, (s) => {
          const { count, events, failure } = readAll(bodyOf(s), s.cuts)
          assert.isUndefined(failure)
          assert.deepStrictEqual(events, decodedAll(s.events.map(([event]) => event)))
          assert.strictEqual(count, s.events.length)
        }),
        { numRuns: 300 }
      ))

    it("a body fed one byte at a time yields the events of the whole body", () =>
      fc.assert(
        fc.property(stream, (s) => {
          const body = bodyOf(s)
          const everyByte = Array.from({ length: body.length }, (_, i) => i)
          assert.deepStrictEqual(readAll(body, everyByte).events, readAll(body).events)
        }),
        { numRuns: 50 }
      ))

    it("splits inside a multi-byte character are joined", () => {
      const body = bytesOf(`data: {"type":"text","content":"h€llo 👋"}\n\n`)
      const euro = body.indexOf(0xe2)
      const { events } = readAll(body, [euro + 1, euro + 2, body.length - 8, body.length - 7])
      assert.deepStrictEqual(events, [{ _tag: "Text", content: "h€llo 👋" }])
    })

    it("a leading byte order mark is dropped, even when split", () => {
      const body = new Uint8Array([...BOM, ...bytesOf(`data: {"type":"text","content":"a"}\n\n`)])
      assert.deepStrictEqual(readAll(body, [1, 2]).events, [{ _tag: "Text", content: "a" }])
    })

    it("dispatches on the payload's type, not on the event name", () => {
      const { events } = readAll(bytesOf(`event: error\ndata: {"type":"text_delta","content":"x"}\n\n`))
      assert.deepStrictEqual(events, [{ _tag: "TextDelta", content: "x" }])
    })

    it("keeps an event of an unknown type, whole", () => {
      const { events } = readAll(bytesOf(`data: {"type":"citation","source":{"page":3}}\n\n`))
      assert.deepStrictEqual(events, [{ _tag: "UnknownEvent", type: "citation", payload: { type: "citation", source: { page: 3 } } }])
    })

    it("joins multi-line data with newlines", () => {
      const { events } = readAll(bytesOf(`data: {"type":"text",\ndata: "content":"a"}\n\n`))
      assert.deepStrictEqual(events, [{ _tag: "Text", content: "a" }])
    })

    it("skips events with empty data, without counting them", () => {
      const reader = makeEventReader()
      const result = reader.push(bytesOf(`data:\n\ndata\n\n: ping\n\ndata: {"type":"text","content":"a"}\n\n`))
      assert.deepStrictEqual(result, Either.right([{ _tag: "Text", content: "a" }]))
      assert.strictEqual(reader.count(), 1)
    })

    it("an event ended by CR is read in the chunk that ends it", () => {
      const reader = makeEventReader()
      assert.deepStrictEqual(reader.push(bytesOf(`data: {"type":"text","content":"a"}\r\r`)), Either.right([{ _tag: "Text", content: "a" }]))
    })

    it("a CRLF split between chunks ends one line, not two", () => {
      const reader = makeEventReader()
      assert.deepStrictEqual(reader.push(bytesOf(`data: {"type":"text",\r`)), Either.right([]))
      assert.deepStrictEqual(reader.push(bytesOf(`\ndata: "content":"a"}\r\n\r`)), Either.right([{ _tag: "Text", content: "a" }]))
      assert.deepStrictEqual(reader.push(bytesOf(`\n`)), Either.right([]))
    })

    it("a chunk larger than a piece yields its events whatever byte falls on a piece's edge", () => {
      // CRLF line ends and multi-byte characters in every event; the leading comment's length moves
      // every byte of an event onto the edges of the pieces in turn.
      const frame = `data: {"type":"text_delta","content":"h€llo 👋"}\r\n\r\n`
      const count = Math.ceil((3 * MAX_PIECE_BYTES) / bytesOf(frame).length)
      const expected = decodedAll(Array.from({ length: count }, () => ({ type: "text_delta", content: "h€llo 👋" })))
      for (let pad = 0; pad < bytesOf(frame).length; pad++) {
        const body = bytesOf(`: ${"x".repeat(pad)}\r\n${frame.repeat(count)}`)
        const { events, failure } = readAll(body)
        assert.isUndefined(failure)
        assert.deepStrictEqual(events, expected, `pad ${pad}`)
      }
    })

    it("an event with no blank line after it is not complete", () => {
      const reader = makeEventReader()
      assert.deepStrictEqual(reader.push(bytesOf(`data: {"type":"text","content":"a"}\n`)), Either.right([]))
      assert.strictEqual(reader.count(), 0)
    })
  })

  describe("failures", () => {
    const good = `data: {"type":"text_delta","content":"a"}\n\n`

    const failureOf = (text: string, cuts: ReadonlyArray<number> = []) => {
      const { failure } = readAll(bytesOf(text), cuts)
      if (failure === undefined) return assert.fail("expected a failure")
      return failure
    }

    it("data that is not JSON names the event and quotes it", () => {
      const failure = failureOf(`${good}${good}data:\n\n${good}data: {oops\n\n${good}`)
      assert.strictEqual(failure.position, 4)
      assert.match(failure.problem, /^event 4 is not JSON: /)
      assert.strictEqual(failure.excerpt, "{oops")
    })

    it("an event not of the shape its type promises says what is wrong", () => {
      const failure = failureOf(`${good}data: {"type":"tool_call","name":"search"}\n\n`)
      assert.strictEqual(failure.position, 2)
      assert.strictEqual(failure.problem, `event 2 ("tool_call") is not the documented shape: call_id: is missing`)
      assert.strictEqual(failure.excerpt, `{"type":"tool_call","name":"search"}`)
    })

    it("JSON that is not an event object is not a chat event", () => {
      assert.strictEqual(failureOf(`data: [1,2]\n\n`).problem, "event 1 is not a chat event: an event must be a JSON object")
      assert.strictEqual(failureOf(`data: {"content":"a"}\n\n`).problem, "event 1 is not a chat event: an event must have a string `type`")
    })

    it("the excerpt is the first 200 characters of the data", () => {
      const data = `{"type":"text","content":${"x".repeat(500)}}`
      assert.strictEqual(failureOf(`data: ${data}\n\n`).excerpt, data.slice(0, 200))
    })

    it("events completed in the failing chunk come with the failure", () => {
      const reader = makeEventReader()
      const result = reader.push(bytesOf(`${good}${good}data: nope\n\n${good}`))
      assert.isTrue(Either.isLeft(result))
      if (Either.isLeft(result)) {
        assert.strictEqual(result.left.position, 3)
        assert.deepStrictEqual(result.left.preceding, [{ _tag: "TextDelta", content: "a" }, { _tag: "TextDelta", content: "a" }])
      }
      assert.strictEqual(reader.count(), 2)
    })

    it("after a failure the reader stays failed", () => {
      const reader = makeEventReader()
      const first = reader.push(bytesOf(`data: nope\n\n`))
      assert.deepStrictEqual(reader.push(bytesOf(good)), first)
      assert.strictEqual(reader.count(), 0)
    })

    it("a bad event after valid ones fails at its position, whatever the chunking, and nothing throws", () =>
      fc.assert(
        fc.property(stream, badEvent, fc.array(fc.tuple(wireEvent, framing), { maxLength: 3 }), (s, data, rest) => {
          const text = `${writeStream(s.events, s.endings)}data: ${data}\n\n${writeStream(rest, ["\n"])}`
          const { count, events, failure } = readAll(bytesOf(text), s.cuts)
          assert.deepStrictEqual(events, decodedAll(s.events.map(([event]) => event)))
          assert.strictEqual(count, s.events.length)
          assert.strictEqual(failure?.position, s.events.length + 1)
          assert.include(failure?.problem, `event ${s.events.length + 1} `)
          assert.strictEqual(failure?.excerpt, data)
        }),
        { numRuns: 200 }
      ))
  })

  describe("size limit", () => {
    it("the default limit is 4 MiB characters", () => {
      assert.strictEqual(MAX_EVENT_CHARS, 4 * 1024 * 1024)
    })

    it("an event of exactly the limit is read", () => {
      const { events, failure } = readAll(bytesOf(eventOf(1000)), [], makeEventReader({ maxEventChars: 1000 }))
      assert.isUndefined(failure)
      assert.strictEqual(events.length, 1)
    })

    it("an event over the limit fails, in one chunk or many", () =>
      fc.assert(
        fc.property(fc.array(fc.nat(), { maxLength: 20 }), (cuts) => {
          const text = `${eventOf(100)}${eventOf(1001)}${eventOf(100)}`
          const { count, failure } = readAll(bytesOf(text), cuts, makeEventReader({ maxEventChars: 1000 }))
          assert.strictEqual(failure?.position, 2)
          assert.strictEqual(count, 1)
        })
      ))

    it("an event over the limit in one chunk is quoted", () => {
      const { failure } = readAll(bytesOf(eventOf(1001)), [], makeEventReader({ maxEventChars: 1000 }))
      assert.strictEqual(failure?.problem, "event 1 is larger than the limit of 1000 characters")
      assert.strictEqual(failure?.excerpt.length, 200)
    })

    it("a line that never ends fails once it passes the limit, without waiting for its end", () => {
      const reader = makeEventReader({ maxEventChars: 1000 })
      reader.push(bytesOf(eventOf(100)))
      const piece = bytesOf("<html>".padEnd(100, "x"))
      let result = reader.push(piece)
      let pushed = 1
      while (Either.isRight(result) && pushed < 100) {
        result = reader.push(piece)
        pushed++
      }
      assert.isTrue(pushed < 30)
      assert.deepStrictEqual(Either.getLeft(result).pipe((left) => left._tag === "Some" ? left.value.position : 0), 2)
      // Fed again after giving up: the same failure, not the parser's exception.
      assert.deepStrictEqual(reader.push(piece), result)
    })
  })
})
