import * as Path from "node:path"
import { parseArgs } from "node:util"
import { defaultResultsDir } from "./paths.js"

/**
 * What a run measures:
 * - `create`: create per call, sequential and at concurrency (throughput, CPU, latency), its memory,
 *   cold start to a first create and bundle size;
 * - `operations`: a list page and retrieve with a long history, a row each;
 * - `stream`: the streamed turn (first turn and steady state, first event, heap);
 * - `startup`: a process that only imports, to its exit (the library against the platform floor,
 *   deep imports on both sides), and the CLI as `npm run build` produces it against `node -e 0`;
 * - `decode`: the response and event decoders in isolation, in one process.
 * - `rate-limit`: what a `RateLimitPolicy` token costs per call, memory store and Redis on loopback
 *   (bench/rateLimit/suite.ts, self-contained: it prints its own table).
 *
 * A new suite: add its name here and to `allSuites`, a module `bench/<name>/suite.ts` (or
 * `bench/lib/<name>.ts`) that returns its figures, a line in `run.ts`'s suite list, its field in
 * `Results` (lib/results.ts), its table in lib/report.ts and its targets, if any, in
 * `computeTargets`.
 */
export type Suite = "create" | "operations" | "stream" | "startup" | "decode" | "rate-limit"

export const allSuites: ReadonlyArray<Suite> = ["create", "operations", "stream", "startup", "decode", "rate-limit"]

export interface StreamOptions {
  /** Events of every turn of the turn figures (events/s, CPU per event). */
  readonly turnEvents: number
  /**
   * After the process's first turn (measured on its own): turns read and not measured, then turns
   * measured; the steady-state figure is their median.
   */
  readonly warmupTurns: number
  readonly steadyTurns: number
  /** Rounds of the turn and first-event figures, each a fresh process per contender. */
  readonly rounds: number
  /** Paced turns one at a time per round, and their events. */
  readonly aloneTurns: number
  readonly aloneEvents: number
  /** Paced turns per round in the concurrent phase, their events, and how many at once. */
  readonly concurrentTurns: number
  readonly concurrentEvents: number
  readonly concurrency: number
  /** Events of the memory turn; heap read after `memoryEvents / 10` and after `memoryEvents - 1`. */
  readonly memoryEvents: number
  /** Turns held open at once. */
  readonly heldTurns: number
}

export interface Options {
  readonly suites: ReadonlyArray<Suite>
  readonly quick: boolean
  /**
   * The harness's own check: every contender once, tiny sizes, all of a contender's tasks in one
   * process. Its figures mean nothing; it shows the harness produces them.
   */
  readonly smoke: boolean
  /** Calls in each measured phase (sequential and concurrent) of one round. */
  readonly calls: number
  readonly warmupCalls: number
  /** Calls per phase for the other operations (a retrieve reads a long history). */
  readonly operationCalls: number
  readonly rounds: number
  /** Rounds of the other operations (a retrieve round takes longest of all). */
  readonly operationRounds: number
  readonly concurrency: number
  /** Total calls of the memory run; heap is also read at a tenth of it. */
  readonly memoryCalls: number
  readonly coldSpawns: number
  readonly stream: StreamOptions
  /** Contender names, or empty for all. */
  readonly only: ReadonlyArray<string>
  /**
   * The editions measured: 3 (the top's) and, with 4, the Effect 4 edition's rows under a Node 22
   * (its platform floor and raw undici under that Node too, and its start-up).
   */
  readonly editions: ReadonlyArray<3 | 4>
  readonly outDir: string
  /**
   * A copy of `src/` with a proposed change, installed as the library in place of `src/` (what the
   * contenders load from node_modules; bundled builds still take `src/`). The run writes to
   * `quick.tmp.json` like a quick run: its figures describe no commit.
   */
  readonly library: string | undefined
}

export const usage = `npm run bench -- [flags]
  --suite a,b         what to measure: create, operations, stream, startup, decode, rate-limit (default all)
  --calls N           create calls per measured phase, sequential and concurrent (default 2000)
  --operation-calls N list-page and retrieve calls per phase (default 300)
  --rounds R          rounds of the create contenders, median reported (default 5)
  --operation-rounds R  rounds of the other operations (default 3)
  --concurrency C     in-flight calls in the concurrent phase (default 64)
  --memory-calls N    calls of the create memory run; heap also read at N/10 (default 30000)
  --cold-spawns K     fresh processes per contender for cold start and start-up (default 5)
  --turn-events N     events of every turn of the turn figures (default 50000)
  --warmup-turns N    turns after the first, read and not measured (default 2)
  --steady-turns N    turns measured after those, median reported (default 5)
  --memory-events N   events of the stream memory turn; heap also read at N/10 (default 500000)
  --held-turns N      turns held open at once (default 1000)
  --stream-concurrency C  paced turns at once for the concurrent first-event figure (default 256)
  --stream-rounds R   fresh processes per stream contender, median of rounds (default 3)
  --only a,b          only these contenders (create: undici, fetch, sdk, effect-undici, effect-fetch,
                      effect-platform, effect-fibers, platform-undici-bare, platform-fetch-bare,
                      undici-node22, platform4-undici-bare, effect4-undici;
                      stream: undici, fetch, platform-undici, platform-fetch, sdk, effect-undici,
                      effect-fetch, undici-node22, platform4-undici, effect4-undici)
  --editions 3,4      which editions (default both; --smoke: 3): 4 adds the Effect 4 edition's rows,
                      run under a Node 22 (scripts/effect4.mjs finds or installs one)
  --out DIR           where results go (default bench/results)
  --library DIR       install DIR (a copy of src/ with a proposed change) as the library instead of
                      src/; results go to quick.tmp.json
  --quick             a short measuring run: 1 round, small sizes
  --smoke             the harness's self-check (test/bench): tiny sizes, one process per contender,
                      only undici, sdk, effect-undici and the platform floors over undici unless --only
  --help

Sized for a full run within 15 minutes on a quiet 2-core machine, --quick within a few; the run
prints how long each suite took.`

