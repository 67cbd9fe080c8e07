/**
 * What only a real socket tells: aborted requests, stalled bodies, refused and reset connections,
 * and connection reuse, against a plain `node:http` server on 127.0.0.1, over both transports a user
 * would pick.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it } from "@effect/vitest"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Http from "node:http"
import { RetryPolicy } from "../src/RetryPolicy.js"
import { TimeoutPolicy } from "../src/TimeoutPolicy.js"
import { API_KEY, chatOver, create, failsWith, sessionJson, tick } from "./fixtures/harness.js"
import * as Sockets from "./shared/sockets.js"

/** A `node:http` server on 127.0.0.1 and a free port, closed with the test's scope. */
const serve = (handler: (request: Http.IncomingMessage, response: Http.ServerResponse) => void) =>
  Effect.acquireRelease(
    Effect.promise(() => Sockets.startRecordingServer(handler)),
    ({ close }) => Effect.promise(close)
  ).pipe(Effect.map(({ server }) => server))

/** A free port with nothing listening on it. */
const closedPort = Effect.promise(Sockets.freePort)

const chatAt = (transport: Layer.Layer<HttpClient.HttpClient>, baseUrl: string, policies: Layer.Layer<never, ConfigError.ConfigError> = Layer.empty) =>
  chatOver(transport, { baseUrl }, policies)

const session = JSON.stringify(sessionJson())

const answerSession = (_: Http.IncomingMessage, response: Http.ServerResponse) => {
  response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(session) })
  response.end(session)
}

/** Waits for a promise, failing the test if it takes longer than `ms` of real time. */
const within = <A>(ms: number, what: string, promise: () => Promise<A>) =>
  Effect.promise(promise).pipe(
    Effect.timeoutFail({ duration: ms, onTimeout: () => new Error(`${what} did not happen within ${ms} ms`) }),
    Effect.orDie
  )

const transports: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici],
  ["FetchHttpClient.layer", FetchHttpClient.layer]
]

for (const [name, transport] of transports) {
  describe(`over ${name}`, () => {
    it.scopedLive("interrupting the calling fiber aborts the request: the server sees its socket close", () =>
      Effect.gen(function*() {
        // The server never answers.
        const server = yield* serve(() => {})
        const fiber = yield* Effect.fork(Effect.provide(create(), chatAt(transport, server.url)))
        const seen = yield* within(5_000, "the request's arrival", () => server.request(0))
        const exit = yield* Fiber.interrupt(fiber)
        assert.isTrue(Exit.isInterrupted(exit))
        // Nothing else closes it: the server has no timeout of its own this side of a minute.
        yield* within(10_000, "the socket's close", () => seen.closed)
        assert.lengthOf(server.seen, 1)
      }))

    it.scopedLive("a per-attempt timeout while the body stalls closes the socket", () =>
      Effect.gen(function*() {
        // Headers and half the body, then nothing.
        const server = yield* serve((_, response) => {
          response.writeHead(200, { "content-type": "application/json" })
          response.write(session.slice(0, 20))
        })
        const started = Date.now()
        const error = yield* failsWith("NetworkError")(
          Effect.provide(create(), chatAt(transport, server.url, TimeoutPolicy.layer({ perAttempt: "300 millis" })))
        )
        assert.strictEqual(error.reason, "AttemptTimeout")
        assert.isAtLeast(Date.now() - started, 290)
        const seen = server.seen[0]!
        yield* within(10_000, "the socket's close", () => seen.closed)
        assert.lengthOf(server.seen, 1, "an attempt timeout is not retried by default")
      }))

    // undici frees a connection one tick after its body ends: a call made in that tick opens
    // another, with the bare transport just as with this client. The tick keeps the count exact.
    it.scopedLive("sequential successful calls reuse one connection", () =>
      Effect.gen(function*() {
        const server = yield* serve(answerSession)
        yield* Effect.gen(function*() {
          for (let i = 0; i < 4; i++) yield* Effect.zipRight(create(), tick)
        }).pipe(Effect.provide(chatAt(transport, server.url)))
        assert.lengthOf(server.seen, 4)
        assert.strictEqual(server.connections(), 1)
      }))

    it.scopedLive("back-to-back calls share connections", () =>
      Effect.gen(function*() {
        const server = yield* serve(answerSession)
        yield* Effect.gen(function*() {
          for (let i = 0; i < 6; i++) yield* create()
        }).pipe(Effect.provide(chatAt(transport, server.url)))
        assert.lengthOf(server.seen, 6)
        assert.isAtMost(server.connections(), 2)
      }))

    it.scopedLive("an error answer's body is read, so its connection is reused too", () =>
      Effect.gen(function*() {
        let n = 0
        const server = yield* serve((request, response) => {
          if (n++ === 0) {
            const page = "<html><head><title>404 Not Found</title></head><body>nginx</body></html>"
            response.writeHead(404, { "content-type": "text/html", "content-length": Buffer.byteLength(page) })
            response.end(page)
          } else {
            answerSession(request, response)
          }
        })
        yield* Effect.gen(function*() {
          const error = yield* failsWith("NotFoundError")(create())
          assert.include(error.detail, "404 Not Found")
          yield* tick
          yield* create()
        }).pipe(Effect.provide(chatAt(transport, server.url)))
        assert.strictEqual(server.connections(), 1)
      }))

    it.scopedLive("a refused connection is a NetworkError ConnectFailed", () =>
      Effect.gen(function*() {
        const port = yield* closedPort
        const error = yield* failsWith("NetworkError")(
          Effect.provide(create(), chatAt(transport, `http://127.0.0.1:${port}`, RetryPolicy.disabled))
        )
        assert.strictEqual(error.reason, "ConnectFailed")
        assert.include(error.detail, "ECONNREFUSED")
      }))

    it.scopedLive("a connection reset before the answer is a NetworkError ConnectionLost, not retried", () =>
      Effect.gen(function*() {
        const server = yield* serve((request) => request.socket.destroy())
        const error = yield* failsWith("NetworkError")(Effect.provide(create(), chatAt(transport, server.url)))
        assert.strictEqual(error.reason, "ConnectionLost")
        assert.lengthOf(server.seen, 1)
      }))

    it.scopedLive("sends the documented request", () =>
      Effect.gen(function*() {
        let body = ""
        const server = yield* serve((request, response) => {
          request.setEncoding("utf8")
          request.on("data", (chunk: string) => (body += chunk))
          request.on("end", () => answerSession(request, response))
        })
        yield* Effect.provide(create({ indexIds: ["idx-a"] }), chatAt(transport, `${server.url}/`))
        const { request } = server.seen[0]!
        assert.strictEqual(request.method, "POST")
        assert.strictEqual(request.url, "/api/v1/chat")
        assert.strictEqual(request.headers["authorization"], `Bearer ${API_KEY}`)
        assert.strictEqual(request.headers["content-type"], "application/json")
        assert.strictEqual(body, `{"index_ids":["idx-a"]}`)
      }))
  })
}
