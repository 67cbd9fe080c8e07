/**
 * What every request asks of the transport: a redirect is handed back as it came, never followed
 * (fetch would turn a create into a GET on a 302), unless the program chose a `redirect` of its own.
 * Only a socket shows what fetch does: a `node:http` server on 127.0.0.1.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Http from "node:http"
import { LlamaCloudClient } from "../../src/LlamaCloudClient.js"

/** A server that redirects `/api/v1/chat` to `/moved` (which answers 200), recording each request. */
const redirecting = Effect.acquireRelease(
  Effect.callback<{ readonly http: Http.Server; readonly url: string; readonly seen: Array<string> }>((resume) => {
    const seen: Array<string> = []
    const http = Http.createServer((request, response) => {
      seen.push(`${request.method} ${request.url}`)
      request.resume()
      if (request.url === "/moved") {
        response.writeHead(200, { "content-type": "application/json" })
        response.end("{}")
      } else {
        response.writeHead(302, { location: "/moved", "content-length": "0" })
        response.end()
      }
    })
    http.listen(0, "127.0.0.1", () => {
      const address = http.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      resume(Effect.succeed({ http, url: `http://127.0.0.1:${port}`, seen }))
    })
  }),
  ({ http }) =>
    Effect.callback<void>((resume) => {
      http.closeAllConnections()
      http.close(() => resume(Effect.void))
    })
)

/** The status a create gets through a client over `transport`, and what the server saw. */
const create = (transport: Layer.Layer<HttpClient.HttpClient>) =>
  Effect.gen(function*() {
    const server = yield* redirecting
    const context = yield* Layer.build(
      LlamaCloudClient.layer({ apiKey: Redacted.make("llx-k"), baseUrl: server.url }).pipe(Layer.provide(transport))
    )
    const client = Context.get(context, LlamaCloudClient)
    const response = yield* client.httpClient.execute(
      HttpClientRequest.post("/api/v1/chat").pipe(HttpClientRequest.bodyText("{}", "application/json"))
    )
    return { status: response.status, seen: server.seen }
  })

describe("a redirect", () => {
  for (const [name, transport] of [["fetch", FetchHttpClient.layer], ["undici", NodeHttpClient.layerUndici]] as const) {
    it.effect(`is handed back by ${name}, not followed: the create is not re-sent as a GET`, () =>
      Effect.gen(function*() {
        const { seen, status } = yield* create(transport)
        assert.strictEqual(status, 302)
        assert.deepStrictEqual(seen, ["POST /api/v1/chat"])
      }))
  }

  it.effect("is followed by fetch when the program's own RequestInit says so", () =>
    Effect.gen(function*() {
      const { seen, status } = yield* create(FetchHttpClient.layer).pipe(
        Effect.provideService(FetchHttpClient.RequestInit, { redirect: "follow" })
      )
      assert.strictEqual(status, 200)
      assert.deepStrictEqual(seen, ["POST /api/v1/chat", "GET /moved"])
    }))
})
