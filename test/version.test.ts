/**
 * The version sent in `User-Agent` is the package's.
 */
import { assert, describe, it } from "@effect/vitest"
import { VERSION } from "../src/index.js"
import { packageVersion } from "./fixtures/harness.js"

describe("VERSION", () => {
  it("equals the version in package.json", () => {
    assert.strictEqual(VERSION, packageVersion)
  })

  it("is a semantic version", () => {
    assert.match(VERSION, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/)
  })
})
