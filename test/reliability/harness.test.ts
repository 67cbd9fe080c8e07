/**
 * The suite's own detectors, shown to detect: a key in a log line or a span, a timer left running,
 * a client that walks away from a stalled body, unread bodies holding connections, a defect. If
 * these did not fail, a green matrix would prove nothing.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Net from "node:net"
import { Agent, request } from "undici"
import { ApiError } from "../../src/LlamaCloudError.js"
import { LocalServer } from "../../src/testing/node.js"
import {
  API_KEY,
  handleCounts,
  keyLeaks,
  observe,
  outcomeOf,
  pollUntil,
  renderings,
  resourceMark,
  settledHandles,
  trackResources
} from "./harness.js"

const { Fault } = LocalServer

trackResources()

const post = (agent: Agent, url: string) =>
  Effect.promise(() =>
    request(`${url}/api/v1/chat`, {
      dispatcher: agent,
      method: "POST",
      headers: { authorization: "Bearer llx-test", "content-type": "application/json" },
      body: "{}"
    })
  )

describe("the suite's detectors", () => {
  it.live("find the key in a log line, a span attribute and every rendering of an error", () =>
    Effect.gen(function*() {
      const observed = observe()
      yield* Effect.logTrace(`sending with ${API_KEY}`).pipe(
        Effect.withSpan("leaky", { attributes: { "http.request.header.authorization": `Bearer ${API_KEY}` } }),
        Effect.provide(observed.layer)
      )
      const error = new ApiError({ status: 400, detail: `echo ${API_KEY}`, requestId: Option.none() })
      const leaks = keyLeaks(renderings(Exit.fail(error), observed))
      expect(leaks).toEqual(expect.arrayContaining([
        "log[0]",
        "span[0] leaky",
        "error[0].message",
        "String(error[0])",
        "JSON.stringify(error[0])",
        "Cause.pretty"
      ]))
    }))

  it.live("see a timer left running, and nothing once it is cleared", () =>
    Effect.gen(function*() {
      const mark = resourceMark()
      const timer = setTimeout(() => {}, 5_000)
      const unrefd = setTimeout(() => {}, 5_000).unref()
      const after = yield* settledHandles(mark, handleCounts(), 100)
      clearTimeout(timer)
      clearTimeout(unrefd)
      // The ref'd timer holds the process open: a leftover. The unref'd one does not.
      expect(after.left).toHaveLength(1)
      expect(after.left[0]).toMatch(/^Timeout created .*harness\.test\.ts/)
      expect((yield* settledHandles(mark, handleCounts(), 1_000)).left).toEqual([])
    }))

  it.live("see a socket left open, and nothing once it is closed", () =>
    Effect.gen(function*() {
      const server = yield* LocalServer.LocalServer
      const mark = resourceMark()
      const socket = Net.connect(server.port, "127.0.0.1")
      yield* Effect.async<void>((resume) => void socket.once("connect", () => resume(Effect.void)))
      const open = yield* settledHandles(mark, handleCounts(), 100)
      // The client's socket and the server's end of it.
      expect(open.left.filter((left) => left.startsWith("TCPWRAP"))).toHaveLength(2)
      socket.destroy()
      expect((yield* settledHandles(mark, handleCounts(), 2_000)).left).toEqual([])
    }).pipe(Effect.provide(LocalServer.layer())))

  it.live("call a defect or an interruption a bug, not an outcome", () =>
    Effect.sync(() => {
      expect(outcomeOf(Exit.die(new Error("boom")))._tag).toBe("Bug")
      expect(outcomeOf(Exit.interrupt(0 as never))._tag).toBe("Bug")
      expect(outcomeOf(Exit.fail(new Error("not ours")))._tag).toBe("Bug")
      expect(outcomeOf(Exit.fail(new ApiError({ status: 409, detail: "", requestId: Option.none() }))).label)
        .toBe("ApiError(409)")
    }))

  it.live("catch a client that walks away from a stalled body without closing it", () =>
    Effect.gen(function*() {
      const server = yield* LocalServer.LocalServer
      yield* server.setFaults({ script: [Fault.stallBody()] })
      const agent = new Agent()
      const response = yield* post(agent, server.url)
      expect(response.statusCode).toBe(200)
      // The body is never read nor aborted: the handler cannot finish, the connection stays.
      expect(yield* Effect.isSuccess(Effect.timeout(server.idle, "300 millis"))).toBe(false)
      expect((yield* server.connections).open).toBe(1)
      yield* Effect.promise(() => agent.destroy())
      expect(yield* Effect.isSuccess(Effect.timeout(server.idle, "2 seconds"))).toBe(true)
    }).pipe(Effect.provide(LocalServer.layer())))

  it.live("count one connection per unread body", () =>
    Effect.gen(function*() {
      const server = yield* LocalServer.LocalServer
      const agent = new Agent()
      yield* post(agent, server.url)
      yield* post(agent, server.url)
      // The matrix allows one idle keep-alive connection; two unread bodies hold two.
      expect((yield* pollUntil(server.connections, (c) => c.open === 2, 1_000)).open).toBe(2)
      yield* Effect.promise(() => agent.destroy())
    }).pipe(Effect.provide(LocalServer.layer())))
})
