/**
 * The driver every contender's child process runs: it receives its tasks as JSON in argv, runs them
 * against the contender and prints one result line. Each contender module calls `runChild` at top
 * level, so by the time `runChild` runs, the contender's imports have been evaluated.
 */
import { readMemory } from "./lib/memory.js"
import type { ChildResult, ChildTask, Contender, PhaseFigures, Runner } from "./lib/protocol.js"
import { resultMarker } from "./fixture.js"
import { percentileOfSorted } from "./lib/stats.js"

const measurePhase = async (runner: Runner, calls: number, concurrency: number): Promise<PhaseFigures> => {
  const latencies = new Float64Array(calls)
  const cpuBefore = process.cpuUsage()
  const start = performance.now()
  await runner.run(calls, concurrency, latencies)
  const wallMs = performance.now() - start
  const cpu = process.cpuUsage(cpuBefore)
  latencies.sort()
  return {
    calls,
    wallMs,
    callsPerSec: calls / (wallMs / 1000),
    cpuUsPerCall: (cpu.user + cpu.system) / calls,
    p50Ms: percentileOfSorted(latencies, 50),
    p99Ms: percentileOfSorted(latencies, 99)
  }
}

const runTask = async (contender: Contender, task: ChildTask, importedMs: number): Promise<ChildResult> => {
  switch (task.mode) {
    case "cold": {
      const runner = await contender(task.baseUrl, "create")
      const readyMs = performance.now()
      await runner.run(1, 1, new Float64Array(1))
      const firstCreateMs = performance.now()
      return { mode: "cold", cold: { importedMs, readyMs, firstCreateMs } }
    }
    case "throughput": {
      const runner = await contender(task.baseUrl, task.operation)
      // Opens the pool's sockets and lets the JIT settle before anything is measured.
      await runner.run(task.warmupCalls, task.concurrency, new Float64Array(task.warmupCalls))
      const sequential = await measurePhase(runner, task.sequentialCalls, 1)
      const concurrent = await measurePhase(runner, task.concurrentCalls, task.concurrency)
      await runner.close()
      return { mode: "throughput", sequential, concurrent }
    }
    case "memory": {
      const latencies = new Float64Array(task.totalCalls)
      const runner = await contender(task.baseUrl, "create")
      const start = await readMemory()
      await runner.run(task.checkpointCalls, task.concurrency, latencies)
      const atCheckpoint = await readMemory()
      await runner.run(
        task.totalCalls - task.checkpointCalls,
        task.concurrency,
        latencies.subarray(task.checkpointCalls)
      )
      const atEnd = await readMemory()
      await runner.close()
      return {
        mode: "memory",
        memory: { start, atCheckpoint, atEnd, checkpointCalls: task.checkpointCalls, totalCalls: task.totalCalls }
      }
    }
  }
}

/** Runs the tasks in `process.argv[2]` against the contender, prints the results, exits. */
export const runChild = (contender: Contender): void => {
  const importedMs = performance.now()
  const tasks: ReadonlyArray<ChildTask> = JSON.parse(process.argv[2] ?? "[]")
  const run = async () => {
    const results: Array<ChildResult> = []
    for (const task of tasks) results.push(await runTask(contender, task, importedMs))
    return results
  }
  run().then(
    (result) => {
      // Exit at once: keep-alive sockets would otherwise hold the process open.
      process.stdout.write(`${resultMarker}${JSON.stringify(result)}\n`, () => process.exit(0))
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`)
      process.exit(1)
    }
  )
}
