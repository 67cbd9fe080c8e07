/**
 * The bench harness (`npm run bench`): what it computes from figures (floor checks, targets, the
 * tables), on figures made up here, and two tiny runs end to end (`--smoke`), side by side: the
 * stream suite (a raw floor, the platform floor and the library over undici, turns of a few hundred
 * events), and the request suites with start-up and the decoders (raw undici, the SDK, the library,
 * the platform floor). Their rows, ratios and JSON must all be there. No timing is asserted: a
 * benchmark is a script that prints numbers.
 */
import { beforeAll, describe, expect, it } from "@effect/vitest"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { parseFlags } from "../../bench/lib/flags.js"
import { render } from "../../bench/lib/report.js"
import type {
  ContenderResult,
  Results,
  StartupResults,
  StreamContenderResult,
  StreamResults
} from "../../bench/lib/results.js"
import { computeEditions, computeFloorChecks, computeTargets, streamFloorLimit } from "../../bench/lib/results.js"

const repoDir = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../..")

// ---------------------------------------------------------------------------------------------
// Made-up figures: each contender's steady CPU per event, first-turn CPU, first event, held heap.

const streamContender = (
  steady: number,
  figures: { readonly first?: number; readonly firstEventMs?: number; readonly heldKiB?: number; readonly floor?: boolean } = {}
): StreamContenderResult => {
  const firstEvent = {
    turns: 10,
    concurrency: 1,
    eventsPerTurn: 5,
    firstEventP50Ms: figures.firstEventMs ?? 2,
    firstEventP99Ms: 5,
    turnP50Ms: 50
  }
  const reading = { heapUsedBytes: 20e6, rssBytes: 100e6 }
  return {
    label: "made up",
    floor: figures.floor === true,
    turn: {
      first: { eventsPerSec: 1e5, cpuUsPerEvent: figures.first ?? steady * 2 },
      steady: { eventsPerSec: 2e5, cpuUsPerEvent: steady }
    },
    firstEvent: { alone: firstEvent, concurrent: { ...firstEvent, concurrency: 256 } },
    held: {
      turns: 1000,
      before: reading,
      held: reading,
      tally: { events: 2000, textChars: 0 },
      heapPerTurnBytes: (figures.heldKiB ?? 50) * 1024,
      rssPerTurnBytes: 0
    },
    rounds: [],
    errors: []
  }
}

const smokeFlags = parseFlags(["--smoke"])
if (smokeFlags === "help") throw new Error("no help asked")

const streamResults = (contenders: Record<string, StreamContenderResult>): StreamResults => ({
  config: smokeFlags.stream,
  expected: { turn: { events: 300, textChars: 0 }, memory: { events: 2000, textChars: 0 } },
  contenders
})

const createContender = (cpuUsPerCall: number, callsPerSec: number): ContenderResult => ({
  label: "made up",
  reference: false,
  concurrent: { callsPerSec, cpuUsPerCall, p50Ms: 1, p99Ms: 2 },
  sequential: { callsPerSec, cpuUsPerCall, p50Ms: 1, p99Ms: 2 },
  rounds: [],
  coldStart: {},
  errors: []
})

const startup = (libraryMs: number, platformMs: number, cliMs: number, nodeMs: number): StartupResults => ({
  node: { medianMs: nodeMs, spawns: 5 },
  importToExit: { library: { medianMs: libraryMs, spawns: 5 }, platform: { medianMs: platformMs, spawns: 5 } },
  cli: { status: "measured", bin: "./dist/cli/main.js", args: ["--help"], buildSec: 30, help: { medianMs: cliMs, spawns: 5 } },
  errors: []
})

