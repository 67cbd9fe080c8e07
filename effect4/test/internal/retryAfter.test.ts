/**
 * `parseRetryAfter`, the `Duration` face of the shared reading (`test/core/retryAfter.test.ts`
 * tests the reading itself): a wait the headers ask for, clamped so that it prints, or none.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import { parseRetryAfter } from "../../src/internal/retryAfter.js"

const NOW = Date.UTC(2026, 3, 22, 12, 0, 0)

describe("parseRetryAfter", () => {
  it("is the wait the headers ask for, retry-after-ms first", () => {
    assert.deepStrictEqual(parseRetryAfter({ "retry-after-ms": "1500", "retry-after": "10" }, NOW), Option.some(Duration.millis(1500)))
    assert.deepStrictEqual(parseRetryAfter({ "retry-after": "2" }, NOW), Option.some(Duration.seconds(2)))
  })

  it("dates an HTTP-date from the given clock", () => {
    const at = Date.UTC(1994, 10, 6, 8, 49, 37)
    assert.deepStrictEqual(parseRetryAfter({ "retry-after": "Sun, 06 Nov 1994 08:49:37 GMT" }, at - 5000), Option.some(Duration.seconds(5)))
  })

  it("of 300 digits is a day, and the Duration prints", () => {
    const wait = parseRetryAfter({ "retry-after": "9".repeat(300) }, NOW)
    assert.deepStrictEqual(wait, Option.some(Duration.days(1)))
    assert.strictEqual(Duration.format(Option.getOrThrow(wait)), "1d")
  })

  it("is none when the headers ask for none, or for a wait that is not one", () => {
    assert.isTrue(Option.isNone(parseRetryAfter({}, NOW)))
    assert.isTrue(Option.isNone(parseRetryAfter({ "retry-after": "soon" }, NOW)))
    assert.isTrue(Option.isNone(parseRetryAfter({ "retry-after-ms": "-1" }, NOW)))
  })
})
