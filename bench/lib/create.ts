/**
 * The request/response suites: create per call (throughput, CPU, latency, memory, cold start) and
 * the other operations (a list page, retrieve with a long history), each contender in fresh child
 * processes. See bench/README.md.
 */
import type { Operation } from "../fixture.js"
import { buildChild, describeBuildError } from "./build.js"
import { effect4Node } from "./effect4.js"
import type { Options } from "./flags.js"
import { Attempts, forEachParallel, log, rotate, stopwatch } from "./harness.js"
import type { BenchServer } from "./processes.js"
import { runTask, runTasks } from "./processes.js"
import type { ChildResult, ChildTask, ColdFigures, MemoryFigures } from "./protocol.js"
import type { ColdVariant, ContenderResult, OperationResult, OtherOperation, RoundResult } from "./results.js"
import { summarizeCold, summarizeMemory, summarizePhase } from "./results.js"

interface ContenderSpec {
  readonly name: string
  readonly label: string
  /** The same program with deep imports (`bench/contenders/<name>.ts`), for cold start. */
  readonly deepImports?: string
  /** A reference point, not an alternative a user picks: no memory run, no targets of its own. */
  readonly reference?: true
  /** Measured for the other operations too (list page, retrieve). */
  readonly operations?: true
  /**
   * A row of the Effect 4 comparison, run under a Node 22: `effect4` compiles it from
   * `effect4/bench/contenders/<source>.ts` (effect4's `effect`), `node22` from `contenders/<source>.ts`
   * (no Effect at all). Neither has cold-start variants but the installed one.
   */
  readonly runtime?: "effect4" | "node22"
  readonly source?: string
}

export const createContenders: ReadonlyArray<ContenderSpec> = [
  { name: "undici", label: "raw undici.request (the floor)", operations: true },
  { name: "fetch", label: "raw fetch", operations: true },
  { name: "sdk", label: "@llamaindex/llama-cloud, client.beta.chat.create, default retries", operations: true },
  {
    name: "effect-undici",
    label: "effect-llamacloud over NodeHttpClient.layerUndici",
    deepImports: "effect-undici-deep",
    operations: true
  },
  {
    name: "effect-fetch",
    label: "effect-llamacloud over FetchHttpClient.layer",
    deepImports: "effect-fetch-deep",
    operations: true
  },
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
    reference: true,
    operations: true
  },
  {
    name: "platform-fetch-bare",
    label: "no library: @effect/platform HttpClient over FetchHttpClient.layer, its span off, body as text",
    reference: true,
    operations: true
  },
  { name: "undici-node22", label: "raw undici.request under Node 22 (the raw floor of the Effect 4 rows)", runtime: "node22", source: "undici" },
  {
    name: "platform4-undici-bare",
    label: "no library: effect/http HttpClient (Effect 4) over layerUndici, its span off, body as text (the Effect 4 transport's floor), Node 22",
    reference: true,
    runtime: "effect4",
    source: "platform-undici-bare"
  },
  {
    name: "effect4-undici",
    label: "the Effect 4 edition over NodeHttpClient.layerUndici, Node 22",
    runtime: "effect4",
    source: "effect-undici"
  }
]

const coldVariants: ReadonlyArray<ColdVariant> = ["nodeModules", "deepImports", "bundled"]
const otherOperations: ReadonlyArray<OtherOperation> = ["listPage", "retrieve"]

/** What the run gathers for one contender. */
export class CreateContender extends Attempts {
  readonly rounds: Array<RoundResult> = []
  readonly operationRounds: Record<OtherOperation, Array<OperationResult["rounds"][number]>> = { listPage: [], retrieve: [] }
  readonly cold: Record<ColdVariant, Array<ColdFigures>> = { nodeModules: [], deepImports: [], bundled: [] }
  memory: MemoryFigures | undefined
  /** Set when a round fails: the contender sits out the later rounds and the memory run. */
  dropped = false
  files: Partial<Record<ColdVariant, string>> = {}
  /** The Node binary of its children (a Node 22 for the Effect 4 rows); undefined: the harness's. */
  node: string | undefined

