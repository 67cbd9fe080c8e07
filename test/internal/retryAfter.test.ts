/**
 * `parseRetryAfter`, the `Duration` face of the shared reading (`test/core/retryAfter.test.ts`
 * tests the reading itself): a wait the headers ask for, clamped so that it prints, or none. The
 * cases are in test/shared/retryWaits.ts, run by both editions.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import { parseRetryAfter } from "../../src/internal/retryAfter.js"
import { retryWaits } from "../shared/retryWaits.js"

describe("parseRetryAfter", () => {
  for (const { headers, name, now, waitMs } of retryWaits) {
    it(name, () => {
      assert.deepStrictEqual(parseRetryAfter(headers, now), waitMs === null ? Option.none() : Option.some(Duration.millis(waitMs)))
    })
  }

  it("of 300 digits is a day, and the Duration prints", () => {
    assert.strictEqual(Duration.format(Option.getOrThrow(parseRetryAfter({ "retry-after": "9".repeat(300) }, 0))), "1d")
  })
})