describe("the floor check", () => {
  it("flags a platform floor that costs much more than raw undici, and passes one that does not", () => {
    const fair = computeFloorChecks(
      streamResults({ undici: streamContender(4, { floor: true }), "platform-undici": streamContender(5, { floor: true }) }),
      {},
      64
    )
    expect(fair).toEqual([
      expect.objectContaining({ floor: "platform-undici", raw: "undici", ratio: 1.25, firstTurnRatio: 1.25, limit: streamFloorLimit, inflated: false })
    ])
    const inflated = computeFloorChecks(
      streamResults({ undici: streamContender(4, { floor: true }), "platform-undici": streamContender(10.4, { floor: true }) }),
      {},
      64
    )
    expect(inflated[0]?.ratio).toBeCloseTo(2.6)
    expect(inflated[0]?.inflated).toBe(true)
  })

  it("checks the floor over fetch against raw fetch, and only reports it against raw undici", () => {
    const checks = computeFloorChecks(
      streamResults({
        undici: streamContender(4),
        fetch: streamContender(6),
        "platform-fetch": streamContender(12)
      }),
      {},
      64
    )
    expect(checks.map((c) => [`${c.floor}/${c.raw}`, c.ratio, c.inflated])).toEqual([
      ["platform-fetch/fetch", 2, true],
      ["platform-fetch/undici", 3, null]
    ])
  })

  it("reports the create floors against the raw clients at the concurrency", () => {
    const checks = computeFloorChecks(undefined, {
      undici: createContender(50, 10_000),
      "platform-undici-bare": createContender(250, 5_000)
    }, 64)
    expect(checks).toEqual([
      { suite: "create", floor: "platform-undici-bare", raw: "undici", figure: "c64 CPU per call", ratio: 5, limit: null, inflated: null }
    ])
  })
})

describe("the targets", () => {
  const stream = streamResults({
    undici: streamContender(4, { floor: true }),
    "platform-undici": streamContender(5, { floor: true, firstEventMs: 2, heldKiB: 50 }),
    // 1.4× the floor (met), first event 1.5 ms later (missed), 1.3× the held heap (missed)
    "effect-undici": streamContender(7, { firstEventMs: 3.5, heldKiB: 65 })
  })
  const contenders = {
    sdk: createContender(600, 2_000),
    "effect-undici": createContender(360, 4_100),
    "platform-undici-bare": createContender(300, 4_600)
  }
  const targets = computeTargets({ contenders, concurrency: 64, withCreate: true, stream, startup: startup(880, 800, 450, 100) })
  const met = (prefix: string) => targets.find((t) => t.description.startsWith(prefix))

  it("reads every target of the issue from one run, met or missed by its limit", () => {
    expect(met("turn CPU per event, steady: effect-undici / platform-undici")).toMatchObject({ value: 1.4, met: true })
    expect(met("first event p50, alone: effect-undici − platform-undici")).toMatchObject({ value: 1.5, met: false })
    expect(met("heap per held turn: effect-undici / platform-undici")?.value).toBeCloseTo(1.3)
    expect(met("heap per held turn: effect-undici / platform-undici")?.met).toBe(false)
    expect(met("create c64 throughput: effect-undici / sdk")).toMatchObject({ value: 2.05, met: true })
    expect(met("create c64 CPU per call: effect-undici / platform-undici-bare")).toMatchObject({ value: 1.2, met: true })
    expect(met("import to exit, deep imports: library / platform floor")).toMatchObject({ value: 1.1, met: true })
    expect(met("llamacloud-chat --help, spawn to exit: CLI / node -e 0")).toMatchObject({ value: 4.5, met: false })
  })

  it("leaves out the targets of a transport that did not run, and marks a missing figure n/a", () => {
    expect(targets.some((t) => t.description.includes("effect-fetch"))).toBe(false)
    const withoutHeld = computeTargets({
      contenders: {},
      concurrency: 64,
      withCreate: false,
      stream: streamResults({ "platform-undici": streamContender(5), "effect-undici": { ...streamContender(6), held: undefined } as never }),
      startup: undefined
    })
    expect(withoutHeld.find((t) => t.description.startsWith("heap per held turn"))?.met).toBeNull()
    expect(withoutHeld.some((t) => t.description.startsWith("create"))).toBe(false)
  })

  it("prints the floor checks and the targets with met and missed", () => {
    const inflatedStream = streamResults({ ...stream.contenders, "platform-undici": streamContender(10.4, { floor: true }) })
    const text = render({
      schemaVersion: 3,
      date: "2026-12-07T00:00:00.000Z",
      quick: true,
      smoke: true,
      suites: ["stream"],
      config: { calls: 1, warmupCalls: 1, rounds: 1, operationRounds: 1, concurrency: 64, memoryCalls: 10, memoryCheckpointCalls: 1, coldSpawns: 1, operationCalls: 1 },
      machine: {
        cpuModel: "made up",
        cores: 2,
        node: process.version,
        platform: "linux",
        totalMemoryBytes: 1,
        loadAverageAtEnd: [0, 0, 0],
        versions: {},
        undiciInsideNode: undefined,
        commit: undefined
      },
      contenders: {},
      stream: inflatedStream,
      floorChecks: computeFloorChecks(inflatedStream, {}, 64),
      targets,
      errors: [],
      durations: { build: 1, stream: 2 },
      durationSec: 3
    } satisfies Results)
    expect(text).toMatch(/platform-undici \/ undici\s+turn CPU per event\s+2\.60×.*INFLATED/)
    expect(text).toMatch(/floor platform-undici is inflated: 2\.60×/)
    expect(text).toMatch(/turn CPU per event, steady: effect-undici \/ platform-undici ≤ 1\.5\s+1\.40×\s+met/)
    expect(text).toMatch(/first event p50, alone: effect-undici − platform-undici ≤ 1 ms\s+\+1\.50 ms\s+MISSED/)
    expect(text).toContain("Took build 1 s, stream 2 s; 3 s in all")
  })
})

