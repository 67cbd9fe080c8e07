/**
 * The generated hostile server (test/shared/reliability/hostile.ts) against every operation of the
 * Effect 4 edition over both transports: the same recipes, the same oracle and the same checks as
 * the Effect 3 edition's suite (test/reliability/hostile.test.ts), through this edition's adapter.
 * Every call must end, in a success or the tag its answer documents — never a defect or an
 * interruption — with the key nowhere (error renderings, `Cause`, logs, spans), and leave no socket
 * open. A failing case prints its recipe, which is its reproduction.
 *
 * A representative subset, to keep CI's time: the first `CASES` of the Effect 3 edition's cases per
 * operation and transport (same seed, so the same recipes), since both suites run in one CI job
 * and the whole list costs minutes on a loaded 2-core runner.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import type { Name } from "../../../src/core/operations.js"
import { names } from "../../../src/core/operations.js"
import {
  answering,
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
} from "../../../test/shared/reliability/hostile.js"
import { handleCounts, resourceMark, settled, trackResources, unhandled } from "../../../test/shared/reliability/resources.js"
import { RetryPolicy } from "../../src/RetryPolicy.js"
import { TimeoutPolicy } from "../../src/TimeoutPolicy.js"
import { callOperation, clientLayer, fetch, guarded, observe, reportOf, type Transport, transports, undici } from "./adapter.js"

trackResources()

/** Cases per operation and transport: the first of the Effect 3 edition's list. */
const CASES = 16

const retry = RetryPolicy.layer({ maxRetries: 1, baseDelay: "5 millis", maxDelay: "20 millis", maxRetryAfter: "100 millis", jitter: 0 })
/** For answers the server never finishes: short limits, so that such a case costs a second or two. */
const waiting = Layer.merge(retry, TimeoutPolicy.layer({ perAttempt: "600 millis", idle: "600 millis", total: "3 seconds" }))
/** For the replays of bugs the generator found: the shortest limits that still tell a hang from a deadline. */
const brief = Layer.merge(retry, TimeoutPolicy.layer({ perAttempt: "300 millis", idle: "300 millis", total: "1 second" }))
/** For every other answer: limits no loaded machine reaches, so that only the answer decides the outcome. */
const relaxed = Layer.merge(retry, TimeoutPolicy.layer({ perAttempt: "3 seconds", idle: "3 seconds", total: "8 seconds" }))

/** The limits a case runs under, and the real time after which its call counts as a hang. */
interface Limits {
  readonly policy: Layer.Layer<never, Config.ConfigError>
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

const prepare = (name: Name, c: HostileCase, index: number): Prepared => {
  const route = routes[name]
  const rendered = plan(c, route)
  return { index, case: c, plan: rendered.plan, allowed: documented(c, rendered.shape, { name, route }) }
}

const runCase = (
  transport: Transport,
  name: Name,
  { allowed, case: c, index, plan: answer }: Prepared,
  server: HostileServer,
  { guardMs, policy }: Limits = limitsFor(answer)
) =>
  Effect.gen(function*() {
    server.answerWith(answer)
    const observed = observe()
    const started = performance.now()
    const ended = yield* guarded(
      callOperation(name).pipe(Effect.provide(clientLayer(server.url, transport.layer, policy)), Effect.provide(observed.layer)),
      guardMs
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

beforeAll(async () => {
  mark = resourceMark()
  baseline = handleCounts()
  servers = await Promise.all(Array.from({ length: LANES }, startHostileServer))
  // Node's fetch loads on its first call, which can take longer than the per-attempt limit: not a case's doing.
  const [first] = servers
  if (first !== undefined) {
    await Effect.runPromise(Effect.forEach(transports, (transport) =>
      Effect.exit(Effect.provide(callOperation("create"), clientLayer(first.url, transport.layer, relaxed)))))
    await first.dropAll()
  }
})

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()))
})

const report = (transport: Transport, name: Name, results: ReadonlyArray<Result>): string =>
  results.filter((r) => r.problems.length > 0).slice(0, 5).map((r) =>
    `${name} over ${transport.name}, case ${r.index} (${Math.round(r.ms)} ms, ${r.requests} requests):\n  ${
      r.problems.join("\n  ")
    }\n  case: ${describeCase(r.case).slice(0, 2_000)}`
  ).join("\n\n")

// The generated cases run so far: the closing check means nothing when none ran (a test run alone).
let casesRun = 0

describe(`a generated hostile server (seed ${SEED}, the first ${CASES} cases per operation and transport)`, () => {
  for (const transport of transports) {
    names.forEach((name, rowIndex) => {
      it.live(
        `${name} over ${transport.label}: every answer ends in a success or its documented tag, without defect, hang, key or open socket`,
        () =>
          Effect.gen(function*() {
            const cases = sampleCases(routes[name].streamed, SEED + rowIndex, CASES).map((c, i) => prepare(name, c, i))
            const lanes = yield* Queue.unbounded<HostileServer>()
            yield* Queue.offerAll(lanes, servers)
            const results = yield* Effect.forEach(
              cases,
              (prepared) =>
                Effect.acquireUseRelease(
                  Queue.take(lanes),
                  (server) => runCase(transport, name, prepared, server),
                  (server) => Queue.offer(lanes, server)
                ),
              { concurrency: servers.length }
            )
            casesRun += results.length
            expect(results).toHaveLength(CASES)
            expect(results.filter((r) => r.problems.length > 0).length, report(transport, name, results)).toBe(0)
          }),
        120_000
      )
    })
  }
})

/** Runs recipes on one operation over `transport` and returns their problems: the findings' regression tests. */
const replay = (name: Name, cases: ReadonlyArray<HostileCase>, transport: Transport = undici, limits?: Limits) =>
  Effect.gen(function*() {
    const [server] = servers
    if (server === undefined) return yield* Effect.die("no server")
    const results = yield* Effect.forEach(cases, (c, i) => runCase(transport, name, prepare(name, c, i), server, limits))
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

  it.live("a streamed turn over Node's fetch ends within its idle and total limits when its body is mislabelled gzip", () =>
    Effect.map(replay("ask", [mislabelled(200)], fetch, { policy: brief, guardMs: 3_000 }), (problems) => expect(problems).toEqual([])))

  it.live("a 503 over Node's fetch is a ServerError when its body is mislabelled gzip, not the total deadline", () =>
    Effect.map(replay("create", [mislabelled(503)], fetch, { policy: brief, guardMs: 3_000 }), (problems) => expect(problems).toEqual([])))
})

describe("after every generated case", () => {
  it.live("no socket, server or timer is left in the process, and nothing was thrown unhandled", () =>
    Effect.gen(function*() {
      yield* Effect.promise(() => Promise.all(servers.map((server) => server.close())))
      expect(casesRun, "no generated case ran before this check (run the whole file)").toBeGreaterThan(0)
      const after = yield* Effect.promise(() => settled(mark, baseline))
      expect(after.left, "timers or sockets left behind").toEqual([])
      expect(after.counts.sockets).toBeLessThanOrEqual(baseline.sockets)
      expect(unhandled).toEqual([])
    }))
})
