/**
 * Stopping a call early, for both editions: the cases (interrupting the calling fiber mid-request,
 * mid-body, mid-stream or mid-backoff, and a consumer that takes fewer events than the turn has),
 * and the runner that plays one through an edition's adapter against a real socket and says what
 * broke a promise: the connection of an attempt in flight closes at once, no further request
 * reaches the server, the call ends as it should, the key nowhere. Node and plain data: no Effect;
 * the fiber is the adapter's.
 */
import { Fault } from "../../../src/core/localServer/faults.js"
import type { Name } from "../../../src/core/operations.js"
import { keyLeaks } from "./key.js"
import { calls, createParams, defaultTurn, LIST_PAGE_SIZE, type Policies } from "./matrix.js"
import type { Delivered } from "./outcome.js"
import type { Row } from "./rows.js"
import { createSession, type Edition, type MatrixServer, pollUntil } from "./runner.js"

/** The retry policy's options a case sets, in ms; unset ones are the policy's defaults. */
export interface RetryOverrides {
  readonly maxRetryAfterMs?: number
  readonly baseDelayMs?: number
  readonly jitter?: number
}

export interface InterruptionCase {
  readonly name: string
  readonly operation: Name
  readonly fault: string
  readonly script: () => ReadonlyArray<Fault>
  readonly retry: RetryOverrides
  /** When the call is where the case wants to stop it. */
  readonly ready: "request arrived" | "retry logged" | { readonly events: number }
  /** How the caller stops: by interrupting its fiber, or by taking `take` events and no more. */
  readonly stop: "interrupt" | { readonly take: number }
  /** What the server has done by then: sessions made, turns run, sessions deleted. */
  readonly acted: number
}

const delayed = "headers delayed 60 s"

export const cases: ReadonlyArray<InterruptionCase> = [
  {
    name: "mid-request, headers not yet sent",
    operation: "create",
    fault: delayed,
    script: () => [Fault.delayHeaders(60_000)],
    retry: {},
    ready: "request arrived",
    stop: "interrupt",
    acted: 1
  },
  {
    name: "mid-body, the body stalled",
    operation: "create",
    fault: "body stalls half way",
    script: () => [Fault.stallBody()],
    retry: {},
    ready: "request arrived",
    stop: "interrupt",
    acted: 1
  },
  {
    name: "mid-backoff, waiting out a server's Retry-After",
    operation: "create",
    fault: "503 with `retry-after-ms: 600`",
    script: () => [Fault.status(503, { headers: { "retry-after-ms": "600" } })],
    retry: { maxRetryAfterMs: 10_000 },
    ready: "retry logged",
    stop: "interrupt",
    acted: 0
  },
  {
    name: "mid-backoff, waiting out the exponential backoff",
    operation: "create",
    fault: "503, backoff 600 ms",
    script: () => [Fault.status(503)],
    retry: { baseDelayMs: 600, jitter: 0 },
    ready: "retry logged",
    stop: "interrupt",
    acted: 0
  },
  {
    name: "mid-request, headers not yet sent",
    operation: "retrieve",
    fault: delayed,
    script: () => [Fault.delayHeaders(60_000)],
    retry: {},
    ready: "request arrived",
    stop: "interrupt",
    acted: 0
  },
  {
    name: "mid-body, the body stalled",
    operation: "retrieve",
    fault: "body stalls half way",
    script: () => [Fault.stallBody()],
    retry: {},
    ready: "request arrived",
    stop: "interrupt",
    acted: 0
  },
  {
    name: "mid-page, the first page stalled",
    operation: "list",
    fault: "body stalls half way",
    script: () => [Fault.stallBody()],
    retry: {},
    ready: "request arrived",
    stop: "interrupt",
    acted: 0
  },
  {
    name: "mid-request, headers not yet sent",
    operation: "delete",
    fault: "headers delayed 60 s (the session deleted meanwhile)",
    script: () => [Fault.delayHeaders(60_000)],
    retry: {},
    ready: "request arrived",
    stop: "interrupt",
    acted: 1
  },
  {
    name: "waiting for the turn's headers",
    operation: "sendMessage",
    fault: delayed,
    script: () => [Fault.delayHeaders(60_000)],
    retry: {},
    ready: "request arrived",
    stop: "interrupt",
    acted: 1
  },
  {
    name: "mid-stream, the consumer waiting for event 4",
    operation: "sendMessage",
    fault: "stream stalls after 3 events",
    script: () => [Fault.stallStream(3)],
    retry: {},
    ready: { events: 3 },
    stop: "interrupt",
    acted: 1
  },
  {
    name: "after 2 events, the server still sending",
    operation: "sendMessage",
    fault: "stream stalls after 5 events",
    script: () => [Fault.stallStream(5)],
    retry: {},
    ready: { events: 2 },
    stop: { take: 2 },
    acted: 1
  },
  {
    name: "mid-stream, collecting the reply",
    operation: "ask",
    fault: "stream stalls after 3 events",
    script: () => [Fault.stallStream(3)],
    retry: {},
    ready: "request arrived",
    stop: "interrupt",
    acted: 1
  }
]

