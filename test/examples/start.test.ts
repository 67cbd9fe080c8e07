/**
 * `npm start`, the first thing a newcomer runs: with no key it asks the embedded local server and
 * prints an answer that reads as English; `npm start -- --help` prints the usage and asks nothing.
 * Child processes (`tsx examples/chat.ts`), run from the repository so that its packages resolve,
 * side by side: each spends most of its time starting.
 */
import { assert, describe, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import { join } from "node:path"

const root = join(import.meta.dirname, "..", "..")

const withoutKey = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith("LLAMA_CLOUD_") && name !== "LLAMA_PARSE_API_KEY")
)

const start = (...args: ReadonlyArray<string>) =>
  new Promise<{ readonly status: number | null; readonly stdout: string; readonly output: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, "node_modules", "tsx", "dist", "cli.mjs"), "examples/chat.ts", ...args], {
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
    child.on("close", (status) => resolve({ status, stdout, output: `${stdout}${stderr}` }))
  })

describe.concurrent("npm start", () => {
  it("-- --help prints the usage and asks nothing", async () => {
    const run = await start("--help")
    assert.strictEqual(run.status, 0, run.output)
    assert.match(run.stdout, /^Usage: npm start -- \["question"\] \[--index ID\]/)
    assert.notMatch(run.output, /^session \S+, searching/m)
    assert.notInclude(run.output, "embedded local LlamaCloud server at")
  })

  it("with no key asks the embedded server and prints an answer in whole sentences that quote the question", async () => {
    const run = await start()
    assert.strictEqual(run.status, 0, run.output)
    assert.include(run.stdout, "using the embedded local LlamaCloud server at http://127.0.0.1:")
    const question = "What do the indexes say about llamas and alpacas?"
    assert.include(run.stdout, `> ${question}`)
    // The answer: after the line counting the passages found, before the usage line.
    const answer = /passages? found\n\n([\s\S]*?)\n+— /.exec(run.stdout)?.[1]
    if (answer === undefined) return assert.fail(run.stdout)
    assert.include(answer, `"${question}"`)
    // Each sentence opens with a capital letter and closes with its punctuation, citations after it.
    const sentences = answer.replace(`"${question}"`, "the question").split(/(?<=[.!?](?:\s\[\d+\])*)\s+/)
    assert.isAtLeast(sentences.length, 2, answer)
    for (const sentence of sentences) assert.match(sentence, /^[A-Z].*[.!?](?:\s\[\d+\])*$/, `in: ${answer}`)
    // The question's words strung together (the old answer's "about do indexes say llamas alpacas").
    assert.notMatch(answer, /indexes say llamas|llamas alpacas/)
    assert.match(run.stdout, /— \d+ in, \d+ out tokens, \d+ ms\n$/)
  })
})
