/**
 * The generated hostile server (hostile.ts) against every operation over both transports: random
 * statuses, header sets that echo the key, truncated, random, deeply nested, huge and oddly encoded
 * bodies, broken framing and abrupt closes. Every call must end, in a success or the tag its answer
 * documents — never a defect or an interruption — with the key nowhere (error renderings, `Cause`,
 * debug logs, spans), and leave no socket open: the server counts its connections after each call.
 * A failing case prints its recipe, which is its reproduction (`plan` renders it to the same bytes).
 * The number of cases that ran is written to hostile-count.json for the report.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import { writeFileSync } from "node:fs"
import { RetryPolicy } from "../../src/RetryPolicy.js"
import { TimeoutPolicy } from "../../src/TimeoutPolicy.js"
import {
  answering,
  CASES_PER_OPERATION,
  describeCase,
  documented,
  type HostileCase,
  type HostileServer,
  mislabelled,
  plan,
  type Plan,
  problemsOf,
  routes,
  sampleCases,
  SEED,
  startHostileServer
} from "../shared/reliability/hostile.js"
import { callRow, type OperationRow, operations } from "../fixtures/operations.js"
import { reportOf } from "./adapter.js"
import {
  clientLayer,
  handleCounts,
  observe,
  record,
  resourceMark,
  settledHandles,
  trackResources,
  type Transport,
  fetch,
  transports,
  undici,
  unhandled
} from "./harness.js"

trackResources()

const retry = RetryPolicy.layer({ maxRetries: 1, baseDelay: "5 millis", maxDelay: "20 millis", maxRetryAfter: "100 millis", jitter: 0 })
/** For answers the server never finishes: short limits, so that such a case costs a second or two. */
const waiting = Layer.merge(retry, TimeoutPolicy.layer({ perAttempt: "600 millis", idle: "600 millis", total: "3 seconds" }))
/** For the replays of bugs the generator found: the shortest limits that still tell a hang from a deadline. */
const brief = Layer.merge(retry, TimeoutPolicy.layer({ perAttempt: "300 millis", idle: "300 millis", total: "1 second" }))
/** For every other answer: limits no loaded machine reaches, so that only the answer decides the outcome. */
const relaxed = Layer.merge(retry, TimeoutPolicy.layer({ perAttempt: "3 seconds", idle: "3 seconds", total: "8 seconds" }))
const POLICY =
  "maxRetries 1, maxRetryAfter 100 ms; perAttempt / idle 600 ms, total 3 s for answers never finished, else 3 s / 8 s"

/** The limits a case runs under, and the real time after which its call counts as a hang (total deadline and room for a busy machine). */
interface Limits {
  readonly policy: Layer.Layer<never, ConfigError.ConfigError>
  readonly guardMs: number
}
const limitsFor = (answer: Plan): Limits =>
  answer.waits ? { policy: waiting, guardMs: 3_000 + 2_500 } : { policy: relaxed, guardMs: 8_000 + 2_500 }
/** Real time the client has to close its sockets once a call has ended. */
const SOCKET_MS = 2_000
/** Servers answering in parallel; each answers one case at a time. */
const LANES = 6
/** At most this many requests per call: two attempts, and for `list` a second page. */
const MAX_REQUESTS = 4
interface Result {
  readonly index: number
  readonly label: string
  readonly ms: number
  readonly requests: number
  readonly problems: ReadonlyArray<string>
  readonly case: HostileCase
}


