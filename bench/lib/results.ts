/** The shape of `bench/results/*.json`, and the figures derived from raw child results. */
import type { StreamOptions, Suite } from "./flags.js"
import type { BundleSize } from "./build.js"
import type { ColdFigures, MemoryFigures, MemoryReading, PhaseFigures } from "./protocol.js"
import { median, percentileOfSorted } from "./stats.js"
import type { FirstEventFigures, HeldFigures, TurnFigures, TurnMemoryFigures } from "../stream/protocol.js"
import type { TurnTally } from "../stream/turns.js"
import type { RateLimitResults } from "../rateLimit/suite.js"

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
  readonly spawns: number
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

/** A turn's figures, or the median of several turns' (each figure on its own). */
export interface TurnSummary {
  readonly eventsPerSec: number
  readonly cpuUsPerEvent: number
}

/** One process of a stream contender: its first turn, the median of its steady turns, its first events. */
export interface StreamRound {
  readonly round: number
  readonly first: TurnSummary
  readonly steady: TurnSummary & {
    readonly turns: number
    /** The spread of the steady turns' CPU per event in this process. */
    readonly cpuUsPerEventMin: number
    readonly cpuUsPerEventMax: number
  }
  readonly firstEvent: { readonly alone: FirstEventSummary; readonly concurrent: FirstEventSummary }
}

export interface StreamContenderResult {
  readonly label: string
  /** A floor the library is read against, not an alternative a user picks. */
  readonly floor: boolean
  /** Medians of rounds: the process's first turn, and the steady state (each round's median turn). */
  readonly turn?: { readonly first: TurnSummary; readonly steady: TurnSummary }
  /** Pooled over every turn of every round. */
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

/**
 * A floor measured against the raw client of the same run. A floor is the cheapest idiomatic
 * program through `@effect/platform`; one that costs much more than the raw client it sends
 * through has something in it that such a program would not have, and every ratio to it flatters
 * the library: `inflated` says so.
 */
export interface FloorCheck {
  readonly suite: "stream" | "create"
  readonly floor: string
  readonly raw: string
  /** What is compared, in words. */
  readonly figure: string
  /** Floor / raw, steady state (stream) or at the concurrency (create). */
  readonly ratio: number | null
  /** Floor / raw on the process's first turn (stream only). */
  readonly firstTurnRatio?: number | null
  /** The ratio above which the floor is flagged; null: reported, not checked. */
  readonly limit: number | null
  readonly inflated: boolean | null
}

/** Spawn to exit, median of spawns, milliseconds. */
export interface ExitTime {
  readonly medianMs: number
  readonly spawns: number
}

/**
 * Start-up, timed from the harness (spawn to exit): processes that only import what a create needs
 * (the library, and the platform floor, both with deep imports), and the CLI's `--help` as
 * `npm run build` produces it, beside `node -e 0`.
 */
export interface StartupResults {
  /** `node -e 0`: the floor under every process. */
  readonly node: ExitTime | null
  readonly importToExit: {
    /** `bench/startup/library.ts`: effect-llamacloud's create over undici, imported, not run. */
    readonly library: ExitTime | null
    /** `bench/startup/platform.ts`: `platform-undici-bare`'s create, imported, not run. */
    readonly platform: ExitTime | null
  }
  readonly cli:
    | { readonly status: "absent"; readonly note: string }
    | {
      readonly status: "measured"
      /** The bin as `npm run build` left it, relative to the package, and its arguments. */
      readonly bin: string
      readonly args: ReadonlyArray<string>
      readonly buildSec: number
      readonly help: ExitTime | null
    }
  /**
   * The Effect 4 edition, under a Node 22: that Node's `-e 0`, and the same two programs
   * (`effect4/bench/startup/`) importing effect4's `effect`. Absent when the run left it out.
   */
  readonly effect4?: {
    readonly node: ExitTime | null
    readonly importToExit: { readonly library: ExitTime | null; readonly platform: ExitTime | null }
  }
  readonly errors: ReadonlyArray<string>
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
  /** A ratio, a growth fraction or a difference in milliseconds, per `unit`. */
  readonly value: number | null
  readonly limit: number
  readonly comparison: ">=" | "<="
  readonly unit: "ratio" | "fraction" | "ms"
  /** null when a figure it needs is missing. */
  readonly met: boolean | null
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
  readonly schemaVersion: 3
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
    readonly operationRounds: number
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
  readonly rateLimit?: RateLimitResults
  /** Each floor against the raw client of the same run. */
  readonly floorChecks: ReadonlyArray<FloorCheck>
  /** Both editions' figures side by side, when the run measured the Effect 4 edition. */
  readonly editions?: ReadonlyArray<EditionRow>
  readonly targets: ReadonlyArray<Target>
  /** What stopped a suite as a whole (a contender's own failures are in its `errors`). */
  readonly errors: ReadonlyArray<string>
  /** How long each part of the run took, seconds, in the order they ran. */
  readonly durations: Readonly<Record<string, number>>
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
  spawns: spawns.length
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
    met: known ? (comparison === ">=" ? value >= limit : value <= limit) : null
  }
}