/** What an edition's adapter runs: the call, in a fiber of its own, with every log line and span recorded. */
export interface StartRequest {
  readonly url: string
  readonly transport: "undici" | "fetch"
  readonly retry: RetryOverrides
  /** Limits no case reaches: only the stop ends a call. */
  readonly policies: Policies
  readonly operation: Name
  readonly sessionId: string
  readonly turn: typeof defaultTurn
  readonly createParams: typeof createParams
  readonly listPageSize: number
  readonly delivered: Delivered
  /** A turn read through `Stream.take(n)` instead of to its end. */
  readonly take?: number
}

/** A call running in a fiber. */
export interface Running {
  readonly ended: () => boolean
  readonly logLines: () => number
  /** Interrupts the fiber and waits for it; whether it ended interrupted, and every text the key could be in. */
  readonly interrupt: () => Promise<{ readonly interrupted: boolean; readonly texts: Readonly<Record<string, string>> }>
  /** Waits up to `ms` for the call to end by itself; whether it succeeded, and every text the key could be in. */
  readonly await: (ms: number) => Promise<{ readonly succeeded: boolean; readonly texts: Readonly<Record<string, string>> }>
  /** Closes the client. */
  readonly close: () => Promise<void>
}

/** An edition that can stop a call early. */
export interface Interruptible extends Edition {
  readonly start: (request: StartRequest) => Promise<Running>
}

/** Long enough for a retry that should not happen to have happened. */
export const WATCH_MS = 1_000

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

const actedAt = async (server: MatrixServer, c: InterruptionCase, sessionId: string, sessionsBefore: number) => {
  switch (calls[c.operation].kind) {
    case "create":
      return (await server.sessions()) - sessionsBefore
    case "delete":
      return (await server.turnsOf(sessionId)) === undefined ? 1 : 0
    case "turn":
      return (await server.turnsOf(sessionId)) ?? 0
    default:
      return 0
  }
}

/**
 * Plays case `c` over `transport` against a server of its own; returns every broken promise, said,
 * and the report's row.
 */
