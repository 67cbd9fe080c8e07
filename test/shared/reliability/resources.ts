/**
 * What a reliability test process watches besides its calls, for both editions: the timers and TCP
 * handles each scenario creates (found by identity through async_hooks), Node's counts of them, and
 * every unhandled rejection or uncaught exception. Node only, no Effect.
 */
import { createHook } from "node:async_hooks"

/** The process's open sockets, servers and (ref'd) timers, by kind, as Node reports them. */
export const handleCounts = (): { readonly sockets: number; readonly servers: number; readonly timers: number } => {
  const kinds = process.getActiveResourcesInfo()
  return {
    sockets: kinds.filter((kind) => kind === "TCPSocketWrap").length,
    servers: kinds.filter((kind) => kind === "TCPServerWrap").length,
    timers: kinds.filter((kind) => kind === "Timeout").length
  }
}

/** A timer or TCP handle (socket or server) created while tracking, not yet destroyed. */
interface Tracked {
  readonly type: "Timeout" | "TCPWRAP"
  readonly resource: { readonly hasRef?: () => boolean }
  readonly stack: string
}

const tracked = new Map<number, Tracked>()
let lastAsyncId = 0
let tracking = false
// vitest's own timers (test timeouts, throttled reporting) come and go during a test: not ours.
const runnerFrame = /[\\/]node_modules[\\/](?:@vitest|vitest|tinypool|tinyspy)[\\/]/

/**
 * Starts recording every timer and TCP handle this process creates (async_hooks), so that one left
 * behind by a scenario is found by identity — `getActiveResourcesInfo()` only counts, and the test
 * runner's own timers move the count. Call once per test file, before the scenarios.
 */
export const trackResources = (): void => {
  if (tracking) return
  tracking = true
  createHook({
    init(asyncId, type, _trigger, resource) {
      if (asyncId > lastAsyncId) lastAsyncId = asyncId
      if (type !== "Timeout" && type !== "TCPWRAP") return
      const limit = Error.stackTraceLimit
      Error.stackTraceLimit = 16
      const stack = new Error().stack ?? ""
      Error.stackTraceLimit = limit
      if (runnerFrame.test(stack)) return
      tracked.set(asyncId, { type, resource: resource as Tracked["resource"], stack })
    },
    destroy(asyncId) {
      tracked.delete(asyncId)
    }
  }).enable()
}

/** A mark: resources created after it are the scenario's. */
export const resourceMark = (): number => lastAsyncId

/**
 * The scenario's leftovers: TCP handles, and timers that still hold the process open (ref'd),
 * created after `mark` and not destroyed.
 */
export const resourcesSince = (mark: number): ReadonlyArray<string> =>
  [...tracked.entries()]
    .filter(([id, r]) => id > mark && (r.type === "TCPWRAP" || r.resource.hasRef?.() !== false))
    .map(([, r]) => `${r.type} created ${r.stack.split("\n").slice(2, 9).map((line) => line.trim()).join(" < ")}`)

/**
 * Waits (up to `ms`) until the scenario's handles are gone: nothing it created is left (when
 * tracking) and Node's socket and server counts are back to `baseline`. Waits on immediates, not
 * timers, so that the wait leaves nothing behind itself. Returns what remains.
 */
export const settled = async (mark: number, baseline: ReturnType<typeof handleCounts>, ms = 3_000) => {
  const deadline = Date.now() + ms
  for (;;) {
    const counts = handleCounts()
    const left = resourcesSince(mark)
    const done = left.length === 0 && counts.sockets <= baseline.sockets && counts.servers <= baseline.servers
    if (done || Date.now() > deadline) return { counts, left }
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
}

/** Every unhandled rejection and uncaught exception in this test process, oldest first. */
export const unhandled: Array<unknown> = []
const guarded = Symbol.for("effect-llamacloud/reliability/guard")
const processWithGuard = process as NodeJS.Process & { [guarded]?: true }
if (processWithGuard[guarded] !== true) {
  processWithGuard[guarded] = true
  process.on("unhandledRejection", (reason) => unhandled.push(reason))
  process.on("uncaughtExceptionMonitor", (error) => unhandled.push(error))
}
