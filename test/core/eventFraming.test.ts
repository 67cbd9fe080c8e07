/**
 * The event framing of a streamed turn, shared by both editions: the events it hands on do not
 * depend on how the body is cut into chunks, how lines end, or what comments and fields surround
 * the data; each bad event stops it with a failure naming the event; it never throws. Read here
 * with a decoder that keeps each event's JSON as it is: each edition's `internal/sse.test.ts` checks
 * its own decoding of the events into `ChatEvent`s.
 */
import { assert, describe, it } from "@effect/vitest"
import {
  type Decoded,
  type FrameReader,
  type Framed,
  makeFrameReader,
  MAX_EVENT_CHARS,
  MAX_PIECE_BYTES
} from "../../src/core/eventFraming.js"
import { BOM, bodyOf, bytesOf, eventOf, fc, readAll as read, stream } from "../shared/sseStreams.js"

/** Keeps each event's JSON as it is; refuses the one whose `type` is "refused", in the decoder's words. */
const keepJson = (json: unknown, position: number): Decoded<unknown> =>
  typeof json === "object" && json !== null && "type" in json && json.type === "refused"
    ? { problem: `event ${position} was refused by the decoder` }
    : { event: json }

const reader = (options?: { readonly maxEventChars?: number }) => makeFrameReader(keepJson, options)

const events = (...list: ReadonlyArray<unknown>): Framed<unknown> => ({ _tag: "Events", events: list })

/** Feeds `bytes` cut at `cuts` (any offsets, in any order) and gathers what comes out. */
const readAll = (bytes: Uint8Array, cuts: ReadonlyArray<number> = [], frames: FrameReader<unknown> = reader()) => ({
  ...read(frames.push, bytes, cuts),
  count: frames.count()
})

/** Each wire event as its JSON reads back. */
const asJson = (wire: ReadonlyArray<unknown>): ReadonlyArray<unknown> => wire.map((event) => JSON.parse(JSON.stringify(event)))

