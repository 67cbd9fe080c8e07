/**
 * The Effect-free rules of a shared rate limit: the account key, the cost of a call, the shared wait.
 */
import { assert, describe, it } from "@effect/vitest"
import { backoffMillis } from "../../src/core/backoff.js"
import {
  accountKey,
  fingerprint,
  limitTaken,
  maxTakesToCover,
  sharedWaitMillis,
  storeWording,
  tokensFor,
  windowForWholeMillis
} from "../../src/core/rateLimit.js"

describe("accountKey", () => {
  it("names the base URL and the project when one is set", () => {
    assert.strictEqual(accountKey("https://api.cloud.llamaindex.ai", "p-1", "llx-secret"), "effect-llamacloud:https://api.cloud.llamaindex.ai:project-p-1")
  })

  it("names the API key by a fingerprint that does not contain it, the same for the same key", () => {
    const key = accountKey("https://api.test", undefined, "llx-secret-key")
    assert.notInclude(key, "llx-secret-key")
    assert.strictEqual(key, accountKey("https://api.test", undefined, "llx-secret-key"))
    assert.notStrictEqual(key, accountKey("https://api.test", undefined, "llx-secret-kez"))
  })

  it("fingerprints are 16 hex digits (FNV-1a 64)", () => {
    assert.strictEqual(fingerprint(""), "cbf29ce484222325")
    assert.strictEqual(fingerprint("a"), "af63dc4c8601ec8c")
  })
})

describe("what a call costs", () => {
  it("a turn costs turnCost, any other call 1", () => {
    assert.strictEqual(tokensFor("turn", 5), 5)
    assert.strictEqual(tokensFor("call", 5), 1)
  })
})

describe("the wait a 429 shares", () => {
  it("is the server's, capped at the longest wait the retry policy accepts", () => {
    assert.strictEqual(sharedWaitMillis(30_000, 60_000), 30_000)
    assert.strictEqual(sharedWaitMillis(3_600_000, 60_000), 60_000)
  })

  it("is nothing when the server gave none, or none that can be timed", () => {
    assert.isUndefined(sharedWaitMillis(undefined, 60_000))
    assert.isUndefined(sharedWaitMillis(0, 60_000))
    assert.isUndefined(sharedWaitMillis(Number.NaN, 60_000))
  })

  it("is covered within a bounded number of takes: one per window, plus the probe and one for rounding", () => {
    assert.strictEqual(maxTakesToCover(30_000, 1_000), 32)
    assert.strictEqual(maxTakesToCover(500, 60_000), 3)
    assert.strictEqual(maxTakesToCover(500, 0), 1)
  })
})

describe("the window", () => {
  it("is a whole number of milliseconds per token, rounded up: the Redis store refuses a fraction", () => {
    assert.strictEqual(windowForWholeMillis(60_000, 300), 60_000)
    assert.strictEqual(windowForWholeMillis(1_000, 7), 1_001)
    assert.strictEqual(windowForWholeMillis(1_000, 5_000), 5_000)
  })
})

describe("what the policy says", () => {
  it("of its store: a timeout, the first failure of an outage in either mode, the first answer after it", () => {
    assert.strictEqual(storeWording.noAnswer("2s"), "no answer within 2s")
    assert.strictEqual(storeWording.failed("ECONNREFUSED", "proceed"), "rate limit store failed (ECONNREFUSED): calls proceed unlimited until it answers again")
    assert.strictEqual(storeWording.failed("ECONNREFUSED", "fail"), "rate limit store failed (ECONNREFUSED): calls fail until it answers again")
    assert.strictEqual(storeWording.answering, "rate limit store: answering again")
  })

  it("of a local refusal: the limit, its window and the key", () => {
    assert.strictEqual(limitTaken(60, "1m", "acct"), "60 per 1m for acct taken")
  })
})

describe("backoffMillis", () => {
  it("doubles from the base up to the cap, less the jitter's share of the draw", () => {
    assert.strictEqual(backoffMillis(500, 8000, 0.25, 0, 0), 500)
    assert.strictEqual(backoffMillis(500, 8000, 0.25, 2, 0), 2000)
    assert.strictEqual(backoffMillis(500, 8000, 0.25, 10, 0), 8000)
    assert.strictEqual(backoffMillis(500, 8000, 0.25, 1, 1), 750)
  })
})
