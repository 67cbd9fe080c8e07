/**
 * `effect-llamacloud/testing` must load in any runtime: nothing it reaches, however deep, may be
 * Node's. And it exports what the Effect 3 edition's exports, under the same names.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as Url from "node:url"
import { graph as graphFrom, nodeOnly } from "../../../test/shared/moduleGraph.js"
import * as Testing from "../../src/testing.js"
import * as ChatModel from "../../src/testing/ChatModel.js"

const root = Path.resolve(Path.dirname(Url.fileURLToPath(import.meta.url)), "../..")

/** What `entry` reaches in this edition. */
const graph = (entry: string) => graphFrom(root, entry)

describe("testing entry", () => {
  it("effect-llamacloud/testing reaches nothing Node-only", () => {
    const modules = graph("src/testing.ts")
    for (const double of ["ChatModel", "InMemoryChat", "MockTransport"]) {
      expect(modules.has(Path.join(root, `src/testing/${double}.ts`))).toBe(true)
    }
    const offenders = [...modules].flatMap(([file, imports]) =>
      imports.filter(nodeOnly).map((s) => `${Path.relative(root, file)} → ${s}`)
    )
    expect(offenders).toEqual([])
  })

  /** The value names a module's source exports (`type` exports left out), read from its text. */
  const valueExports = (source: string): Array<string> => {
    const text = source.replace(/\/\*[\s\S]*?\*\//g, "")
    const names = [...text.matchAll(/^export (?:const|class) (\w+)/gm), ...text.matchAll(/^export \* as (\w+) from/gm)].map(
      (match) => match[1]!
    )
    for (const [, list] of text.matchAll(/^export \{([^}]*)\}/gm)) {
      for (const item of list!.split(",").map((part) => part.trim()).filter((part) => part !== "")) {
        if (!item.startsWith("type ")) names.push(item.split(/\s+as\s+/).at(-1)!)
      }
    }
    return names.sort()
  }
  const effect3 = (file: string) => valueExports(Fs.readFileSync(Path.join(root, "..", file), "utf8"))

  it("exports every value the Effect 3 edition's testing entry exports, and no other", () => {
    const expected = effect3("src/testing.ts")
    expect(expected).toEqual(["ChatModel", "InMemoryChat", "MockTransport", "queryOf"])
    expect(Object.keys(Testing).sort()).toEqual(expected)
  })

  it("gives ChatModel the Effect 3 edition's functions and values, under the same names", () => {
    const expected = effect3("src/testing/ChatModel.ts")
    expect(expected).toContain("delete")
    expect(Object.keys(ChatModel).sort()).toEqual(expected)
  })
})
