/**
 * The retry rule's plain parts, shared by both editions: which error each status becomes and how
 * safe retrying it is, and whether a failure may be retried. Each edition's test/retry.test.ts and
 * test/errors.test.ts check them through the client.
 */
import { assert, describe, it } from "@effect/vitest"
import { classifyStatus, mayRetry, type Safety } from "../../src/core/retrySafety.js"

describe("classifyStatus", () => {
  const table: ReadonlyArray<readonly [status: number, error: string, safety: Safety]> = [
    [400, "ValidationError", "never"],
    [401, "AuthError", "never"],
    [403, "AuthError", "never"],
    [404, "NotFoundError", "never"],
    [408, "ApiError", "safe"],
    [409, "ApiError", "never"],
    [422, "ValidationError", "never"],
    [429, "RateLimitError", "safe"],
    [500, "ServerError", "ambiguous"],
    [502, "ServerError", "ambiguous"],
    [503, "ServerError", "safe"],
    [504, "ServerError", "ambiguous"],
    [599, "ServerError", "ambiguous"]
  ]
  for (const [status, error, safety] of table) {
    it(`reads ${status} as ${error}, ${safety} to retry`, () => {
      assert.deepStrictEqual(classifyStatus(status), { error, safety })
    })
  }
})

describe("mayRetry", () => {
  it("retries a safe failure, never a hopeless one", () => {
    assert.isTrue(mayRetry({ safety: "safe", serverSays: undefined }, false, false))
    assert.isFalse(mayRetry({ safety: "never", serverSays: undefined }, true, true))
  })

  it("retries an ambiguous failure only when the operation is idempotent or the policy accepts the risk", () => {
    assert.isFalse(mayRetry({ safety: "ambiguous", serverSays: undefined }, false, false))
    assert.isTrue(mayRetry({ safety: "ambiguous", serverSays: undefined }, true, false))
    assert.isTrue(mayRetry({ safety: "ambiguous", serverSays: undefined }, false, true))
  })

  it("lets the server's x-should-retry decide over the safety", () => {
    assert.isFalse(mayRetry({ safety: "safe", serverSays: false }, true, true))
    assert.isTrue(mayRetry({ safety: "never", serverSays: true }, false, false))
  })
})
