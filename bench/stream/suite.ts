/**
 * The stream suite: each contender reads the same turns from the bench server, in fresh child
 * processes, one at a time. Per round (round-robin) one process reads its first turn (measured on
 * its own), warm-up turns, and the steady turns (events/s, CPU per event, median), then paced turns
 * one at a time and at the concurrency (time to first event). Once per contender, with
 * `--expose-gc`: the long turn with heap readings, and the held turns. See bench/README.md.
 */
import { buildChild, describeBuildError } from "../lib/build.js"
import { effect4Node } from "../lib/effect4.js"
import type { Options } from "../lib/flags.js"
import { Attempts, forEachParallel, log, rotate, stopwatch } from "../lib/harness.js"
import type { BenchServer } from "../lib/processes.js"
import { runChildProcess } from "../lib/processes.js"
import type { StreamContenderResult, StreamResults, StreamRound } from "../lib/results.js"
import { summarizeFirstEvents, summarizeHeld, summarizeRoundTurns, summarizeTurnMemory, summarizeTurns } from "../lib/results.js"
import type { FirstEventFigures, HeldFigures, StreamResult, StreamTask, TurnMemoryFigures } from "./protocol.js"
import { burstSession, expectedTally, pacedSession, type TurnTally } from "./turns.js"

interface StreamSpec {
  readonly name: string
  readonly label: string
  readonly floor?: true
  /**
   * A row of the Effect 4 comparison, run under a Node 22: `effect4` compiles it from
   * `effect4/bench/stream/<name>.ts` (effect4's `effect`), `node22` from this directory
   * (`source`, no Effect at all).
   */
  readonly runtime?: "effect4" | "node22"
  /** The module under `stream/contenders/` when it is not the contender's name. */
  readonly source?: string
}

export const streamContenders: ReadonlyArray<StreamSpec> = [
  { name: "undici", label: "raw undici.request + eventsource-parser + JSON.parse (the raw floor)", floor: true },
  { name: "fetch", label: "raw fetch, the body's ReadableStream + the same parser (the raw floor over fetch)", floor: true },
  {
    name: "platform-undici",
    label: "@effect/platform HttpClient over layerUndici, span off, response.stream + the same parser (the platform floor)",
    floor: true
  },
  { name: "platform-fetch", label: "the same over FetchHttpClient.layer", floor: true },
  { name: "sdk", label: "@llamaindex/llama-cloud, client.beta.chat.stream (buffers the turn), then the same parser" },
  { name: "effect-undici", label: "effect-llamacloud sendMessage over NodeHttpClient.layerUndici" },
  { name: "effect-fetch", label: "effect-llamacloud sendMessage over FetchHttpClient.layer" },
  {
    name: "undici-node22",
    label: "raw undici.request + the same parser under Node 22 (the raw floor of the Effect 4 rows)",
    floor: true,
    runtime: "node22",
    source: "undici"
  },
  {
    name: "platform4-undici",
    label: "effect/http HttpClient (Effect 4) over layerUndici, span off, response.stream + the same parser (the Effect 4 platform floor), Node 22",
    floor: true,
    runtime: "effect4",
    source: "platform-undici"
  },
  {
    name: "effect4-undici",
    label: "the Effect 4 edition's sendMessage over NodeHttpClient.layerUndici, Node 22",
    runtime: "effect4",
    source: "effect-undici"
  }
]

class StreamContender extends Attempts {
  readonly rounds: Array<StreamRound> = []
  /** Every paced turn's times, pooled over rounds for the percentiles; summaries only reach the results. */
  readonly firstEvents: { readonly alone: Array<FirstEventFigures>; readonly concurrent: Array<FirstEventFigures> } = {
    alone: [],
    concurrent: []
  }
  memory: TurnMemoryFigures | undefined
  held: HeldFigures | undefined
  file: string | undefined
  /** The Node binary of its children (a Node 22 for the Effect 4 rows); undefined: the harness's. */
  node: string | undefined
  dropped = false

  constructor(readonly spec: StreamSpec) {
    super(spec.name)
  }

  result(): StreamContenderResult {
    return {
      label: this.spec.label,
      floor: this.spec.floor === true,
      ...(this.rounds.length > 0
        ? {
          turn: {
            first: summarizeTurns(this.rounds.map((round) => round.first)),
            steady: summarizeTurns(this.rounds.map((round) => round.steady))
          },
          firstEvent: {
            alone: summarizeFirstEvents(this.firstEvents.alone),
            concurrent: summarizeFirstEvents(this.firstEvents.concurrent)
          }
        }
        : {}),
      ...(this.memory === undefined ? {} : { memory: summarizeTurnMemory(this.memory) }),
      ...(this.held === undefined ? {} : { held: summarizeHeld(this.held) }),
      rounds: this.rounds,
      errors: this.errors
    }
  }

  /** A contender that read other events than the server sent has measured something else. */
  check(what: string, tally: TurnTally, expected: TurnTally): void {
    if (tally.events !== expected.events || tally.textChars !== expected.textChars) {
      this.errors.push(
        `${what}: read ${tally.events} events and ${tally.textChars} characters of text, ` +
          `the server sent ${expected.events} and ${expected.textChars}`
      )
    }
  }
}

const run = (contender: StreamContender, file: string, baseUrl: string, tasks: ReadonlyArray<StreamTask>, gc: boolean) =>
  runChildProcess<ReadonlyArray<StreamResult>>(file, { baseUrl, tasks }, {
    ...(contender.node === undefined ? {} : { node: contender.node }),
    nodeFlags: gc ? ["--expose-gc"] : [],
    timeoutMs: 900_000
  })

