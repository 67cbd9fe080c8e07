/**
 * The version sent in `User-Agent` is the package's.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Fs from "node:fs"
import { VERSION } from "../src/index.js"

const packageVersion: unknown = JSON.parse(Fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")).version

describe("VERSION", () => {
  it("equals the version in package.json", () => {
    assert.strictEqual(VERSION, packageVersion)
  })

  it("is a semantic version", () => {
    assert.match(VERSION, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/)
  })
})
