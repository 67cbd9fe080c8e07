/**
 * The layers' option rules and wording, shared by both editions. Each edition's
 * test/internal/layerOptions.test.ts checks them through the layers; these check the plain values.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Checks from "../../src/core/optionChecks.js"

const given = (options: Record<string, unknown>): Checks.Given => {
  const read = Checks.readOptions("X.layer", options, Object.keys(options))
  return "given" in read ? read.given : assert.fail(read.problem.message)
}

describe("readOptions", () => {
  it("reads absent options as none", () => {
    const read = Checks.readOptions("X.layer", undefined, ["a"])
    assert.isTrue("given" in read && read.given.get("a") === undefined)
  })

  it("refuses what is not an object, and an option the layer does not have", () => {
    assert.deepStrictEqual(Checks.readOptions("X.layer", [], ["a"]), {
      problem: { path: "options", message: "X.layer takes an object of options such as { a }, got []" }
    })
    assert.deepStrictEqual(Checks.readOptions("X.layer", { b: 1 }, ["a"]), {
      problem: { path: "b", message: `X.layer has no option "b"; its options are a` }
    })
  })
})

describe("checks", () => {
  it("read a value of their kind, and nothing else", () => {
    assert.strictEqual(Checks.wholeNumber(1, 3).read(3), 3)
    assert.isUndefined(Checks.wholeNumber(1, 3).read(1.5))
    assert.strictEqual(Checks.boolean.read(false), false)
    assert.isUndefined(Checks.boolean.read("false"))
    assert.strictEqual(Checks.oneOf(["a", "b"]).read("b"), "b")
    assert.isUndefined(Checks.text.read(""))
    assert.isUndefined(Checks.fraction.read(Number.NaN))
  })

  it("word a refusal with the layer, the option, what it must be and the value", () => {
    assert.deepStrictEqual(Checks.mustBe(given({ jitter: 2 }), "jitter", Checks.fraction.expected, 2), {
      path: "jitter",
      message: "X.layer's jitter must be a number from 0 to 1, got 2"
    })
    assert.strictEqual(Checks.needed(given({}), "port").message, "X.layer needs port")
  })
})
