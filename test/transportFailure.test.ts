/**
 * How a transport failure is classified: whether the request can have reached the server decides
 * the reason (`ConnectFailed` or `ConnectionLost`) and whether a create may be retried. Failures
 * where nothing was sent never read as "the server may have acted".
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { RetryPolicy } from "../src/RetryPolicy.js"
import { chatOver, create, failsWith } from "./fixtures/harness.js"
import { nothingSent, withCode } from "./shared/transportCauses.js"

/** A transport whose every request fails with `cause`, counting the attempts. */
const failingWith = (cause: unknown) => {
  const state = { attempts: 0 }
  const client = HttpClient.make((request) =>
    Effect.suspend(() => {
      state.attempts++
      return Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause }))
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
      catch: (cause) => new HttpClientError.RequestError({ request, reason: "Transport", cause })
    })
  )
  const transport = Layer.scoped(
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
      const error = yield* failsWith("NetworkError")(create()).pipe(Effect.provide(context))
      assert.strictEqual(error.reason, "ConnectFailed")
      assert.include(error.message, "is this transport supported on this runtime?")
      assert.include(error.message, "nothing was sent")
      assert.strictEqual(state.attempts, 1)
      // Closing the transport's layer then runs the dispatcher's release, which fails on its own.
      const released = yield* Effect.exit(Scope.close(scope, Exit.void))
      assert.isTrue(Exit.isFailure(released) && Option.isSome(Cause.dieOption(released.cause)))
    })
  })

  it.live("provided around the call, the call's NetworkError stays a failure beside the release's defect (Effect 3's rule)", () => {
    const { layer } = undiciOnBun()
    return Effect.gen(function*() {
      const exit = yield* Effect.exit(Effect.provide(create(), layer))
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isSuccess(exit)) return
      const failure = Cause.failureOption(exit.cause)
      assert.isTrue(Option.isSome(failure) && failure.value._tag === "NetworkError")
      assert.isTrue(Option.isSome(Cause.dieOption(exit.cause)))
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
          Effect.async<void>((resume) => {
            server.listen(0, "127.0.0.1", () => resume(Effect.void))
          }),
          () => Effect.async<void>((resume) => {
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
      }).pipe(Effect.scoped))
  }
})
