/**
 * The driver every stream contender's child process runs: tasks as JSON in argv, one result line
 * on stdout. Each contender module calls `runStreamChild` at top level, after its imports.
 *
 * The harness's own requests to the server (stats, release) go through `node:http`, which no
 * contender uses, so they load nothing a contender would otherwise not have.
 */
import * as Http from "node:http"
import { resultMarker } from "../fixture.js"
import { readMemory } from "../lib/memory.js"
import type { FirstEventFigures, StreamContender, StreamResult, StreamTask, TurnFigures, TurnRunner } from "./protocol.js"
import { burstSession, heldSession, pacedSession, pacingMs } from "./turns.js"

const control = (baseUrl: string, method: "GET" | "POST", path: string): Promise<unknown> =>
  new Promise((resolve, reject) => {
    const request = Http.request(`${baseUrl}${path}`, { method, agent: false }, (response) => {
      let body = ""
      response.setEncoding("utf8").on("data", (chunk: string) => (body += chunk))
      response.on("end", () => resolve(JSON.parse(body)))
    })
    request.on("error", reject)
    request.end()
  })

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const firstEvents = async (
  runner: TurnRunner,
  events: number,
  turns: number,
  concurrency: number
): Promise<FirstEventFigures> => {
  const firstEventMs = new Float64Array(turns)
  const turnMs = new Float64Array(turns)
  // Turns of equal length started together would end together and start again in waves: the first
  // ones are spread over one turn's length, so that turns start all the time, as in a service.
  const staggerMs = concurrency > 1 ? (events * pacingMs) / concurrency : 0
  const start = performance.now()
  const tally = await runner.run(pacedSession(events), turns, concurrency, staggerMs, firstEventMs, turnMs)
  return {
    turns,
    concurrency,
    eventsPerTurn: tally.events / turns,
    firstEventMs: Array.from(firstEventMs),
    turnMs: Array.from(turnMs),
    wallMs: performance.now() - start
  }
}

/** One turn, timed: wall clock and the CPU of this process (user + system) while it ran. */
const timedTurn = async (runner: TurnRunner, events: number): Promise<TurnFigures> => {
  const cpuBefore = process.cpuUsage()
  const start = performance.now()
  const tally = await runner.runOne(burstSession(events), {})
  const wallMs = performance.now() - start
  const cpu = process.cpuUsage(cpuBefore)
  return {
    ...tally,
    wallMs,
    eventsPerSec: tally.events / (wallMs / 1000),
    cpuUsPerEvent: (cpu.user + cpu.system) / tally.events
  }
}

const runTask = async (runner: TurnRunner, baseUrl: string, task: StreamTask): Promise<StreamResult> => {
  switch (task.mode) {
    case "turn": {
      // The process's first turn (its connection opened, its code not yet compiled) is what a
      // short-lived process pays; the steady state is what a long-lived one pays, once the JIT has
      // settled. Neither stands for the other, so both are measured, in this order.
      const first = await timedTurn(runner, task.events)
      for (let i = 0; i < task.warmupTurns; i++) await runner.runOne(burstSession(task.events), {})
      const steady: Array<TurnFigures> = []
      for (let i = 0; i < task.steadyTurns; i++) steady.push(await timedTurn(runner, task.events))
      return { mode: "turn", first, steady }
    }
    case "firstEvent": {
      // A few turns first: the JIT, and connections of the pool.
      const warm = Math.min(task.concurrency, 16)
      await runner.run(burstSession(100), warm, warm, 0, new Float64Array(warm), new Float64Array(warm))
      const alone = await firstEvents(runner, task.aloneEvents, task.aloneTurns, 1)
      const concurrent = await firstEvents(runner, task.concurrentEvents, task.concurrentTurns, task.concurrency)
      return { mode: "firstEvent", alone, concurrent }
    }
    case "turnMemory": {
      await runner.runOne(burstSession(Math.min(task.checkpoint, 10_000)), {})
      const start = await readMemory()
      const readings: Array<Awaited<ReturnType<typeof readMemory>>> = []
      const tally = await runner.runOne(burstSession(task.events), {
        pauseAt: [task.checkpoint, task.events - 1],
        pause: async () => {
          readings.push(await readMemory())
        }
      })
      const [atCheckpoint, beforeStop] = readings
      if (atCheckpoint === undefined || beforeStop === undefined) throw new Error("the turn ended before its memory readings")
      return {
        mode: "turnMemory",
        memory: { events: task.events, checkpoint: task.checkpoint, start, atCheckpoint, beforeStop, tally }
      }
    }
    case "heldTurns": {
      // A turn beforehand, so that what the first turn loads is not counted per held turn.
      await runner.runOne(burstSession(2), {})
      const before = await readMemory()
      const firstEventMs = new Float64Array(task.turns)
      const running = runner.run(heldSession, task.turns, task.turns, 0, firstEventMs, new Float64Array(task.turns))
      // Held means: the server wrote every turn's first event, and (unless the contender buffers) the
      // consumer has it.
      for (;;) {
        const stats = await control(baseUrl, "GET", "/__stats") as { held: number }
        const delivered = runner.buffered ? task.turns : firstEventMs.filter((ms) => ms > 0).length
        if (stats.held >= task.turns && delivered >= task.turns) break
        await sleep(20)
      }
      const held = await readMemory()
      await control(baseUrl, "POST", "/__release")
      const tally = await running
      return { mode: "heldTurns", held: { turns: task.turns, before, held, tally } }
    }
  }
}

/** Runs the tasks in `process.argv[2]` against the contender, prints the results, exits. */
export const runStreamChild = (contender: StreamContender): void => {
  const { baseUrl, tasks }: { baseUrl: string; tasks: ReadonlyArray<StreamTask> } = JSON.parse(process.argv[2] ?? "{}")
  const run = async () => {
    const runner = await contender(baseUrl)
    const results: Array<StreamResult> = []
    for (const task of tasks) results.push(await runTask(runner, baseUrl, task))
    await runner.close()
    return results
  }
  run().then(
    (results) => process.stdout.write(`${resultMarker}${JSON.stringify(results)}\n`, () => process.exit(0)),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`)
      process.exit(1)
    }
  )
}
