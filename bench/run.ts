/**
 * `npm run bench`: what a user pays per call, at start-up and in bundle bytes, for effect-llamacloud
 * and the alternatives, side by side in one run. Prints tables on stdout (progress on stderr) and
 * writes JSON to bench/results/. See bench/README.md.
 */
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { buildChild, describeBuildError } from "./lib/build.js"
import { measureBundles } from "./lib/bundles.js"
import type { Options } from "./lib/flags.js"
import { parseFlags, usage } from "./lib/flags.js"
import { buildDir, repoDir } from "./lib/paths.js"
import type { BenchServer } from "./lib/processes.js"
import { runTask, startServer } from "./lib/processes.js"
import type { ColdFigures, MemoryFigures } from "./lib/protocol.js"
import { render } from "./lib/report.js"
import type { ColdVariant, ContenderResult, Machine, Results, RoundResult } from "./lib/results.js"
import { computeTargets, isBundleSize, summarizeCold, summarizeMemory, summarizePhase } from "./lib/results.js"

interface ContenderSpec {
  readonly name: string
  readonly label: string
  /** The same program with deep imports (`bench/contenders/<name>.ts`), for cold start. */
  readonly deepImports?: string
  /** A reference point, not an alternative a user picks: no memory run, no targets. */
  readonly reference?: true
}

const contenders: ReadonlyArray<ContenderSpec> = [
  { name: "undici", label: "raw undici.request (the floor)" },
  { name: "fetch", label: "raw fetch" },
  { name: "sdk", label: "@llamaindex/llama-cloud, client.beta.chat.create, default retries" },
  {
    name: "effect-undici",
    label: "effect-llamacloud over NodeHttpClient.layerUndici",
    deepImports: "effect-undici-deep"
  },
  { name: "effect-fetch", label: "effect-llamacloud over FetchHttpClient.layer", deepImports: "effect-fetch-deep" },
  {
    name: "effect-platform",
    label: "no library: @effect/platform HttpClient over layerUndici, POST + schemaBodyJson (the Effect floor)",
    reference: true
  },
  {
    name: "effect-fibers",
    label: "no HTTP abstraction: raw undici.request as Effect fibers (the floor of running creates as fibers)",
    reference: true
  },
  {
    name: "platform-undici-bare",
    label: "no library: @effect/platform HttpClient over layerUndici, its span off, body as text (the transport's floor)",
    reference: true
  },
  {
    name: "platform-fetch-bare",
    label: "no library: @effect/platform HttpClient over FetchHttpClient.layer, its span off, body as text",
    reference: true
  }
]

