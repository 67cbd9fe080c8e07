/**
 * What only a real socket tells: aborted requests, stalled bodies, refused and reset connections,
 * and connection reuse, against a plain `node:http` server on 127.0.0.1, over both transports a user
 * would pick.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it } from "@effect/vitest"
import type * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Http from "node:http"
import type * as Net from "node:net"
import { RetryPolicy } from "../src/RetryPolicy.js"
import { TimeoutPolicy } from "../src/TimeoutPolicy.js"
import { create, tick } from "./fixtures/calls.js"
import { API_KEY, chatOver, failsWith, sessionJson } from "./fixtures/harness.js"

/** A request as the server saw it, with the moment its socket closed. */
interface Seen {
  readonly request: Http.IncomingMessage
  /** Resolves with `Date.now()` when the request's socket closes. */
  readonly closed: Promise<number>
}

interface Server {
  readonly url: string
  readonly seen: Array<Seen>
  /** TCP connections accepted so far. */
  readonly connections: () => number
  /** Resolves with the n-th request (0-based) once it has arrived. */
  readonly request: (n: number) => Promise<Seen>
}

/** A `node:http` server on 127.0.0.1 and a free port, closed with the test's scope. */
const serve = (handler: (request: Http.IncomingMessage, response: Http.ServerResponse) => void) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly http: Http.Server; readonly sockets: Set<Net.Socket>; readonly server: Server }>((resume) => {
      const sockets = new Set<Net.Socket>()
      const seen: Array<Seen> = []
      const waiting: Array<{ readonly n: number; readonly resolve: (seen: Seen) => void }> = []
      const http = Http.createServer((request, response) => {
        const entry: Seen = {
          request,
          closed: new Promise((resolve) => request.socket.once("close", () => resolve(Date.now())))
        }
        seen.push(entry)
        for (const w of waiting.filter((w) => w.n === seen.length - 1)) w.resolve(entry)
        handler(request, response)
      })
      let accepted = 0
      http.on("connection", (socket) => {
        accepted++
        sockets.add(socket)
        socket.once("close", () => sockets.delete(socket))
      })
      http.listen(0, "127.0.0.1", () => {
        const address = http.address()
        const port = typeof address === "object" && address !== null ? address.port : 0
        resume(Effect.succeed({
          http,
          sockets,
          server: {
            url: `http://127.0.0.1:${port}`,
            seen,
            connections: () => accepted,
            request: (n) =>
              new Promise((resolve) => {
                const already = seen[n]
                if (already !== undefined) resolve(already)
                else waiting.push({ n, resolve })
              })
          }
        }))
      })
    }),
    ({ http, sockets }) =>
      Effect.callback<void>((resume) => {
        for (const socket of sockets) socket.destroy()
        http.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ server }) => server))

/** A free port with nothing listening on it. */
const closedPort = Effect.callback<number>((resume) => {
  const probe = Http.createServer()
  probe.listen(0, "127.0.0.1", () => {
    const address = probe.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    probe.close(() => resume(Effect.succeed(port)))
  })
})

const chatAt = (transport: Layer.Layer<HttpClient.HttpClient>, baseUrl: string, policies: Layer.Layer<never, Config.ConfigError> = Layer.empty) =>
  chatOver(transport, { baseUrl }, policies)

const session = JSON.stringify(sessionJson())

const answerSession = (_: Http.IncomingMessage, response: Http.ServerResponse) => {
  response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(session) })
  response.end(session)
}

/** Waits for a promise, failing the test if it takes longer than `ms` of real time. */
const within = <A>(ms: number, what: string, promise: () => Promise<A>) =>
  Effect.promise(promise).pipe(
    Effect.timeoutOrElse({ duration: ms, orElse: () => Effect.die(new Error(`${what} did not happen within ${ms} ms`)) })
  )

const transports: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici],
  ["FetchHttpClient.layer", FetchHttpClient.layer]
]

for (const [name, transport] of transports) {
  describe(`over ${name}`, () => {
    it.live("interrupting the calling fiber aborts the request: the server sees its socket close", () =>
      Effect.gen(function*() {
        // The server never answers.
        const server = yield* serve(() => {})
        const fiber = yield* Effect.forkChild(Effect.provide(create(), chatAt(transport, server.url)))
        const seen = yield* within(5_000, "the request's arrival", () => server.request(0))
        yield* Fiber.interrupt(fiber)
        assert.isTrue(Exit.hasInterrupts(yield* Fiber.await(fiber)))
        // Nothing else closes it: the server has no timeout of its own this side of a minute.
        yield* within(10_000, "the socket's close", () => seen.closed)
        assert.lengthOf(server.seen, 1)
      }))

    it.live("a per-attempt timeout while the body stalls closes the socket", () =>
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
    it.live("sequential successful calls reuse one connection", () =>
      Effect.gen(function*() {
        const server = yield* serve(answerSession)
        yield* Effect.gen(function*() {
          for (let i = 0; i < 4; i++) yield* Effect.andThen(create(), tick)
        }).pipe(Effect.provide(chatAt(transport, server.url)))
        assert.lengthOf(server.seen, 4)
        assert.strictEqual(server.connections(), 1)
      }))

    it.live("back-to-back calls share connections", () =>
      Effect.gen(function*() {
        const server = yield* serve(answerSession)
        yield* Effect.gen(function*() {
          for (let i = 0; i < 6; i++) yield* create()
        }).pipe(Effect.provide(chatAt(transport, server.url)))
        assert.lengthOf(server.seen, 6)
        assert.isAtMost(server.connections(), 2)
      }))

    it.live("an error answer's body is read, so its connection is reused too", () =>
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

    it.live("a refused connection is a NetworkError ConnectFailed", () =>
      Effect.gen(function*() {
        const port = yield* closedPort
        const error = yield* failsWith("NetworkError")(
          Effect.provide(create(), chatAt(transport, `http://127.0.0.1:${port}`, RetryPolicy.disabled))
        )
        assert.strictEqual(error.reason, "ConnectFailed")
        assert.include(error.detail, "ECONNREFUSED")
      }))

    it.live("a connection reset before the answer is a NetworkError ConnectionLost, not retried", () =>
      Effect.gen(function*() {
        const server = yield* serve((request) => request.socket.destroy())
        const error = yield* failsWith("NetworkError")(Effect.provide(create(), chatAt(transport, server.url)))
        assert.strictEqual(error.reason, "ConnectionLost")
        assert.lengthOf(server.seen, 1)
      }))

    it.live("sends the documented request", () =>
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
