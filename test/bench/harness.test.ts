/**
 * Smoke test for `npm run bench`: the harness runs its self-check (`--smoke`: tiny sizes, a floor,
 * the official SDK and the library over undici, one process per contender) in a child process, and
 * every figure it should produce is there and well formed. No timing is asserted: a benchmark is a
 * script that prints numbers.
 */
import { beforeAll, describe, expect, it } from "@effect/vitest"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import type { FirstEventSummary, PhaseSummary, Results } from "../../bench/lib/results.js"

const repoDir = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../..")
// What `--smoke` runs: a floor, the SDK and the library, and the platform floors over undici.
const createContenders = ["undici", "sdk", "effect-undici", "platform-undici-bare"]
const streamContenders = ["undici", "platform-undici", "sdk", "effect-undici"]
const outDir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-llamacloud-bench-"))
const resultsFile = Path.join(outDir, "quick.tmp.json")

let run: { code: number | null; stdout: string; stderr: string }
let results: Results

const finitePositive = (n: number | null | undefined) => {
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

const expectFirstEvents = (figures: FirstEventSummary | undefined) => {
  finitePositive(figures?.turns)
  finitePositive(figures?.firstEventP50Ms)
  finitePositive(figures?.firstEventP99Ms)
  finitePositive(figures?.turnP50Ms)
}

beforeAll(async () => {
  run = await new Promise((resolve, reject) => {
    const child = ChildProcess.spawn(
      process.execPath,
      ["--import", "tsx", "bench/run.ts", "--smoke", "--out", outDir],
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

describe("the bench harness's smoke run", () => {
  it("exits cleanly and writes its JSON", () => {
    expect(run.stderr).not.toMatch(/failed \(/)
    expect(run.code).toBe(0)
    expect(Fs.existsSync(resultsFile)).toBe(true)
    expect(results.smoke).toBe(true)
    expect(results.errors).toEqual([])
  })

  it("records the machine it ran on", () => {
    expect(results.machine.cpuModel).toBeTypeOf("string")
    finitePositive(results.machine.cores)
    expect(results.machine.node).toBe(process.version)
  })

  it.each(createContenders)("measures %s's creates sequentially and concurrently", (name) => {
    const contender = results.contenders[name]
    expect(contender?.errors).toEqual([])
    expectPhase(contender?.sequential)
    expectPhase(contender?.concurrent)
  })

  it.each(createContenders)("measures a list page and a retrieve with %s", (name) => {
    for (const operation of ["listPage", "retrieve"] as const) {
      expectPhase(results.contenders[name]?.operations?.[operation]?.sequential)
      expectPhase(results.contenders[name]?.operations?.[operation]?.concurrent)
    }
  })

  it.each(["undici", "sdk", "effect-undici"])("reads %s's heap and RSS at the checkpoint and at the end of the creates", (name) => {
    const memory = results.contenders[name]?.memory
    for (const reading of [memory?.atCheckpoint, memory?.atEnd]) {
      finitePositive(reading?.heapUsedBytes)
      finitePositive(reading?.rssBytes)
    }
    expect(Number.isFinite(memory?.heapGrowthRatio)).toBe(true)
  })

  it.each(createContenders)("times %s's start-up to a first create, installed and bundled", (name) => {
    const cold = results.contenders[name]?.coldStart
    finitePositive(cold?.nodeModules?.firstCreateMs)
    finitePositive(cold?.bundled?.firstCreateMs)
    if (name === "effect-undici") finitePositive(cold?.deepImports?.firstCreateMs)
  })

  it("times the CLI's first output, or says there is no CLI", () => {
    finitePositive(results.startup?.nodePrintMs)
    const cli = results.startup?.cli
    if (cli?.status === "measured") {
      expect(cli.errors).toEqual([])
      finitePositive(cli.nodeModulesMs)
      finitePositive(cli.bundledMs)
    } else {
      expect(cli?.note).toMatch(/no CLI/)
    }
  })

  it("sizes the bundle programs and the library's marginal", () => {
    for (const [program, size] of Object.entries(results.bundle?.programs ?? {})) {
      expect(size, program).toHaveProperty("gzipBytes")
      if ("gzipBytes" in size) finitePositive(size.gzipBytes)
    }
    expect(Object.keys(results.bundle?.programs ?? {})).toEqual(expect.arrayContaining(["sdk", "barrel/library"]))
    expect(Number.isFinite(results.bundle?.marginal["barrel"]?.gzipBytes)).toBe(true)
  })

  it.each(streamContenders)("reads a whole turn with %s: events per second and CPU per event", (name) => {
    const contender = results.stream?.contenders[name]
    expect(contender?.errors).toEqual([])
    finitePositive(contender?.turn?.eventsPerSec)
    finitePositive(contender?.turn?.cpuUsPerEvent)
    expect(contender?.rounds[0]?.turn.events).toBe(results.stream?.expected.turn.events)
  })

  it.each(streamContenders)("times %s's first events alone and among concurrent turns", (name) => {
    expectFirstEvents(results.stream?.contenders[name]?.firstEvent?.alone)
    expectFirstEvents(results.stream?.contenders[name]?.firstEvent?.concurrent)
  })

  it.each(streamContenders)("reads %s's heap during a long turn and with turns held open", (name) => {
    const { held, memory } = results.stream?.contenders[name] ?? {}
    for (const reading of [memory?.start, memory?.atCheckpoint, memory?.beforeStop, held?.before, held?.held]) {
      finitePositive(reading?.heapUsedBytes)
      finitePositive(reading?.rssBytes)
    }
    expect(Number.isFinite(memory?.heapGrowthRatio)).toBe(true)
    expect(Number.isFinite(held?.heapPerTurnBytes)).toBe(true)
    expect(Number.isFinite(held?.rssPerTurnBytes)).toBe(true)
  })

  it("times every decoder in isolation", () => {
    expect(results.decode?.rows.length).toBeGreaterThan(0)
    for (const row of results.decode?.rows ?? []) finitePositive(row.microseconds)
  })

  it("computes every target line and prints the tables", () => {
    expect(results.targets.length).toBeGreaterThan(0)
    for (const target of results.targets) expect(target.pass, target.description).not.toBeNull()
    for (const title of ["Create: throughput", "Other operations", "Streamed turn", "Time to first event", "Targets"]) {
      expect(run.stdout).toContain(title)
    }
  })
})
