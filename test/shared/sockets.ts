/**
 * Real sockets on 127.0.0.1 for both editions' tests, as promises: a free port, a Redis PING, and a
 * plain `node:http` server that records what it was sent. Each edition wraps them in its own
 * Effect (test/fixtures/freePort.ts, test/fixtures/redisServer.ts, test/socket.test.ts).
 */
import * as ChildProcess from "node:child_process"
import * as Http from "node:http"
import * as Net from "node:net"

/** A port on 127.0.0.1 that nothing listens on now. */
export const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const probe = Net.createServer()
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      probe.close(() => resolve(port))
    })
  })

/** Whether `redis-server` is on the PATH. */
export const redisServerInstalled: boolean =
  ChildProcess.spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0

/** Starts `redis-server` on `port` of 127.0.0.1, with nothing persisted. */
export const spawnRedisServer = (port: number): ChildProcess.ChildProcess =>
  ChildProcess.spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore"
  })

/** Whether a PING over a fresh connection gets its PONG. */
export const pong = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = Net.connect(port, "127.0.0.1")
    socket.once("error", () => resolve(false))
    socket.once("connect", () => socket.write("PING\r\n"))
    socket.once("data", (data) => {
      socket.destroy()
      resolve(data.toString().startsWith("+PONG"))
    })
  })

/** A request as the server saw it, with the moment its socket closed. */
export interface Seen {
  readonly request: Http.IncomingMessage
  /** Resolves with `Date.now()` when the request's socket closes. */
  readonly closed: Promise<number>
}

export interface RecordingServer {
  readonly url: string
  readonly seen: Array<Seen>
  /** TCP connections accepted so far. */
  readonly connections: () => number
  /** Resolves with the n-th request (0-based) once it has arrived. */
  readonly request: (n: number) => Promise<Seen>
}

/**
 * A `node:http` server on 127.0.0.1 and a free port, answering with `handler` and recording every
 * request; `close` destroys its open sockets and stops it.
 */
export const startRecordingServer = (
  handler: (request: Http.IncomingMessage, response: Http.ServerResponse) => void
): Promise<{ readonly server: RecordingServer; readonly close: () => Promise<void> }> =>
  new Promise((resolve) => {
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
      resolve({
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
        },
        close: () =>
          new Promise((resolve) => {
            for (const socket of sockets) socket.destroy()
            http.close(() => resolve())
          })
      })
    })
  })
