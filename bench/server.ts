/**
 * The bench server: plain `node:http` on 127.0.0.1, in a process of its own. It answers create with
 * the seed example's body, a list page, retrieve with a long history, and streamed turns
 * (`stream/serve.ts`). It does as little as it can so that it is never the bottleneck; bodies are
 * built once.
 *
 * Control routes for the harness: `GET /__stats` (creates answered, held turns open),
 * `POST /__prepare?session=<id>` (build a turn's bytes ahead), `POST /__release` (end held turns).
 *
 * Prints `@@bench {"port":…}` when listening; exits when its stdin closes, so it never outlives the
 * harness.
 */
import * as Http from "node:http"
import { createPath, historyBody, historySessionId, pageBody, resultMarker, sessionBody } from "./fixture.js"
import { heldOpen, prepare, releaseHeld, serveTurn } from "./stream/serve.js"
import { turnKindOf } from "./stream/turns.js"

let creates = 0
let pages = 0
let history: string | undefined

const json = (response: Http.ServerResponse, status: number, body: string, requestId?: string) => {
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    ...(requestId === undefined ? {} : { "x-request-id": requestId })
  })
  response.end(body)
}

// Answer once the request body is in, as a real server does.
const afterBody = (request: Http.IncomingMessage, answer: () => void) => {
  request.resume()
  request.on("end", answer)
}

const turnRoute = /^\/api\/v1\/chat\/([^/?]+)\/messages\/stream(?:\?|$)/

const server = Http.createServer((request, response) => {
  const url = request.url ?? ""
  const path = url.split("?")[0]
  if (request.method === "POST" && path === createPath) {
    return afterBody(request, () => {
      creates++
      json(response, 200, sessionBody(creates), `req-${creates}`)
    })
  }
  if (request.method === "GET" && path === createPath) {
    return afterBody(request, () => json(response, 200, pageBody(pages++), `req-page-${pages}`))
  }
  if (request.method === "GET" && path === `${createPath}/${historySessionId}`) {
    return afterBody(request, () => json(response, 200, (history ??= historyBody()), "req-history"))
  }
  const turn = request.method === "POST" ? turnRoute.exec(url) : null
  if (turn !== null) {
    const kind = turnKindOf(decodeURIComponent(turn[1]!))
    if (kind === undefined) return json(response, 404, `{"detail":"Session not found"}`)
    return afterBody(request, () => serveTurn(kind, response))
  }
  if (request.method === "GET" && path === "/__stats") {
    return json(response, 200, JSON.stringify({ creates, held: heldOpen() }))
  }
  if (request.method === "POST" && path === "/__prepare") {
    const kind = turnKindOf(new URL(url, "http://x").searchParams.get("session") ?? "")
    if (kind !== undefined) prepare(kind)
    return afterBody(request, () => json(response, kind === undefined ? 404 : 200, "{}"))
  }
  if (request.method === "POST" && path === "/__release") {
    return afterBody(request, () => json(response, 200, JSON.stringify({ released: releaseHeld() })))
  }
  json(response, 404, `{"detail":"Not Found"}`)
})

// Keep idle sockets open across phases: a contender should never pay a reconnect the others don't.
server.keepAliveTimeout = 120_000
server.headersTimeout = 125_000
server.requestTimeout = 0
// Held turns and 256 concurrent ones need more sockets than the default backlog expects at once.
server.maxConnections = 100_000

server.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, () => {
  const address = server.address()
  const port = typeof address === "object" && address !== null ? address.port : 0
  process.stdout.write(`${resultMarker}${JSON.stringify({ port })}\n`)
})

process.stdin.on("end", () => process.exit(0))
process.stdin.resume()
