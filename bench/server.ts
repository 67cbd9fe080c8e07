/**
 * The bench server: plain `node:http` on 127.0.0.1, in a process of its own, answering the create
 * endpoint with the seed example's body. It does as little as it can so that it is never the
 * bottleneck; `GET /__stats` reports how many creates it answered (retries show up there).
 *
 * Prints `@@bench {"port":…}` when listening; exits when its stdin closes, so it never outlives the
 * harness.
 */
import * as Http from "node:http"
import { createPath, resultMarker, sessionBody } from "./fixture.js"

let creates = 0

const server = Http.createServer((request, response) => {
  if (request.method === "POST" && request.url?.startsWith(createPath)) {
    // Answer once the request body is in, as a real server does.
    request.resume()
    request.on("end", () => {
      creates++
      const body = sessionBody(creates)
      response.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        "x-request-id": `req-${creates}`
      })
      response.end(body)
    })
    return
  }
  if (request.method === "GET" && request.url === "/__stats") {
    response.writeHead(200, { "content-type": "application/json" })
    response.end(JSON.stringify({ creates }))
    return
  }
  response.writeHead(404, { "content-type": "application/json" })
  response.end(`{"detail":"Not Found"}`)
})

// Keep idle sockets open across phases: a contender should never pay a reconnect the others don't.
server.keepAliveTimeout = 120_000
server.headersTimeout = 125_000
server.requestTimeout = 0

server.listen(0, "127.0.0.1", () => {
  const address = server.address()
  const port = typeof address === "object" && address !== null ? address.port : 0
  process.stdout.write(`${resultMarker}${JSON.stringify({ port })}\n`)
})

process.stdin.on("end", () => process.exit(0))
process.stdin.resume()