describe("the Effect 4 edition's rows", () => {
  const stream = streamResults({
    undici: streamContender(4, { floor: true }),
    "platform-undici": streamContender(5, { floor: true, firstEventMs: 2, heldKiB: 50 }),
    "effect-undici": streamContender(7, { firstEventMs: 3.5, heldKiB: 65 }),
    "undici-node22": streamContender(2.5, { floor: true }),
    // 1.4× raw undici under its Node (ok), 0.875× raw undici under Node 20 (reported)
    "platform4-undici": streamContender(3.5, { floor: true, firstEventMs: 2, heldKiB: 40 }),
    // 1.25× its floor (met), first event 0.5 ms after it (met), 1.25× its held heap (missed); 7 / 4.375 = 1.6× cheaper than Effect 3's (met)
    "effect4-undici": streamContender(4.375, { firstEventMs: 2.5, heldKiB: 50 })
  })
  const contenders = {
    undici: createContender(100, 10_000),
    "effect-undici": createContender(360, 4_100),
    "platform-undici-bare": createContender(300, 4_600),
    "undici-node22": createContender(80, 11_000),
    "platform4-undici-bare": createContender(200, 6_000),
    "effect4-undici": createContender(240, 5_000)
  }
  const withEffect4: StartupResults = {
    ...startup(880, 800, 450, 100),
    effect4: { node: { medianMs: 60, spawns: 5 }, importToExit: { library: { medianMs: 640, spawns: 5 }, platform: { medianMs: 600, spawns: 5 } } }
  }
  const targets = computeTargets({ contenders, concurrency: 64, withCreate: true, stream, startup: withEffect4 })
  const met = (prefix: string) => targets.find((t) => t.description.startsWith(prefix))

  it("checks the Effect 4 platform floor against raw undici under its own Node, and reports it against Node 20's", () => {
    const checks = computeFloorChecks(stream, contenders, 64)
    expect(checks.filter((c) => c.floor.startsWith("platform4")).map((c) => [`${c.floor}/${c.raw}`, c.ratio, c.limit, c.inflated])).toEqual([
      ["platform4-undici/undici-node22", 1.4, streamFloorLimit, false],
      ["platform4-undici/undici", 0.875, null, null],
      ["platform4-undici-bare/undici-node22", 2.5, null, null]
    ])
  })

  it("reads the Effect 4 edition's targets against its own floor, as the Effect 3 edition's", () => {
    expect(met("turn CPU per event, steady: effect4-undici / platform4-undici")).toMatchObject({ value: 1.25, met: true })
    expect(met("first event p50, alone: effect4-undici − platform4-undici")).toMatchObject({ value: 0.5, met: true })
    expect(met("heap per held turn: effect4-undici / platform4-undici")).toMatchObject({ value: 1.25, met: false })
    expect(met("create c64 CPU per call: effect4-undici / platform4-undici-bare")).toMatchObject({ value: 1.2, met: true })
    expect(met("import to exit, Effect 4 (Node 22): library / platform floor")?.value).toBeCloseTo(640 / 600)
  })

  it("reads the editions' targets: Effect 4 at least 1.4× cheaper per event and 1.3× faster to start", () => {
    expect(met("turn CPU per event, steady: effect-undici / effect4-undici ≥ 1.4")).toMatchObject({ value: 1.6, met: true })
    expect(met("import to exit: library, Effect 3 (Node 20) / Effect 4 (Node 22) ≥ 1.3")).toMatchObject({ value: 1.375, met: true })
  })

  it("leaves the Effect 4 targets out of a run without its rows", () => {
    const effect3Only = computeTargets({
      contenders: { "effect-undici": contenders["effect-undici"], "platform-undici-bare": contenders["platform-undici-bare"] },
      concurrency: 64,
      withCreate: true,
      stream: streamResults({ "platform-undici": stream.contenders["platform-undici"]!, "effect-undici": stream.contenders["effect-undici"]! }),
      startup: startup(880, 800, 450, 100)
    })
    expect(effect3Only.some((t) => t.description.includes("effect4") || t.description.includes("Effect 4"))).toBe(false)
  })

  it("puts both editions side by side, Effect 3 over Effect 4, with the Node's share beside them", () => {
    const rows = computeEditions({ contenders, concurrency: 64, stream, startup: withEffect4 })
    const row = (figure: string) => rows.find((r) => r.figure === figure)
    expect(row("turn CPU per event, steady: library")).toMatchObject({ effect3: 7, effect4: 4.375, ratio: 1.6 })
    expect(row("turn CPU per event, steady: raw undici (the Node)")).toMatchObject({ effect3: 4, effect4: 2.5, ratio: 1.6 })
    expect(row("heap per held turn: library")).toMatchObject({ effect3: 65, effect4: 50, ratio: 1.3 })
    expect(row("create c64 CPU per call: library")).toMatchObject({ effect3: 360, effect4: 240, ratio: 1.5 })
    expect(row("create c64 throughput: library")).toMatchObject({ effect3: 4_100, effect4: 5_000, ratio: 0.82 })
    expect(row("import to exit: library")).toMatchObject({ effect3: 880, effect4: 640, ratio: 1.375 })
    expect(row("node -e 0 (the Node)")).toMatchObject({ effect3: 100, effect4: 60 })
    const text = render({
      schemaVersion: 3,
      date: "2026-12-07T00:00:00.000Z",
      quick: true,
      smoke: true,
      suites: ["stream"],
      config: { calls: 1, warmupCalls: 1, rounds: 1, operationRounds: 1, concurrency: 64, memoryCalls: 10, memoryCheckpointCalls: 1, coldSpawns: 1, operationCalls: 1 },
      machine: {
        cpuModel: "made up",
        cores: 2,
        node: process.version,
        platform: "linux",
        totalMemoryBytes: 1,
        loadAverageAtEnd: [0, 0, 0],
        versions: {},
        undiciInsideNode: undefined,
        commit: undefined
      },
      contenders: {},
      stream,
      startup: withEffect4,
      floorChecks: computeFloorChecks(stream, {}, 64),
      targets,
      editions: rows,
      errors: [],
      durations: { stream: 2 },
      durationSec: 2
    } satisfies Results)
    expect(text).toMatch(/effect4-undici\s+8\.75\s+100,000\s+4\.38\s+200,000\s+—\s+1\.25×\s+1\.25×/)
    expect(text).toMatch(/turn CPU per event, steady: library\s+µs\s+7\.00\s+4\.38\s+1\.60×/)
    expect(text).toMatch(/Effect 4, deep: library \(effect4\/bench\/startup\/library\)\s+640\.0\s+1\.07×\s+Effect 4 floor/)
    expect(text).toMatch(/turn CPU per event, steady: effect-undici \/ effect4-undici ≥ 1\.4\s+1\.60×\s+met/)
    expect(text).toMatch(/platform4-undici \/ undici-node22\s+turn CPU per event\s+1\.40×\s+1\.40×\s+≤ 1\.5×\s+ok/)
  })
})

