/**
 * The headers every request gets: the client's `Authorization` always; the other defaults
 * (`Accept: application/json`, `Accept-Encoding: identity`, the custom headers, `User-Agent`) only
 * where the request set none of its own. Checked on the recorded request and, where only a socket
 * tells what the transport really sends, on a `node:http` server over both transports.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Layer from "effect/Layer"
import * as FastCheck from "fast-check"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Http from "node:http"
import * as Zlib from "node:zlib"
import { LlamaCloudClient } from "../src/LlamaCloudClient.js"
import { VERSION } from "../src/version.js"
import { recordingTransport, sentBy } from "./fixtures/client.js"

describe("the headers every request gets", () => {
  const layer = LlamaCloudClient.layer({ apiKey: Redacted.make("llx-k"), headers: { "X-Team": "search" } })
  const withHeaders = (headers: Record<string, string>) =>
    HttpClientRequest.get("/api/v1/chat").pipe(HttpClientRequest.setHeaders(headers))

  it.effect("are the defaults when the request sets none", () =>
    Effect.gen(function*() {
      const request = yield* sentBy(layer)
      assert.deepStrictEqual(Object.fromEntries(Object.entries(request.headers)), {
        "user-agent": `effect-llamacloud/${VERSION}`,
        "x-team": "search",
        accept: "application/json",
        "accept-encoding": "identity",
        authorization: "Bearer llx-k"
      })
    }))

  it.effect("keep the request's own Accept (a stream's, a delete's)", () =>
    Effect.gen(function*() {
      const stream = yield* sentBy(layer, withHeaders({ accept: "text/event-stream" }))
      assert.strictEqual(stream.headers["accept"], "text/event-stream")
      const deleted = yield* sentBy(layer, HttpClientRequest.delete("/api/v1/chat/ses-1").pipe(HttpClientRequest.setHeader("Accept", "*/*")))
      assert.strictEqual(deleted.headers["accept"], "*/*")
      assert.strictEqual(deleted.headers["accept-encoding"], "identity")
    }))

  it.effect("keep the request's own value of any other default", () =>
    Effect.gen(function*() {
      const request = yield* sentBy(layer, withHeaders({ "x-team": "other", "accept-encoding": "gzip", "user-agent": "probe" }))
      assert.strictEqual(request.headers["x-team"], "other")
      assert.strictEqual(request.headers["accept-encoding"], "gzip")
      assert.strictEqual(request.headers["user-agent"], "probe")
    }))

  it.effect("always carry the client's Authorization, whatever the request says", () =>
    Effect.gen(function*() {
      const request = yield* sentBy(layer, withHeaders({ authorization: "Bearer someone-else", accept: "text/event-stream" }))
      assert.strictEqual(request.headers["authorization"], "Bearer llx-k")
    }))

  it.effect("keep the content type and length of the request's body", () =>
    Effect.gen(function*() {
      const request = yield* sentBy(layer, HttpClientRequest.post("/api/v1/chat").pipe(HttpClientRequest.bodyText("{}", "application/json")))
      assert.strictEqual(request.headers["content-type"], "application/json")
      assert.strictEqual(request.headers["content-length"], "2")
    }))

  it.effect("stay right request after request, whichever defaults each request sets", () =>
    Effect.gen(function*() {
      const transport = yield* recordingTransport
      const client = yield* Effect.provide(LlamaCloudClient, Layer.provide(layer, transport.layer))
      const shapes = [{}, { accept: "text/event-stream" }, {}, { accept: "*/*", "x-team": "b" }, { accept: "text/event-stream" }, {}]
      for (const headers of shapes) yield* client.httpClient.execute(withHeaders(headers))
      const sent = yield* Ref.get(transport.sent)
      assert.deepStrictEqual(sent.map((r) => [r.headers["accept"], r.headers["x-team"], r.headers["authorization"]]), [
        ["application/json", "search", "Bearer llx-k"],
        ["text/event-stream", "search", "Bearer llx-k"],
        ["application/json", "search", "Bearer llx-k"],
        ["*/*", "b", "Bearer llx-k"],
        ["text/event-stream", "search", "Bearer llx-k"],
        ["application/json", "search", "Bearer llx-k"]
      ])
    }))

  // Forty custom headers: more defaults than the cache's bit mask holds.
  const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`x-custom-${i}`, `default-${i}`]))
  const defaults: Record<string, string> = {
    "user-agent": `effect-llamacloud/${VERSION}`,
    ...many,
    accept: "application/json",
    "accept-encoding": "identity"
  }
  const names = [...Object.keys(defaults), "authorization", "x-unrelated"]

  it.effect("stay right past thirty custom headers, where overriding one is never mistaken for another", () =>
    Effect.gen(function*() {
      const transport = yield* recordingTransport
      const client = yield* Effect.provide(
        LlamaCloudClient,
        Layer.provide(LlamaCloudClient.layer({ apiKey: Redacted.make("llx-k"), headers: many }), transport.layer)
      )
      // user-agent is the first default and x-custom-31 the 33rd: 2^0 and 2^32 are one bit in 32.
      yield* client.httpClient.execute(withHeaders({ "user-agent": "probe" }))
      yield* client.httpClient.execute(withHeaders({ "x-custom-31": "own" }))
      yield* client.httpClient.execute(withHeaders({ "user-agent": "probe" }))
      const sent = yield* Ref.get(transport.sent)
      assert.deepStrictEqual(sent.map((r) => [r.headers["user-agent"], r.headers["x-custom-31"]]), [
        ["probe", "default-31"],
        [`effect-llamacloud/${VERSION}`, "own"],
        ["probe", "default-31"]
      ])
    }))

  const sentFor = (requests: ReadonlyArray<ReadonlyArray<string>>) =>
    Effect.gen(function*() {
      const transport = yield* recordingTransport
      const client = yield* Effect.provide(
        LlamaCloudClient,
        Layer.provide(LlamaCloudClient.layer({ apiKey: Redacted.make("llx-k"), headers: many }), transport.layer)
      )
      for (const own of requests) {
        yield* client.httpClient.execute(withHeaders(Object.fromEntries(own.map((name) => [name, `own-${name}`]))))
      }
      return yield* Ref.get(transport.sent)
    })

  // fast-check directly: Effect 4's `it.effect.prop` takes its own `Arbitrary`, which has no `subarray`.
  it.effect("are the request's own where it set them, the defaults elsewhere, and the client's Authorization", () =>
    Effect.promise(() =>
      FastCheck.assert(
        FastCheck.asyncProperty(FastCheck.array(FastCheck.subarray(names), { minLength: 1, maxLength: 8 }), async (requests) => {
          const sent = await Effect.runPromise(sentFor(requests))
          assert.deepStrictEqual(
            sent.map((request) => Object.fromEntries(Object.entries(request.headers))),
            requests.map((own) => ({
              ...defaults,
              ...Object.fromEntries(own.map((name) => [name, `own-${name}`])),
              authorization: "Bearer llx-k"
            }))
          )
        })
      )
    ))
})

