/**
 * The wording both editions' errors share. The errors' own tests (test/errors.test.ts in each
 * edition) check each message through the classes; these check what only plain values reach.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Messages from "../../src/core/failureMessages.js"

describe("duration", () => {
  it("words a finite duration up to a year as the edition's formatter does", () => {
    assert.strictEqual(Messages.duration(7000, () => "7s"), "7s")
  })

  it("words past a year in days, without asking the formatter", () => {
    assert.strictEqual(Messages.duration(800 * 24 * 3600_000, () => assert.fail("formatted")), "800 days")
  })

  it("words an unbounded duration as forever", () => {
    assert.strictEqual(Messages.duration(Number.POSITIVE_INFINITY, () => "Infinity"), "forever")
  })

  it("falls back to milliseconds when the formatter throws", () => {
    const throwing = () => {
      throw new RangeError("Invalid time value")
    }
    assert.strictEqual(Messages.duration(1234.4, throwing), "1234 ms")
  })
})

describe("lead", () => {
  it("names the operation, and the session when there is one", () => {
    assert.strictEqual(Messages.lead({}), "")
    assert.strictEqual(Messages.lead({ operation: "ChatService.list" }), "ChatService.list: ")
    assert.strictEqual(
      Messages.lead({ operation: "ChatService.retrieve", sessionId: "ses-1" }),
      `ChatService.retrieve (session "ses-1"): `
    )
  })
})

describe("the facts a user quotes", () => {
  it("are left out when there are none", () => {
    assert.strictEqual(
      Messages.validation({ status: undefined, issues: [], requestId: undefined }),
      "Invalid request, not sent: no details given. Fix the input and call again."
    )
  })

  it("name the status and the request id", () => {
    assert.isTrue(Messages.server({ status: 503, detail: "x", requestId: "req-1" }).endsWith(" [HTTP 503, request id req-1]"))
  })
})
