/**
 * `LocalServer.layer`'s options as plain JavaScript may pass them: each wrong one fails the layer
 * when it is built, with a `ConfigError` naming the option and the value; nothing throws when the
 * layer is made, and no server starts.
 */
import { assert, describe, it } from "@effect/vitest"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Net from "node:net"
import { LocalServer } from "../../../src/testing/node.js"
import { freePort } from "../../fixtures/freePort.js"

const { Fault } = LocalServer

/** What plain JavaScript may pass: anything. */
const untyped = (value: unknown): LocalServer.Options => value as LocalServer.Options

const cases: ReadonlyArray<readonly [unknown, ReadonlyArray<string>, string]> = [
  [{ port: 70000 }, ["port"], "70000"],
  [{ port: -1 }, ["port"], "-1"],
  [{ port: "8080" }, ["port"], "\"8080\""],
  [{ port: 80.5 }, ["port"], "80.5"],
  [{ host: "" }, ["host"], "\"\""],
  [{ host: 127 }, ["host"], "127"],
  [{ apiKeys: "llx-test" }, ["apiKeys"], "\"llx-test\""],
  [{ apiKeys: ["llx-test", ""] }, ["apiKeys"], "[\"llx-test\",\"\"]"],
  [{ faults: [Fault.status(503)] }, ["faults"], "an object of options"],
  [{ faults: { script: Fault.status(503) } }, ["faults", "script"], "an array of faults made by Fault"],
  [{ faults: { script: [{ _tag: "Explode" }] } }, ["faults", "script"], "Explode"],
  [{ faults: { scripts: [] } }, ["faults", "scripts"], "its options are script, random, route"],
  [{ faults: { route: "chat" } }, ["faults", "route"], "\"chat\""],
  [{ faults: { random: { rate: 1.5, fault: Fault.status(503) } } }, ["faults", "random", "rate"], "1.5"],
  [{ faults: { random: { fault: Fault.status(503) } } }, ["faults", "random", "rate"], "needs rate"],
  [{ faults: { random: { rate: 0.1, fault: 503 } } }, ["faults", "random", "fault"], "503"],
  [{ faults: { random: { rate: 0.1, fault: Fault.status(503), seed: "x" } } }, ["faults", "random", "seed"], "\"x\""],
  [{ pacing: { thinkMs: -5 } }, ["pacing", "thinkMs"], "-5"],
  [{ pacing: { keepAliveMs: 0 } }, ["pacing", "keepAliveMs"], "0"],
  [{ pacing: { eventMs: "10" } }, ["pacing", "eventMs"], "\"10\""],
  [{ pacing: { think: 10 } }, ["pacing", "think"], "thinkMs, keepAliveMs, eventMs"],
  [{ pacing: 10 }, ["pacing"], "10"],
  [{ eventFormat: { eventNames: "all" } }, ["eventFormat", "eventNames"], "\"all\""],
  [{ eventFormat: { lineEnding: "\n\n" } }, ["eventFormat", "lineEnding"], "\"\\n\\n\""],
  [{ apiKey: "llx-test" }, ["apiKey"], "its options are port, host, apiKeys"],
  ["llx-test", ["options"], "\"llx-test\""]
]

/** Whether something accepts a connection on the port. */
const accepts = (port: number) =>
  Effect.async<boolean>((resume) => {
    const socket = Net.connect(port, "127.0.0.1")
    socket.once("connect", () => {
      socket.destroy()
      resume(Effect.succeed(true))
    })
    socket.once("error", () => resume(Effect.succeed(false)))
  })

describe("LocalServer.layer's options", () => {
  for (const [options, path, said] of cases) {
    it.scopedLive(`${JSON.stringify(options)} fails the layer when built, naming ${path.join(".")}`, () =>
      Effect.gen(function*() {
        // Made without a throw: the options are read when the layer is built.
        const layer = LocalServer.layer(untyped(options))
        const error = yield* Effect.flip(Layer.build(layer))
        assert.isTrue(error._tag !== "ServeError", "a ConfigError, not a ServeError")
        const config = error as ConfigError.ConfigError
        assert.include(["InvalidData", "MissingData"], config._op)
        if (config._op !== "InvalidData" && config._op !== "MissingData") return
        assert.deepStrictEqual(config.path, path)
        assert.include(config.message, "LocalServer.layer")
        assert.include(config.message, said)
      }))
  }

  it.scopedLive("a wrong option starts no server: its port stays closed", () =>
    Effect.gen(function*() {
      const port = yield* freePort
      yield* Effect.flip(Layer.build(LocalServer.layer(untyped({ port, apiKeys: "llx-test" }))))
      assert.isFalse(yield* accepts(port))
    }))

  it.scopedLive("every option, rightly given, starts the server", () =>
    Effect.gen(function*() {
      const server = yield* LocalServer.make({
        port: 0,
        host: "127.0.0.1",
        apiKeys: ["llx-test"],
        faults: { script: [Fault.status(503)], random: { rate: 0.5, fault: Fault.status(429), seed: 7 }, route: ["create", "stream"] },
        pacing: { thinkMs: 0, keepAliveMs: 1, eventMs: 0 },
        eventFormat: { eventNames: "delta-message", lineEnding: "\r\n" }
      })
      assert.isTrue(yield* accepts(server.port))
    }))
})
