/**
 * Issue 17, section 2, measured in isolation: what Effect's public APIs cost where the library used
 * to go around them. Self-contained (no harness): `npx tsx bench/isolated/internals.ts [src dir]`
 * prints µs per operation, the median of 7 rounds after 3 warm-up rounds, in one process.
 * The optional argument points at another copy of src/ (e.g. an older commit's) to compare.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Schema from "effect/Schema"
import { pathToFileURL } from "node:url"
import * as path from "node:path"

const srcDir = path.resolve(process.argv[2] ?? "src")
const { ChatSession } = await import(pathToFileURL(path.join(srcDir, "ChatSession.ts")).href)

const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const measure = (name: string, n: number, run: () => void) => {
  const rounds: Array<number> = []
  for (let r = 0; r < 10; r++) {
    const start = process.cpuUsage()
    for (let i = 0; i < n; i++) run()
    const used = process.cpuUsage(start)
    if (r >= 3) rounds.push((used.user + used.system) / n)
  }
  console.log(`${name.padEnd(58)} ${median(rounds).toFixed(2).padStart(8)} µs`)
}

const measureEffect = async (name: string, n: number, effect: Effect.Effect<unknown, unknown>) => {
  const many = Effect.repeatN(effect, n - 1)
  const rounds: Array<number> = []
  for (let r = 0; r < 10; r++) {
    const start = process.cpuUsage()
    await Effect.runPromise(many)
    const used = process.cpuUsage(start)
    if (r >= 3) rounds.push((used.user + used.system) / n)
  }
  console.log(`${name.padEnd(58)} ${median(rounds).toFixed(2).padStart(8)} µs`)
}

const body = {
  session_id: "ses-1",
  last_updated_at: "2026-04-22T12:34:41.342245",
  generated_title: null,
  index_ids: ["idx-a"],
  job_metadata: { duration_ms: 1834, error: null, is_error: false, total_input_tokens: 5120, turns: 2 },
  shared_access: null
}
const decodeSession = Schema.decodeUnknownEither(ChatSession)
measure(`ChatSession decode, create body (${path.relative(process.cwd(), srcDir)})`, 20_000, () => decodeSession(body))

// The per-attempt limit: an attempt raced against a sleep on the clock, as attempt.ts does now.
const attempt = Effect.succeed(1)
const limit = Duration.seconds(30)
const N = 20_000
await measureEffect("attempt alone (per attempt)", N, attempt)
await measureEffect("attempt raced against Effect.sleep(30 s) (per attempt)", N, Effect.raceFirst(attempt, Effect.zipRight(Effect.sleep(limit), Effect.fail("timeout"))))
await measureEffect("attempt under Effect.timeout(30 s) (per attempt)", N, Effect.timeout(attempt, limit))
// As attempt.ts runs it now: the attempt in a forked fiber the caller awaits, the limit in a sibling
// fiber (which would abort, then interrupt the attempt), interrupted when the attempt ends.
await measureEffect(
  "attempt forked and awaited, limit in a sibling fiber (per attempt)",
  N,
  Effect.flatMap(Effect.fork(Effect.exit(attempt)), (running) =>
    Effect.flatMap(Effect.fork(Effect.zipRight(Effect.sleep(limit), Fiber.interrupt(running))), (watchdog) =>
      Effect.flatMap(Fiber.await(running), (exit) => Effect.as(Fiber.interrupt(watchdog), exit))))
)
// The same under 64 concurrent attempts, as a create at concurrency 64 runs them.
const concurrently = (effect: Effect.Effect<unknown, unknown>) =>
  Effect.forEach(Array.from({ length: 64 }), () => effect, { concurrency: 64, discard: true })
const yielding = Effect.as(Effect.yieldNow(), 1)
await measureEffect("64 attempts at once, alone (per 64)", N / 64, concurrently(yielding))
await measureEffect(
  "64 attempts at once, raced against a sleep (per 64)",
  N / 64,
  concurrently(Effect.raceFirst(yielding, Effect.zipRight(Effect.sleep(limit), Effect.fail("timeout"))))
)
await measureEffect(
  "64 attempts at once, forked and awaited beside a sleeping fiber (per 64)",
  N / 64,
  concurrently(Effect.flatMap(Effect.fork(Effect.exit(yielding)), (running) =>
    Effect.flatMap(Effect.fork(Effect.zipRight(Effect.sleep(limit), Fiber.interrupt(running))), (watchdog) =>
      Effect.flatMap(Fiber.await(running), (exit) => Effect.as(Fiber.interrupt(watchdog), exit)))))
)
await measureEffect("Clock.currentTimeMillis (per read)", N, Clock.currentTimeMillis)
// A span under Effect's built-in tracer, made now for every call.
await measureEffect("Effect.makeSpan + end, built-in tracer (per call)", N, Effect.flatMap(Effect.makeSpan("x"), (span) => Effect.sync(() => span.end(0n, Exit.void))))
await measureEffect("Effect.makeSpan, withTracerEnabled(false) (per call)", N, Effect.withTracerEnabled(Effect.makeSpan("x"), false))