const ratio = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined || b === undefined ? undefined : a / b

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

/** The median of each figure on its own. */
export const summarizeTurns = (turns: ReadonlyArray<TurnSummary>): TurnSummary => ({
  eventsPerSec: median(turns.map((t) => t.eventsPerSec)),
  cpuUsPerEvent: median(turns.map((t) => t.cpuUsPerEvent))
})

/** One process's turns: its first, and the median of its steady turns with their spread. */
export const summarizeRoundTurns = (first: TurnFigures, steady: ReadonlyArray<TurnFigures>): Pick<StreamRound, "first" | "steady"> => ({
  first: { eventsPerSec: first.eventsPerSec, cpuUsPerEvent: first.cpuUsPerEvent },
  steady: {
    ...summarizeTurns(steady),
    turns: steady.length,
    cpuUsPerEventMin: Math.min(...steady.map((t) => t.cpuUsPerEvent)),
    cpuUsPerEventMax: Math.max(...steady.map((t) => t.cpuUsPerEvent))
  }
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
 * Above this, a platform floor's CPU per event is flagged as inflated against the raw client it
 * sends through: the platform adds a stream and a fiber per turn around the same reader, not a
 * multiple of the reader's cost.
 */
export const streamFloorLimit = 1.5

/**
 * Each floor against the raw client of the same run: the platform floors of the turn (checked:
 * `inflated` past `streamFloorLimit`), and of create (reported: a create is one request per
 * call, where the fixed cost of an Effect program per call is most of the floor by nature).
 */
export const computeFloorChecks = (
  stream: StreamResults | undefined,
  contenders: Record<string, ContenderResult>,
  concurrency: number
): ReadonlyArray<FloorCheck> => {
  // [floor, raw, checked]: a floor is checked against the raw client of its transport under the same
  // Node (the Effect 4 floor against raw undici under Node 22); across transports or Nodes, reported.
  const streamChecks = (stream === undefined ? [] : ([
    ["platform-undici", "undici", true],
    ["platform-fetch", "fetch", true],
    ["platform-fetch", "undici", false],
    ["platform4-undici", "undici-node22", true],
    ["platform4-undici", "undici", false]
  ] as const)).flatMap(([floorName, rawName, checked]): ReadonlyArray<FloorCheck> => {
    const floor = stream?.contenders[floorName]?.turn
    const raw = stream?.contenders[rawName]?.turn
    if (stream?.contenders[floorName] === undefined || stream.contenders[rawName] === undefined) return []
    const steady = ratio(floor?.steady.cpuUsPerEvent, raw?.steady.cpuUsPerEvent)
    const first = ratio(floor?.first.cpuUsPerEvent, raw?.first.cpuUsPerEvent)
    const limit = checked ? streamFloorLimit : null
    const known = steady !== undefined && Number.isFinite(steady)
    return [{
      suite: "stream",
      floor: floorName,
      raw: rawName,
      figure: "turn CPU per event",
      ratio: known ? steady : null,
      firstTurnRatio: first !== undefined && Number.isFinite(first) ? first : null,
      limit,
      inflated: limit === null || !known ? null : steady > limit
    }]
  })
  const createChecks = ([
    ["platform-undici-bare", "undici"],
    ["platform-fetch-bare", "fetch"],
    ["platform4-undici-bare", "undici-node22"]
  ] as const).flatMap(
    ([floorName, rawName]): ReadonlyArray<FloorCheck> => {
      if (contenders[floorName] === undefined || contenders[rawName] === undefined) return []
      const value = ratio(contenders[floorName]?.concurrent?.cpuUsPerCall, contenders[rawName]?.concurrent?.cpuUsPerCall)
      return [{
        suite: "create",
        floor: floorName,
        raw: rawName,
        figure: `c${concurrency} CPU per call`,
        ratio: value !== undefined && Number.isFinite(value) ? value : null,
        limit: null,
        inflated: null
      }]
    }
  )
  return [...streamChecks, ...createChecks]
}

const streamTargets = (stream: StreamResults): ReadonlyArray<Target> => {
  const all = stream.contenders
  const c = `c${stream.config.concurrency}`
  // Each edition over each transport it was measured on, against the platform floor of that transport and Effect line.
  return ([
    ["effect-undici", "platform-undici"],
    ["effect-fetch", "platform-fetch"],
    ["effect4-undici", "platform4-undici"]
  ] as const).flatMap(([name, floorName]) => {
    const ours = all[name]
    const floor = all[floorName]
    if (ours === undefined || floor === undefined) return []
    const firstEventGap = (phase: "alone" | "concurrent") => {
      const a = ours.firstEvent?.[phase].firstEventP50Ms
      const b = floor.firstEvent?.[phase].firstEventP50Ms
      return a === undefined || b === undefined ? undefined : a - b
    }
    return [
      target(
        `turn CPU per event, steady: ${name} / ${floorName} ≤ 1.5`,
        ratio(ours.turn?.steady.cpuUsPerEvent, floor.turn?.steady.cpuUsPerEvent),
        "<=",
        1.5,
        "ratio"
      ),
      target(`first event p50, alone: ${name} − ${floorName} ≤ 1 ms`, firstEventGap("alone"), "<=", 1, "ms"),
      target(`first event p50, ${c}: ${name} − ${floorName} ≤ 1 ms`, firstEventGap("concurrent"), "<=", 1, "ms"),
      target(
        `heap per held turn: ${name} / ${floorName} ≤ 1.2`,
        ratio(ours.held?.heapPerTurnBytes, floor.held?.heapPerTurnBytes),
        "<=",
        1.2,
        "ratio"
      ),
      target(
        `heap growth over a turn of ${stream.config.memoryEvents} events (from a tenth): ${name} ≤ 10 %`,
        ours.memory?.heapGrowthRatio,
        "<=",
        0.1,
        "fraction"
      )
    ]
  })
}

const createTargets = (contenders: Record<string, ContenderResult>, concurrency: number): ReadonlyArray<Target> => {
  const c = `c${concurrency}`
  const ran = (...names: ReadonlyArray<string>) => names.every((name) => contenders[name] !== undefined)
  const ours = contenders["effect-undici"]
  return [
    ...(ran("effect-undici", "sdk")
      ? [target(
        `create ${c} throughput: effect-undici / sdk ≥ 2`,
        ratio(ours?.concurrent?.callsPerSec, contenders["sdk"]?.concurrent?.callsPerSec),
        ">=",
        2,
        "ratio"
      )]
      : []),
    ...(ran("effect-undici", "platform-undici-bare")
      ? [target(
        `create ${c} CPU per call: effect-undici / platform-undici-bare ≤ 1.3`,
        ratio(ours?.concurrent?.cpuUsPerCall, contenders["platform-undici-bare"]?.concurrent?.cpuUsPerCall),
        "<=",
        1.3,
        "ratio"
      )]
      : []),
    ...(ran("effect4-undici", "platform4-undici-bare")
      ? [target(
        `create ${c} CPU per call: effect4-undici / platform4-undici-bare ≤ 1.3`,
        ratio(contenders["effect4-undici"]?.concurrent?.cpuUsPerCall, contenders["platform4-undici-bare"]?.concurrent?.cpuUsPerCall),
        "<=",
        1.3,
        "ratio"
      )]
      : []),
    ...(["effect-undici", "effect-fetch", "effect4-undici"] as const).flatMap((name) =>
      contenders[name]?.memory === undefined ? [] : [
        target(
          `create heap growth from a tenth of the memory run to its end: ${name} ≤ 10 %`,
          contenders[name]?.memory?.heapGrowthRatio,
          "<=",
          0.1,
          "fraction"
        )
      ]
    )
  ]
}

const startupTargets = (startup: StartupResults): ReadonlyArray<Target> => [
  target(
    "import to exit, deep imports: library / platform floor ≤ 1.1",
    ratio(startup.importToExit.library?.medianMs, startup.importToExit.platform?.medianMs),
    "<=",
    1.1,
    "ratio"
  ),
  ...(startup.effect4 === undefined ? [] : [
    target(
      "import to exit, Effect 4 (Node 22): library / platform floor ≤ 1.1",
      ratio(startup.effect4.importToExit.library?.medianMs, startup.effect4.importToExit.platform?.medianMs),
      "<=",
      1.1,
      "ratio"
    )
  ]),
  ...(startup.cli.status === "measured"
    ? [target(
      `llamacloud-chat ${startup.cli.args.join(" ")}, spawn to exit: CLI / node -e 0 ≤ 4`,
      ratio(startup.cli.help?.medianMs, startup.node?.medianMs),
      "<=",
      4,
      "ratio"
    )]
    : [])
]

/**
 * Every target, read from this one run: ratios between contenders (and differences of first-event
 * times), so that the machine's speed cancels out. A target a suite did not measure is left out; a
 * figure that is missing leaves `met` null.
 */
export const computeTargets = (parts: {
  readonly contenders: Record<string, ContenderResult>
  readonly concurrency: number
  readonly withCreate: boolean
  readonly stream: StreamResults | undefined
  readonly startup: StartupResults | undefined
}): ReadonlyArray<Target> => [
  ...(parts.stream === undefined ? [] : streamTargets(parts.stream)),
  ...(parts.withCreate ? createTargets(parts.contenders, parts.concurrency) : []),
  ...(parts.startup === undefined ? [] : startupTargets(parts.startup)),
  ...editionTargets(parts.stream, parts.startup)
]

/**
 * The Effect 4 edition against the Effect 3 edition, each over undici: at least 1.4× cheaper per
 * event (steady turn CPU, Effect 3 / Effect 4) and 1.3× faster from spawn to exit of the same
 * program's imports. Each runs on its own Node (20 and 22): `undici / undici-node22` in the
 * editions' table says how much of a ratio the Node accounts for.
 */
const editionTargets = (stream: StreamResults | undefined, startup: StartupResults | undefined): ReadonlyArray<Target> => [
  ...(stream?.contenders["effect-undici"] === undefined || stream.contenders["effect4-undici"] === undefined ? [] : [
    target(
      "turn CPU per event, steady: effect-undici / effect4-undici ≥ 1.4",
      ratio(stream.contenders["effect-undici"].turn?.steady.cpuUsPerEvent, stream.contenders["effect4-undici"].turn?.steady.cpuUsPerEvent),
      ">=",
      1.4,
      "ratio"
    )
  ]),
  ...(startup?.effect4 === undefined ? [] : [
    target(
      "import to exit: library, Effect 3 (Node 20) / Effect 4 (Node 22) ≥ 1.3",
      ratio(startup.importToExit.library?.medianMs, startup.effect4.importToExit.library?.medianMs),
      ">=",
      1.3,
      "ratio"
    )
  ])
]

/** One figure of both editions side by side (over undici), and Effect 3's over Effect 4's. */
export interface EditionRow {
  readonly figure: string
  readonly unit: "µs" | "ms" | "KiB" | "calls/s"
  readonly effect3: number | null
  readonly effect4: number | null
  /** Effect 3 / Effect 4: above 1, the Effect 4 edition costs less (or, for calls/s, does less). */
  readonly ratio: number | null
}

/**
 * The editions side by side: the library over undici on each Effect line, its platform floor, and raw
 * undici under each edition's Node (the part of a ratio that is the Node's, not Effect's).
 */
export const computeEditions = (parts: {
  readonly contenders: Record<string, ContenderResult>
  readonly concurrency: number
  readonly stream: StreamResults | undefined
  readonly startup: StartupResults | undefined
}): ReadonlyArray<EditionRow> => {
  const s = parts.stream?.contenders ?? {}
  const c = parts.contenders
  const row = (figure: string, unit: EditionRow["unit"], effect3: number | undefined, effect4: number | undefined): ReadonlyArray<EditionRow> => {
    if (effect3 === undefined && effect4 === undefined) return []
    const r = ratio(effect3, effect4)
    return [{ figure, unit, effect3: effect3 ?? null, effect4: effect4 ?? null, ratio: r !== undefined && Number.isFinite(r) ? r : null }]
  }
  const streamRows = (label: string, e3: string, e4: string) => [
    ...row(`turn CPU per event, steady: ${label}`, "µs", s[e3]?.turn?.steady.cpuUsPerEvent, s[e4]?.turn?.steady.cpuUsPerEvent),
    ...row(`turn CPU per event, first turn: ${label}`, "µs", s[e3]?.turn?.first.cpuUsPerEvent, s[e4]?.turn?.first.cpuUsPerEvent)
  ]
  const cc = `c${parts.concurrency}`
  return [
    ...streamRows("library", "effect-undici", "effect4-undici"),
    ...streamRows("platform floor", "platform-undici", "platform4-undici"),
    ...streamRows("raw undici (the Node)", "undici", "undici-node22"),
    ...row("first event p50, alone: library", "ms", s["effect-undici"]?.firstEvent?.alone.firstEventP50Ms, s["effect4-undici"]?.firstEvent?.alone.firstEventP50Ms),
    ...row(
      `first event p50, ${parts.stream === undefined ? "concurrent" : `c${parts.stream.config.concurrency}`}: library`,
      "ms",
      s["effect-undici"]?.firstEvent?.concurrent.firstEventP50Ms,
      s["effect4-undici"]?.firstEvent?.concurrent.firstEventP50Ms
    ),
    ...row("heap per held turn: library", "KiB", kibOf(s["effect-undici"]?.held?.heapPerTurnBytes), kibOf(s["effect4-undici"]?.held?.heapPerTurnBytes)),
    ...row("heap per held turn: platform floor", "KiB", kibOf(s["platform-undici"]?.held?.heapPerTurnBytes), kibOf(s["platform4-undici"]?.held?.heapPerTurnBytes)),
    ...row(`create ${cc} CPU per call: library`, "µs", c["effect-undici"]?.concurrent?.cpuUsPerCall, c["effect4-undici"]?.concurrent?.cpuUsPerCall),
    ...row(`create ${cc} CPU per call: platform floor`, "µs", c["platform-undici-bare"]?.concurrent?.cpuUsPerCall, c["platform4-undici-bare"]?.concurrent?.cpuUsPerCall),
    ...row(`create ${cc} CPU per call: raw undici (the Node)`, "µs", c["undici"]?.concurrent?.cpuUsPerCall, c["undici-node22"]?.concurrent?.cpuUsPerCall),
    ...row(`create ${cc} throughput: library`, "calls/s", c["effect-undici"]?.concurrent?.callsPerSec, c["effect4-undici"]?.concurrent?.callsPerSec),
    ...row("import to exit: library", "ms", parts.startup?.importToExit.library?.medianMs, parts.startup?.effect4?.importToExit.library?.medianMs),
    ...row("import to exit: platform floor", "ms", parts.startup?.importToExit.platform?.medianMs, parts.startup?.effect4?.importToExit.platform?.medianMs),
    ...row("node -e 0 (the Node)", "ms", parts.startup?.node?.medianMs, parts.startup?.effect4?.node?.medianMs)
  ]
}

const kibOf = (bytes: number | undefined): number | undefined => (bytes === undefined ? undefined : bytes / 1024)
