/**
 * The `unit` project holds no test that opens a socket or starts a process: a file that does is
 * listed under `integration` in vitest.config.ts. Read from each file's own source: what it imports
 * from the helpers is theirs to use (the reliability harness names the local server without opening
 * it unless asked).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { bench, integration } from "../vitest.config.js"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")

/** The config's patterns: a path, or a folder followed by the glob of every test file under it. */
const listed = (patterns: ReadonlyArray<string>) => (file: string) =>
  patterns.some((pattern) =>
    pattern.endsWith("/**/*.test.ts") ? file.startsWith(pattern.slice(0, -"**/*.test.ts".length)) : file === pattern
  )

const testFiles = (Fs.readdirSync(Path.join(root, "test"), { recursive: true }) as Array<string>)
  .map((file) => `test/${file.split(Path.sep).join("/")}`)
  .filter((file) => file.endsWith(".test.ts"))
  .sort()
const unit = testFiles.filter((file) => !listed(integration)(file) && !listed(bench)(file))

/**
 * What opens a socket or starts a process, as a test file would write it: the layer used as code (a
 * message that names it, in quotes, opens nothing), Node's sockets and processes, a transport.
 */
const reaching =
  /LocalServer\.(layer|make)\b(?!['"`])|"node:(http|https|net|child_process)"|NodeHttpClient\.layerUndici|FetchHttpClient\.layer\b/

describe("the unit project", () => {
  it("holds most of the suite, and every pattern of the others matches a file", () => {
    expect(unit.length).toBeGreaterThan(testFiles.length / 2)
    for (const pattern of [...integration, ...bench]) expect(testFiles.some(listed([pattern])), pattern).toBe(true)
  })

  it("opens no socket and starts no process: such a file is listed under integration", () => {
    const offending = unit.filter((file) => reaching.test(Fs.readFileSync(Path.join(root, file), "utf8")))
    expect(offending).toEqual([])
  })
})
