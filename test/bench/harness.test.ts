/**
 * Smoke test for `npm run bench`: the harness runs in quick mode in a child process and every figure
 * it should produce is there. No timing is asserted: a benchmark is a script that prints numbers.
 */
import { beforeAll, describe, expect, it } from "@effect/vitest"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import type { PhaseSummary, Results } from "../../bench/lib/results.js"

const repoDir = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../..")
const contenders = ["undici", "fetch", "sdk", "effect-undici", "effect-fetch"]
// Not alternatives: the floors the Effect contenders are read against.
const references = ["effect-platform", "effect-fibers", "platform-undici-bare", "platform-fetch-bare"]
const outDir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-llamacloud-bench-"))
const resultsFile = Path.join(outDir, "quick.tmp.json")

let run: { code: number | null; stdout: string; stderr: string }
let results: Results

const finitePositive = (n: number | undefined) => {
  expect(n).toBeTypeOf("number")
  expect(Number.isFinite(n)).toBe(true)
  expect(n).toBeGreaterThan(0)
}

const expectPhase = (phase: PhaseSummary | undefined) => {
  finitePositive(phase?.callsPerSec)
  finitePositive(phase?.cpuUsPerCall)
  finitePositive(phase?.p50Ms)
  finitePositive(phase?.p99Ms)
}

beforeAll(async () => {
  run = await new Promise((resolve, reject) => {
    const child = ChildProcess.spawn(
      process.execPath,
      ["--import", "tsx", "bench/run.ts", "--quick", "--out", outDir],
      { cwd: repoDir, stdio: ["ignore", "pipe", "pipe"] }
    )
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })
  if (Fs.existsSync(resultsFile)) results = JSON.parse(Fs.readFileSync(resultsFile, "utf8"))
}, 300_000)

describe("the bench harness in quick mode", () => {
  it("exits cleanly and writes its JSON", () => {
    expect(run.stderr).not.toMatch(/failed \(/)
    expect(run.code).toBe(0)
    expect(Fs.existsSync(resultsFile)).toBe(true)
    expect(results.quick).toBe(true)
  })

  it("records the machine it ran on", () => {
    expect(results.machine.cpuModel).toBeTypeOf("string")
    finitePositive(results.machine.cores)
    expect(results.machine.node).toBe(process.version)
  })

  it.each([...contenders, ...references])("measures %s sequentially and concurrently", (name) => {
    const contender = results.contenders[name]
    expect(contender?.errors).toEqual([])
    expectPhase(contender?.sequential)
    expectPhase(contender?.concurrent)
  })

  it.each(contenders)("reads %s's heap and RSS at the checkpoint and at the end", (name) => {
    const memory = results.contenders[name]?.memory
    for (const reading of [memory?.atCheckpoint, memory?.atEnd]) {
      finitePositive(reading?.heapUsedBytes)
      finitePositive(reading?.rssBytes)
    }
    expect(Number.isFinite(memory?.heapGrowthRatio)).toBe(true)
  })

  it.each([...contenders, ...references])("times %s's cold start from process start", (name) => {
    const cold = results.contenders[name]?.coldStart
    finitePositive(cold?.nodeModules?.firstCreateMs)
    finitePositive(cold?.bundled?.firstCreateMs)
    if (name === "effect-undici" || name === "effect-fetch") finitePositive(cold?.deepImports?.firstCreateMs)
  })

  it("sizes every bundle program and the library's marginal for both import styles", () => {
    for (const [program, size] of Object.entries(results.bundle.programs)) {
      expect(size, program).toHaveProperty("gzipBytes")
      if ("gzipBytes" in size) finitePositive(size.gzipBytes)
    }
    expect(Object.keys(results.bundle.programs)).toEqual(expect.arrayContaining(["sdk", "barrel/library", "deep/library"]))
    for (const style of ["barrel", "deep"]) {
      expect(Number.isFinite(results.bundle.marginal[style]?.gzipBytes)).toBe(true)
    }
  })

  it("computes every target line and prints the tables", () => {
    for (const target of results.targets) expect(target.pass, target.description).not.toBeNull()
    expect(run.stdout).toContain("Throughput, CPU and latency")
    expect(run.stdout).toContain("Targets")
  })
})
