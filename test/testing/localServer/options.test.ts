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
import { everyOption, wrongOptions } from "../../shared/localServer/optionCases.js"

/** What plain JavaScript may pass: anything. */
const untyped = (value: unknown): LocalServer.Options => value as LocalServer.Options

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
  for (const [options, path, said] of wrongOptions) {
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
      const server = yield* LocalServer.make(everyOption)
      assert.isTrue(yield* accepts(server.port))
    }))
})
