/**
 * `LocalServer.layer`'s options as plain JavaScript may pass them: each wrong one fails the layer
 * when it is built, with a `ConfigError` naming the option and the value; nothing throws when the
 * layer is made, and no server starts.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Net from "node:net"
import { LocalServer } from "../../../src/testing/node.js"
import { problemOf } from "../../fixtures/client.js"
import { freePort } from "../../fixtures/freePort.js"
import { everyOption, wrongOptions } from "../../../../test/shared/localServer/optionCases.js"

/** What plain JavaScript may pass: anything. */
const untyped = (value: unknown): LocalServer.Options => value as LocalServer.Options

/** Whether something accepts a connection on the port. */
const accepts = (port: number) =>
  Effect.callback<boolean>((resume) => {
    const socket = Net.connect(port, "127.0.0.1")
    socket.once("connect", () => {
      socket.destroy()
      resume(Effect.succeed(true))
    })
    socket.once("error", () => resume(Effect.succeed(false)))
  })

describe("LocalServer.layer's options", () => {
  for (const [options, path, said] of wrongOptions) {
    it.live(`${JSON.stringify(options)} fails the layer when built, naming ${path.join(".")}`, () =>
      Effect.gen(function*() {
        // Made without a throw: the options are read when the layer is built.
        const layer = LocalServer.layer(untyped(options))
        const error = yield* Effect.flip(Layer.build(layer))
        if (!(error instanceof Config.ConfigError)) return assert.fail(`a ConfigError, not a ${error._tag}`)
        const problem = problemOf(error)
        assert.notStrictEqual(problem.kind, "unavailable")
        assert.strictEqual(problem.path, path.join("."))
        assert.include(problem.message, "LocalServer.layer")
        assert.include(problem.message, said)
      }))
  }

  it.live("a wrong option starts no server: its port stays closed", () =>
    Effect.gen(function*() {
      const port = yield* freePort
      yield* Effect.flip(Layer.build(LocalServer.layer(untyped({ port, apiKeys: "llx-test" }))))
      assert.isFalse(yield* accepts(port))
    }))

  it.live("every option, rightly given, starts the server", () =>
    Effect.gen(function*() {
      const server = yield* LocalServer.make(everyOption)
      assert.isTrue(yield* accepts(server.port))
    }))
})
