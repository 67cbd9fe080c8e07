/**
 * Interrupting the calling fiber, over both transports against a real socket: mid-request the server
 * sees the connection close at once; mid-backoff the wait ends at once and no further request
 * reaches the server.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { RetryPolicy } from "../../src/RetryPolicy.js"
import { TimeoutPolicy } from "../../src/TimeoutPolicy.js"
import { LocalServer } from "../../src/testing/node.js"
import {
  clientLayer,
  create,
  handleCounts,
  keyLeaks,
  observe,
  pollUntil,
  record,
  renderings,
  resourceMark,
  settledHandles,
  trackResources,
  transports,
  unhandled
} from "./harness.js"

const { Fault } = LocalServer

interface Case {
  readonly name: string
  readonly fault: string
  readonly script: ReadonlyArray<LocalServer.Fault>
  readonly retry: RetryPolicy.Options
  /** When the fiber is where the case wants to interrupt it. */
  readonly ready: "request arrived" | "retry logged"
  /** Sessions the server has made by then. */
  readonly sessions: number
}

const cases: ReadonlyArray<Case> = [
  {
    name: "mid-request, headers not yet sent",
    fault: "headers delayed 60 s",
    script: [Fault.delayHeaders(60_000)],
    retry: {},
    ready: "request arrived",
    sessions: 1
  },
  {
    name: "mid-body, the body stalled",
    fault: "body stalls half way",
    script: [Fault.stallBody()],
    retry: {},
    ready: "request arrived",
    sessions: 1
  },
  {
    name: "mid-backoff, waiting out a server's Retry-After",
    fault: "503 with `retry-after-ms: 600`",
    script: [Fault.status(503, { headers: { "retry-after-ms": "600" } })],
    retry: { maxRetryAfter: "10 seconds" },
    ready: "retry logged",
    sessions: 0
  },
  {
    name: "mid-backoff, waiting out the exponential backoff",
    fault: "503, backoff 600 ms",
    script: [Fault.status(503)],
    retry: { baseDelay: "600 millis", jitter: 0 },
    ready: "retry logged",
    sessions: 0
  }
]

trackResources()

/** Long enough for a retry that should not happen to have happened. */
const WATCH_MS = 1_000

// Each case waits a second to see that nothing more is sent: they run side by side, each against a
// server of its own; what the process holds is checked once all of them are done.
let mark = 0
let handlesBefore = handleCounts()
beforeAll(async () => {
  // One call over each transport first: Node compiles its fetch on first use, and the first local
  // server pays for the JIT; neither belongs in an interruption's timing.
  await Effect.runPromise(
    Effect.forEach(transports, (transport) =>
      Effect.flatMap(LocalServer.LocalServer, (server) =>
        Effect.exit(Effect.provide(create(), clientLayer(server.url, transport.layer))))
        .pipe(Effect.provide(LocalServer.layer())))
  )
  mark = resourceMark()
  handlesBefore = handleCounts()
})

describe.concurrent("interrupting a create", () => {
  for (const transport of transports) {
    for (const [order, c] of cases.entries()) {
      it.live(`over ${transport.label}, ${c.name}: the connection closes at once and nothing more is sent`, () =>
        Effect.gen(function*() {
          const observed = observe()
          const server = yield* LocalServer.LocalServer
          yield* server.setFaults({ script: c.script })
          const client = clientLayer(
            server.url,
            transport.layer,
            Layer.merge(RetryPolicy.layer(c.retry), TimeoutPolicy.layer({ perAttempt: "30 seconds" }))
          )
          const fiber = yield* create().pipe(Effect.provide(client), Effect.provide(observed.layer), Effect.fork)

          if (c.ready === "request arrived") {
            yield* pollUntil(server.requests, (all) => all.length === 1)
            yield* pollUntil(server.connections, (n) => n.open === 1)
          } else {
            yield* pollUntil(Effect.sync(() => observed.logs.length), (n) => n >= 1)
          }
          expect(Option.isNone(yield* Fiber.poll(fiber)), "the call is still running").toBe(true)

          const interruptedAt = performance.now()
          const exit = yield* Fiber.interrupt(fiber)
          const interruptMs = performance.now() - interruptedAt
          // Only an attempt in flight must lose its socket: after a 503 read in full, the idle
          // keep-alive connection is the pool's to keep (Node's fetch keeps one process-wide).
          const inFlight = c.ready === "request arrived"
          if (inFlight) yield* pollUntil(server.connections, (n) => n.open === 0)
          const closedMs = performance.now() - interruptedAt
          const openAfter = (yield* server.connections).open

          expect(Exit.isInterrupted(exit)).toBe(true)
          expect(interruptMs).toBeLessThan(500)
          if (inFlight) {
            expect(openAfter).toBe(0)
            expect(closedMs).toBeLessThan(1_000)
            yield* server.idle.pipe(Effect.timeout("2 seconds"))
          }

          yield* Effect.sleep(WATCH_MS)
          const requests = (yield* server.requests).length
          expect(requests, "no request after the interruption").toBe(1)
          expect((yield* server.sessions).length).toBe(c.sessions)
          expect(yield* server.handlerFailures).toEqual([])
          expect(keyLeaks(renderings(exit, observed))).toEqual([])

          record({
            table: "interruption",
            id: `${transport.name}-${c.name}`,
            group: "interruption",
            fault: `${c.name} (${c.fault})`,
            transport: transport.label,
            policy: "default rules",
            outcome: "interrupted",
            attempts: null,
            serverRequests: requests,
            sessions: c.sessions,
            elapsedMs: Math.round(interruptMs),
            figures: {
              order: transports.indexOf(transport) * cases.length + order,
              interruptMs: Math.round(interruptMs),
              serverSawCloseMs: inFlight ? Math.round(closedMs) : "n/a",
              watchedMs: WATCH_MS
            }
          })
        }).pipe(Effect.provide(LocalServer.layer())))
    }
  }
})

describe("after the interruptions", () => {
  it.live("no socket, server or timer of theirs is left in the process", () =>
    Effect.map(settledHandles(mark, handlesBefore), (after) => {
      expect(after.counts.sockets).toBeLessThanOrEqual(handlesBefore.sockets)
      expect(after.counts.servers).toBeLessThanOrEqual(handlesBefore.servers)
      expect(after.left, "timers or sockets left behind").toEqual([])
    }))
})

afterAll(() => {
  expect(unhandled).toEqual([])
})
