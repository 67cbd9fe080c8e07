/**
 * The arithmetic of a rate limit shared by a fleet of replica processes, for both editions'
 * test/rateLimitRedis.test.ts: what a replica reports when it ends, and the calls the server saw
 * counted per window of the limiter; the replica processes themselves; and the cases: what the
 * fleet must do, written once with node:assert, each edition starting its own Redis and local server.
 */
import assert from "node:assert/strict"
import * as ChildProcess from "node:child_process"
import * as Readline from "node:readline"
import { Fault } from "../../src/core/localServer/faults.js"
import type { FaultPlan } from "../../src/core/localServer/plan.js"

/** What a replica process reports when it ends. */
export interface Outcome {
  readonly completed: number
  readonly failed: ReadonlyArray<string>
  /** What the replica logged. */
  readonly logs: ReadonlyArray<string>
}

/**
 * How many calls arrived in each window. The limiter's windows start when its first token is taken,
 * which the server cannot see, and the first window's calls leave while the replicas are busiest:
 * so windows are told apart by the silence between them (more than half a window without a call),
 * not by the clock since the first arrival.
 */
export const perWindow = (instants: ReadonlyArray<number>, windowMillis: number): ReadonlyArray<number> => {
  const sorted = [...instants].sort((a, b) => a - b)
  const counts: Array<number> = []
  sorted.forEach((at, i) => {
    if (i === 0 || at - sorted[i - 1]! > windowMillis / 2) counts.push(0)
    counts[counts.length - 1]! += 1
  })
  return counts
}

/** The calls the fleet completed, all replicas together. */
export const sumCompleted = (outcomes: ReadonlyArray<Outcome>): number => outcomes.reduce((sum, o) => sum + o.completed, 0)

// ---------------------------------------------------------------------------------------------
// The replica processes

/** A replica's settings, passed as its `REPLICA_*` environment variables. */
export interface ReplicaSettings {
  readonly CALLS: number
  readonly CONCURRENCY: number
  readonly LIMIT: number
  readonly WINDOW_MS: number
  readonly ON_STORE_FAILURE: "proceed" | "fail"
  readonly REDIS_PORT: number
  readonly SERVER_URL: string
}

/** Starts a replica process of the edition whose root is `root` (its test/fixtures/rateLimitReplica.ts). */
const startReplica = (root: string, settings: ReplicaSettings) => {
  const child = ChildProcess.spawn(process.execPath, ["--import", "tsx", "test/fixtures/rateLimitReplica.ts"], {
    cwd: root,
    env: { ...process.env, ...Object.fromEntries(Object.entries(settings).map(([k, v]) => [`REPLICA_${k}`, String(v)])) },
    // stderr is kept with the logs: the Redis client reports refused reconnections there once Redis is killed.
    stdio: ["pipe", "pipe", "pipe"]
  })
  const lines: Array<string> = []
  const waiters: Array<() => void> = []
  Readline.createInterface({ input: child.stdout }).on("line", (line) => {
    lines.push(line)
    waiters.splice(0).forEach((wake) => wake())
  })
  Readline.createInterface({ input: child.stderr }).on("line", (line) => lines.push(`stderr: ${line}`))
  /** The first line `test` accepts; log lines (Effect's logger writes to stdout too) are passed over. */
  const line = (test: (line: string) => boolean) =>
    new Promise<string>((resolve) => {
      const check = () => {
        const found = lines.find(test)
        if (found !== undefined) resolve(found)
        else waiters.push(check)
      }
      check()
    })
  return {
    ready: line((l) => l === "ready"),
    go: () => void child.stdin.write("go\n"),
    outcome: line((l) => l.startsWith("{")).then((text): Outcome => ({
      ...(JSON.parse(text) as Omit<Outcome, "logs">),
      logs: lines.filter((l) => !l.startsWith("{") && l !== "ready")
    })),
    kill: () => void (child.exitCode === null && child.kill("SIGKILL"))
  }
}

/**
 * Starts `count` replicas, lets them go together once all are ready, and collects their outcomes
 * while `whileRunning` runs. A replica still running at the end (its Redis client's close may wait on
 * a server that is gone) is killed.
 */
export const runFleet = async (
  root: string,
  count: number,
  settings: ReplicaSettings,
  whileRunning: () => Promise<void>
): Promise<ReadonlyArray<Outcome>> => {
  const replicas = Array.from({ length: count }, () => startReplica(root, settings))
  try {
    await Promise.all(replicas.map((r) => r.ready))
    replicas.forEach((r) => r.go())
    const [outcomes] = await Promise.all([Promise.all(replicas.map((r) => r.outcome)), whileRunning()])
    return outcomes
  } finally {
    replicas.forEach((r) => r.kill())
  }
}