describe("reading", () => {
  it("any chunking, line ending and surrounding fields yield the same events", () =>
    fc.assert(
      fc.property(stream, (s) => {
        const { count, events, failure } = readAll(bodyOf(s), s.cuts)
        assert.isUndefined(failure)
        assert.deepStrictEqual(events, asJson(s.events.map(([event]) => event)))
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
    assert.deepStrictEqual(events, [{ type: "text", content: "h€llo 👋" }])
  })

  it("a leading byte order mark is dropped, even when split", () => {
    const body = new Uint8Array([...BOM, ...bytesOf(`data: {"type":"text","content":"a"}\n\n`)])
    assert.deepStrictEqual(readAll(body, [1, 2]).events, [{ type: "text", content: "a" }])
  })

  it("hands on the payload whatever the event name", () => {
    const { events } = readAll(bytesOf(`event: error\ndata: {"type":"text_delta","content":"x"}\n\n`))
    assert.deepStrictEqual(events, [{ type: "text_delta", content: "x" }])
  })

  it("joins multi-line data with newlines", () => {
    const { events } = readAll(bytesOf(`data: {"type":"text",\ndata: "content":"a"}\n\n`))
    assert.deepStrictEqual(events, [{ type: "text", content: "a" }])
  })

  it("skips events with empty data, without counting them", () => {
    const frames = reader()
    const result = frames.push(bytesOf(`data:\n\ndata\n\n: ping\n\ndata: {"type":"text","content":"a"}\n\n`))
    assert.deepStrictEqual(result, events({ type: "text", content: "a" }))
    assert.strictEqual(frames.count(), 1)
  })

  it("an event ended by CR is read in the chunk that ends it", () => {
    const frames = reader()
    assert.deepStrictEqual(frames.push(bytesOf(`data: {"type":"text","content":"a"}\r\r`)), events({ type: "text", content: "a" }))
  })

  it("a CRLF split between chunks ends one line, not two", () => {
    const frames = reader()
    assert.deepStrictEqual(frames.push(bytesOf(`data: {"type":"text",\r`)), events())
    assert.deepStrictEqual(frames.push(bytesOf(`\ndata: "content":"a"}\r\n\r`)), events({ type: "text", content: "a" }))
    assert.deepStrictEqual(frames.push(bytesOf(`\n`)), events())
  })

  it("a chunk larger than a piece yields its events whatever byte falls on a piece's edge", () => {
    // CRLF line ends and multi-byte characters in every event; the leading comment's length moves
    // every byte of an event onto the edges of the pieces in turn.
    const frame = `data: {"type":"text_delta","content":"h€llo 👋"}\r\n\r\n`
    const count = Math.ceil((3 * MAX_PIECE_BYTES) / bytesOf(frame).length)
    const expected = Array.from({ length: count }, () => ({ type: "text_delta", content: "h€llo 👋" }))
    for (let pad = 0; pad < bytesOf(frame).length; pad++) {
      const body = bytesOf(`: ${"x".repeat(pad)}\r\n${frame.repeat(count)}`)
      const { events, failure } = readAll(body)
      assert.isUndefined(failure)
      assert.deepStrictEqual(events, expected, `pad ${pad}`)
    }
  })

  it("an event with no blank line after it is not complete", () => {
    const frames = reader()
    assert.deepStrictEqual(frames.push(bytesOf(`data: {"type":"text","content":"a"}\n`)), events())
    assert.strictEqual(frames.count(), 0)
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

  it("an event the decoder refuses fails with the decoder's problem, quoted", () => {
    const failure = failureOf(`${good}data: {"type":"refused","name":"search"}\n\n`)
    assert.strictEqual(failure.position, 2)
    assert.strictEqual(failure.problem, "event 2 was refused by the decoder")
    assert.strictEqual(failure.excerpt, `{"type":"refused","name":"search"}`)
  })

  it("the excerpt is the first 200 characters of the data", () => {
    const data = `{"type":"text","content":${"x".repeat(500)}}`
    assert.strictEqual(failureOf(`data: ${data}\n\n`).excerpt, data.slice(0, 200))
  })

  it("events completed in the failing chunk come with the failure", () => {
    const frames = reader()
    const result = frames.push(bytesOf(`${good}${good}data: nope\n\n${good}`))
    assert.strictEqual(result._tag, "Failed")
    if (result._tag === "Failed") {
      assert.strictEqual(result.failure.position, 3)
      assert.deepStrictEqual(result.failure.preceding, [{ type: "text_delta", content: "a" }, { type: "text_delta", content: "a" }])
    }
    assert.strictEqual(frames.count(), 2)
  })

  it("after a failure the reader stays failed", () => {
    const frames = reader()
    const first = frames.push(bytesOf(`data: nope\n\n`))
    assert.deepStrictEqual(frames.push(bytesOf(good)), first)
    assert.strictEqual(frames.count(), 0)
  })
})

describe("size limit", () => {
  it("the default limit is 4 MiB characters", () => {
    assert.strictEqual(MAX_EVENT_CHARS, 4 * 1024 * 1024)
  })

  it("an event of exactly the limit is read", () => {
    const { events, failure } = readAll(bytesOf(eventOf(1000)), [], reader({ maxEventChars: 1000 }))
    assert.isUndefined(failure)
    assert.strictEqual(events.length, 1)
  })

  it("an event over the limit fails, in one chunk or many", () =>
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 20 }), (cuts) => {
        const text = `${eventOf(100)}${eventOf(1001)}${eventOf(100)}`
        const { count, failure } = readAll(bytesOf(text), cuts, reader({ maxEventChars: 1000 }))
        assert.strictEqual(failure?.position, 2)
        assert.strictEqual(count, 1)
      })
    ))

  it("an event over the limit in one chunk is quoted", () => {
    const { failure } = readAll(bytesOf(eventOf(1001)), [], reader({ maxEventChars: 1000 }))
    assert.strictEqual(failure?.problem, "event 1 is larger than the limit of 1000 characters")
    assert.strictEqual(failure?.excerpt.length, 200)
  })

  it("a line that never ends fails once it passes the limit, without waiting for its end", () => {
    const frames = reader({ maxEventChars: 1000 })
    frames.push(bytesOf(eventOf(100)))
    const piece = bytesOf("<html>".padEnd(100, "x"))
    let result = frames.push(piece)
    let pushed = 1
    while (result._tag === "Events" && pushed < 100) {
      result = frames.push(piece)
      pushed++
    }
    assert.isTrue(pushed < 30)
    assert.strictEqual(result._tag === "Failed" ? result.failure.position : 0, 2)
    // Fed again after giving up: the same failure, not the parser's exception.
    assert.deepStrictEqual(frames.push(piece), result)
  })
})