describe("the flags", () => {
  it("measure the steady state after warm-up turns, and keep --quick and --suite", () => {
    const full = parseFlags([])
    const quick = parseFlags(["--quick", "--suite", "stream,startup"])
    if (full === "help" || quick === "help") throw new Error("no help asked")
    expect(full.stream).toMatchObject({ turnEvents: 50_000, warmupTurns: 2, steadyTurns: 5, rounds: 3 })
    expect(quick.suites).toEqual(["stream", "startup"])
    expect(quick.quick).toBe(true)
    expect(quick.stream.turnEvents).toBeLessThan(full.stream.turnEvents)
  })

  it("measure both editions unless told otherwise, the smoke run only the Effect 3 one", () => {
    const full = parseFlags([])
    const smoke = parseFlags(["--smoke"])
    const only4 = parseFlags(["--editions", "4"])
    if (full === "help" || smoke === "help" || only4 === "help") throw new Error("no help asked")
    expect(full.editions).toEqual([3, 4])
    expect(smoke.editions).toEqual([3])
    expect(only4.editions).toEqual([4])
    expect(() => parseFlags(["--editions", "5"])).toThrow(/--editions wants 3, 4 or 3,4/)
  })
})

// ---------------------------------------------------------------------------------------------
// Two tiny runs end to end, side by side: the stream suite, and the request suites with start-up
// and the decoders.

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  readonly results: Results
}

