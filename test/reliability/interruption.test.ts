/**
 * Stopping a call early, over both transports against a real socket: interrupting the calling
 * fiber mid-request, mid-body, mid-stream or mid-backoff, and a consumer that takes fewer events
 * than the turn has (`Stream.take`). Mid-request the server sees the connection close at once;
 * mid-backoff the wait ends at once; either way no further request reaches the server.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { ChatService } from "../../src/ChatService.js"
import { RetryPolicy } from "../../src/RetryPolicy.js"
import { TimeoutPolicy } from "../../src/TimeoutPolicy.js"
import { LocalServer } from "../../src/testing/node.js"
import { acted, before, type Call, calls, defaultTurn, type Delivered, type OperationName, prepare } from "./calls.js"
import {
  clientLayer,
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
  unhandled,
  warmUp
} from "./harness.js"

const { Fault } = LocalServer

interface Case {
  readonly name: string
  readonly operation: OperationName
  readonly fault: string
  readonly script: ReadonlyArray<LocalServer.Fault>
  readonly retry: RetryPolicy.Options
  /** When the call is where the case wants to stop it. */
  readonly ready: "request arrived" | "retry logged" | { readonly events: number }
  /** How the caller stops: by interrupting its fiber, or by taking `take` events and no more. */
  readonly stop: "interrupt" | { readonly take: number }
  /** What the server has done by then: sessions made, turns run, sessions deleted. */
  readonly acted: number
}

const cases: ReadonlyArray<Case> = [
  {
    name: "mid-request, headers not yet sent",
    operation: "create",
    fault: "headers delayed 60 s",
    script: [Fault.delayHeaders(60_000)],
    retry: {},
    ready: "request arrived",
    stop: "interrupt",
    acted: 1
  },
  {
    name: "mid-body, the body stalled",
    operation: "create",
    fault: "body stalls half way",
    script: [Fault.stallBody()],
    retry: {},
    ready: "request arrived",
    stop: "interrupt",
    acted: 1
  },
  {
    name: "mid-backoff, waiting out a server's Retry-After",
    operation: "create",
    fault: "503 with `retry-after-ms: 600`",
    script: [Fault.status(503, { headers: { "retry-after-ms": "600" } })],
    retry: { maxRetryAfter: "10 seconds" },
    ready: "retry logged",
    stop: "interrupt",
    acted: 0
  },
  {
    name: "mid-backoff, waiting out the exponential backoff",
    operation: "create",
    fault: "503, backoff 600 ms",
    script: [Fault.status(503)],
    retry: { baseDelay: "600 millis", jitter: 0 },
    ready: "retry logged",
    stop: "interrupt",
    acted: 0
  },
  {
    name: "mid-request, headers not yet sent",
    operation: "retrieve",
    fault: "headers delayed 60 s",
    script: [Fault.delayHeaders(60_000)],
    retry: {},
    ready: "request arrived",
    stop: "interrupt",
    acted: 0
  },
  {
    name: "mid-body, the body stalled",
    operation: "retrieve",
    fault: "body stalls half way",
    script: [Fault.stallBody()],
    retry: {},
    ready: "request arrived",
    stop: "interrupt",
    acted: 0
  },
  {
    name: "mid-page, the first page stalled",
    operation: "list",
    fault: "body stalls half way",
    script: [Fault.stallBody()],
    retry: {},
    ready: "request arrived",
    stop: "interrupt",
    acted: 0
  },
  {
    name: "mid-request, headers not yet sent",
    operation: "delete",
    fault: "headers delayed 60 s (the session deleted meanwhile)",
    script: [Fault.delayHeaders(60_000)],
    retry: {},
    ready: "request arrived",
    stop: "interrupt",
    acted: 1
  },
  {
    name: "waiting for the turn's headers",
    operation: "sendMessage",
    fault: "headers delayed 60 s",
    script: [Fault.delayHeaders(60_000)],
    retry: {},
    ready: "request arrived",
    stop: "interrupt",
    acted: 1
  },
  {
    name: "mid-stream, the consumer waiting for event 4",
    operation: "sendMessage",
    fault: "stream stalls after 3 events",
    script: [Fault.stallStream(3)],
    retry: {},
    ready: { events: 3 },
    stop: "interrupt",
    acted: 1
  },
  {
    name: "after 2 events, the server still sending",
    operation: "sendMessage",
    fault: "stream stalls after 5 events",
    script: [Fault.stallStream(5)],
    retry: {},
    ready: { events: 2 },
    stop: { take: 2 },
    acted: 1
  },
  {
    name: "mid-stream, collecting the reply",
    operation: "ask",
    fault: "stream stalls after 3 events",
    script: [Fault.stallStream(3)],
    retry: {},
    ready: "request arrived",
    stop: "interrupt",
    acted: 1
  }
]

