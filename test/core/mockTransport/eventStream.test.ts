/**
 * The byte layout of a mock event stream, without a stream: where the body is cut and where each
 * pause falls. Each edition's MockTransport tests check the timing over its clock.
 */
import { describe, expect, it } from "@effect/vitest"
import { keepAliveBeats, type Layout, layout } from "../../../src/core/mockTransport/eventStream.js"

const texts = <P>(chunks: Layout<P>["chunks"]) =>
  chunks.map(({ bytes, pausesBefore }) => [pausesBefore, new TextDecoder().decode(bytes)])

describe("mock event stream layout", () => {
  it("cuts after each item by default, a pause opening the chunk it precedes", () => {
    const { chunks, pausesAfter } = layout([{ pause: "p1" }, { text: "ab" }, { text: "cd" }, { pause: "p2" }, { text: "e" }, { pause: "p3" }], {})
    expect(texts(chunks)).toEqual([[["p1"], "ab"], [[], "cd"], [["p2"], "e"]])
    expect(pausesAfter).toEqual(["p3"])
  })

  it("cuts every chunkSize bytes and at the offsets given, inside a character too, and at pauses", () => {
    expect(texts(layout([{ text: "abcdefg" }], { chunkSize: 3 }).chunks).map(([, text]) => text)).toEqual(["abc", "def", "g"])
    const euro = layout([{ text: "a€" }], { splitAt: [2] }).chunks.map(({ bytes }) => bytes.length)
    expect(euro).toEqual([2, 2])
    expect(texts(layout([{ text: "abc" }, { pause: "p" }, { text: "def" }], { chunkSize: 4 }).chunks)).toEqual([
      [[], "abc"],
      [["p"], "d"],
      [[], "ef"]
    ])
  })

  it("holds only pauses when there is no text", () => {
    expect(layout([{ pause: "p" }], {})).toEqual({ chunks: [], pausesAfter: ["p"] })
  })

  it("beats strictly inside a silence, then lets the rest pass", () => {
    expect(keepAliveBeats(10_000, 3_000)).toEqual({ beats: 3, restMillis: 1_000 })
    expect(keepAliveBeats(9_000, 3_000)).toEqual({ beats: 2, restMillis: 3_000 })
    expect(keepAliveBeats(1_000, 3_000)).toEqual({ beats: 0, restMillis: 1_000 })
  })
})
