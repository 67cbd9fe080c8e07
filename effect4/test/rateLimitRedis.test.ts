/**
 * A fleet sharing one rate limit through a real `redis-server`: three replica processes
 * (fixtures/rateLimitReplica.ts) call the local server, which records when each call arrived.
 * Skipped, saying so, where `redis-server` is not installed (`.ci/run` installs it).
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as ChildProcess from "node:child_process"
import * as Path from "node:path"
import * as Readline from "node:readline"
import { fileURLToPath } from "node:url"
import * as LocalServer from "../src/testing/LocalServer.js"
import { redisServer, redisServerInstalled } from "./fixtures/redisServer.js"
import { type Outcome, perWindow, sumCompleted } from "../../test/shared/fleet.js"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")

interface Replica {
  readonly ready: Effect.Effect<void>
  readonly go: Effect.Effect<void>
  readonly outcome: Effect.Effect<Outcome>
}

/** Starts a replica process; it is killed when the scope closes, if it has not ended by then. */
const replica = (settings: Record<string, string | number>) =>
  Effect.gen(function*() {
    const child = yield* Effect.acquireRelease(
      Effect.sync(() =>
        ChildProcess.spawn(process.execPath, ["--import", "tsx", "test/fixtures/rateLimitReplica.ts"], {
          cwd: root,
          env: { ...process.env, ...Object.fromEntries(Object.entries(settings).map(([k, v]) => [`REPLICA_${k}`, String(v)])) },
          // stderr is kept with the logs: the Redis client reports refused reconnections there once Redis is killed.
          stdio: ["pipe", "pipe", "pipe"]
        })
      ),
      (child) => Effect.sync(() => child.exitCode === null && child.kill("SIGKILL"))
    )
    const lines: Array<string> = []
    const waiters: Array<() => void> = []
    Readline.createInterface({ input: child.stdout }).on("line", (line) => {
      lines.push(line)
      waiters.splice(0).forEach((wake) => wake())
    })
    Readline.createInterface({ input: child.stderr }).on("line", (line) => lines.push(`stderr: ${line}`))
    /** The first line `test` accepts; log lines (Effect's logger writes to stdout too) are passed over. */
    const line = (test: (line: string) => boolean) =>
      Effect.callback<string>((resume) => {
        const check = () => {
          const found = lines.find(test)
          if (found !== undefined) resume(Effect.succeed(found))
          else waiters.push(check)
        }
        check()
      })
    return {
      ready: Effect.asVoid(line((l) => l === "ready")),
      go: Effect.sync(() => void child.stdin.write("go\n")),
      outcome: Effect.map(line((l) => l.startsWith("{")), (text) => ({
        ...(JSON.parse(text) as Omit<Outcome, "logs">),
        logs: lines.filter((l) => !l.startsWith("{") && l !== "ready")
      }))
    } satisfies Replica
  })

/** Starts `count` replicas, lets them go together once all are ready, and collects their outcomes. */
const fleet = (count: number, settings: Record<string, string | number>, whileRunning: Effect.Effect<void> = Effect.void) =>
  Effect.gen(function*() {
    const replicas = yield* Effect.all(Array.from({ length: count }, () => replica(settings)))
    yield* Effect.forEach(replicas, (r) => r.ready, { discard: true })
    yield* Effect.forEach(replicas, (r) => r.go, { discard: true })
    const [outcomes] = yield* Effect.all([Effect.forEach(replicas, (r) => r.outcome, { concurrency: "unbounded" }), whileRunning], {
      concurrency: "unbounded"
    })
    return outcomes
  })

/** The creates the server received, as arrival instants. */
const creates = (server: LocalServer.LocalServer["Service"]) =>
  Effect.map(server.requests, (all) => all.filter((r) => r.method === "POST" && r.path === "/api/v1/chat"))