/**
 * A `node:http` server on 127.0.0.1 that records the headers of each request and answers `{}`,
 * gzipped when the request accepts gzip (as a server may when `Accept-Encoding` is absent).
 */
const headerEcho = Effect.acquireRelease(
  Effect.callback<{ readonly http: Http.Server; readonly url: string; readonly seen: Array<Http.IncomingHttpHeaders> }>((resume) => {
    const seen: Array<Http.IncomingHttpHeaders> = []
    const http = Http.createServer((request, response) => {
      seen.push(request.headers)
      request.resume()
      const gzip = /\bgzip\b/.test(request.headers["accept-encoding"] ?? "")
      response.writeHead(200, { "content-type": "application/json", ...(gzip ? { "content-encoding": "gzip" } : {}) })
      response.end(gzip ? Zlib.gzipSync("{}") : "{}")
    })
    http.listen(0, "127.0.0.1", () => {
      const address = http.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      resume(Effect.succeed({ http, url: `http://127.0.0.1:${port}`, seen }))
    })
  }),
  ({ http }) => Effect.callback<void>((resume) => {
    http.closeAllConnections()
    http.close(() => resume(Effect.void))
  })
)

const transports: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["undici", NodeHttpClient.layerUndici],
  ["fetch", FetchHttpClient.layer]
]

describe("on the wire", () => {
  for (const [name, transport] of transports) {
    it.effect(`${name} sends Accept-Encoding: identity, the request's own Accept, and the client's Authorization`, () =>
      Effect.gen(function*() {
        const server = yield* headerEcho
        // Built in the test's scope: the undici dispatcher lives as long as the layer.
        const context = yield* Layer.build(
          LlamaCloudClient.layer({ apiKey: Redacted.make("llx-k"), baseUrl: server.url }).pipe(Layer.provide(transport))
        )
        const client = Context.get(context, LlamaCloudClient)
        const plain = yield* client.httpClient.execute(HttpClientRequest.get("/api/v1/chat"))
        assert.strictEqual(yield* plain.text, "{}", "the body arrives as sent, not compressed")
        const stream = yield* client.httpClient.execute(
          HttpClientRequest.get("/api/v1/chat").pipe(HttpClientRequest.setHeaders({ accept: "text/event-stream", authorization: "Bearer x" }))
        )
        yield* stream.text
        const [first, second] = server.seen
        assert.strictEqual(first?.["accept-encoding"], "identity")
        assert.strictEqual(first?.["accept"], "application/json")
        assert.strictEqual(first?.["authorization"], "Bearer llx-k")
        assert.strictEqual(first?.["user-agent"], `effect-llamacloud/${VERSION}`)
        assert.strictEqual(second?.["accept"], "text/event-stream")
        assert.strictEqual(second?.["authorization"], "Bearer llx-k")
      }))
  }
})