// ---------------------------------------------------------------------------------------------
// What a fleet of three must do

export const REPLICAS = 3
const LIMIT = 4
const CALLS = 4

/** What the local server saw of a fleet's run. */
export interface FleetSeen {
  readonly outcomes: ReadonlyArray<Outcome>
  /** The arrival instants (milliseconds) of the creates, in order. */
  readonly creates: ReadonlyArray<number>
  /** How many sessions the server created. */
  readonly sessions: number
}

export interface FleetCase {
  readonly name: string
  readonly settings: Omit<ReplicaSettings, "REDIS_PORT" | "SERVER_URL">
  /** The local server's faults. */
  readonly faults?: FaultPlan
  /** Redis is killed once this many creates have reached the server. */
  readonly killRedisAfter?: number
  readonly check: (seen: FleetSeen) => void
}

const noneFailed = (outcomes: ReadonlyArray<Outcome>) => assert.deepStrictEqual(outcomes.map((o) => o.failed), [[], [], []])

export const fleetCases: ReadonlyArray<FleetCase> = [
  {
    name: "never more than the limit per window reaches the server, nothing lost, every call completed",
    // Long enough that a call's own latency on a loaded machine (seconds, when every core is taken)
    // stays well inside the silence between two windows.
    settings: { CALLS, CONCURRENCY: CALLS, LIMIT, WINDOW_MS: 6_000, ON_STORE_FAILURE: "proceed" },
    check: ({ creates, outcomes, sessions }) => {
      noneFailed(outcomes)
      assert.strictEqual(sumCompleted(outcomes), REPLICAS * CALLS)
      assert.strictEqual(creates.length, REPLICAS * CALLS)
      assert.strictEqual(sessions, REPLICAS * CALLS)
      const counts = perWindow(creates, 6_000)
      assert.ok(counts.every((n) => n <= LIMIT), `calls per window: ${counts.join(", ")}`)
      assert.ok(counts.length >= Math.ceil((REPLICAS * CALLS) / LIMIT), `windows: ${counts.length}`)
    }
  },
  {
    name: "a 429 with Retry-After seen by one replica holds back all of them",
    settings: { CALLS, CONCURRENCY: 1, LIMIT, WINDOW_MS: 1_500, ON_STORE_FAILURE: "proceed" },
    faults: { script: [Fault.status(429, { headers: { "retry-after": "6" } })], route: "create" },
    check: ({ creates, outcomes, sessions }) => {
      noneFailed(outcomes)
      // Every call once, plus the one retry of the call that got the 429.
      assert.strictEqual(creates.length, REPLICAS * CALLS + 1)
      assert.strictEqual(sessions, REPLICAS * CALLS)
      const refused = creates[0]!
      // Within the 6 s only calls that took their token before the wait was shared may arrive: the
      // rest of the first window (LIMIT - 1) and one token held by each other replica (2). Without
      // the shared wait, four windows of 1.5 s would bring all 11 other calls.
      const within = creates.slice(1).filter((at) => at < refused + 6_000)
      assert.ok(within.length <= LIMIT - 1 + 2, `calls within the wait: ${within.length}`)
    }
  },
  {
    name: "Redis killed in the middle: the calls proceed unlimited, each sent exactly once",
    settings: { CALLS, CONCURRENCY: 1, LIMIT, WINDOW_MS: 3_000, ON_STORE_FAILURE: "proceed" },
    killRedisAfter: LIMIT,
    check: ({ creates, outcomes, sessions }) => {
      noneFailed(outcomes)
      assert.strictEqual(creates.length, REPLICAS * CALLS)
      assert.strictEqual(sessions, REPLICAS * CALLS)
      // Logged once per outage: at most one warning per replica.
      for (const outcome of outcomes) {
        assert.ok(outcome.logs.filter((l) => l.includes("rate limit store failed")).length <= 1, outcome.logs.join("\n"))
      }
    }
  },
  {
    name: "Redis killed in the middle, onStoreFailure \"fail\": a call completes once or fails unsent",
    settings: { CALLS, CONCURRENCY: 1, LIMIT, WINDOW_MS: 3_000, ON_STORE_FAILURE: "fail" },
    killRedisAfter: LIMIT,
    check: ({ creates, outcomes, sessions }) => {
      const failed = outcomes.flatMap((o) => o.failed)
      assert.ok(failed.every((tag) => tag === "RateLimitError(store)"), failed.join(", "))
      assert.ok(failed.length > 0, "some call failed")
      assert.strictEqual(sumCompleted(outcomes) + failed.length, REPLICAS * CALLS)
      assert.strictEqual(creates.length, sumCompleted(outcomes))
      assert.strictEqual(sessions, sumCompleted(outcomes))
    }
  }
]
