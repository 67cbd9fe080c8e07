/**
 * `LocalServer` as this edition wraps the core's server (test/core/localServer/ specifies what the
 * server answers, what each fault does on the wire and what a turn records): the layer starts it
 * and its scope stops it, every socket and timer gone; its effects reach the server; it reads this
 * edition's `Clock` and `Random`. Its options' typed errors are in ./localServer/options.test.ts.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import { TestClock } from "effect/testing"
import * as Net from "node:net"
import * as ChatModel from "../../src/testing/ChatModel.js"
import { LocalServer } from "../../src/testing/node.js"
import * as Requests from "../../../test/shared/localServer/requests.js"
import { watchServerTimers } from "../../../test/shared/localServer/timers.js"
import { errorCode, parse } from "../../../test/shared/localServer/wire.js"

const { Fault } = LocalServer

type Server = LocalServer.LocalServer["Service"]

// The shared client's undici (the top's), not this package's own.
type Agent = ReturnType<typeof Requests.newAgent>

const client = Effect.acquireRelease(
  Effect.sync(Requests.newAgent),
  (agent) => Effect.promise(() => agent.destroy().catch(() => undefined))
)

const send = (agent: Agent, base: string, call?: Requests.Call) => Effect.promise(() => Requests.send(agent, base, call))

/** Retries `check` every 5 ms for up to 2 s: socket closes reach the server a moment after the client acts. */
const retried = <A, E>(check: Effect.Effect<A, E>) => Effect.retry(check, { schedule: Schedule.spaced("5 millis"), times: 400 })

const eventually = (holds: () => boolean) => retried(Effect.suspend(() => holds() ? Effect.void : Effect.fail("not yet")))

const openConnections = (server: Server, expected: number) =>
  retried(Effect.flatMap(server.connections, ({ open }) => open === expected ? Effect.void : Effect.fail(`open: ${open}`)))

/** Runs a test against a server of its own, and checks that no request handler failed. */
const withServer = <A, E, R>(test: (server: Server, agent: Agent) => Effect.Effect<A, E, R>, options?: LocalServer.Options) =>
  Effect.gen(function*() {
    const server = yield* LocalServer.LocalServer
    const agent = yield* client
    const result = yield* test(server, agent)
    yield* Effect.promise(() => agent.destroy())
    yield* openConnections(server, 0)
    yield* server.idle
    expect(yield* server.handlerFailures).toEqual([])
    return result
  }).pipe(Effect.provide(LocalServer.layer(options)))

/** Whether something accepts a connection on the port; the error code when nothing does. */
const connect = (port: number) =>
  Effect.callback<string | undefined>((resume) => {
    const socket = Net.connect(port, "127.0.0.1")
    socket.once("connect", () => {
      socket.destroy()
      resume(Effect.succeed(undefined))
    })
    socket.once("error", (error) => resume(Effect.succeed(errorCode(error))))
  })

describe("LocalServer", () => {
  it.live("listens once built; its effects read what the server received, created and holds", () =>
    withServer((server, agent) =>
      Effect.gen(function*() {
        expect(yield* LocalServer.url).toBe(server.url)
        expect(server.url).toBe(`http://127.0.0.1:${server.port}`)
        const reply = yield* send(agent, server.url)
        expect(reply.status).toBe(200)
        expect((yield* server.requests).map((request) => request.requestId)).toEqual([reply.headers["x-request-id"]])
        const [created] = yield* server.sessions
        expect(parse(reply.text)).toMatchObject({ session_id: created?.sessionId })
        expect(ChatModel.sessions(yield* server.model).map((stored) => stored.session.session_id)).toEqual([created?.sessionId])
        expect((yield* server.connections).open).toBe(1)
      })
    ))

  it.live("setFaults and reset reach the server: the plan is played, then cleared with all it recorded", () =>
    withServer((server, agent) =>
      Effect.gen(function*() {
        yield* LocalServer.setFaults({ script: [Fault.status(503)] }).pipe(Effect.provideService(LocalServer.LocalServer, server))
        expect((yield* send(agent, server.url)).status).toBe(503)
        expect((yield* send(agent, server.url)).status).toBe(200)
        yield* server.setFaults({ script: [Fault.status(502)] })
        yield* server.reset
        expect(yield* server.requests).toEqual([])
        expect(yield* server.sessions).toEqual([])
        expect(ChatModel.sessions(yield* server.model)).toEqual([])
        expect((yield* send(agent, server.url)).status).toBe(200)
      })
    ))

  it.effect("stamps sessions and requests by this edition's Clock: TestClock sets them", () =>
    Effect.gen(function*() {
      const at = Date.parse("2026-04-22T12:34:41.342Z")
      yield* TestClock.setTime(at)
      const server = yield* LocalServer.make()
      const agent = yield* client
      const reply = yield* send(agent, server.url)
      expect(parse(reply.text)).toMatchObject({ last_updated_at: "2026-04-22T12:34:41.342000" })
      expect((yield* server.requests).map((request) => request.receivedAt)).toEqual([at])
    }))

  it.live("a random plan draws with this edition's Random: a seed gives the same share again", () =>
    withServer((server, agent) =>
      Effect.gen(function*() {
        const round = Effect.gen(function*() {
          yield* server.reset
          yield* server.setFaults({ random: { rate: 0.1, fault: Fault.status(503), seed: 42 } })
          const replies = yield* Effect.forEach(Array.from({ length: 100 }), () => send(agent, server.url), { concurrency: 10 })
          return replies.filter((reply) => reply.status === 503).length
        })
        const first = yield* round
        expect(first).toBeGreaterThan(2)
        expect(first).toBeLessThan(25)
        expect(yield* round).toBe(first)
      })
    ))

  it.live("closing the scope closes the server and destroys its open sockets, leaving no timer", () =>
    Effect.gen(function*() {
      const timers = watchServerTimers()
      yield* Effect.addFinalizer(() => Effect.sync(timers.stop))
      const agent = yield* client
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(
        LocalServer.layer({ faults: { script: [Fault.stallBody(), Fault.delayHeaders(60_000)] } }),
        scope
      )
      const server = Context.get(context, LocalServer.LocalServer)
      const stalled = yield* Effect.promise(() => Requests.open(agent, server.url))
      const body = yield* Effect.forkChild(Effect.tryPromise(() => stalled.body.text()))
      yield* Effect.forkChild(Effect.exit(Effect.tryPromise(() => Requests.open(agent, server.url))))
      yield* openConnections(server, 2)
      // The delay is waiting: its timer is set.
      yield* eventually(() => timers.pending() === 1)

      yield* Scope.close(scope, Exit.void).pipe(Effect.timeoutOrElse({ duration: "2 seconds", orElse: () => Effect.fail("close hung") }))
      expect(Exit.isFailure(yield* Fiber.await(body))).toBe(true)
      expect((yield* server.connections).open).toBe(0)
      yield* eventually(() => timers.pending() === 0)
      expect(yield* connect(server.port)).toBe("ECONNREFUSED")
    }))
})
