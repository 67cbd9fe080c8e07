import { parseArgs } from "node:util"
import { defaultResultsDir } from "./paths.js"

export interface Options {
  readonly quick: boolean
  /** Calls in each measured phase (sequential and concurrent) of one round. */
  readonly calls: number
  readonly warmupCalls: number
  readonly rounds: number
  readonly concurrency: number
  /** Total calls of the memory run; heap is also read at a tenth of it. */
  readonly memoryCalls: number
  readonly coldSpawns: number
  /** Contender names, or empty for all. */
  readonly only: ReadonlyArray<string>
  readonly outDir: string
}

export const usage = `npm run bench -- [flags]
  --calls N         calls per measured phase, sequential and concurrent (default 3000)
  --rounds R        rounds of all contenders, median reported (default 5)
  --concurrency C   in-flight creates in the concurrent phase (default 64)
  --memory-calls N  calls of the memory run; heap also read at N/10 (default 100000)
  --cold-spawns K   fresh processes per contender for cold start (default 7)
  --only a,b        only these contenders (undici, fetch, sdk, effect-undici, effect-fetch,
                    and the references effect-platform, effect-fibers, platform-undici-bare,
                    platform-fetch-bare)
  --out DIR         where results go (default bench/results)
  --quick           smoke run: 100 calls, 1 round, 1 cold spawn, 500 memory calls
  --help`

const positiveInteger = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} wants a positive integer, got ${value}`)
  return n
}

/** Reads the flags; explicit flags win over the values `--quick` implies. */
export const parseFlags = (argv: ReadonlyArray<string>): Options | "help" => {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      calls: { type: "string" },
      rounds: { type: "string" },
      concurrency: { type: "string" },
      "memory-calls": { type: "string" },
      "cold-spawns": { type: "string" },
      only: { type: "string" },
      out: { type: "string" },
      quick: { type: "boolean", default: false },
      help: { type: "boolean", default: false }
    }
  })
  if (values.help === true) return "help"
  const quick = values.quick === true
  const calls = positiveInteger("calls", values.calls, quick ? 100 : 3_000)
  const memoryCalls = positiveInteger("memory-calls", values["memory-calls"], quick ? 500 : 100_000)
  if (memoryCalls < 10) throw new Error("--memory-calls must be at least 10")
  return {
    quick,
    calls,
    warmupCalls: Math.min(2_000, Math.max(64, Math.ceil(calls / 5))),
    rounds: positiveInteger("rounds", values.rounds, quick ? 1 : 5),
    concurrency: positiveInteger("concurrency", values.concurrency, 64),
    memoryCalls,
    coldSpawns: positiveInteger("cold-spawns", values["cold-spawns"], quick ? 1 : 7),
    only: values.only === undefined ? [] : values.only.split(",").map((name) => name.trim()).filter((name) => name !== ""),
    outDir: values.out ?? defaultResultsDir
  }
}