  /** How its children run: the Node binary, with these flags and this deadline. */
  options(timeoutMs: number, nodeFlags: ReadonlyArray<string> = []) {
    return { ...(this.node === undefined ? {} : { node: this.node }), nodeFlags, timeoutMs }
  }

  constructor(readonly spec: ContenderSpec) {
    super(spec.name)
  }

  result(): ContenderResult {
    const operations = Object.fromEntries(otherOperations.flatMap((operation) => {
      const rounds = this.operationRounds[operation]
      return rounds.length === 0 ? [] : [[operation, {
        sequential: summarizePhase(rounds.map((round) => round.sequential)),
        concurrent: summarizePhase(rounds.map((round) => round.concurrent)),
        rounds
      }]]
    }))
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
      ...(Object.keys(operations).length > 0 ? { operations } : {}),
      errors: this.errors
    }
  }
}

/** Compiles each contender: as installed, bundled whole, and with deep imports where it has them. */
export const buildCreateContender = async (contender: CreateContender, withColdVariants: boolean): Promise<void> => {
  const { deepImports, name, runtime, source } = contender.spec
  const build = async (variant: ColdVariant, source: string, bundled: boolean) => {
    try {
      contender.files[variant] = await buildChild(`contenders/${source}`, source, { bundled })
    } catch (error) {
      contender.errors.push(`build ${source}${bundled ? " (bundled)" : ""}: ${describeBuildError(error)}`)
    }
  }
  if (runtime !== undefined) {
    try {
      contender.node = await effect4Node()
      contender.files.nodeModules = await buildChild(`contenders/${source ?? name}`, name, runtime === "effect4" ? { edition: 4 } : {})
    } catch (error) {
      contender.errors.push(`build ${name}: ${describeBuildError(error)}`)
    }
    return
  }
  await build("nodeModules", name, false)
  if (!withColdVariants) return
  await build("bundled", name, true)
  if (deepImports !== undefined) await build("deepImports", deepImports, false)
}

const coldTimeoutMs = 60_000

export const measureColdStarts = async (
  options: Options,
  server: BenchServer,
  all: ReadonlyArray<CreateContender>,
  emptyFile: string
): Promise<ReadonlyArray<ColdFigures>> => {
  const empty: Array<ColdFigures> = []
  const task = { mode: "cold", baseUrl: server.baseUrl } as const
  for (let spawn = 0; spawn < options.coldSpawns; spawn++) {
    const result = await runTask(emptyFile, task, { timeoutMs: coldTimeoutMs })
    if (result.mode === "cold") empty.push(result.cold)
    for (const contender of rotate(all, spawn)) {
      for (const variant of coldVariants) {
        const file = contender.files[variant]
        if (file === undefined) continue
        const cold = await contender.attempt(`cold start (${variant})`, () => runTask(file, task, contender.options(coldTimeoutMs)))
        if (cold?.mode === "cold") contender.cold[variant].push(cold.cold)
      }
    }
  }
  return empty
}

const throughputTask = (options: Options, server: BenchServer, operation: Operation): ChildTask => {
  const calls = operation === "create" ? options.calls : options.operationCalls
  return {
    mode: "throughput",
    baseUrl: server.baseUrl,
    operation,
    warmupCalls: operation === "create" ? options.warmupCalls : Math.min(options.warmupCalls, calls),
    sequentialCalls: calls,
    concurrentCalls: calls,
    concurrency: options.concurrency
  }
}

