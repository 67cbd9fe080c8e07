/**
 * One load run on the Effect 3 edition: many creates at a fixed concurrency against a local server,
 * optionally with a share of 503s, measuring outcomes, attempts, connections, latency and heap. Used
 * by the CI-sized test (`load.test.ts`) and the full soak (`test/soak.ts`); what a run reports and
 * what it must show are shared with the Effect 4 edition (test/shared/reliability/load.ts).
 */
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import * as Tracer from "effect/Tracer"
import { fork } from "node:child_process"
import { fileURLToPath } from "node:url"
import { ChatService } from "../../src/ChatService.js"
import { RetryPolicy } from "../../src/RetryPolicy.js"
import { TimeoutPolicy } from "../../src/TimeoutPolicy.js"
import { LocalServer } from "../../src/testing/node.js"
import { clientLayer, outcomeOf, type Transport } from "./harness.js"
import type { Counts, Message, Request } from "./server-process.js"
import { type LoadReport, memory, policies as loadPolicies, reportOf, tally } from "../shared/reliability/load.js"

export type { LoadReport }

/** The local server as a load run sees it: in this process, or in a process of its own. */
export interface LoadServer {
  readonly url: string
  readonly where: "in-process" | "child process"
  readonly counts: Effect.Effect<Counts>
  readonly reset: Effect.Effect<void>
  readonly setFaults: (plan: LocalServer.FaultPlan) => Effect.Effect<void>
}

/** `LocalServer` in this process: cheap to start, but it shares the event loop with the client. */
export const inProcess: Effect.Effect<LoadServer, never, Scope.Scope> = Effect.map(
  Effect.orDie(LocalServer.make()),
  (server) => ({
    url: server.url,
    where: "in-process",
    counts: Effect.gen(function*() {
      const connections = yield* server.connections
      return {
        requests: (yield* server.requests).length,
        sessions: (yield* server.sessions).length,
        open: connections.open,
        total: connections.total
      }
    }),
    reset: server.reset,
    setFaults: server.setFaults
  })
)

/** `LocalServer` in a child process (server-process.ts), driven over IPC. */
export const childProcess: Effect.Effect<LoadServer, never, Scope.Scope> = Effect.gen(function*() {
  const child = yield* Effect.acquireRelease(
    Effect.sync(() =>
      fork(fileURLToPath(new URL("./server-process.ts", import.meta.url)), [], {
        execArgv: ["--import", "tsx"],
        stdio: ["ignore", "inherit", "inherit", "ipc"]
      })
    ),
    (child) =>
      Effect.async<void>((resume) => {
        if (child.exitCode !== null) return resume(Effect.void)
        child.once("exit", () => resume(Effect.void))
        child.disconnect()
      })
  )
  const pending = new Map<number, (counts: Counts | undefined) => void>()
  const ready = yield* Deferred.make<string>()
  child.on("message", (message: Message) => {
    if (message.type === "ready") Deferred.unsafeDone(ready, Exit.succeed(message.url))
    else pending.get(message.id)?.(message.counts)
  })
  let next = 0
  const ask = (request: Request extends infer R ? R extends Request ? Omit<R, "id"> : never : never) =>
    Effect.async<Counts | undefined>((resume) => {
      const id = next++
      pending.set(id, (counts) => {
        pending.delete(id)
        resume(Effect.succeed(counts))
      })
      const message: Request = { ...request, id }
      child.send(message)
    })
  const url = yield* Deferred.await(ready)
  return {
    url,
    where: "child process",
    counts: Effect.map(ask({ op: "counts" }), (counts) => counts ?? { requests: 0, sessions: 0, open: 0, total: 0 }),
    reset: Effect.asVoid(ask({ op: "reset" })),
    setFaults: (plan) => Effect.asVoid(ask({ op: "setFaults", plan }))
  }
})

