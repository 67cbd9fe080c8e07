/**
 * `npm run bench`: what a user pays for effect-llamacloud and the alternatives, side by side in one
 * run: create per call, the other operations, the streamed turn, start-up, bundle bytes, and the
 * decoders in isolation. Prints tables on stdout (progress on stderr) and writes JSON to
 * bench/results/. See bench/README.md.
 */
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { buildChild, buildLibraryPackage } from "./lib/build.js"
import { measureBundles } from "./lib/bundles.js"
import {
  buildCreateContender,
  CreateContender,
  createContenders,
  measureColdStarts,
  measureMemory,
  measureRounds,
  smokeCreate
} from "./lib/create.js"
import { effect4BuildDir, effect4Dir, syncEffect4Core } from "./lib/effect4.js"
import type { Options } from "./lib/flags.js"
import { allSuites, parseFlags, usage } from "./lib/flags.js"
import { describe, log, stopwatch } from "./lib/harness.js"
import { buildDir, repoDir } from "./lib/paths.js"
import { runChildProcess, startServer } from "./lib/processes.js"
import type { ColdFigures } from "./lib/protocol.js"
import { render } from "./lib/report.js"
import type { DecodeResults, Machine, Results, StartupResults, StreamResults } from "./lib/results.js"
import { computeEditions, computeFloorChecks, computeTargets, isBundleSize, summarizeCold } from "./lib/results.js"
import { measureStartup } from "./lib/startup.js"
import { measureRateLimit, type RateLimitResults, rateLimitTable } from "./rateLimit/suite.js"
import { runStreamSuite, streamContenders } from "./stream/suite.js"

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
    ["effect", "@effect/platform", "@effect/platform-node", "undici", "@llamaindex/llama-cloud", "esbuild", "eventsource-parser"].map((
      name
    ) => [name, packageVersion(name)])
  ),
  undiciInsideNode: process.versions["undici"],
  commit
})

/**
 * Writes the JSON; a quick or smoke run goes to a git-ignored file, so it never replaces real
 * figures. A run of some suites only is named after them (`latest-stream.json`), so it does not
 * replace a run of all of them either.
 */
const write = (results: Results, outDir: string): ReadonlyArray<string> => {
  Fs.mkdirSync(outDir, { recursive: true })
  const json = `${JSON.stringify(results, null, 2)}\n`
  const suffix = allSuites.every((suite) => results.suites.includes(suite)) ? "" : `-${results.suites.join("+")}`
  const files = results.quick
    ? [Path.join(outDir, "quick.tmp.json")]
    : [Path.join(outDir, `latest${suffix}.json`), Path.join(outDir, `${results.date.slice(0, 10)}${suffix}.json`)]
  for (const file of files) Fs.writeFileSync(file, json)
  return files
}

const measureDecode = async (options: Options): Promise<DecodeResults | string> => {
  try {
    const file = await buildChild("decode", "decode")
    return await runChildProcess<DecodeResults>(file, options.smoke ? "smoke" : "full", { timeoutMs: 300_000 })
  } catch (error) {
    return describe(error)
  }
}

