/**
 * A turn's body chunks are read in pieces (`MAX_PIECE_BYTES`, core/eventFraming.ts): through the whole
 * turn, a chunk larger than a piece arrives whole however its pieces fall, across a CRLF and inside
 * a multi-byte character too.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { ChatService } from "../../src/ChatService.js"
import { MAX_PIECE_BYTES } from "../../src/core/eventFraming.js"
import { MockTransport } from "../../src/testing.js"
import { chatLayer, SESSION_ID, turnEvents } from "../fixtures/calls.js"

const encoder = new TextEncoder()
const bytes = (text: string) => encoder.encode(text).length
const frame = (content: string) => `data: ${JSON.stringify({ type: "text_delta", content })}\r\n\r\n`
const opening = `data: ${JSON.stringify({ type: "text_delta", content: "" }).slice(0, -2)}`

// The first event's CR is the first piece's last byte, its LF the second piece's first; the second
// event's emoji straddles the second and third pieces.
const first = "a".repeat(MAX_PIECE_BYTES - 1 - bytes(opening) - bytes(`"}`))
const second = `${"b".repeat(2 * MAX_PIECE_BYTES - 2 - bytes(frame(first)) - bytes(opening))}🌍 — done`
const stop = turnEvents.at(-1)!
const body = `${frame(first)}${frame(second)}data: ${JSON.stringify(stop)}\r\n\r\n`

describe("a body chunk larger than a piece", () => {
  it.effect("arrives whole, event by event, up to the Stop", () =>
    Effect.gen(function*() {
      assert.strictEqual(bytes(frame(first).slice(0, frame(first).indexOf("\r") + 1)), MAX_PIECE_BYTES)
      assert.isAbove(bytes(body), 2 * MAX_PIECE_BYTES)
      const events = yield* ChatService.use((chat) =>
        Stream.runCollect(chat.sendMessage(SESSION_ID, { prompt: "Go", indexIds: ["idx-1"] }))
      )
      assert.deepStrictEqual(events.map((event) => event._tag === "TextDelta" ? event.content : event._tag), [
        first,
        second,
        "Stop"
      ])
    }).pipe(Effect.provide(chatLayer([MockTransport.eventStream([body], { chunkSize: 4 * MAX_PIECE_BYTES })]))))
})