/** Rounds of one operation over the contenders, each round-robin and each contender in a fresh process. */
export const measureRounds = async (
  options: Options,
  server: BenchServer,
  all: ReadonlyArray<CreateContender>,
  operation: Operation
): Promise<void> => {
  const lap = stopwatch()
  const task = throughputTask(options, server, operation)
  const callsMade = task.mode === "throughput" ? task.warmupCalls + task.sequentialCalls + task.concurrentCalls : 0
  const taking = all.filter((contender) => operation === "create" || contender.spec.operations === true)
  const rounds = operation === "create" ? options.rounds : options.operationRounds
  for (let round = 1; round <= rounds; round++) {
    log(`${operation} round ${round}/${rounds}`)
    for (const contender of rotate(taking, round - 1)) {
      const file = contender.files.nodeModules
      if (file === undefined || contender.dropped) continue
      const before = operation === "create" ? await server.creates() : 0
      const result = await contender.attempt(`${operation} round ${round}`, () => runTask(file, task, contender.options(900_000)))
      if (result?.mode !== "throughput") {
        contender.dropped = true
        continue
      }
      if (operation === "create") {
        const serverCreates = (await server.creates()) - before
        contender.rounds.push({ round, sequential: result.sequential, concurrent: result.concurrent, serverCreates, callsMade })
        if (serverCreates !== callsMade) {
          contender.errors.push(`round ${round}: the server answered ${serverCreates} creates for ${callsMade} calls`)
        }
      } else {
        contender.operationRounds[operation].push({ round, sequential: result.sequential, concurrent: result.concurrent })
      }
      log(
        `  ${contender.spec.name}: seq ${Math.round(result.sequential.callsPerSec)}/s, ` +
          `c${options.concurrency} ${Math.round(result.concurrent.callsPerSec)}/s (${lap()})`
      )
    }
  }
}

const memoryTask = (options: Options, server: BenchServer): ChildTask => ({
  mode: "memory",
  baseUrl: server.baseUrl,
  checkpointCalls: Math.max(1, Math.floor(options.memoryCalls / 10)),
  totalCalls: options.memoryCalls,
  concurrency: options.concurrency
})

export const measureMemory = async (options: Options, server: BenchServer, all: ReadonlyArray<CreateContender>): Promise<void> => {
  const lap = stopwatch()
  const task = memoryTask(options, server)
  for (const contender of all) {
    const file = contender.files.nodeModules
    if (file === undefined || contender.dropped || contender.spec.reference) continue
    const result = await contender.attempt("memory", () => runTask(file, task, contender.options(900_000, ["--expose-gc"])))
    if (result?.mode === "memory") contender.memory = result.memory
    log(`  ${contender.spec.name} (${lap()})`)
  }
}

/**
 * The smoke run: every contender once, all of its tasks in one process (cold start first, while it
 * is still cold), its other builds for their cold start alone; two processes at a time.
 */
export const smokeCreate = async (
  options: Options,
  server: BenchServer,
  all: ReadonlyArray<CreateContender>,
  withCreate: boolean,
  withOperations: boolean
): Promise<void> => {
  const cold = { mode: "cold", baseUrl: server.baseUrl } as const
  const jobs = all.flatMap((contender) => {
    const tasks: Array<ChildTask> = [
      ...(withCreate ? [cold, throughputTask(options, server, "create")] : []),
      ...(withOperations && contender.spec.operations === true
        ? otherOperations.map((operation) => throughputTask(options, server, operation))
        : []),
      ...(withCreate && contender.spec.reference !== true ? [memoryTask(options, server)] : [])
    ]
    const variants = withCreate ? coldVariants.filter((variant) => variant !== "nodeModules") : []
    return [
      { contender, file: contender.files.nodeModules, tasks },
      ...variants.map((variant) => ({ contender, file: contender.files[variant], tasks: [cold] }))
    ].filter((job) => job.tasks.length > 0)
  })
  await forEachParallel(jobs, 2, async ({ contender, file, tasks }) => {
    if (file === undefined) return
    const results = await contender.attempt("smoke", () => runTasks(file, tasks, contender.options(120_000, ["--expose-gc"])))
    if (results === undefined) return
    const variant = file === contender.files.nodeModules ? "nodeModules" : file === contender.files.bundled ? "bundled" : "deepImports"
    results.forEach((result: ChildResult, i) => {
      const task = tasks[i]!
      if (result.mode === "cold") contender.cold[variant].push(result.cold)
      if (result.mode === "memory") contender.memory = result.memory
      if (result.mode === "throughput" && task.mode === "throughput") {
        const phases = { sequential: result.sequential, concurrent: result.concurrent }
        if (task.operation === "create") contender.rounds.push({ round: 1, ...phases, serverCreates: 0, callsMade: 0 })
        else contender.operationRounds[task.operation].push({ round: 1, ...phases })
      }
    })
  })
}