export interface LoadOptions {
  readonly transport: Transport
  readonly calls: number
  readonly concurrency: number
  /** Share of create requests answered 503 (seeded), 0 for none. */
  readonly faultRate: number
  readonly seed?: number
  /** Where the server runs (default: in this process). */
  readonly server?: Effect.Effect<LoadServer, never, Scope.Scope>
}

/**
 * A tracer that keeps, for each finished `ChatService.create` span, only its attempts and outcome
 * label: a load run must not hold ten thousand spans.
 */
const countingTracer = (base: Tracer.Tracer, onCreate: (attempts: number, exit: Exit.Exit<unknown, unknown>) => void) =>
  Tracer.make({
    span: (name, parent, context, links, startTime, kind, options) => {
      const span = base.span(name, parent, context, links, startTime, kind, options)
      if (name !== "ChatService.create") return span
      const end = span.end.bind(span)
      span.end = (endTime, exit) => {
        const attempts = span.attributes.get("llamacloud.attempts")
        onCreate(typeof attempts === "number" ? attempts : -1, exit)
        end(endTime, exit)
      }
      return span
    },
    context: (f) => f()
  })

/** Runs the load against a server of its own. */
export const runLoad = (options: LoadOptions): Effect.Effect<LoadReport> =>
  Effect.gen(function*() {
    const server = yield* (options.server ?? inProcess)
    const plan: LocalServer.FaultPlan = options.faultRate === 0
      ? {}
      : { random: { rate: options.faultRate, fault: LocalServer.Fault.status(503), seed: options.seed ?? 42 } }
    const policies = Layer.merge(
      RetryPolicy.layer(loadPolicies.retry),
      TimeoutPolicy.layer(loadPolicies.timeout)
    )
    const context = yield* Layer.build(clientLayer(server.url, options.transport.layer, policies))
    const chat = Context.get(context, ChatService)

    const counted = tally(options.faultRate)
    const tracer = countingTracer(yield* Effect.tracer, (n, exit) => counted.add(outcomeOf(exit).label, n))

    // Warm-up: connections, JIT, lazy modules; not counted.
    const warmUp = Math.min(200, Math.ceil(options.calls / 10))
    yield* Effect.forEach(Array.from({ length: warmUp }), () => Effect.exit(chat.create()), {
      concurrency: options.concurrency,
      discard: true
    })
    yield* server.reset
    yield* server.setFaults(plan)
    const baseConnections = (yield* server.counts).total
    const heapBefore = memory()

    let maxOpen = 0
    const sampler = yield* Effect.fork(
      Effect.repeat(
        Effect.flatMap(server.counts, (c) => Effect.sync(() => (maxOpen = Math.max(maxOpen, c.open)))),
        Schedule.spaced("10 millis")
      )
    )
    const latencies = new Float64Array(options.calls)
    const started = performance.now()
    yield* Effect.forEach(
      Array.from({ length: options.calls }, (_, i) => i),
      (i) =>
        Effect.suspend(() => {
          const t0 = performance.now()
          return chat.create({ indexIds: ["idx-load"] }).pipe(
            Effect.exit,
            Effect.map(() => (latencies[i] = performance.now() - t0))
          )
        }),
      { concurrency: options.concurrency, discard: true }
    ).pipe(Effect.withTracer(tracer))
    const wallMs = performance.now() - started
    yield* Fiber.interrupt(sampler)

    const counts = yield* server.counts
    // The server's records are the server's memory, not the client's.
    yield* server.reset
    return reportOf({
      transport: options.transport.label,
      server: server.where,
      calls: options.calls,
      concurrency: options.concurrency,
      faultRate: options.faultRate,
      wallMs,
      latencies,
      tally: counted,
      serverRequests: counts.requests,
      sessions: counts.sessions,
      connectionsTotal: counts.total - baseConnections,
      connectionsMaxOpen: maxOpen,
      heapBefore,
      heapAfter: memory()
    })
  }).pipe(Effect.scoped)