const tasksOf = (options: Options) => {
  const s = options.stream
  const turn: StreamTask = { mode: "turn", events: s.turnEvents, warmupTurns: s.warmupTurns, steadyTurns: s.steadyTurns }
  const firstEvent: StreamTask = {
    mode: "firstEvent",
    aloneTurns: s.aloneTurns,
    aloneEvents: s.aloneEvents,
    concurrentTurns: s.concurrentTurns,
    concurrentEvents: s.concurrentEvents,
    concurrency: s.concurrency
  }
  const memory: StreamTask = { mode: "turnMemory", events: s.memoryEvents, checkpoint: Math.floor(s.memoryEvents / 10) }
  const held: StreamTask = { mode: "heldTurns", turns: s.heldTurns }
  return { turn, firstEvent, memory, held }
}

const record = (contender: StreamContender, results: ReadonlyArray<StreamResult>, round: number, expected: StreamResults["expected"]) => {
  const turn = results.find((r) => r.mode === "turn")
  const firstEvent = results.find((r) => r.mode === "firstEvent")
  if (turn?.mode === "turn" && firstEvent?.mode === "firstEvent") {
    for (const [i, figures] of [turn.first, ...turn.steady].entries()) {
      contender.check(`round ${round}, ${i === 0 ? "first turn" : `steady turn ${i}`}`, figures, expected.turn)
    }
    contender.firstEvents.alone.push(firstEvent.alone)
    contender.firstEvents.concurrent.push(firstEvent.concurrent)
    contender.rounds.push({
      round,
      ...summarizeRoundTurns(turn.first, turn.steady),
      firstEvent: { alone: summarizeFirstEvents([firstEvent.alone]), concurrent: summarizeFirstEvents([firstEvent.concurrent]) }
    })
  }
  for (const result of results) {
    if (result.mode === "turnMemory") {
      contender.check("memory turn", result.memory.tally, expected.memory)
      contender.memory = result.memory
    }
    if (result.mode === "heldTurns") {
      contender.check("held turns", result.held.tally, { events: 2 * result.held.turns, textChars: result.held.tally.textChars })
      contender.held = result.held
    }
  }
}

export const runStreamSuite = async (options: Options, server: BenchServer): Promise<StreamResults> => {
  const lap = stopwatch()
  const all = streamContenders
    .filter((spec) => options.only.length === 0 || options.only.includes(spec.name))
    .filter((spec) => options.editions.includes(spec.runtime === undefined ? 3 : 4))
    .map((spec) => new StreamContender(spec))
  await Promise.all(all.map(async (contender) => {
    const { name, runtime, source } = contender.spec
    try {
      if (runtime !== undefined) contender.node = await effect4Node()
      contender.file = runtime === "effect4"
        ? await buildChild(`stream/${source ?? name}`, `stream-${name}`, { edition: 4 })
        : await buildChild(`stream/contenders/${source ?? name}`, `stream-${name}`)
    } catch (error) {
      contender.errors.push(`build: ${describeBuildError(error)}`)
    }
  }))
  const s = options.stream
  // The bytes of every turn are built by the server before anything is measured.
  for (const events of new Set([s.turnEvents, s.memoryEvents, Math.min(Math.floor(s.memoryEvents / 10), 10_000), 2, 100])) {
    await server.prepare(burstSession(events))
  }
  for (const events of new Set([s.aloneEvents, s.concurrentEvents])) await server.prepare(pacedSession(events))
  const expected = { turn: expectedTally(s.turnEvents), memory: expectedTally(s.memoryEvents) }
  log(`stream: turns built (${lap()})`)
  const tasks = tasksOf(options)

  if (options.smoke) {
    await forEachParallel(all, 2, async (contender) => {
      if (contender.file === undefined) return
      const file = contender.file
      const results = await contender.attempt("smoke", () => run(contender, file, server.baseUrl, [tasks.turn, tasks.firstEvent, tasks.memory, tasks.held], true))
      if (results !== undefined) record(contender, results, 1, expected)
    })
  } else {
    for (let round = 1; round <= s.rounds; round++) {
      log(`stream round ${round}/${s.rounds}`)
      for (const contender of rotate(all, round - 1)) {
        if (contender.file === undefined || contender.dropped) continue
        const file = contender.file
        const results = await contender.attempt(`round ${round}`, () => run(contender, file, server.baseUrl, [tasks.turn, tasks.firstEvent], false))
        if (results === undefined) {
          contender.dropped = true
          continue
        }
        record(contender, results, round, expected)
        const last = contender.rounds.at(-1)
        log(
          `  ${contender.spec.name}: steady ${Math.round(last?.steady.eventsPerSec ?? 0)} events/s, ` +
            `${(last?.steady.cpuUsPerEvent ?? 0).toFixed(2)} µs CPU/event; first turn ` +
            `${(last?.first.cpuUsPerEvent ?? 0).toFixed(2)} µs CPU/event (${lap()})`
        )
      }
    }
    log(`stream memory: a turn of ${s.memoryEvents} events, then ${s.heldTurns} held turns, each contender`)
    for (const contender of all) {
      if (contender.file === undefined || contender.dropped) continue
      const file = contender.file
      for (const task of [tasks.memory, tasks.held]) {
        const results = await contender.attempt(task.mode, () => run(contender, file, server.baseUrl, [task], true))
        if (results !== undefined) record(contender, results, 0, expected)
      }
      log(`  ${contender.spec.name} (${lap()})`)
    }
  }
  return {
    config: s,
    expected,
    contenders: Object.fromEntries(all.map((contender) => [contender.spec.name, contender.result()]))
  }
}
