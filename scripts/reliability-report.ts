/**
 * Regenerates docs/reliability.md from a run: the reliability suite (vitest, recording one JSON row
 * per scenario) and the soak (`test/soak.ts`, full size). Refuses to publish figures from a failing
 * suite.
 *
 *   npm run reliability -- [--no-soak] [--soak-calls 10000] [--soak-concurrency 200]
 *
 * `--no-soak` leaves the document's soak section as it was (the soak takes a few minutes).
 */
import { execFileSync, spawnSync } from "node:child_process"
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { parseArgs } from "node:util"
import type { Row } from "../test/reliability/harness.js"
import { fill, scenarioCounts, type Soak, sections } from "../test/reliability/report.js"

const { values } = parseArgs({
  options: {
    "no-soak": { type: "boolean", default: false },
    "soak-calls": { type: "string", default: "10000" },
    "soak-concurrency": { type: "string", default: "200" }
  }
})

const root = Path.resolve(import.meta.dirname, "..")
const doc = Path.join(root, "docs", "reliability.md")
const rowsFile = Path.join(Os.tmpdir(), `reliability-rows-${process.pid}.jsonl`)
const soakFile = Path.join(Os.tmpdir(), `reliability-soak-${process.pid}.json`)
rmSync(rowsFile, { force: true })

console.log("reliability: running the suite (npx vitest run test/reliability)…")
const started = performance.now()
const vitest = spawnSync("npx", ["vitest", "run", "test/reliability"], {
  cwd: root,
  env: { ...process.env, RELIABILITY_ROWS: rowsFile },
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit"]
})
const durationS = Math.round((performance.now() - started) / 100) / 10
process.stdout.write(vitest.stdout.split("\n").filter((line) => /Test Files|Tests |Duration|FAIL|×/.test(line)).join("\n") + "\n")
const tests = /Tests\s+(.*?)\s*$/m.exec(vitest.stdout.replace(/\x1b\[[0-9;]*m/g, ""))?.[1] ?? "?"
if (vitest.status !== 0) {
  console.error("reliability: the suite failed; docs/reliability.md is left as it was.")
  process.exit(1)
}

const rows: ReadonlyArray<Row> = readFileSync(rowsFile, "utf8").trim().split("\n").map((line) => JSON.parse(line) as Row)
rmSync(rowsFile, { force: true })

let soak: Soak | undefined
if (!values["no-soak"]) {
  console.log("reliability: running the soak (npx tsx test/soak.ts)…")
  const run = spawnSync(
    "npx",
    ["tsx", "test/soak.ts", "--calls", values["soak-calls"], "--concurrency", values["soak-concurrency"], "--json", soakFile],
    { cwd: root, stdio: "inherit" }
  )
  if (existsSync(soakFile)) soak = JSON.parse(readFileSync(soakFile, "utf8")) as Soak
  rmSync(soakFile, { force: true })
  if (run.status !== 0 && soak === undefined) {
    console.error("reliability: the soak did not finish; its section is left as it was.")
  }
}

const commit = (() => {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim()
  } catch {
    return "unknown"
  }
})()

const generated = sections(rows, {
  date: new Date().toISOString().slice(0, 10),
  node: process.version,
  commit,
  machine: `${Os.cpus().length} × ${Os.cpus()[0]?.model.trim() ?? "cpu"}`,
  vitest: { passed: true, tests, durationS }
}, soak)
writeFileSync(doc, fill(readFileSync(doc, "utf8"), generated))
const counts = scenarioCounts(rows)
console.log(
  `reliability: ${counts.scenarios} fault scenarios × ${counts.transports} transports (${counts.runs} runs), ${rows.length} rows in all, rendered into docs/reliability.md`
)
if (soak !== undefined && soak.problems.length > 0) process.exitCode = 1