const positiveInteger = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} wants a positive integer, got ${value}`)
  return n
}

const list = (value: string | undefined): ReadonlyArray<string> =>
  value === undefined ? [] : value.split(",").map((name) => name.trim()).filter((name) => name !== "")

/** What `--smoke` runs unless `--only` says otherwise: one of each kind of child. */
export const smokeContenders: ReadonlyArray<string> = ["undici", "sdk", "effect-undici", "platform-undici-bare", "platform-undici"]

/** Reads the flags; explicit flags win over the values `--quick` and `--smoke` imply. */
export const parseFlags = (argv: ReadonlyArray<string>): Options | "help" => {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      suite: { type: "string" },
      calls: { type: "string" },
      "operation-calls": { type: "string" },
      rounds: { type: "string" },
      concurrency: { type: "string" },
      "memory-calls": { type: "string" },
      "cold-spawns": { type: "string" },
      "turn-events": { type: "string" },
      "warmup-turns": { type: "string" },
      "steady-turns": { type: "string" },
      "operation-rounds": { type: "string" },
      "memory-events": { type: "string" },
      "held-turns": { type: "string" },
      "stream-concurrency": { type: "string" },
      "stream-rounds": { type: "string" },
      only: { type: "string" },
      editions: { type: "string" },
      out: { type: "string" },
      library: { type: "string" },
      quick: { type: "boolean", default: false },
      smoke: { type: "boolean", default: false },
      help: { type: "boolean", default: false }
    }
  })
  if (values.help === true) return "help"
  const smoke = values.smoke === true
  const quick = values.quick === true || smoke
  // Three sizes of everything: a measuring run, a quick one, the smoke check.
  const size = (full: number, short: number, tiny: number) => (smoke ? tiny : quick ? short : full)
  const suites = list(values.suite)
  const unknown = suites.filter((suite) => !allSuites.includes(suite as Suite))
  if (unknown.length > 0) throw new Error(`unknown suite(s): ${unknown.join(", ")}\n${usage}`)
  const calls = positiveInteger("calls", values.calls, size(2_000, 100, 20))
  const memoryCalls = positiveInteger("memory-calls", values["memory-calls"], size(30_000, 500, 100))
  if (memoryCalls < 10) throw new Error("--memory-calls must be at least 10")
  const memoryEvents = positiveInteger("memory-events", values["memory-events"], size(500_000, 100_000, 2_000))
  if (memoryEvents < 20) throw new Error("--memory-events must be at least 20")
  const concurrency = positiveInteger("stream-concurrency", values["stream-concurrency"], size(256, 256, 8))
  const editions = list(values.editions).map(Number)
  if (editions.some((edition) => edition !== 3 && edition !== 4)) throw new Error(`--editions wants 3, 4 or 3,4, got ${values.editions}`)
  return {
    suites: suites.length === 0 ? allSuites : (suites as ReadonlyArray<Suite>),
    quick,
    smoke,
    calls,
    warmupCalls: smoke ? 10 : Math.min(2_000, Math.max(64, Math.ceil(calls / 5))),
    operationCalls: positiveInteger("operation-calls", values["operation-calls"], size(300, 60, 10)),
    rounds: positiveInteger("rounds", values.rounds, size(5, 1, 1)),
    operationRounds: positiveInteger("operation-rounds", values["operation-rounds"], size(3, 1, 1)),
    concurrency: positiveInteger("concurrency", values.concurrency, smoke ? 8 : 64),
    memoryCalls,
    coldSpawns: positiveInteger("cold-spawns", values["cold-spawns"], size(5, 2, 1)),
    stream: {
      turnEvents: positiveInteger("turn-events", values["turn-events"], size(50_000, 10_000, 300)),
      warmupTurns: positiveInteger("warmup-turns", values["warmup-turns"], size(2, 1, 1)),
      steadyTurns: positiveInteger("steady-turns", values["steady-turns"], size(5, 3, 3)),
      rounds: positiveInteger("stream-rounds", values["stream-rounds"], size(3, 1, 1)),
      aloneTurns: size(30, 20, 3),
      aloneEvents: size(5, 5, 3),
      concurrentTurns: size(concurrency * 2, concurrency, concurrency),
      concurrentEvents: size(100, 50, 3),
      concurrency,
      memoryEvents,
      heldTurns: positiveInteger("held-turns", values["held-turns"], size(1_000, 1_000, 10))
    },
    // The smoke run takes a floor, the SDK and the library over undici: every kind of child, few processes.
    only: list(values.only).length > 0 || !smoke ? list(values.only) : smokeContenders,
    // The smoke run stays on this Node and the top's install unless asked for the Effect 4 rows.
    editions: editions.length > 0 ? (editions as ReadonlyArray<3 | 4>) : smoke ? [3] : [3, 4],
    outDir: values.out ?? defaultResultsDir,
    library: values.library === undefined ? undefined : Path.resolve(values.library)
  }
}
