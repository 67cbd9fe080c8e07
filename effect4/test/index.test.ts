/**
 * The entry exports what the Effect 3 edition's entry exports, under the same names: a program moves
 * between the editions without renaming an import.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Fs from "node:fs"
import * as Entry from "../src/index.js"

/** The value names an entry's source exports (`type` exports left out), read from its text. */
const valueExports = (source: string): Array<string> => {
  const names: Array<string> = []
  for (const [, namespace] of source.matchAll(/^export \* as (\w+) from/gm)) names.push(namespace!)
  for (const [, list] of source.matchAll(/^export \{([^}]*)\} from/gm)) {
    for (const item of list!.split(",").map((part) => part.trim()).filter((part) => part !== "")) {
      if (item.startsWith("type ")) continue
      names.push(item.split(/\s+as\s+/).at(-1)!)
    }
  }
  return names.sort()
}

const effect3Entry = Fs.readFileSync(new URL("../../src/index.ts", import.meta.url), "utf8")

describe("the entry", () => {
  it("exports every value the Effect 3 edition's entry exports, and no other", () => {
    const expected = valueExports(effect3Entry)
    assert.isAbove(expected.length, 20)
    assert.deepStrictEqual(Object.keys(Entry).sort(), expected)
  })

  it("exports a service tag, the client and the policies as the Effect 3 edition does", () => {
    assert.strictEqual(Entry.ChatService.key, "effect-llamacloud/ChatService")
    assert.strictEqual(Entry.LlamaCloudClient.key, "effect-llamacloud/LlamaCloudClient")
    assert.strictEqual(Entry.RetryPolicy.key, "effect-llamacloud/RetryPolicy")
    assert.strictEqual(Entry.TimeoutPolicy.key, "effect-llamacloud/TimeoutPolicy")
  })
})