const coldVariants: ReadonlyArray<ColdVariant> = ["nodeModules", "deepImports", "bundled"]

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`)
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error))

// Round-robin, starting one further each time, so no contender always runs first or last.
const rotate = <A>(items: ReadonlyArray<A>, by: number): ReadonlyArray<A> =>
  items.length === 0 ? items : [...items.slice(by % items.length), ...items.slice(0, by % items.length)]

const stopwatch = () => {
  let start = performance.now()
  return () => {
    const seconds = (performance.now() - start) / 1000
    start = performance.now()
    return `${seconds.toFixed(1)} s`
  }
}

const packageVersion = (name: string): string | undefined => {
  try {
    const file = Path.join(repoDir, "node_modules", name, "package.json")
    const { version }: { version?: string } = JSON.parse(Fs.readFileSync(file, "utf8"))
    return version
  } catch {
    return undefined
  }
}

const gitCommit = (): string | undefined => {
  try {
    return ChildProcess.execFileSync("git", ["rev-parse", "HEAD"], { cwd: repoDir, encoding: "utf8" }).trim()
  } catch {
    return undefined
  }
}

const machine = (commit: string | undefined): Machine => ({
  cpuModel: Os.cpus()[0]?.model ?? "unknown",
  cores: Os.availableParallelism(),
  node: process.version,
  platform: `${Os.platform()} ${Os.release()} ${Os.arch()}`,
  totalMemoryBytes: Os.totalmem(),
  loadAverageAtEnd: Os.loadavg(),
  versions: Object.fromEntries(
    ["effect", "@effect/platform", "@effect/platform-node", "undici", "@llamaindex/llama-cloud", "esbuild"].map((
      name
    ) => [name, packageVersion(name)])
  ),
  undiciInsideNode: process.versions["undici"],
  commit
})

/** What the run gathers for one contender. */
class Collected {
  readonly errors: Array<string> = []
  readonly rounds: Array<RoundResult> = []
  readonly cold: Record<ColdVariant, Array<ColdFigures>> = { nodeModules: [], deepImports: [], bundled: [] }
  memory: MemoryFigures | undefined
  /** Set when a round fails: the contender sits out the later rounds and the memory run. */
  dropped = false
  files: Partial<Record<ColdVariant, string>> = {}

  constructor(readonly spec: ContenderSpec) {}

  /** Runs one measurement; a failure becomes an error line, not the end of the run. */
  async attempt<A>(what: string, run: () => Promise<A>): Promise<A | undefined> {
    try {
      return await run()
    } catch (error) {
      this.errors.push(`${what}: ${describe(error)}`)
      log(`${this.spec.name} failed (${what}): ${describe(error)}`)
      return undefined
    }
  }

  result(): ContenderResult {
    return {
      label: this.spec.label,
      reference: this.spec.reference === true,
      ...(this.rounds.length > 0
        ? {
          sequential: summarizePhase(this.rounds.map((round) => round.sequential)),
          concurrent: summarizePhase(this.rounds.map((round) => round.concurrent))
        }
        : {}),
      rounds: this.rounds,
      ...(this.memory ? { memory: summarizeMemory(this.memory) } : {}),
      coldStart: Object.fromEntries(
        coldVariants.flatMap((variant) =>
          this.cold[variant].length > 0 ? [[variant, summarizeCold(this.cold[variant])]] : []
        )
      ),
      errors: this.errors
    }
  }
}

/** Compiles each contender: as written, bundled whole, and with deep imports where it has them. */
const buildContender = async (contender: Collected): Promise<void> => {
  const { name, deepImports } = contender.spec
  const build = async (variant: ColdVariant, source: string, bundled: boolean) => {
    try {
      contender.files[variant] = await buildChild(`contenders/${source}`, source, { bundled })
    } catch (error) {
      contender.errors.push(`build ${source}${bundled ? " (bundled)" : ""}: ${describeBuildError(error)}`)
    }
  }
  await build("nodeModules", name, false)
  await build("bundled", name, true)
  if (deepImports !== undefined) await build("deepImports", deepImports, false)
}

const measureColdStarts = async (
  options: Options,
  server: BenchServer,
  all: ReadonlyArray<Collected>,
  emptyFile: string
): Promise<ReadonlyArray<ColdFigures>> => {
  const empty: Array<ColdFigures> = []
  const task = { mode: "cold", baseUrl: server.baseUrl } as const
  for (let spawn = 0; spawn < options.coldSpawns; spawn++) {
    const result = await runTask(emptyFile, task, { timeoutMs: 60_000 })
    if (result.mode === "cold") empty.push(result.cold)
    for (const contender of rotate(all, spawn)) {
      for (const variant of coldVariants) {
        const file = contender.files[variant]
        if (file === undefined) continue
        const cold = await contender.attempt(`cold start (${variant})`, () => runTask(file, task, { timeoutMs: 60_000 }))
        if (cold?.mode === "cold") contender.cold[variant].push(cold.cold)
      }
    }
  }
  return empty
}

const measureRounds = async (options: Options, server: BenchServer, all: ReadonlyArray<Collected>): Promise<void> => {
  const lap = stopwatch()
  const callsMade = options.warmupCalls + 2 * options.calls
  for (let round = 1; round <= options.rounds; round++) {
    log(`round ${round}/${options.rounds}`)
    for (const contender of rotate(all, round - 1)) {
      const file = contender.files.nodeModules
      if (file === undefined || contender.dropped) continue
      const before = await server.creates()
      const result = await contender.attempt(`round ${round}`, () =>
        runTask(file, {
          mode: "throughput",
          baseUrl: server.baseUrl,
          warmupCalls: options.warmupCalls,
          sequentialCalls: options.calls,
          concurrentCalls: options.calls,
          concurrency: options.concurrency
        }, { timeoutMs: 900_000 }))
      if (result?.mode !== "throughput") {
        contender.dropped = true
        continue
      }
      const serverCreates = (await server.creates()) - before
      contender.rounds.push({ round, ...result, serverCreates, callsMade })
      if (serverCreates !== callsMade) {
        contender.errors.push(`round ${round}: the server answered ${serverCreates} creates for ${callsMade} calls`)
      }
      log(
        `  ${contender.spec.name}: seq ${Math.round(result.sequential.callsPerSec)}/s, ` +
          `c${options.concurrency} ${Math.round(result.concurrent.callsPerSec)}/s (${lap()})`
      )
    }
  }
}

const measureMemory = async (options: Options, server: BenchServer, all: ReadonlyArray<Collected>): Promise<number> => {
  const lap = stopwatch()
  const checkpointCalls = Math.max(1, Math.floor(options.memoryCalls / 10))
  for (const contender of all) {
    const file = contender.files.nodeModules
    if (file === undefined || contender.dropped || contender.spec.reference) continue
    const result = await contender.attempt("memory", () =>
      runTask(file, {
        mode: "memory",
        baseUrl: server.baseUrl,
        checkpointCalls,
        totalCalls: options.memoryCalls,
        concurrency: options.concurrency
      }, { nodeFlags: ["--expose-gc"], timeoutMs: 900_000 }))
    if (result?.mode === "memory") contender.memory = result.memory
    log(`  ${contender.spec.name} (${lap()})`)
  }
  return checkpointCalls
}

/** Writes the JSON; a quick run goes to a git-ignored file, so it never replaces real figures. */
const write = (results: Results, outDir: string): ReadonlyArray<string> => {
  Fs.mkdirSync(outDir, { recursive: true })
  const json = `${JSON.stringify(results, null, 2)}\n`
  const files = results.quick
    ? [Path.join(outDir, "quick.tmp.json")]
    : [Path.join(outDir, "latest.json"), Path.join(outDir, `${results.date.slice(0, 10)}.json`)]
  for (const file of files) Fs.writeFileSync(file, json)
  return files
}

const main = async (): Promise<number> => {
  const parsed = parseFlags(process.argv.slice(2))
  if (parsed === "help") {
    process.stdout.write(`${usage}\n`)
    return 0
  }
  const options = parsed
  const startedAt = performance.now()
  // The children are compiled from the tree as it is now; the lead may commit while the run goes on.
  const commit = gitCommit()
  const unknown = options.only.filter((name) => !contenders.some((c) => c.name === name))
  if (unknown.length > 0) throw new Error(`unknown contender(s): ${unknown.join(", ")}\n${usage}`)
  const all = contenders
    .filter((c) => options.only.length === 0 || options.only.includes(c.name))
    .map((spec) => new Collected(spec))

  const lap = stopwatch()
  log("building children")
  const [serverFile, emptyFile] = await Promise.all([
    buildChild("server", "server"),
    buildChild("contenders/empty", "empty"),
    ...all.map(buildContender)
  ])
  log(`measuring bundles (${lap()})`)
  const bundle = await measureBundles()
  const server = await startServer(serverFile)
  log(`server on ${server.baseUrl} (${lap()})`)
  let nodeCold: ReadonlyArray<ColdFigures> = []
  let memoryCheckpointCalls = 0
  try {
    log(`cold start: ${options.coldSpawns} spawn(s) of each contender and variant`)
    nodeCold = await measureColdStarts(options, server, all, emptyFile)
    log(`  done (${lap()})`)
    await measureRounds(options, server, all)
    log(`memory: ${options.memoryCalls} calls each`)
    memoryCheckpointCalls = await measureMemory(options, server, all)
  } finally {
    server.stop()
  }

  const contenderResults = Object.fromEntries(all.map((c) => [c.spec.name, c.result()]))
  const results: Results = {
    schemaVersion: 1,
    date: new Date().toISOString(),
    quick: options.quick,
    config: {
      calls: options.calls,
      warmupCalls: options.warmupCalls,
      rounds: options.rounds,
      concurrency: options.concurrency,
      memoryCalls: options.memoryCalls,
      memoryCheckpointCalls,
      coldSpawns: options.coldSpawns
    },
    machine: machine(commit),
    contenders: contenderResults,
    ...(nodeCold.length > 0 ? { nodeColdStart: summarizeCold(nodeCold) } : {}),
    bundle,
    targets: computeTargets(contenderResults, bundle.marginal, options.concurrency),
    durationSec: (performance.now() - startedAt) / 1000
  }
  const files = write(results, options.outDir)
  process.stdout.write(render(results))
  log(`wrote ${files.map((file) => Path.relative(process.cwd(), file)).join(", ")}`)

  const complete = all.every((c) => c.errors.length === 0) && Object.values(bundle.programs).every(isBundleSize)
  return complete ? 0 : 1
}

const removeBuild = () => Fs.rmSync(buildDir, { recursive: true, force: true })

main().then(
  (code) => {
    removeBuild()
    process.exit(code)
  },
  (error: unknown) => {
    removeBuild()
    process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`)
    process.exit(2)
  }
)
