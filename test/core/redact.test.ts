/**
 * The API key out of every text that may quote it back, and short copies of long texts for errors.
 */
import { assert, describe, it } from "@effect/vitest"
import { detach, scrubKey, truncate } from "../../src/core/redact.js"

describe("scrubKey", () => {
  const scrub = scrubKey("llx-SECRET")

  it("replaces every occurrence of the key", () => {
    assert.strictEqual(scrub("Bearer llx-SECRET and llx-SECRETllx-SECRET"), "Bearer <redacted> and <redacted><redacted>")
  })

  it("gives back a text without the key as it is", () => {
    const text = "nothing to hide"
    assert.strictEqual(scrub(text), text)
  })

  it("leaves a part of the key alone: only the whole key is secret", () => {
    assert.strictEqual(scrub("llx-SECRE"), "llx-SECRE")
  })
})

describe("truncate", () => {
  it("keeps a text at or under the limit whole", () => {
    assert.strictEqual(truncate("a".repeat(500)), "a".repeat(500))
    assert.strictEqual(truncate("abc", 3), "abc")
  })

  it("cuts a longer text to the limit and marks the cut", () => {
    assert.strictEqual(truncate("abcdef", 3), "abc…")
    assert.lengthOf(truncate("x".repeat(10_000)), 501)
  })
})

describe("detach", () => {
  it("is an equal string", () => {
    const text = "part of a long body 👋"
    assert.strictEqual(detach(text), text)
  })
})
