/**
 * What a header can carry: exactly what both transports accept, so that a value refused at send
 * time (a failure that looks like the network's) is refused when the client is built instead.
 */
import { assert, describe, it } from "@effect/vitest"
import * as FastCheck from "effect/FastCheck"
import * as Predicate from "effect/Predicate"
import { createRequire } from "node:module"
import { invalidHeaderValue, isHeaderName, trimHeaderValue } from "../../src/core/headerValue.js"

/** undici's own check, the one its dispatcher applies to every header value before sending. */
const undiciAccepts: (value: string) => boolean = (() => {
  const util: unknown = createRequire(import.meta.url)("undici/lib/core/util.js")
  const check: unknown = Predicate.hasProperty(util, "isValidHeaderValue") ? util.isValidHeaderValue : undefined
  if (typeof check !== "function") throw new Error("undici's isValidHeaderValue moved")
  return (value) => Reflect.apply(check, undefined, [value]) === true
})()

/** fetch's check: its `Headers` refuses what it will not send. */
const fetchAccepts = (value: string): boolean => {
  try {
    new Headers({ "x-probe": value })
    return true
  } catch {
    return false
  }
}

describe("invalidHeaderValue", () => {
  it("accepts visible ASCII, spaces and tabs inside, and Latin-1", () => {
    assert.isUndefined(invalidHeaderValue("llx-AbC_123.~+/="))
    assert.isUndefined(invalidHeaderValue("a b\tc"))
    assert.isUndefined(invalidHeaderValue("café ß ÿ"))
    assert.isUndefined(invalidHeaderValue(""))
  })

  it("names a line break", () => {
    assert.strictEqual(invalidHeaderValue("a\r\nX-Evil: 1"), "contains a line break (character 2)")
    assert.strictEqual(invalidHeaderValue("ab\n"), "contains a line break (character 3)")
  })

  it("names a control character by code point", () => {
    assert.strictEqual(invalidHeaderValue("a\u0000"), "contains the control character U+0000 (character 2)")
    assert.strictEqual(invalidHeaderValue("\u007f"), "contains the control character U+007F (character 1)")
  })

  it("names a character past Latin-1 by code point, astral ones whole", () => {
    assert.strictEqual(
      invalidHeaderValue("llx-…"),
      "contains U+2026 (character 5), which is not Latin-1 and cannot be sent in an HTTP header"
    )
    assert.include(invalidHeaderValue("x😀"), "U+1F600 (character 2)")
  })

  it.prop("accepts exactly what undici and fetch both accept", {
    value: FastCheck.string({ unit: "binary", maxLength: 12 }).map(trimHeaderValue)
  }, ({ value }) => {
    assert.strictEqual(invalidHeaderValue(value) === undefined, undiciAccepts(value) && fetchAccepts(value))
  })

  it.prop("accepts exactly what undici and fetch both accept, near the edges", {
    value: FastCheck.array(
      FastCheck.constantFrom(0, 8, 9, 10, 13, 31, 32, 126, 127, 128, 159, 160, 255, 256, 0x2026, 0xfeff).map((c) => String.fromCharCode(c)),
      { maxLength: 4 }
    ).map((chars) => trimHeaderValue(chars.join("")))
  }, ({ value }) => {
    assert.strictEqual(invalidHeaderValue(value) === undefined, undiciAccepts(value) && fetchAccepts(value))
  })
})

describe("trimHeaderValue", () => {
  it("drops spaces, tabs and line breaks around the value, not inside", () => {
    assert.strictEqual(trimHeaderValue(" \t llx-k \r\n"), "llx-k")
    assert.strictEqual(trimHeaderValue("a \n b"), "a \n b")
    assert.strictEqual(trimHeaderValue("\u00a0x\u00a0"), "\u00a0x\u00a0")
  })
})

describe("isHeaderName", () => {
  it("accepts RFC 9110 tokens only", () => {
    assert.isTrue(isHeaderName("X-Team"))
    assert.isTrue(isHeaderName("x_custom.1!#$%&'*+^`|~"))
    for (const bad of ["", "Bad Name", "X:Y", "X\r\nY", "é", "(x)", "a/b"]) assert.isFalse(isHeaderName(bad), bad)
  })
})
