/** The shape of `bench/results/*.json`, and the figures derived from raw child results. */
import type { StreamOptions, Suite } from "./flags.js"
import type { BundleSize } from "./build.js"
import type { ColdFigures, MemoryFigures, MemoryReading, PhaseFigures } from "./protocol.js"
import { median, percentileOfSorted } from "./stats.js"
import type { FirstEventFigures, HeldFigures, TurnFigures, TurnMemoryFigures } from "../stream/protocol.js"
import type { TurnTally } from "../stream/turns.js"

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

/** A list page or a retrieve: sequential and concurrent phases, medians of rounds. */
export interface OperationResult {
  readonly sequential?: PhaseSummary
  readonly concurrent?: PhaseSummary
  readonly rounds: ReadonlyArray<{ readonly round: number; readonly sequential: PhaseFigures; readonly concurrent: PhaseFigures }>
}

export type OtherOperation = "listPage" | "retrieve"

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
  /** The `operations` suite: a list page and retrieve with a long history. */
  readonly operations?: Partial<Record<OtherOperation, OperationResult>>
  readonly errors: ReadonlyArray<string>
}

/** Time to first event and to the turn's end, percentiles over every turn of every round. */
export interface FirstEventSummary {
  readonly turns: number
  readonly concurrency: number
  readonly eventsPerTurn: number
  readonly firstEventP50Ms: number
  readonly firstEventP99Ms: number
  readonly turnP50Ms: number
}

export interface StreamRound {
  readonly round: number
  readonly turn: TurnFigures
  readonly firstEvent: { readonly alone: FirstEventFigures; readonly concurrent: FirstEventFigures }
}

export interface StreamContenderResult {
  readonly label: string
  /** A floor the library is read against, not an alternative a user picks. */
  readonly floor: boolean
  /** Medians of rounds. */
  readonly turn?: { readonly eventsPerSec: number; readonly cpuUsPerEvent: number }
  readonly firstEvent?: { readonly alone: FirstEventSummary; readonly concurrent: FirstEventSummary }
  readonly memory?: TurnMemoryFigures & {
    /** (heap before the stop − heap at the checkpoint) / heap at the checkpoint. */
    readonly heapGrowthRatio: number
  }
  readonly held?: HeldFigures & { readonly heapPerTurnBytes: number; readonly rssPerTurnBytes: number }
  readonly rounds: ReadonlyArray<StreamRound>
  readonly errors: ReadonlyArray<string>
}

export interface StreamResults {
  readonly config: StreamOptions
  /** What every contender must have counted, by figure. */
  readonly expected: { readonly turn: TurnTally; readonly memory: TurnTally }
  readonly contenders: Record<string, StreamContenderResult>
}

/** The CLI's time from process start to its first output, or why there is none. */
export interface StartupResults {
  readonly cli:
    | { readonly status: "absent"; readonly note: string }
    | {
      readonly status: "measured"
      readonly entry: string
      readonly args: ReadonlyArray<string>
      /** Median ms from spawn to the first byte on stdout, as installed (packages from node_modules) and bundled. */
      readonly nodeModulesMs: number | null
      readonly bundledMs: number | null
      readonly errors: ReadonlyArray<string>
    }
  /** `node -e` printing one line, timed the same way: the floor. */
  readonly nodePrintMs: number
}