/** The call a case makes: the operation as the matrix calls it, or a turn cut short by `Stream.take`. */
const callOf = (c: Case, call: Call): Call["run"] => {
  if (c.stop === "interrupt") return call.run
  const take = c.stop.take
  return (prepared, delivered, turn) =>
    Effect.flatMap(ChatService, (chat) =>
      chat.sendMessage(prepared.sessionIds[0] ?? "ses-missing", turn).pipe(
        Stream.take(take),
        Stream.runForEach((event) => Effect.sync(() => void delivered.events.push(event)))
      ))
}

trackResources()

/** Long enough for a retry that should not happen to have happened. */
const WATCH_MS = 1_000

// Each case waits a second to see that nothing more is sent: they run side by side, each against a
// server of its own; what the process holds is checked once all of them are done.
let mark = 0
let handlesBefore = handleCounts()
beforeAll(async () => {
  await Effect.runPromise(warmUp)
  mark = resourceMark()
  handlesBefore = handleCounts()
})

describe.concurrent("stopping a call early", () => {
  for (const transport of transports) {
    for (const [order, c] of cases.entries()) {
      const how = c.stop === "interrupt" ? "interrupted" : `stopped by Stream.take(…, ${c.stop.take})`
      it.live(`over ${transport.label}, ${c.operation} ${how}, ${c.name}: the connection closes at once and nothing more is sent`, () =>
        Effect.gen(function*() {
          const call = calls[c.operation]
          const observed = observe()
          const server = yield* LocalServer.LocalServer
          const prepared = yield* prepare(server, call.sessions)
          const was = yield* before(server)
          yield* server.setFaults({ script: c.script, route: call.route })
          const client = clientLayer(
            server.url,
            transport.layer,
            Layer.merge(RetryPolicy.layer(c.retry), TimeoutPolicy.layer({ perAttempt: "30 seconds", idle: "30 seconds" }))
          )
          const delivered: Delivered = { events: [], items: [] }
          const fiber = yield* callOf(c, call)(prepared, delivered, defaultTurn).pipe(
            Effect.provide(client),
            Effect.provide(observed.layer),
            Effect.fork
          )

          const ready = c.ready
          if (ready === "request arrived") {
            yield* pollUntil(server.requests, (all) => all.length === was.requests + 1)
            yield* pollUntil(server.connections, (n) => n.open === 1)
          } else if (ready === "retry logged") {
            yield* pollUntil(Effect.sync(() => observed.logs.length), (n) => n >= 1)
          } else {
            yield* pollUntil(Effect.sync(() => delivered.events.length), (n) => n >= ready.events)
          }

          let exit: Exit.Exit<void, unknown>
          const stoppedAt = performance.now()
          if (c.stop === "interrupt") {
            expect(Option.isNone(yield* Fiber.poll(fiber)), "the call is still running").toBe(true)
            exit = yield* Fiber.interrupt(fiber)
            expect(Exit.isInterrupted(exit)).toBe(true)
          } else {
            // The consumer has its events: the call ends by itself, the server still sending.
            exit = yield* Fiber.await(fiber).pipe(Effect.timeoutFail({ duration: "10 seconds", onTimeout: () => "take hung" }))
            expect(Exit.isSuccess(exit), "the take ends with its events").toBe(true)
            expect(delivered.events).toHaveLength(c.stop.take)
          }
          const stopMs = performance.now() - stoppedAt
          // Only an attempt in flight must lose its socket: after a 503 read in full, the idle
          // keep-alive connection is the pool's to keep (Node's fetch keeps one process-wide).
          const inFlight = ready !== "retry logged"
          if (inFlight) yield* pollUntil(server.connections, (n) => n.open === 0)
          const closedMs = performance.now() - stoppedAt
          const openAfter = (yield* server.connections).open

          // What the stop did, not how fast (the report has the figures, the bench the speed): the
          // call returned, and the connection of an attempt in flight was closed, well before any
          // limit in play (30 s) could have closed it.
          if (inFlight) {
            expect(openAfter, "the server still sees the connection open").toBe(0)
            yield* server.idle.pipe(Effect.timeout("10 seconds"))
          }

          yield* Effect.sleep(WATCH_MS)
          const requests = (yield* server.requests).length - was.requests
          expect(requests, "no request after the call was stopped").toBe(1)
          expect(yield* acted(call, server, prepared, was), "what the server did").toBe(c.acted)
          expect(yield* server.handlerFailures).toEqual([])
          expect(keyLeaks(renderings(exit, observed))).toEqual([])

          record({
            table: "interruption",
            id: `${transport.name}-${c.operation}-${c.name}`,
            operation: c.operation,
            group: "interruption",
            fault: `${c.operation}, ${c.name} (${c.fault})`,
            transport: transport.label,
            policy: c.stop === "interrupt" ? "Fiber.interrupt" : `Stream.take(…, ${c.stop.take})`,
            outcome: c.stop === "interrupt" ? "interrupted" : "success",
            attempts: null,
            serverRequests: requests,
            sessions: c.acted,
            elapsedMs: Math.round(stopMs),
            figures: {
              order: transports.indexOf(transport) * cases.length + order,
              interruptMs: c.stop === "interrupt" ? Math.round(stopMs) : "n/a",
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
