/**
 * The event reader of a streamed turn: the shared framing (tested once, in
 * test/core/eventFraming.test.ts) with each event's JSON decoded as a `ChatEvent`, dispatched on its
 * `type`; a bad event stops it with a failure naming the event, whatever the chunking; it never throws.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as ChatEvent from "../../src/ChatEvent.js"
import { MAX_EVENT_CHARS as SHARED_LIMIT } from "../../src/core/eventFraming.js"
import { type EventFailure, makeEventReader, MAX_EVENT_CHARS } from "../../src/internal/sse.js"
import {
  bytesOf,
  decodings,
  fc,
  type Pushed,
  readAll as read,
  readsEveryEvent,
  stopsAtBadEvent,
  wordedBy
} from "../shared/sseStreams.js"

/** Feeds `bytes` cut at `cuts` (any offsets, in any order) and gathers what comes out. */
const readAll = (bytes: Uint8Array, cuts: ReadonlyArray<number> = [], reader = makeEventReader()) => ({
  ...read((chunk): Pushed<ChatEvent.ChatEvent, EventFailure> => Either.match(reader.push(chunk), {
    onLeft: (failure) => ({ _tag: "Failed", failure }),
    onRight: (events) => ({ _tag: "Events", events })
  }), bytes, cuts),
  count: reader.count()
})

/** What the reader must give for these wire events: each decoded from its JSON. */
const decodedAll = (wire: ReadonlyArray<unknown>): ReadonlyArray<ChatEvent.ChatEvent> =>
  wire.map((event) => Either.getOrThrow(ChatEvent.decode(JSON.parse(JSON.stringify(event)))))

describe("sse", () => {
  it("any chunking, line ending and surrounding fields yield each event's ChatEvent", () =>
    fc.assert(readsEveryEvent(readAll, decodedAll), { numRuns: 100 }))

  for (const { events, failure, maxEventChars, name, text } of decodings) {
    it(name, () => {
      const read = readAll(bytesOf(text), [], makeEventReader(maxEventChars === undefined ? undefined : { maxEventChars }))
      assert.deepStrictEqual<ReadonlyArray<unknown>>(read.events, events)
      assert.deepStrictEqual(
        read.failure && [read.failure.position, read.failure.problem, read.failure.excerpt],
        failure && [failure.position, wordedBy(failure.problem, "effect3"), failure.excerpt]
      )
    })
  }

  it("a bad event after valid ones fails at its position, whatever the chunking, and nothing throws", () =>
    fc.assert(stopsAtBadEvent(readAll, decodedAll), { numRuns: 200 }))

  it("the limit is the shared framing's", () => {
    assert.strictEqual(MAX_EVENT_CHARS, SHARED_LIMIT)
  })
})