const main = async (): Promise<number> => {
  const parsed = parseFlags(process.argv.slice(2))
  if (parsed === "help") {
    process.stdout.write(`${usage}\n`)
    return 0
  }
  const options = parsed
  const has = (suite: Options["suites"][number]) => options.suites.includes(suite)
  const startedAt = performance.now()
  // The children are compiled from the tree as it is now; the lead may commit while the run goes on.
  const commit = gitCommit()
  const known = new Set([...createContenders, ...streamContenders].map((c) => c.name))
  const unknown = options.only.filter((name) => !known.has(name))
  if (unknown.length > 0) throw new Error(`unknown contender(s): ${unknown.join(", ")}\n${usage}`)
  const requestSuites = has("create") || has("operations")
  const creates = (requestSuites ? createContenders : [])
    .filter((c) => options.only.length === 0 || options.only.includes(c.name))
    .filter((c) => has("create") || c.operations === true)
    .filter((c) => options.editions.includes(c.runtime === undefined ? 3 : 4))
    .map((spec) => new CreateContender(spec))

  const lap = stopwatch()
  log("building children")
  await buildLibraryPackage(options.library)
  // The Effect 4 edition, installed as the Effect 3 one is, in a directory whose node_modules are effect4's.
  if (options.editions.includes(4) && (has("create") || has("stream") || has("startup"))) {
    syncEffect4Core()
    await buildLibraryPackage(Path.join(effect4Dir, "src"), 4)
  }
  const [serverFile, emptyFile] = await Promise.all([
    buildChild("server", "server"),
    buildChild("contenders/empty", "empty"),
    ...creates.map((contender) => buildCreateContender(contender, has("create")))
  ])
  const bundle = has("create") ? await measureBundles(options.smoke ? ["barrel"] : undefined) : undefined
  const server = await startServer(serverFile)
  log(`server on ${server.baseUrl} (${lap()})`)
  let nodeCold: ReadonlyArray<ColdFigures> = []
  let stream: StreamResults | undefined
  let startup: StartupResults | undefined
  let decode: DecodeResults | string | undefined
  let rateLimit: RateLimitResults | undefined
  const errors: Array<string> = []
  const durations: Record<string, number> = { build: (performance.now() - startedAt) / 1000 }
  /**
   * The suites, in the order they run; each is timed on its own. A new suite is one more line here
   * (see `Suite` in lib/flags.ts for the rest of what it needs).
   */
  const steps: ReadonlyArray<readonly [string, boolean, () => Promise<void>]> = [
    ["create", has("create") && options.smoke, () => smokeCreate(options, server, creates, true, has("operations"))],
    ["operations", has("operations") && !has("create") && options.smoke, () => smokeCreate(options, server, creates, false, true)],
    ["create", has("create") && !options.smoke, async () => {
      log(`cold start: ${options.coldSpawns} spawn(s) of each contender and variant`)
      nodeCold = await measureColdStarts(options, server, creates, emptyFile)
      log(`  done (${lap()})`)
      await measureRounds(options, server, creates, "create")
      log(`create memory: ${options.memoryCalls} calls each`)
      await measureMemory(options, server, creates)
    }],
    ["operations", has("operations") && !options.smoke, async () => {
      await measureRounds(options, server, creates, "listPage")
      await measureRounds(options, server, creates, "retrieve")
    }],
    ["stream", has("stream"), async () => {
      stream = await runStreamSuite(options, server)
    }],
    ["startup", has("startup"), async () => {
      startup = await measureStartup(options)
    }],
    ["decode", has("decode"), async () => {
      decode = await measureDecode(options)
    }],
    ["rate-limit", has("rate-limit"), async () => {
      rateLimit = await measureRateLimit(options.smoke ? 200 : options.quick ? 2_000 : 20_000)
      process.stdout.write(`${rateLimitTable(rateLimit)}\n\n`)
    }]
  ]
  try {
    for (const [name, runs, step] of steps) {
      if (!runs) continue
      const stepStart = performance.now()
      await step()
      durations[name] = (durations[name] ?? 0) + (performance.now() - stepStart) / 1000
    }
  } catch (error) {
    errors.push(describe(error))
  } finally {
    server.stop()
  }
  if (typeof decode === "string") errors.push(`decode: ${decode}`)

  const contenderResults = Object.fromEntries(creates.map((c) => [c.spec.name, c.result()]))
  const results: Results = {
    schemaVersion: 3,
    date: new Date().toISOString(),
    // A run of a proposed library is not a measurement of this commit: it never replaces latest.json.
    quick: options.quick || options.library !== undefined,
    smoke: options.smoke,
    ...(options.library === undefined ? {} : { library: options.library }),
    suites: options.suites,
    config: {
      calls: options.calls,
      warmupCalls: options.warmupCalls,
      rounds: options.rounds,
      operationRounds: options.operationRounds,
      concurrency: options.concurrency,
      memoryCalls: options.memoryCalls,
      memoryCheckpointCalls: Math.max(1, Math.floor(options.memoryCalls / 10)),
      coldSpawns: options.coldSpawns,
      operationCalls: options.operationCalls
    },
    machine: machine(commit),
    contenders: contenderResults,
    ...(nodeCold.length > 0 ? { nodeColdStart: summarizeCold(nodeCold) } : {}),
    ...(bundle === undefined ? {} : { bundle }),
    ...(stream === undefined ? {} : { stream }),
    ...(startup === undefined ? {} : { startup }),
    ...(decode === undefined || typeof decode === "string" ? {} : { decode }),
    ...(rateLimit === undefined ? {} : { rateLimit }),
    floorChecks: computeFloorChecks(stream, contenderResults, options.concurrency),
    targets: computeTargets({ contenders: contenderResults, concurrency: options.concurrency, withCreate: has("create"), stream, startup }),
    ...(options.editions.includes(4) ? { editions: computeEditions({ contenders: contenderResults, concurrency: options.concurrency, stream, startup }) } : {}),
    errors,
    durations,
    durationSec: (performance.now() - startedAt) / 1000
  }
  const files = write(results, options.outDir)
  process.stdout.write(render(results))
  log(`wrote ${files.map((file) => Path.relative(process.cwd(), file)).join(", ")}`)

  const complete = errors.length === 0 &&
    creates.every((c) => c.errors.length === 0) &&
    Object.values(stream?.contenders ?? {}).every((c) => c.errors.length === 0) &&
    Object.values(bundle?.programs ?? {}).every(isBundleSize) &&
    (startup?.errors.length ?? 0) === 0
  return complete ? 0 : 1
}

const removeBuild = () => {
  Fs.rmSync(buildDir, { recursive: true, force: true })
  Fs.rmSync(effect4BuildDir, { recursive: true, force: true })
}

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