export const interruptionProblems = async (
  edition: Interruptible,
  c: InterruptionCase,
  transport: "undici" | "fetch",
  order: number
): Promise<{ readonly problems: ReadonlyArray<string>; readonly row: Row }> => {
  const call = calls[c.operation]
  const server = await edition.startServer({})
  const problems: Array<string> = []
  const check = (ok: boolean, what: string) => {
    if (!ok) problems.push(`${c.operation}, ${c.name}, over ${transport}: ${what}`)
  }
  try {
    const ids: Array<string> = []
    for (let i = 0; i < call.sessions; i++) ids.push(await createSession(server.url))
    if (call.sessions > 0) await pollUntil(server.openConnections, (open) => open === 0)
    const sessionId = ids[0] ?? "ses-missing"
    const requestsBefore = await server.requests()
    const sessionsBefore = await server.sessions()
    await server.setFaults({ script: c.script(), route: call.route })
    const delivered: Delivered = { events: [], items: [] }
    const running = await edition.start({
      url: server.url,
      transport,
      retry: c.retry,
      policies: { retryAmbiguous: false, perAttemptMs: 30_000, idleMs: 30_000 },
      operation: c.operation,
      sessionId,
      turn: defaultTurn,
      createParams,
      listPageSize: LIST_PAGE_SIZE,
      delivered,
      ...(c.stop === "interrupt" ? {} : { take: c.stop.take })
    })

    const ready = c.ready
    if (ready === "request arrived") {
      await pollUntil(server.requests, (n) => n === requestsBefore + 1)
      await pollUntil(server.openConnections, (open) => open === 1)
    } else if (ready === "retry logged") {
      await pollUntil(() => Promise.resolve(running.logLines()), (n) => n >= 1)
    } else {
      await pollUntil(() => Promise.resolve(delivered.events.length), (n) => n >= ready.events)
    }

    const stoppedAt = performance.now()
    let texts: Readonly<Record<string, string>> = {}
    if (c.stop === "interrupt") {
      check(!running.ended(), "the call had ended before it was stopped")
      const stopped = await running.interrupt()
      check(stopped.interrupted, "the call did not end interrupted")
      texts = stopped.texts
    } else {
      // The consumer has its events: the call ends by itself, the server still sending.
      const ended = await running.await(10_000)
      check(ended.succeeded, "the take did not end with its events")
      check(delivered.events.length === c.stop.take, `the take handed over ${delivered.events.length} events`)
      texts = ended.texts
    }
    const stopMs = performance.now() - stoppedAt
    // Only an attempt in flight must lose its socket: after a 503 read in full, the idle keep-alive
    // connection is the pool's to keep (Node's fetch keeps one process-wide).
    const inFlight = ready !== "retry logged"
    if (inFlight) await pollUntil(server.openConnections, (open) => open === 0)
    const closedMs = performance.now() - stoppedAt
    // What the stop did, not how fast: the connection of an attempt in flight was closed well
    // before any limit in play (30 s) could have closed it.
    if (inFlight) {
      check((await server.openConnections()) === 0, "the server still sees the connection open")
      check(await server.idle(10_000), "a request handler was still running 10 s after the stop")
    }

    await sleep(WATCH_MS)
    const requests = (await server.requests()) - requestsBefore
    check(requests === 1, `${requests} requests at the server, 1 expected: a request after the call was stopped`)
    const acted = await actedAt(server, c, sessionId, sessionsBefore)
    check(acted === c.acted, `what the server did: ${acted}, ${c.acted} expected`)
    check((await server.handlerFailures()) === 0, "server handler failures")
    const leaks = keyLeaks(texts)
    check(leaks.length === 0, `the API key leaked into ${leaks.join(", ")}`)
    await running.close()
    const label = edition.transports.find((t) => t.name === transport)?.label ?? transport
    return {
      problems,
      row: {
        table: "interruption",
        id: `${transport}-${c.operation}-${c.name}`,
        operation: c.operation,
        group: "interruption",
        fault: `${c.operation}, ${c.name} (${c.fault})`,
        transport: label,
        policy: c.stop === "interrupt" ? "Fiber.interrupt" : `Stream.take(…, ${c.stop.take})`,
        outcome: c.stop === "interrupt" ? "interrupted" : "success",
        attempts: null,
        serverRequests: requests,
        sessions: c.acted,
        elapsedMs: Math.round(stopMs),
        figures: {
          order,
          interruptMs: c.stop === "interrupt" ? Math.round(stopMs) : "n/a",
          serverSawCloseMs: inFlight ? Math.round(closedMs) : "n/a",
          watchedMs: WATCH_MS
        }
      }
    }
  } finally {
    await server.close()
  }
}
