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
await measureEffect("Clock.currentTimeMillis (per read)", N, Clock.currentTimeMillis)
// A span under Effect's built-in tracer, made now for every call.
await measureEffect("Effect.makeSpan + end, built-in tracer (per call)", N, Effect.flatMap(Effect.makeSpan("x"), (span) => Effect.sync(() => span.end(0n, Exit.void))))
await measureEffect("Effect.makeSpan, withTracerEnabled(false) (per call)", N, Effect.withTracerEnabled(Effect.makeSpan("x"), false))
