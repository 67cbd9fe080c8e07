/**
 * One load run on the Effect 4 edition: many creates at a fixed concurrency against a local server in
 * this process, optionally with a share of 503s. What a run reports and what it must show are the
 * Effect 3 edition's too (test/shared/reliability/load.ts); the soak runs on the Effect 3 edition.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as Tracer from "effect/Tracer"
import { ChatService } from "../../src/ChatService.js"
import { RetryPolicy } from "../../src/RetryPolicy.js"
import { TimeoutPolicy } from "../../src/TimeoutPolicy.js"
import { LocalServer } from "../../src/testing/node.js"
import { type LoadReport, memory, policies as loadPolicies, reportOf, tally } from "../../../test/shared/reliability/load.js"
import { clientLayer, plainOutcome, type Transport } from "./adapter.js"

export interface LoadOptions {
  readonly transport: Transport
  readonly calls: number
  readonly concurrency: number
  /** Share of create requests answered 503 (seeded), 0 for none. */
  readonly faultRate: number
  readonly seed?: number
}

/**
 * A tracer that keeps, for each finished `ChatService.create` span, only its attempts and outcome
 * label: a load run must not hold its spans.
 */
const countingTracer = (onCreate: (attempts: number, exit: Exit.Exit<unknown, unknown>) => void) => {
  const base = Tracer.Tracer.defaultValue()
  return Tracer.make({
    span(options) {
      const span = base.span(options)
      if (options.name !== "ChatService.create") return span
      const end = span.end.bind(span)
      span.end = (endTime, exit) => {
        const attempts = span.attributes.get("llamacloud.attempts")
        onCreate(typeof attempts === "number" ? attempts : -1, exit)
        end(endTime, exit)
      }
      return span
    }
  })
}

/** Runs the load against a server of its own. */
export const runLoad = (options: LoadOptions): Effect.Effect<LoadReport> =>
  Effect.gen(function*() {
    const server = yield* Effect.orDie(LocalServer.make())
    const plan: LocalServer.FaultPlan = options.faultRate === 0
      ? {}
      : { random: { rate: options.faultRate, fault: LocalServer.Fault.status(503), seed: options.seed ?? 42 } }
    const policies = Layer.merge(RetryPolicy.layer(loadPolicies.retry), TimeoutPolicy.layer(loadPolicies.timeout))
    const context = yield* Layer.build(clientLayer(server.url, options.transport.layer, policies))
    const chat = Context.get(context, ChatService)
    const counted = tally(options.faultRate)
    const tracer = countingTracer((n, exit) => counted.add(plainOutcome(exit).label, n))
    const counts = Effect.gen(function*() {
      const connections = yield* server.connections
      return {
        requests: (yield* server.requests).length,
        sessions: (yield* server.sessions).length,
        open: connections.open,
        total: connections.total
      }
    })

    // Warm-up: connections, JIT, lazy modules; not counted.
    const warmUp = Math.min(200, Math.ceil(options.calls / 10))
    yield* Effect.forEach(Array.from({ length: warmUp }), () => Effect.exit(chat.create()), {
      concurrency: options.concurrency,
      discard: true
    })
    yield* server.reset
    yield* server.setFaults(plan)
    const baseConnections = (yield* counts).total
    const heapBefore = memory()

    let maxOpen = 0
    const sampler = yield* Effect.forkChild(
      Effect.repeat(
        Effect.flatMap(counts, (c) => Effect.sync(() => (maxOpen = Math.max(maxOpen, c.open)))),
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

    const after = yield* counts
    // The server's records are the server's memory, not the client's.
    yield* server.reset
    return reportOf({
      transport: options.transport.label,
      server: "in-process",
      calls: options.calls,
      concurrency: options.concurrency,
      faultRate: options.faultRate,
      wallMs,
      latencies,
      tally: counted,
      serverRequests: after.requests,
      sessions: after.sessions,
      connectionsTotal: after.total - baseConnections,
      connectionsMaxOpen: maxOpen,
      heapBefore,
      heapAfter: memory()
    })
  }).pipe(Effect.scoped)
