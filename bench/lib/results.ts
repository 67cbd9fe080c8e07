/** The shape of `bench/results/*.json`, and the figures derived from raw child results. */
import type { BundleSize } from "./build.js"
import type { ColdFigures, MemoryFigures, PhaseFigures } from "./protocol.js"
import { median } from "./stats.js"

export interface PhaseSummary {
  readonly callsPerSec: number
  readonly cpuUsPerCall: number
  readonly p50Ms: number
  readonly p99Ms: number
}

export interface RoundResult {
  readonly round: number
  readonly sequential: PhaseFigures
  readonly concurrent: PhaseFigures
  /** Creates the server answered during the run: more than the calls made means retries. */
  readonly serverCreates: number
  readonly callsMade: number
}

export interface MemorySummary extends MemoryFigures {
  readonly heapGrowthBytes: number
  /** (heap at end − heap at checkpoint) / heap at checkpoint. */
  readonly heapGrowthRatio: number
  readonly rssGrowthBytes: number
}

export interface ColdSummary {
  /** Medians over spawns, milliseconds since process start. */
  readonly importedMs: number
  readonly readyMs: number
  readonly firstCreateMs: number
  readonly spawns: ReadonlyArray<ColdFigures>
}

/** Cold start of one contender, per way of deploying it. */
export interface ColdStartResult {
  /** The contender as written, packages loaded from node_modules (barrel imports for Effect). */
  readonly nodeModules?: ColdSummary
  /** Effect contenders only: the same program with deep imports (`effect/Effect`). */
  readonly deepImports?: ColdSummary
  /** Everything, packages included, in one minified esbuild file. */
  readonly bundled?: ColdSummary
}

export type ColdVariant = keyof ColdStartResult

export interface ContenderResult {
  readonly label: string
  /** A reference point rather than an alternative: no memory run, no targets. */
  readonly reference: boolean
  /** Medians over rounds, each figure on its own. */
  readonly sequential?: PhaseSummary
  readonly concurrent?: PhaseSummary
  readonly rounds: ReadonlyArray<RoundResult>
  readonly memory?: MemorySummary
  readonly coldStart: ColdStartResult
  readonly errors: ReadonlyArray<string>
}

export type BundleResult = BundleSize | { readonly error: string }

export interface Marginal extends BundleSize {
  /** What the library program adds over the baseline, by input file, minified bytes before gzip. */
  readonly largestAdditions: ReadonlyArray<{ readonly input: string; readonly bytes: number }>
}

export interface Target {
  readonly description: string
  /** A ratio, a growth fraction or a byte count, per `unit`. */
  readonly value: number | null
  readonly limit: number
  readonly comparison: ">=" | "<="
  readonly unit: "ratio" | "fraction" | "bytes"
  /** null when a figure it needs is missing. */
  readonly pass: boolean | null
}

export interface Machine {
  readonly cpuModel: string
  readonly cores: number
  readonly node: string
  readonly platform: string
  readonly totalMemoryBytes: number
  /** Other work on the machine moves every figure: 1, 5 and 15 minute load when the run ended. */
  readonly loadAverageAtEnd: ReadonlyArray<number>
  readonly versions: Readonly<Record<string, string | undefined>>
  /** The undici inside Node, which its global fetch uses. */
  readonly undiciInsideNode: string | undefined
  /** HEAD when the run started (uncommitted changes in src/ are measured too). */
  readonly commit: string | undefined
}

export interface Results {
  readonly schemaVersion: 1
  readonly date: string
  readonly quick: boolean
  readonly config: {
    readonly calls: number
    readonly warmupCalls: number
    readonly rounds: number
    readonly concurrency: number
    readonly memoryCalls: number
    readonly memoryCheckpointCalls: number
    readonly coldSpawns: number
  }
  readonly machine: Machine
  readonly contenders: Record<string, ContenderResult>
  /** Cold start of an empty node process: the floor under every contender's. */
  readonly nodeColdStart?: ColdSummary
  readonly bundle: {
    readonly programs: Record<string, BundleResult>
    /** library − baseline, same import style. */
    readonly marginal: Record<string, Marginal | null>
  }
  readonly targets: ReadonlyArray<Target>
  readonly durationSec: number
}

export const summarizePhase = (phases: ReadonlyArray<PhaseFigures>): PhaseSummary => ({
  callsPerSec: median(phases.map((p) => p.callsPerSec)),
  cpuUsPerCall: median(phases.map((p) => p.cpuUsPerCall)),
  p50Ms: median(phases.map((p) => p.p50Ms)),
  p99Ms: median(phases.map((p) => p.p99Ms))
})

