/**
 * The full load run: 10 000 creates at concurrency 200 against the local server, over each
 * transport, once clean and once with 10 % of answers 503 (seeded). Prints the figures; exits 1
 * when an outcome is not a documented one (a failure in the clean run, a 503 run ending other than
 * in success or ServerError 503 after 3 attempts, a session made twice). Speed is reported, never
 * judged: this machine's speed is not the client's correctness.
 *
 *   npm run soak -- [--calls 10000] [--concurrency 200] [--transports undici,fetch] [--json out.json]
 *
 * The server runs in a child process (`--in-process` to share this one's event loop instead); the
 * floor line is undici's bare `request` against the same kind of server, for scale.
 */
import * as Effect from "effect/Effect"
import { writeFileSync } from "node:fs"
import { parseArgs } from "node:util"
import { Agent, request } from "undici"
import { transports } from "./reliability/harness.js"
import { childProcess, inProcess, type LoadReport, runLoad } from "./reliability/load.js"

const { values } = parseArgs({
  options: {
    calls: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "200" },
    transports: { type: "string", default: "undici,fetch" },
    "fault-rate": { type: "string", default: "0.1" },
    seed: { type: "string", default: "42" },
    "in-process": { type: "boolean", default: false },
    json: { type: "string" }
  }
})

const calls = Number(values.calls)
const concurrency = Number(values.concurrency)
const faultRate = Number(values["fault-rate"])
const seed = Number(values.seed)
const chosen = transports.filter((t) => values.transports.split(",").includes(t.name))
const server = values["in-process"] ? inProcess : childProcess

/** undici's bare `request`, same calls and concurrency, same server: what the machine allows. */
const floor = Effect.gen(function*() {
  const { url } = yield* server
  const agent = new Agent()
  const post = async () => {
    const response = await request(`${url}/api/v1/chat`, {
      dispatcher: agent,
      method: "POST",
      headers: { authorization: "Bearer llx-floor", "content-type": "application/json" },
      body: `{"index_ids":["idx-load"]}`
    })
    await response.body.text()
  }
  const run = async (n: number) => {
    let next = 0
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next++ < n) await post()
    }))
  }
  yield* Effect.promise(() => run(Math.min(200, Math.ceil(calls / 10))))
  const started = performance.now()
  yield* Effect.promise(() => run(calls))
  const wallMs = performance.now() - started
  yield* Effect.promise(() => agent.destroy())
  return { wallMs: Math.round(wallMs), callsPerSecond: Math.round(calls / (wallMs / 1000)) }
}).pipe(Effect.scoped)

/** Why a report breaks the documented contract, if it does. */
const violations = (r: LoadReport): ReadonlyArray<string> => {
  const problems: Array<string> = []
  const successes = r.outcomes["success"] ?? 0
  const attempts = Object.entries(r.attempts).reduce((sum, [n, count]) => sum + Number(n) * count, 0)
  if (r.undocumented > 0) problems.push(`${r.undocumented} calls ended in an undocumented outcome`)
  if (r.faultRate === 0 && successes !== r.calls) problems.push(`${r.calls - successes} failures in a clean run`)
  if (r.sessions !== successes) problems.push(`${r.sessions} sessions for ${successes} successes`)
  if (attempts !== r.serverRequests) problems.push(`${attempts} attempts counted, ${r.serverRequests} requests received`)
  return problems
}

const line = (r: LoadReport) =>
  [
    r.transport.padEnd(28),
    (r.faultRate === 0 ? "none" : `${r.faultRate * 100} % 503`).padEnd(9),
    `${r.callsPerSecond}/s`.padStart(8),
    `${r.latencyMs.p50}`.padStart(7),
    `${r.latencyMs.p99}`.padStart(8),
    Object.entries(r.outcomes).map(([label, n]) => `${label} ${n}`).join(", ").padEnd(40),
    Object.entries(r.attempts).map(([n, count]) => `${n}:${count}`).join(" ").padEnd(18),
    `${r.serverRequests}`.padStart(6),
    `${r.sessions}`.padStart(6),
    `${r.connectionsTotal}/${r.connectionsMaxOpen}`.padStart(9),
    `${r.heapBeforeMiB}→${r.heapAfterMiB} (${r.heapGrowthMiB >= 0 ? "+" : ""}${r.heapGrowthMiB})`.padStart(20)
  ].join(" ")

const main = Effect.gen(function*() {
  console.log(
    `soak: ${calls} creates at concurrency ${concurrency}, retry baseDelay 20 ms, server ${
      values["in-process"] ? "in this process" : "in a child process"
    }, node ${process.version}\n`
  )
  const reports: Array<LoadReport> = []
  for (const transport of chosen) {
    for (const rate of [0, faultRate]) {
      reports.push(yield* runLoad({ transport, calls, concurrency, faultRate: rate, seed, server }))
    }
  }
  const bare = yield* floor

  console.log(
    [
      "transport".padEnd(28),
      "faults".padEnd(9),
      "calls/s".padStart(8),
      "p50 ms".padStart(7),
      "p99 ms".padStart(8),
      "outcomes".padEnd(40),
      "attempts:calls".padEnd(18),
      "reqs".padStart(6),
      "sess".padStart(6),
      "conn t/max".padStart(9),
      "heap MiB".padStart(20)
    ].join(" ")
  )
  reports.forEach((r) => console.log(line(r)))
  console.log(`\nfloor: undici.request, no client, same server: ${bare.callsPerSecond}/s (${bare.wallMs} ms)`)

  const problems = reports.flatMap((r) => violations(r).map((p) => `${r.transport}, ${r.faultRate === 0 ? "clean" : "503s"}: ${p}`))
  if (values.json !== undefined) {
    writeFileSync(
      values.json,
      JSON.stringify({ calls, concurrency, node: process.version, reports, floor: bare, problems }, null, 2)
    )
  }
  if (problems.length > 0) {
    console.error(`\nFAILED:\n${problems.map((p) => `  ${p}`).join("\n")}`)
    process.exitCode = 1
  } else {
    console.log("\nevery outcome was a documented one")
  }
})

Effect.runPromise(main).catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
