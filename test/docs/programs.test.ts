/**
 * The doc programs a newcomer copies first, run as they are written with no API key: each must
 * fail in one readable line naming what to set, with a non-zero exit code, not a `FiberFailure`
 * and a stack. Child processes (`tsx`), run from the repository so that its packages resolve, side by
 * side: each spends most of its time starting.
 */
import { assert, describe, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import { join } from "node:path"

const root = join(import.meta.dirname, "..", "..")

/** The first ```ts block after `heading` (or the first of the file), importing this checkout's sources. */
const program = (file: string, heading?: string): string => {
  const text = readFileSync(join(root, file), "utf8")
  const from = heading === undefined ? 0 : text.indexOf(heading)
  assert.isAtLeast(from, 0, `${file} has no ${heading}`)
  const block = /```ts\n([\s\S]*?)```/.exec(text.slice(from))?.[1]
  if (block === undefined) return assert.fail(`${file} has no program`)
  return block
    .replace(/"effect-llamacloud\/(\w+)"/g, (_, entry: string) => JSON.stringify(join(root, "src", `${entry}.ts`)))
    .replace(/"effect-llamacloud"/g, JSON.stringify(join(root, "src", "index.ts")))
}

const withoutKey = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith("LLAMA_CLOUD_") && name !== "LLAMA_PARSE_API_KEY")
)

const programs: ReadonlyArray<readonly [string, string | undefined]> = [
  ["README.md", "## Quick start"],
  ["docs/sessions.md", undefined],
  ["docs/conversations.md", undefined]
]

/** Runs `source` with tsx to its end: its exit code, and its standard output then standard error. */
const runProgram = (source: string) =>
  new Promise<{ readonly status: number | null; readonly output: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, "node_modules", "tsx", "dist", "cli.mjs"), "--eval", source], {
      cwd: root,
      env: withoutKey,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 50_000
    })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.on("error", reject)
    child.on("close", (status) => resolve({ status, output: `${stdout}${stderr}` }))
  })

describe.concurrent("a doc program run with no key", () => {
  for (const [file, heading] of programs) {
    it(`${file}${heading === undefined ? "" : ` (${heading.replace(/^#+ /, "")})`}: one line naming the variable, exit code 1`, async () => {
      const { output, status } = await runProgram(program(file, heading))
      assert.strictEqual(status, 1, output)
      const errorLines = output.split("\n").filter((line) => line.includes("LLAMA_CLOUD_API_KEY"))
      assert.lengthOf(errorLines, 1, output)
      assert.include(errorLines[0], "No LlamaCloud API key")
      assert.notInclude(output, "FiberFailure")
      assert.notMatch(output, /^\s+at /m, "no stack trace")
    })
  }
})