const runHarness = (args: ReadonlyArray<string>): Promise<Run> => {
  const outDir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-llamacloud-bench-"))
  return new Promise((resolve, reject) => {
    const child = ChildProcess.spawn(
      process.execPath,
      ["--import", "tsx", "bench/run.ts", "--smoke", ...args, "--out", outDir],
      { cwd: repoDir, stdio: ["ignore", "pipe", "pipe"] }
    )
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.on("error", reject)
    child.on("close", (code) => {
      const file = Path.join(outDir, "quick.tmp.json")
      const results: Results = Fs.existsSync(file) ? JSON.parse(Fs.readFileSync(file, "utf8")) : undefined
      Fs.rmSync(outDir, { recursive: true, force: true })
      resolve({ code, stdout, stderr, results })
    })
  })
}

const streamContenders = ["undici", "platform-undici", "effect-undici"]
const requestContenders = ["undici", "sdk", "effect-undici", "platform-undici-bare"]
let streamRun: Run
let requestRun: Run
let results: Results

beforeAll(async () => {
  ;[streamRun, requestRun] = await Promise.all([
    runHarness(["--suite", "stream", "--only", streamContenders.join(",")]),
    runHarness(["--suite", "create,operations,startup,decode", "--only", requestContenders.join(",")])
  ])
  results = streamRun.results
}, 300_000)

