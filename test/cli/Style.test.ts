/**
 * How the command line's text looks on a stream: colour only on a terminal that wants it, wrapped to
 * the terminal's width or 80 columns.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Style from "../../src/cli/Style.js"

const terminal = { isTTY: true, columns: 120 }

describe("Style.of", () => {
  it("colours a terminal, wrapped to its columns", () => {
    assert.deepStrictEqual(Style.of(terminal, { TERM: "xterm-256color" }), { colour: true, width: 120 })
  })

  it("gives a pipe or a file no colour and 80 columns", () => {
    assert.deepStrictEqual(Style.of({}, { TERM: "xterm-256color" }), { colour: false, width: 80 })
    assert.deepStrictEqual(Style.of({ isTTY: false, columns: 200 }, {}), { colour: false, width: 80 })
  })

  it("gives no colour with NO_COLOR set and not empty, or with TERM=dumb", () => {
    assert.isFalse(Style.of(terminal, { NO_COLOR: "1" }).colour)
    assert.isTrue(Style.of(terminal, { NO_COLOR: "" }).colour)
    assert.isFalse(Style.of(terminal, { TERM: "dumb" }).colour)
  })

  it("wraps to 80 columns on a terminal that does not say its width", () => {
    assert.strictEqual(Style.of({ isTTY: true }, {}).width, 80)
  })
})

describe("Style.wrap", () => {
  it("breaks at spaces within the width, indenting the lines after the first", () => {
    const text = Style.wrap("alpha beta gamma delta epsilon zeta eta theta iota", 24, 2)
    assert.strictEqual(text, "alpha beta gamma delta\n  epsilon zeta eta theta\n  iota")
    for (const line of text.split("\n")) assert.isAtMost(line.length, 24)
  })

  it("keeps line breaks, and wraps a table row's second column under itself", () => {
    assert.strictEqual(
      Style.wrap("Heading:\n  --flag X   what the flag does, at length", 30),
      "Heading:\n  --flag X   what the flag does,\n             at length"
    )
  })

  it("puts a word longer than the width on a line of its own", () => {
    assert.strictEqual(Style.wrap("see https://example.com/a/very/long/path now", 20), "see\nhttps://example.com/a/very/long/path\nnow")
  })
})

describe("colours", () => {
  it("are escape sequences only when the style has colour", () => {
    assert.strictEqual(Style.bold({ colour: true, width: 80 }, "USAGE"), "\x1b[1mUSAGE\x1b[22m")
    assert.strictEqual(Style.bold({ colour: false, width: 80 }, "USAGE"), "USAGE")
  })
})
