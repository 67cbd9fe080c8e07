/**
 * How a transport failure is classified: whether the request can have reached the server decides
 * the reason (`ConnectFailed` or `ConnectionLost`) and whether a create may be retried. Failures
 * where nothing was sent never read as "the server may have acted".
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import * as Scope from "effect/Scope"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { RetryPolicy } from "../src/RetryPolicy.js"
import { create } from "./fixtures/calls.js"
import { chatOver, failsWith } from "./fixtures/harness.js"
import { nothingSent, withCode } from "../../test/shared/transportCauses.js"

/** A transport whose every request fails with `cause`, counting the attempts. */
const failingWith = (cause: unknown) => {
  const state = { attempts: 0 }
  const client = HttpClient.make((request) =>
    Effect.suspend(() => {
      state.attempts++
      return Effect.fail(new HttpClientError.HttpClientError({ reason: new HttpClientError.TransportError({ request, cause }) }))
    })
  )
  return { state, layer: chatOver(Layer.succeed(HttpClient.HttpClient, client), {}, RetryPolicy.layer({ baseDelay: "1 millis", jitter: 0 })) }
}

describe("failures where nothing was sent", () => {
  for (const [what, cause, retried] of nothingSent) {
    it.live(`${what}: ConnectFailed, nothing sent, ${retried ? "retried" : "not retried"}`, () => {
      const { state, layer } = failingWith(cause)
      return Effect.gen(function*() {
        const error = yield* failsWith("NetworkError")(create())
        assert.strictEqual(error.reason, "ConnectFailed")
        assert.include(error.message, "nothing was sent")
        assert.notInclude(error.message, "may have acted")
        assert.strictEqual(state.attempts, retried ? 3 : 1)
      }).pipe(Effect.provide(layer))
    })
  }

  it.live("a reset after sending is ConnectionLost and a create is not retried", () => {
    const { state, layer } = failingWith(withCode("socket hang up", "ECONNRESET"))
    return Effect.gen(function*() {
      const error = yield* failsWith("NetworkError")(create())
      assert.strictEqual(error.reason, "ConnectionLost")
      assert.strictEqual(state.attempts, 1)
    }).pipe(Effect.provide(layer))
  })

  it.live("fetch's own TypeError wrapping a socket error is read by its cause", () => {
    const { layer } = failingWith(new TypeError("fetch failed", { cause: withCode("connect ECONNREFUSED", "ECONNREFUSED") }))
    return Effect.gen(function*() {
      assert.strictEqual((yield* failsWith("NetworkError")(create())).reason, "ConnectFailed")
    }).pipe(Effect.provide(layer))
  })
})

/**
 * `@effect/platform-node`'s undici client as it runs on Bun, whose own `undici` module gives an Agent
 * without `request` or `destroy`: sending throws synchronously inside the client's `tryPromise`
 * (`dispatcher.request is not a function`), and releasing the dispatcher, when the transport's layer
 * closes, throws too.
 */
const undiciOnBun = () => {
  const state = { attempts: 0 }
  const dispatcher: Record<string, unknown> = {}
  const client = HttpClient.make((request) =>
    Effect.tryPromise({
      try: () => {
        state.attempts++
        return (dispatcher.request as () => Promise<never>)()
      },
      catch: (cause) => new HttpClientError.HttpClientError({ reason: new HttpClientError.TransportError({ request, cause }) })
    })
  )
  const transport = Layer.effect(
    HttpClient.HttpClient,
    Effect.acquireRelease(Effect.succeed(client), () => Effect.promise(() => (dispatcher.destroy as () => Promise<void>)()))
  )
  return { state, layer: chatOver(transport, {}, RetryPolicy.layer({ baseDelay: "1 millis", jitter: 0 })) }
}

describe("undici's client on a runtime it does not run on (Bun)", () => {
  it.live("the call fails with NetworkError(ConnectFailed), nothing sent, not retried; the release's defect is the transport's own", () => {
    const { state, layer } = undiciOnBun()
    return Effect.gen(function*() {
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(layer, scope)
      const error = yield* failsWith("NetworkError")(create()).pipe(Effect.provideContext(context))
      assert.strictEqual(error.reason, "ConnectFailed")
      assert.include(error.message, "is this transport supported on this runtime?")
      assert.include(error.message, "nothing was sent")
      assert.strictEqual(state.attempts, 1)
      // Closing the transport's layer then runs the dispatcher's release, which fails on its own.
      const released = yield* Effect.exit(Scope.close(scope, Exit.void))
      assert.isTrue(Exit.hasDies(released))
    })
  })

  it.live("provided around the call, the layer's failing release turns the call's NetworkError into a defect (Effect 4's rule)", () => {
    const { layer } = undiciOnBun()
    return Effect.gen(function*() {
      const exit = yield* Effect.exit(Effect.provide(create(), layer))
      // Effect 4 elects every failure of a scope to a defect when one of its finalizers dies: the
      // NetworkError is still there, as a defect, beside the release's.
      assert.isFalse(Exit.hasFails(exit))
      const defect = Exit.findDefect(exit)
      assert.isTrue(Result.isSuccess(defect) && (defect.success as { _tag?: string })._tag === "NetworkError")
    })
  })
})

describe("TLS spoken to a plain-HTTP server, on a real socket", () => {
  for (const [name, transport] of [["undici", NodeHttpClient.layerUndici], ["fetch", FetchHttpClient.layer]] as const) {
    it.live(`over ${name}: ConnectFailed, and nothing reached the server`, () =>
      Effect.gen(function*() {
        let requests = 0
        const server = Http.createServer((_, response) => {
          requests++
          response.end()
        })
        yield* Effect.acquireRelease(
          Effect.callback<void>((resume) => {
            server.listen(0, "127.0.0.1", () => resume(Effect.void))
          }),
          () => Effect.callback<void>((resume) => {
            server.closeAllConnections()
            server.close(() => resume(Effect.void))
          })
        )
        const port = (server.address() as AddressInfo).port
        const error = yield* failsWith("NetworkError")(create()).pipe(
          Effect.provide(chatOver(transport, { baseUrl: `https://127.0.0.1:${port}` }, RetryPolicy.disabled))
        )
        assert.strictEqual(error.reason, "ConnectFailed")
        assert.strictEqual(requests, 0)
      }))
  }
})
