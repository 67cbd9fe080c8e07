/**
 * What a rate limit token costs per call: `RateLimitPolicy`'s admission of one attempt (what every
 * call and retry pays before it is sent) over Effect's memory store and over its Redis store on a
 * `redis-server` on 127.0.0.1, one at a time (the latency a call gains) and 64 at once (the
 * throughput one process gets from the store). Wall µs per token and CPU µs per token of this
 * process; the limit is set high enough that no token waits.
 *
 * Self-contained: `npm run bench -- --suite rate-limit`, or on its own
 * `tsx bench/rateLimit/suite.ts [--smoke]`, which prints the table. Skipped, saying why, where
 * `redis-server` is not installed (the memory row is still measured).
 */
import * as RateLimiter from "@effect/experimental/RateLimiter"
import * as RedisStore from "@effect/experimental/RateLimiter/Redis"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as ChildProcess from "node:child_process"
import * as Net from "node:net"
import * as RateLimitPolicy from "../../src/RateLimitPolicy.js"

/**
 * @since 0.3.0
 */
export interface RateLimitRow {
  readonly store: "memory" | "redis"
  readonly concurrency: number
  readonly tokens: number
  /** Wall time per token. */
  readonly wallMicros: number
  /** This process's CPU (user + system) per token. */
  readonly cpuMicros: number
}

export interface RateLimitResults {
  readonly rows: ReadonlyArray<RateLimitRow>
  /** Why the Redis rows are missing, when they are. */
  readonly skipped?: string
}

const admission = { account: "bench", kind: "call" as const, facts: { operation: "bench" } }

const measure = async (
  store: "memory" | "redis",
  limiter: Layer.Layer<RateLimiter.RateLimiter>,
  tokens: number,
  concurrency: number
): Promise<RateLimitRow> => {
  const runtime = ManagedRuntime.make(limiter)
  try {
    const gate = await runtime.runPromise(RateLimitPolicy.make({ limit: 1_000_000, window: "1 hour", key: `bench-${process.pid}-${store}-${concurrency}` }))
    const batch = (n: number) => Effect.forEach(Array.from({ length: n }), () => gate.admit(admission), { concurrency, discard: true })
    await runtime.runPromise(batch(Math.max(100, Math.floor(tokens / 10))))
    const cpu = process.cpuUsage()
    const start = performance.now()
    await runtime.runPromise(batch(tokens))
    const wall = performance.now() - start
    const used = process.cpuUsage(cpu)
    return { store, concurrency, tokens, wallMicros: (wall * 1000) / tokens, cpuMicros: (used.user + used.system) / tokens }
  } finally {
    await runtime.dispose()
  }
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = Net.createServer()
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      probe.close(() => resolve(port))
    })
  })

const answersPing = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = Net.connect(port, "127.0.0.1")
    socket.once("error", () => resolve(false))
    socket.once("connect", () => socket.write("PING\r\n"))
    socket.once("data", (data) => {
      socket.destroy()
      resolve(data.toString().startsWith("+PONG"))
    })
  })

/** Runs the suite: `tokens` per measured phase. */
export const measureRateLimit = async (tokens: number): Promise<RateLimitResults> => {
  const memory = RateLimiter.layer.pipe(Layer.provide(RateLimiter.layerStoreMemory))
  const rows: Array<RateLimitRow> = [await measure("memory", memory, tokens, 1), await measure("memory", memory, tokens, 64)]
  if (ChildProcess.spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status !== 0) {
    return { rows, skipped: "redis-server is not installed (apt-get install -y redis-server)" }
  }
  const port = await freePort()
  const redis = ChildProcess.spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore"
  })
  try {
    for (let i = 0; i < 200 && !(await answersPing(port)); i++) await new Promise((r) => setTimeout(r, 25))
    const overRedis = RateLimiter.layer.pipe(Layer.provide(RedisStore.layerStore({ host: "127.0.0.1", port })))
    rows.push(await measure("redis", overRedis, tokens, 1), await measure("redis", overRedis, tokens, 64))
    return { rows }
  } finally {
    redis.kill("SIGKILL")
  }
}

/** The table, one row per store and concurrency. */
export const rateLimitTable = (results: RateLimitResults): string => {
  const lines = [
    "rate limit: one token per call (RateLimitPolicy admission, no wait)",
    "  store    at once  tokens   wall µs/token  CPU µs/token",
    ...results.rows.map((row) =>
      `  ${row.store.padEnd(8)} ${String(row.concurrency).padStart(7)}  ${String(row.tokens).padStart(6)}   ${row.wallMicros.toFixed(1).padStart(13)}  ${row.cpuMicros.toFixed(1).padStart(12)}`
    ),
    ...(results.skipped === undefined ? [] : [`  redis: skipped, ${results.skipped}`])
  ]
  return lines.join("\n")
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const smoke = process.argv.includes("--smoke")
  measureRateLimit(smoke ? 200 : 5_000).then(
    (results) => {
      process.stdout.write(`${rateLimitTable(results)}\n`)
      process.exit(0)
    },
    (error) => {
      process.stderr.write(`${String(error)}\n`)
      process.exit(1)
    }
  )
}