export const summarizeMemory = (memory: MemoryFigures): MemorySummary => ({
  ...memory,
  heapGrowthBytes: memory.atEnd.heapUsedBytes - memory.atCheckpoint.heapUsedBytes,
  heapGrowthRatio: (memory.atEnd.heapUsedBytes - memory.atCheckpoint.heapUsedBytes) / memory.atCheckpoint.heapUsedBytes,
  rssGrowthBytes: memory.atEnd.rssBytes - memory.atCheckpoint.rssBytes
})

export const summarizeCold = (spawns: ReadonlyArray<ColdFigures>): ColdSummary => ({
  importedMs: median(spawns.map((s) => s.importedMs)),
  readyMs: median(spawns.map((s) => s.readyMs)),
  firstCreateMs: median(spawns.map((s) => s.firstCreateMs)),
  spawns
})

export const isBundleSize = (result: BundleResult | undefined): result is BundleSize =>
  result !== undefined && "gzipBytes" in result

const target = (
  description: string,
  value: number | undefined,
  comparison: ">=" | "<=",
  limit: number,
  unit: Target["unit"]
): Target => {
  const known = value !== undefined && Number.isFinite(value)
  return {
    description,
    value: known ? value : null,
    limit,
    comparison,
    unit,
    pass: known ? (comparison === ">=" ? value >= limit : value <= limit) : null
  }
}

const ratio = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined || b === undefined ? undefined : a / b

/** The lead's targets, as ratios between contenders of this same run. */
export const computeTargets = (
  contenders: Record<string, ContenderResult>,
  marginal: Record<string, Marginal | null>,
  concurrency: number
): ReadonlyArray<Target> => {
  const c = `c${concurrency}`
  const undici = contenders["undici"]
  const sdk = contenders["sdk"]
  const effectUndici = contenders["effect-undici"]
  const effectFetch = contenders["effect-fetch"]
  return [
    target(
      `${c} throughput: effect-undici / sdk ≥ 2`,
      ratio(effectUndici?.concurrent?.callsPerSec, sdk?.concurrent?.callsPerSec),
      ">=",
      2,
      "ratio"
    ),
    target(
      `${c} CPU per call: effect-undici / undici ≤ 2.5`,
      ratio(effectUndici?.concurrent?.cpuUsPerCall, undici?.concurrent?.cpuUsPerCall),
      "<=",
      2.5,
      "ratio"
    ),
    target(
      "sequential throughput: effect-undici / sdk ≥ 1.5",
      ratio(effectUndici?.sequential?.callsPerSec, sdk?.sequential?.callsPerSec),
      ">=",
      1.5,
      "ratio"
    ),
    target(
      `${c} throughput: effect-fetch / sdk ≥ 1`,
      ratio(effectFetch?.concurrent?.callsPerSec, sdk?.concurrent?.callsPerSec),
      ">=",
      1,
      "ratio"
    ),
    target(
      "sequential throughput: effect-fetch / sdk ≥ 1",
      ratio(effectFetch?.sequential?.callsPerSec, sdk?.sequential?.callsPerSec),
      ">=",
      1,
      "ratio"
    ),
    ...(["effect-undici", "effect-fetch"] as const).flatMap((name) => {
      const effect = contenders[name]?.coldStart
      const official = sdk?.coldStart
      return [
        target(
          `cold start: ${name} / sdk ≤ 1.5 (node_modules)`,
          ratio(effect?.nodeModules?.firstCreateMs, official?.nodeModules?.firstCreateMs),
          "<=",
          1.5,
          "ratio"
        ),
        target(
          `cold start: ${name} / sdk ≤ 1.5 (deep imports)`,
          ratio(effect?.deepImports?.firstCreateMs, official?.nodeModules?.firstCreateMs),
          "<=",
          1.5,
          "ratio"
        ),
        target(
          `cold start: ${name} / sdk ≤ 1.5 (bundled)`,
          ratio(effect?.bundled?.firstCreateMs, official?.bundled?.firstCreateMs),
          "<=",
          1.5,
          "ratio"
        )
      ]
    }),
    target("bundle marginal, barrel imports ≤ 8 KiB gzip", marginal["barrel"]?.gzipBytes, "<=", 8192, "bytes"),
    target("bundle marginal, deep imports ≤ 8 KiB gzip", marginal["deep"]?.gzipBytes, "<=", 8192, "bytes"),
    target(
      "heap growth checkpoint → end: effect-undici ≤ 10 %",
      effectUndici?.memory?.heapGrowthRatio,
      "<=",
      0.1,
      "fraction"
    ),
    target(
      "heap growth checkpoint → end: effect-fetch ≤ 10 %",
      effectFetch?.memory?.heapGrowthRatio,
      "<=",
      0.1,
      "fraction"
    )
  ]
}