/** The decoders in isolation: microseconds per call, in one process, after warm-up. */
export interface DecodeResults {
  readonly rows: ReadonlyArray<{ readonly name: string; readonly microseconds: number; readonly note: string }>
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
  readonly unit: "ratio" | "fraction" | "bytes" | "ms"
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
  readonly schemaVersion: 2
  readonly date: string
  readonly quick: boolean
  readonly smoke: boolean
  /** Set when a copy of `src/` (a proposed change) was installed as the library (`--library`). */
  readonly library?: string
  readonly suites: ReadonlyArray<Suite>
  readonly config: {
    readonly calls: number
    readonly warmupCalls: number
    readonly rounds: number
    readonly concurrency: number
    readonly memoryCalls: number
    readonly memoryCheckpointCalls: number
    readonly coldSpawns: number
    readonly operationCalls: number
  }
  readonly machine: Machine
  /** The request/response contenders: create, and the other operations when that suite ran. */
  readonly contenders: Record<string, ContenderResult>
  /** Cold start of an empty node process: the floor under every contender's. */
  readonly nodeColdStart?: ColdSummary
  readonly bundle?: {
    readonly programs: Record<string, BundleResult>
    /** library − baseline, same import style. */
    readonly marginal: Record<string, Marginal | null>
  }
  readonly stream?: StreamResults
  readonly startup?: StartupResults
  readonly decode?: DecodeResults
  readonly targets: ReadonlyArray<Target>
  /** What stopped a suite as a whole (a contender's own failures are in its `errors`). */
  readonly errors: ReadonlyArray<string>
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

/**
 * The create targets, as ratios between contenders of this same run: CPU per call against the
 * floor of `@effect/platform`'s HttpClient over the same transport, throughput against the official
 * SDK, bundle bytes, heap growth. Targets a suite did not measure are left out.
 */
export const computeCreateTargets = (
  contenders: Record<string, ContenderResult>,
  marginal: Record<string, Marginal | null> | undefined,
  concurrency: number
): ReadonlyArray<Target> => {
  const c = `c${concurrency}`
  const sdk = contenders["sdk"]
  const effectUndici = contenders["effect-undici"]
  const effectFetch = contenders["effect-fetch"]
  const undiciFloor = contenders["platform-undici-bare"]
  const fetchFloor = contenders["platform-fetch-bare"]
  const ran = (...names: ReadonlyArray<string>) => names.every((name) => contenders[name] !== undefined)
  return [
    ...(ran("effect-undici", "platform-undici-bare")
      ? [target(
        `${c} CPU per call: effect-undici / platform-undici-bare ≤ 1.3`,
        ratio(effectUndici?.concurrent?.cpuUsPerCall, undiciFloor?.concurrent?.cpuUsPerCall),
        "<=",
        1.3,
        "ratio"
      )]
      : []),
    ...(ran("effect-fetch", "platform-fetch-bare")
      ? [target(
        `${c} CPU per call: effect-fetch / platform-fetch-bare ≤ 1.15`,
        ratio(effectFetch?.concurrent?.cpuUsPerCall, fetchFloor?.concurrent?.cpuUsPerCall),
        "<=",
        1.15,
        "ratio"
      )]
      : []),
    ...(ran("effect-undici", "sdk")
      ? [
        target(
          `${c} throughput: effect-undici / sdk ≥ 2`,
          ratio(effectUndici?.concurrent?.callsPerSec, sdk?.concurrent?.callsPerSec),
          ">=",
          2,
          "ratio"
        ),
        target(
          "sequential throughput: effect-undici / sdk ≥ 1.5",
          ratio(effectUndici?.sequential?.callsPerSec, sdk?.sequential?.callsPerSec),
          ">=",
          1.5,
          "ratio"
        )
      ]
      : []),
    ...Object.entries(marginal ?? {}).map(([style, m]) =>
      target(`bundle marginal, ${style} imports ≤ 8 KiB gzip`, m?.gzipBytes, "<=", 8192, "bytes")
    ),
    ...(["effect-undici", "effect-fetch"] as const).flatMap((name) =>
      contenders[name] === undefined ? [] : [
        target(
          `create heap growth checkpoint → end: ${name} ≤ 10 %`,
          contenders[name]?.memory?.heapGrowthRatio,
          "<=",
          0.1,
          "fraction"
        )
      ]
    )
  ]
}

/** Percentiles over every turn of every round. */
export const summarizeFirstEvents = (figures: ReadonlyArray<FirstEventFigures>): FirstEventSummary => {
  const firstEventMs = Float64Array.from(figures.flatMap((f) => f.firstEventMs)).sort()
  const turnMs = Float64Array.from(figures.flatMap((f) => f.turnMs)).sort()
  return {
    turns: firstEventMs.length,
    concurrency: figures[0]?.concurrency ?? 0,
    eventsPerTurn: median(figures.map((f) => f.eventsPerTurn)),
    firstEventP50Ms: percentileOfSorted(firstEventMs, 50),
    firstEventP99Ms: percentileOfSorted(firstEventMs, 99),
    turnP50Ms: percentileOfSorted(turnMs, 50)
  }
}

export const summarizeTurns = (turns: ReadonlyArray<TurnFigures>) => ({
  eventsPerSec: median(turns.map((t) => t.eventsPerSec)),
  cpuUsPerEvent: median(turns.map((t) => t.cpuUsPerEvent))
})

const perTurn = (after: MemoryReading, before: MemoryReading, turns: number) => ({
  heapPerTurnBytes: (after.heapUsedBytes - before.heapUsedBytes) / turns,
  rssPerTurnBytes: (after.rssBytes - before.rssBytes) / turns
})

export const summarizeHeld = (held: HeldFigures) => ({ ...held, ...perTurn(held.held, held.before, held.turns) })

export const summarizeTurnMemory = (memory: TurnMemoryFigures) => ({
  ...memory,
  heapGrowthRatio: (memory.beforeStop.heapUsedBytes - memory.atCheckpoint.heapUsedBytes) / memory.atCheckpoint.heapUsedBytes
})

/**
 * The stream targets: CPU per event at most 1.5× the platform floor's over the same transport and
 * 3× the raw floor's; time to first event at p50 within 1 ms of the platform floor's, alone and
 * with the concurrent turns; heap flat within 10 % from the checkpoint to the end of the long turn.
 */
export const computeStreamTargets = (stream: StreamResults): ReadonlyArray<Target> => {
  const all = stream.contenders
  const c = `c${stream.config.concurrency}`
  return (["undici", "fetch"] as const).flatMap((transport) => {
    const name = `effect-${transport}`
    const ours = all[name]
    const floor = all[`platform-${transport}`]
    if (ours === undefined || floor === undefined) return []
    const firstEventGap = (phase: "alone" | "concurrent") => {
      const a = ours.firstEvent?.[phase].firstEventP50Ms
      const b = floor?.firstEvent?.[phase].firstEventP50Ms
      return a === undefined || b === undefined ? undefined : a - b
    }
    return [
      target(
        `turn CPU per event: ${name} / platform-${transport} ≤ 1.5`,
        ratio(ours.turn?.cpuUsPerEvent, floor?.turn?.cpuUsPerEvent),
        "<=",
        1.5,
        "ratio"
      ),
      target(
        `turn CPU per event: ${name} / undici ≤ 3`,
        ratio(ours.turn?.cpuUsPerEvent, all["undici"]?.turn?.cpuUsPerEvent),
        "<=",
        3,
        "ratio"
      ),
      target(`first event p50, alone: ${name} − platform-${transport} ≤ 1 ms`, firstEventGap("alone"), "<=", 1, "ms"),
      target(`first event p50, ${c}: ${name} − platform-${transport} ≤ 1 ms`, firstEventGap("concurrent"), "<=", 1, "ms"),
      target(
        `turn heap growth ${stream.config.memoryEvents / 10} → ${stream.config.memoryEvents} events: ${name} ≤ 10 %`,
        ours.memory?.heapGrowthRatio,
        "<=",
        0.1,
        "fraction"
      )
    ]
  })
}