describe("a smoke run of the stream suite", () => {
  it("exits with every contender's turns read and its JSON written", () => {
    expect(streamRun.stderr).not.toMatch(/failed \(/)
    expect(streamRun.code).toBe(0)
    expect(results.smoke).toBe(true)
    expect(results.errors).toEqual([])
    expect(Object.keys(results.stream?.contenders ?? {})).toEqual(streamContenders)
    for (const name of streamContenders) expect(results.stream?.contenders[name]?.errors, name).toEqual([])
  })

  it.each(streamContenders)("gives %s's first turn and its steady state, from the steady turns it read", (name) => {
    const contender = results.stream?.contenders[name]
    const config = results.stream!.config
    for (const figure of [contender?.turn?.first, contender?.turn?.steady]) {
      expect(figure?.cpuUsPerEvent).toBeGreaterThan(0)
      expect(figure?.eventsPerSec).toBeGreaterThan(0)
    }
    expect(contender?.rounds.map((round) => round.steady.turns)).toEqual([config.steadyTurns])
    expect(contender?.rounds[0]?.steady.cpuUsPerEventMin).toBeLessThanOrEqual(contender?.rounds[0]?.steady.cpuUsPerEventMax ?? 0)
    expect(contender?.firstEvent?.alone.turns).toBe(config.aloneTurns)
    expect(contender?.held?.turns).toBe(config.heldTurns)
  })

  it("checks the platform floor against raw undici and computes the stream targets", () => {
    const check = results.floorChecks.find((c) => c.floor === "platform-undici" && c.raw === "undici")
    const steady = results.stream!.contenders
    expect(check?.ratio).toBeCloseTo(steady["platform-undici"]!.turn!.steady.cpuUsPerEvent / steady["undici"]!.turn!.steady.cpuUsPerEvent)
    expect(check?.inflated).toBe((check?.ratio ?? 0) > streamFloorLimit)
    const targets = results.targets.map((t) => t.description)
    expect(targets).toEqual(expect.arrayContaining([
      "turn CPU per event, steady: effect-undici / platform-undici ≤ 1.5",
      "first event p50, alone: effect-undici − platform-undici ≤ 1 ms",
      "heap per held turn: effect-undici / platform-undici ≤ 1.2"
    ]))
    for (const t of results.targets) expect(t.met, t.description).not.toBeNull()
  })

  it("prints the turn table, the floor check and the targets", () => {
    for (const title of ["Streamed turns of", "Time to first event", "Floors against the raw client", "Targets (read from this run)", "stream "]) {
      expect(streamRun.stdout).toContain(title)
    }
  })

  it("keeps summaries in its JSON, not every sample", () => {
    const json = JSON.stringify(results)
    expect(json).not.toContain("firstEventMs\"")
    expect(json).not.toContain("turnMs\"")
  })
})

describe("a smoke run of the request suites, start-up and the decoders", () => {
  it("exits with every contender measured", () => {
    expect(requestRun.stderr).not.toMatch(/failed \(/)
    expect(requestRun.code).toBe(0)
    expect(requestRun.results.errors).toEqual([])
    expect(Object.keys(requestRun.results.contenders)).toEqual(requestContenders)
  })

  it.each(requestContenders)("measures %s's creates, a list page and a retrieve, sequentially and concurrently", (name) => {
    const contender = requestRun.results.contenders[name]
    expect(contender?.errors).toEqual([])
    for (const phase of [
      contender?.sequential,
      contender?.concurrent,
      contender?.operations?.listPage?.concurrent,
      contender?.operations?.retrieve?.concurrent
    ]) {
      expect(phase?.cpuUsPerCall).toBeGreaterThan(0)
      expect(phase?.callsPerSec).toBeGreaterThan(0)
    }
    expect(contender?.coldStart.nodeModules?.firstCreateMs).toBeGreaterThan(0)
    expect(contender?.coldStart.bundled?.firstCreateMs).toBeGreaterThan(0)
  })

  it("reports the create floor against raw undici and reads the create and start-up targets", () => {
    const { contenders, floorChecks, startup, targets } = requestRun.results
    const check = floorChecks.find((c) => c.floor === "platform-undici-bare")
    expect(check?.ratio).toBeCloseTo(contenders["platform-undici-bare"]!.concurrent!.cpuUsPerCall / contenders["undici"]!.concurrent!.cpuUsPerCall)
    expect(check?.inflated).toBeNull()
    expect(startup?.node?.medianMs).toBeGreaterThan(0)
    expect(startup?.importToExit.library?.medianMs).toBeGreaterThan(0)
    expect(startup?.importToExit.platform?.medianMs).toBeGreaterThan(0)
    // The smoke run does not run `npm run build`, so there is no CLI to time.
    expect(startup?.cli).toMatchObject({ status: "absent" })
    const read = targets.map((t) => t.description)
    expect(read).toEqual(expect.arrayContaining([
      "create c8 throughput: effect-undici / sdk ≥ 2",
      "create c8 CPU per call: effect-undici / platform-undici-bare ≤ 1.3",
      "import to exit, deep imports: library / platform floor ≤ 1.1"
    ]))
    for (const t of targets) expect(t.met, t.description).not.toBeNull()
  })

  it("times every decoder and prints every table", () => {
    expect(requestRun.results.decode?.rows.length).toBeGreaterThan(0)
    for (const row of requestRun.results.decode?.rows ?? []) expect(row.microseconds).toBeGreaterThan(0)
    for (const title of ["Create: throughput", "Other operations", "Start-up: ms from spawn to exit", "Decoding in isolation", "Targets"]) {
      expect(requestRun.stdout).toContain(title)
    }
  })
})