const sleepMs = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Waits until the client has closed every connection it must: all of them when the transport's pool
 * lives with the layer (undici), otherwise every one the server left busy — except a stalled one the
 * client may have read as complete and pooled (Node's fetch keeps a process-wide pool).
 */
const socketsLeft = (server: HostileServer, transport: Transport, answer: Plan) =>
  Effect.promise(async () => {
    const deadline = Date.now() + SOCKET_MS
    for (;;) {
      const c = server.connections()
      const pooled = !transport.ownsPool && answer.mayBePooled ? c.held : 0
      if (transport.ownsPool ? c.open === 0 : c.busy - pooled <= 0) return undefined
      if (Date.now() > deadline) return c
      await sleepMs(2)
    }
  })

/** Closes what the client kept for its pool, and lets it see the close before the next case. */
const reset = (server: HostileServer) =>
  Effect.promise(async () => {
    await server.dropAll()
    await sleepMs(1)
    await new Promise<void>((resolve) => setImmediate(resolve))
  })

/** A case rendered for an operation, ahead of the calls: rendering a large body must not hold up other calls' timers. */
interface Prepared {
  readonly index: number
  readonly case: HostileCase
  readonly plan: Plan
  readonly allowed: ReadonlyArray<string>
}

const prepare = (row: OperationRow, c: HostileCase, index: number): Prepared => {
  const route = routes[row.name]
  const rendered = plan(c, route)
  return { index, case: c, plan: rendered.plan, allowed: documented(c, rendered.shape, { name: row.name, route }) }
}

const runCase = (
  transport: Transport,
  row: OperationRow,
  { allowed, case: c, index, plan: answer }: Prepared,
  server: HostileServer,
  { guardMs, policy }: Limits = limitsFor(answer)
) =>
  Effect.gen(function*() {
    server.answerWith(answer)
    const observed = observe()
    const started = performance.now()
    const ended = yield* callRow(row).pipe(
      Effect.provide(clientLayer(server.url, transport.layer, policy)),
      Effect.provide(observed.layer),
      Effect.exit,
      // A call that does not end is reported, not waited on.
      Effect.disconnect,
      Effect.timeoutOption(guardMs)
    )
    const ms = performance.now() - started
    const problems: Array<string> = []
    const report = Option.map(ended, (exit) => reportOf(exit, observed))
    const label = Option.match(report, { onNone: () => "hang", onSome: (r) => r.outcome.label })
    if (Option.isNone(report)) problems.push(`hang: the call had not ended after ${guardMs} ms`)
    else problems.push(...problemsOf(report.value, allowed))
    const left = yield* socketsLeft(server, transport, answer)
    if (left !== undefined) problems.push(`sockets still open ${SOCKET_MS} ms after the call: ${JSON.stringify(left)}`)
    const requests = server.requests()
    if (requests < 1 || requests > MAX_REQUESTS) problems.push(`${requests} requests`)
    const bad = server.badRequests()
    if (bad.length > 0) problems.push(`the key outside Authorization, or no key: ${bad.join("; ")}`)
    yield* reset(server)
    return { index, label, ms, requests, problems, case: c } satisfies Result
  })


let servers: ReadonlyArray<HostileServer> = []
let mark = 0
let baseline = handleCounts()
const ran: Array<{ readonly transport: Transport; readonly row: OperationRow; readonly results: ReadonlyArray<Result>; readonly ms: number }> = []
const suiteStarted = performance.now()

beforeAll(async () => {
  mark = resourceMark()
  baseline = handleCounts()
  servers = await Promise.all(Array.from({ length: LANES }, startHostileServer))
  // Node's fetch loads on its first call, which can take longer than the per-attempt limit: not a case's doing.
  const [first] = servers
  const [row] = operations
  if (first !== undefined && row !== undefined) {
    await Effect.runPromise(Effect.forEach(transports, (transport) =>
      Effect.exit(Effect.provide(callRow(row), clientLayer(first.url, transport.layer, relaxed)))))
    await first.dropAll()
  }
})

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()))
})

const histogram = (results: ReadonlyArray<Result>): Record<string, number> => {
  const counts: Record<string, number> = {}
  for (const r of results) counts[r.label] = (counts[r.label] ?? 0) + 1
  return Object.fromEntries(Object.entries(counts).sort(([, a], [, b]) => b - a))
}

const msByLabel = (results: ReadonlyArray<Result>): Record<string, number> => {
  const ms: Record<string, number> = {}
  for (const r of results) ms[r.label] = Math.round((ms[r.label] ?? 0) + r.ms)
  return ms
}

const report = (transport: Transport, row: OperationRow, results: ReadonlyArray<Result>): string =>
  results.filter((r) => r.problems.length > 0).slice(0, 5).map((r) =>
    `${row.name} over ${transport.name}, case ${r.index} (${Math.round(r.ms)} ms, ${r.requests} requests):\n  ${
      r.problems.join("\n  ")
    }\n  case: ${describeCase(r.case).slice(0, 2_000)}`
  ).join("\n\n")

describe(`a generated hostile server (seed ${SEED}, ${CASES_PER_OPERATION} cases per operation and transport)`, () => {
  for (const transport of transports) {
    operations.forEach((row, rowIndex) => {
      it.live(
        `${row.name} over ${transport.label}: every answer ends in a success or its documented tag, without defect, hang, key or open socket`,
        () =>
          Effect.gen(function*() {
            const cases = sampleCases(row.streamed, SEED + rowIndex, CASES_PER_OPERATION).map((c, i) => prepare(row, c, i))
            const lanes = yield* Queue.unbounded<HostileServer>()
            yield* Queue.offerAll(lanes, servers)
            const started = performance.now()
            const results = yield* Effect.forEach(
              cases,
              (prepared) =>
                Effect.acquireUseRelease(
                  Queue.take(lanes),
                  (server) => runCase(transport, row, prepared, server),
                  (server) => Queue.offer(lanes, server)
                ),
              { concurrency: servers.length }
            )
            const ms = performance.now() - started
            ran.push({ transport, row, results, ms })
            record({
              table: "hostile",
              id: `${transport.name}-${row.name}`,
              group: "hostile server",
              fault: `${results.length} generated answers (seed ${SEED + rowIndex})`,
              transport: transport.label,
              policy: POLICY,
              outcome: results.every((r) => r.problems.length === 0)
                ? `success or documented tag`
                : `${results.filter((r) => r.problems.length > 0).length} undocumented`,
              attempts: null,
              serverRequests: results.reduce((n, r) => n + r.requests, 0),
              sessions: null,
              elapsedMs: Math.round(ms),
              figures: { operation: row.name, cases: results.length, ...histogram(results) }
            })
            expect(results.filter((r) => r.problems.length > 0).length, report(transport, row, results)).toBe(0)
          }),
        120_000
      )
    })
  }
})

