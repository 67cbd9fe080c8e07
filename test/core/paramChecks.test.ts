/**
 * The operations' parameter rules and wording, shared by both editions. Each edition's
 * test/ChatParams.test.ts checks them through its schemas and `ChatService`; these check the plain values.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Checks from "../../src/core/paramChecks.js"

describe("checks", () => {
  it("pass a value that keeps the rule", () => {
    assert.isUndefined(Checks.wellFormed("an index id")("idx-😀"))
    assert.isUndefined(Checks.atMostIndexIds("a turn takes")(Array.from({ length: 10 }, () => "idx")))
    assert.isUndefined(Checks.scopeId("2f2ac4c8-6a8e-4bd2-9d7c-7d5e4a8e1f00"))
    assert.isUndefined(Checks.scopeId("2F2AC4C8-6A8E-4BD2-9D7C-7D5E4A8E1F00"))
    assert.isUndefined(Checks.pageSize(1))
    assert.isUndefined(Checks.promptNotEmpty(" a "))
    assert.isUndefined(Checks.notDotSegment("..."))
    assert.isUndefined(Checks.notDotSegment("a.b"))
  })

  it("word a refusal with what is wrong and the value", () => {
    assert.strictEqual(
      Checks.wellFormed("the session id")("a\uD800"),
      `the session id must be well-formed Unicode (it holds a lone surrogate), got "a\\ud800"`
    )
    assert.strictEqual(Checks.scopeId("org-1"), `must be a UUID, got "org-1"`)
    assert.strictEqual(Checks.pageSize(0), "must be a positive whole number, got 0")
    assert.strictEqual(Checks.pageSize(1.5), "must be a positive whole number, got 1.5")
    assert.strictEqual(Checks.promptNotEmpty(" \n"), "the prompt must not be empty")
    assert.strictEqual(
      Checks.notDotSegment("%2E%2e"),
      `the session id must not be "." or ".." (nor either percent-encoded): a URL resolves it to another path, got "%2E%2e"`
    )
    assert.strictEqual(Checks.wrongType(Checks.expected.prompt, 3), "the prompt must be a string, got 3")
  })

  it("count index ids, saying who takes them", () => {
    assert.strictEqual(
      Checks.atMostIndexIds("a session takes")(Array.from({ length: 11 }, () => "idx")),
      "a session takes at most 10 index ids (got 11)"
    )
    assert.strictEqual(Checks.tooManyIndexIds("a turn takes", undefined), "a turn takes at most 10 index ids")
  })

  it("count a prompt in code points, as the server does", () => {
    assert.isUndefined(Checks.promptLength("😀".repeat(Checks.MAX_PROMPT_LENGTH)))
    assert.strictEqual(
      Checks.promptLength("😀".repeat(Checks.MAX_PROMPT_LENGTH + 1)),
      "the prompt may hold at most 1000 characters (Unicode code points), got 1001"
    )
  })
})

describe("refusedCall", () => {
  const issue = (message: string) => ({ path: ["prompt"], message })

  it("puts the session id's problems first, under sessionId, and names the session when its id is usable", () => {
    assert.deepStrictEqual(
      Checks.refusedCall(
        { operation: "ChatService.sendMessage", sessionId: { value: ".." } },
        [{ path: [], message: "bad id" }],
        [issue("bad prompt")]
      ),
      {
        operation: "ChatService.sendMessage",
        sessionId: "..",
        issues: [{ path: ["sessionId"], message: "bad id" }, issue("bad prompt")]
      }
    )
  })

  it("names no session for an id that is not a non-empty string", () => {
    for (const value of ["", 3, undefined]) {
      assert.deepStrictEqual(
        Checks.refusedCall({ operation: "ChatService.retrieve", sessionId: { value } }, [], [issue("x")]),
        { operation: "ChatService.retrieve", issues: [issue("x")] }
      )
    }
  })

  it("scrubs the session id and every message", () => {
    const scrub = (text: string) => text.replaceAll("llx-secret", "<redacted>")
    assert.deepStrictEqual(
      Checks.refusedCall(
        { operation: "ChatService.delete", sessionId: { value: "llx-secret" }, scrub },
        [{ path: [], message: `got "llx-secret"` }],
        []
      ),
      {
        operation: "ChatService.delete",
        sessionId: "<redacted>",
        issues: [{ path: ["sessionId"], message: `got "<redacted>"` }]
      }
    )
  })
})
