/**
 * Cursor pages as one lazy stream: pages fetched only as the stream is pulled, stopping at the last
 * page, and failing instead of looping on a token the server repeats.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { type Page, paginate } from "../../src/internal/paginate.js"

/** Pages served by token (`""` is the first), and the tokens asked for, in order. */
const server = (pages: Record<string, Page<number>>) => {
  const asked: Array<string> = []
  const fetch = (token: Option.Option<string>) =>
    Effect.sync(() => {
      const key = Option.getOrElse(token, () => "")
      asked.push(key)
      return pages[key] ?? { items: [], nextPageToken: Option.none() }
    })
  return { asked, stream: paginate(fetch, (token) => `repeated ${token}`) }
}

describe("paginate", () => {
  it.effect("follows the tokens until a page has none", () =>
    Effect.gen(function*() {
      const { asked, stream } = server({
        "": { items: [1, 2], nextPageToken: Option.some("b") },
        b: { items: [3], nextPageToken: Option.some("c") },
        c: { items: [4], nextPageToken: Option.none() }
      })
      assert.deepStrictEqual(yield* Stream.runCollect(stream), [1, 2, 3, 4])
      assert.deepStrictEqual(asked, ["", "b", "c"])
    }))

  it.effect("fetches nothing until pulled, and no page past the items taken", () =>
    Effect.gen(function*() {
      const { asked, stream } = server({
        "": { items: [1, 2], nextPageToken: Option.some("b") },
        b: { items: [3], nextPageToken: Option.none() }
      })
      assert.deepStrictEqual(asked, [])
      assert.deepStrictEqual(yield* Stream.runCollect(Stream.take(stream, 2)), [1, 2])
      assert.deepStrictEqual(asked, [""])
    }))

  it.effect("stops at an empty page even when it names a next one", () =>
    Effect.gen(function*() {
      const { asked, stream } = server({
        "": { items: [1], nextPageToken: Option.some("b") },
        b: { items: [], nextPageToken: Option.some("c") }
      })
      assert.deepStrictEqual(yield* Stream.runCollect(stream), [1])
      assert.deepStrictEqual(asked, ["", "b"])
    }))

  it.effect("fails on a token the server already gave, after the items of the page that repeats it", () =>
    Effect.gen(function*() {
      const { asked, stream } = server({
        "": { items: [1], nextPageToken: Option.some("b") },
        b: { items: [2], nextPageToken: Option.some("b") }
      })
      const seen: Array<number> = []
      const error = yield* Effect.flip(Stream.runForEach(stream, (n) => Effect.sync(() => seen.push(n))))
      assert.strictEqual(error, "repeated b")
      assert.deepStrictEqual(seen, [1, 2])
      assert.deepStrictEqual(asked, ["", "b"])
    }))
})