/** Runs recipes on one operation over undici and returns their problems: the findings' regression tests. */
const replay = (name: OperationRow["name"], cases: ReadonlyArray<HostileCase>) =>
  Effect.gen(function*() {
    const row = operations.find((r) => r.name === name)
    const [server] = servers
    if (row === undefined || server === undefined) return yield* Effect.dieMessage(`no operation ${name} or no server`)
    const results = yield* Effect.forEach(cases, (c, i) => runCase(undici, row, prepare(row, c, i), server))
    return results.flatMap((r) => r.problems.map((problem) => `case ${r.index}: ${problem}`))
  })

describe("findings, replayed", () => {
  it.live("a turn's failure that quotes the key, or runs to 200 000 characters, ends in a scrubbed, bounded TurnError", () =>
    Effect.gen(function*() {
      const stop = (error: "huge" | { readonly _tag: "Verbatim" }): HostileCase["body"] => ({
        _tag: "Sse",
        items: [{ _tag: "Stop", isError: true, error }],
        end: "none",
        lineEnd: "\n"
      })
      expect(yield* replay("ask", [answering(200, stop({ _tag: "Verbatim" })), answering(200, stop("huge"))])).toEqual([])
    }))

  it.live("a 2xx field quoting the key where the problem text is cut (1 000 characters) shows no start of the key", () =>
    Effect.gen(function*() {
      // The key straddles the cut for one of these offsets whatever the words before it.
      const offsets = Array.from({ length: 16 }, (_, i) => 850 + 10 * i)
      const cases = offsets.map((keyAt) =>
        answering(200, { _tag: "HugeString", size: 3_000, keyAt, form: { _tag: "Verbatim" }, at: "field" })
      )
      expect(yield* replay("create", cases)).toEqual([])
    }))
})

describe("bugs found by the generator, replayed", () => {
  const overFetch = (name: OperationRow["name"], c: HostileCase) =>
    Effect.gen(function*() {
      const row = operations.find((r) => r.name === name)
      const [, server] = servers
      if (row === undefined || server === undefined) return yield* Effect.dieMessage(`no operation ${name} or no server`)
      return (yield* runCase(fetch, row, prepare(row, c, 0), server, { policy: brief, guardMs: 3_000 })).problems
    })

  it.live("a streamed turn over Node's fetch ends within its idle and total limits when its body is mislabelled gzip", () =>
    Effect.map(overFetch("ask", mislabelled(200)), (problems) => expect(problems).toEqual([])))

  it.live("a 503 over Node's fetch is a ServerError when its body is mislabelled gzip, not the total deadline", () =>
    Effect.map(overFetch("create", mislabelled(503)), (problems) => expect(problems).toEqual([])))
})

describe("after every generated case", () => {
  it.live("no socket, server or timer is left in the process, and nothing was thrown unhandled", () =>
    Effect.gen(function*() {
      yield* Effect.promise(() => Promise.all(servers.map((server) => server.close())))
      expect(ran.length, "no generated case ran before this check (run the whole file)").toBeGreaterThan(0)
      const after = yield* settledHandles(mark, baseline)
      expect(after.left, "timers or sockets left behind").toEqual([])
      expect(after.counts.sockets).toBeLessThanOrEqual(baseline.sockets)
      expect(unhandled).toEqual([])
    }))

  it("counts the cases that ran", () => {
    const perTransport: Record<string, Record<string, number>> = {}
    for (const { results, row, transport } of ran) {
      perTransport[transport.name] = { ...perTransport[transport.name], [row.name]: results.length }
    }
    const total = ran.reduce((n, r) => n + r.results.length, 0)
    writeFileSync(
      new URL("./hostile-count.json", import.meta.url),
      `${JSON.stringify({ seed: SEED, casesPerOperation: CASES_PER_OPERATION, total, perTransport }, null, 2)}\n`
    )
    const lines = ran.map(({ ms, results, row, transport }) =>
      `${transport.name.padEnd(7)} ${row.name.padEnd(12)} ${String(results.length).padStart(4)} cases ${
        String(Math.round(ms)).padStart(6)
      } ms  ${JSON.stringify(histogram(results))} ms by outcome ${JSON.stringify(msByLabel(results))}`
    )
    console.log(
      `hostile server: ${total} generated cases in ${Math.round(performance.now() - suiteStarted)} ms\n${lines.join("\n")}`
    )
    expect(total).toBe(transports.length * operations.length * CASES_PER_OPERATION)
  })
})
