/**
 * The server's connections: counted as they come and go, and all closed at shutdown, stalled ones
 * included, which node's `server.close()` alone would wait on forever.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import type * as Http from "node:http"
import type * as Net from "node:net"

/** Connection counts and shutdown for one server. */
export interface Connections {
  /** Open now, and accepted since tracking began. */
  readonly count: Effect.Effect<{ readonly open: number; readonly total: number }>
  /**
   * Stops the server accepting, destroys every socket, and completes once the server has closed and
   * every socket has (node may report the one before the other).
   */
  readonly closeAll: Effect.Effect<void>
}

export const trackConnections = (server: Http.Server): Connections => {
  const sockets = new Set<Net.Socket>()
  let total = 0
  // Set while the server shuts down: called as each socket closes.
  let onSocketClosed: (() => void) | undefined
  const onConnection = (socket: Net.Socket) => {
    total++
    sockets.add(socket)
    socket.once("close", () => {
      sockets.delete(socket)
      onSocketClosed?.()
    })
  }
  server.on("connection", onConnection)
  return {
    count: Effect.sync(() => ({ open: sockets.size, total })),
    closeAll: Effect.async<void>((resume) => {
      server.off("connection", onConnection)
      let serverClosed = !server.listening
      let done = false
      const check = () => {
        if (done || !serverClosed || sockets.size > 0) return
        done = true
        onSocketClosed = undefined
        resume(Effect.void)
      }
      onSocketClosed = check
      if (!serverClosed) {
        server.close(() => {
          serverClosed = true
          check()
        })
      }
      for (const socket of sockets) socket.destroy()
      check()
    })
  }
}
