/**
 * What the core local server's tests share: the server started through its plain `listen`, with a
 * clock, random draws and an empty model of the test's own (no Effect), a client per test, and a
 * server per test that must end with no failed handler and no open socket.
 */
import { expect } from "vitest"
import type { Agent } from "undici"
import { formatTimestamp } from "../../../src/core/chatModel/state.js"
import { listen, type RunningServer, type ServerOptions } from "../../../src/core/localServer/server.js"
import { empty } from "../chatModel/fixtures.js"
import { ensure, eventually, newAgent } from "../../shared/localServer/requests.js"

export { Fault } from "../../../src/core/localServer/faults.js"

export type Server = RunningServer

// Nanoseconds since the epoch, finer than `Date.now()`: a turn finished in the same millisecond as
// its session's creation still gets a later `last_updated_at`, as with Effect's clock.
const startedAt = BigInt(Date.now()) * 1_000_000n
const startedHr = process.hrtime.bigint()
const nowNanos = () => startedAt + (process.hrtime.bigint() - startedHr)

/** mulberry32: a small seeded generator, so that a seeded plan draws the same numbers again. */
const seeded = (seed: number): () => number => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Starts a server on 127.0.0.1, port 0 unless told. */
export const start = (options: ServerOptions = {}): Promise<Server> =>
  new Promise((resolve, reject) =>
    listen(options, {
      empty,
      currentTimeMillis: () => Date.now(),
      timestamp: () => formatTimestamp(nowNanos()),
      random: (seed) => seed === undefined ? Math.random : seeded(seed)
    }, (result) => result._tag === "Listening" ? resolve(result.server) : reject(result.cause))
  )

/** Closes a server: resolves once it has stopped listening and every handler has finished. */
export const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(resolve))

/** Resolves once no request is being handled. */
export const idle = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.whenIdle(resolve)
  })

export const openConnections = (server: Server, expected: number) =>
  eventually(() => {
    const { open } = server.connections()
    ensure(open === expected, `open connections: ${open}, expected ${expected}`)
  })

/** Runs a test against a server of its own, and checks that no request handler failed. */
export const withServer = async <A>(test: (server: Server, agent: Agent) => Promise<A>, options?: ServerOptions): Promise<A> => {
  const server = await start(options)
  const agent = newAgent()
  try {
    const result = await test(server, agent)
    // Hang up, and let every handler see it and finish before judging them.
    await agent.destroy()
    await openConnections(server, 0)
    await idle(server)
    expect(server.handlerFailures()).toEqual([])
    return result
  } finally {
    await agent.destroy().catch(() => undefined)
    await close(server)
  }
}

/** Closes a server; fails with "close hung" unless it has closed within `millis`. */
export const closeWithin = (server: Server, millis: number): Promise<void> => {
  let timer: ReturnType<typeof setTimeout> | undefined
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("close hung")), millis)
  })
  return Promise.race([close(server), hung]).finally(() => clearTimeout(timer))
}