describe.skipIf(!redisServerInstalled)("a rate limit shared through Redis by three processes", () => {
  const LIMIT = 4
  const CALLS = 4
  // Long enough that a call's own latency on a loaded machine (seconds, when every core is taken)
  // stays well inside the silence between two windows.
  const WINDOW_MS = 6_000

  it.live("never more than the limit per window reaches the server, nothing lost, every call completed", () =>
    Effect.gen(function*() {
      const redis = yield* redisServer
      const server = yield* LocalServer.make()
      const outcomes = yield* fleet(3, {
        CALLS,
        CONCURRENCY: CALLS,
        LIMIT,
        WINDOW_MS,
        REDIS_PORT: redis.port,
        SERVER_URL: server.url,
        ON_STORE_FAILURE: "proceed"
      })
      assert.deepStrictEqual(outcomes.map((o) => o.failed), [[], [], []])
      assert.strictEqual(sumCompleted(outcomes), 3 * CALLS)
      const received = yield* creates(server)
      assert.lengthOf(received, 3 * CALLS)
      assert.lengthOf(yield* server.sessions, 3 * CALLS)
      const counts = perWindow(received.map((r) => r.receivedAt), WINDOW_MS)
      assert.isTrue(counts.every((n) => n <= LIMIT), `calls per window: ${counts.join(", ")}`)
      assert.isAtLeast(counts.length, Math.ceil((3 * CALLS) / LIMIT))
    }), { timeout: 90_000 })

  it.live("a 429 with Retry-After seen by one replica holds back all of them", () =>
    Effect.gen(function*() {
      const redis = yield* redisServer
      const server = yield* LocalServer.make({
        faults: { script: [LocalServer.Fault.status(429, { headers: { "retry-after": "6" } })], route: "create" }
      })
      const outcomes = yield* fleet(3, {
        CALLS,
        CONCURRENCY: 1,
        LIMIT,
        WINDOW_MS: 1_500,
        REDIS_PORT: redis.port,
        SERVER_URL: server.url,
        ON_STORE_FAILURE: "proceed"
      })
      assert.deepStrictEqual(outcomes.map((o) => o.failed), [[], [], []])
      const received = yield* creates(server)
      // Every call once, plus the one retry of the call that got the 429.
      assert.lengthOf(received, 3 * CALLS + 1)
      assert.lengthOf(yield* server.sessions, 3 * CALLS)
      const refused = received[0]!.receivedAt
      // Within the 6 s only calls that took their token before the wait was shared may arrive: the
      // rest of the first window (LIMIT - 1) and one token held by each other replica (2). Without
      // the shared wait, four windows of 1.5 s would bring all 11 other calls.
      const within = received.slice(1).filter((r) => r.receivedAt < refused + 6_000)
      assert.isAtMost(within.length, LIMIT - 1 + 2, `calls within the wait: ${within.length}`)
    }), { timeout: 90_000 })

  /** Three replicas whose Redis is killed once the first window's calls have reached the server. */
  const killedMidRun = (onStoreFailure: "proceed" | "fail") =>
    Effect.gen(function*() {
      const redis = yield* redisServer
      const server = yield* LocalServer.make()
      const killAfterFirstWindow = Effect.gen(function*() {
        while ((yield* creates(server)).length < LIMIT) yield* Effect.sleep("20 millis")
        yield* redis.kill
      })
      const outcomes = yield* fleet(3, {
        CALLS,
        CONCURRENCY: 1,
        LIMIT,
        WINDOW_MS: 3_000,
        REDIS_PORT: redis.port,
        SERVER_URL: server.url,
        ON_STORE_FAILURE: onStoreFailure
      }, killAfterFirstWindow)
      return { outcomes, server }
    })

  it.live("Redis killed in the middle: the calls proceed unlimited, each sent exactly once", () =>
    Effect.gen(function*() {
      const { outcomes, server } = yield* killedMidRun("proceed")
      assert.deepStrictEqual(outcomes.map((o) => o.failed), [[], [], []])
      assert.lengthOf(yield* creates(server), 3 * CALLS)
      assert.lengthOf(yield* server.sessions, 3 * CALLS)
      // Logged once per outage: at most one warning per replica.
      for (const outcome of outcomes) {
        assert.isAtMost(outcome.logs.filter((l) => l.includes("rate limit store failed")).length, 1, outcome.logs.join("\n"))
      }
    }), { timeout: 90_000 })

  it.live("Redis killed in the middle, onStoreFailure \"fail\": a call completes once or fails unsent", () =>
    Effect.gen(function*() {
      const { outcomes, server } = yield* killedMidRun("fail")
      const failed = outcomes.flatMap((o) => o.failed)
      assert.isTrue(failed.every((tag) => tag === "RateLimitError(store)"), failed.join(", "))
      assert.isAbove(failed.length, 0)
      assert.strictEqual(sumCompleted(outcomes) + failed.length, 3 * CALLS)
      assert.lengthOf(yield* creates(server), sumCompleted(outcomes))
      assert.lengthOf(yield* server.sessions, sumCompleted(outcomes))
    }), { timeout: 90_000 })
})

describe.skipIf(redisServerInstalled)("a rate limit shared through Redis", () => {
  it("is not tested here: redis-server is not installed (apt-get install -y redis-server; .ci/run does)", () => {
    assert.isFalse(redisServerInstalled)
  })
})
