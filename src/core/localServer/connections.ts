/**
 * The server's connections: counted as they come and go, and all closed at shutdown, stalled ones
 * included, which node's `server.close()` alone would wait on forever.
 */
import type * as Http from "node:http"
import type * as Net from "node:net"

/** Connection counts and shutdown for one server. */
export interface Connections {
  /** Open now, and accepted since tracking began. */
  readonly count: () => { readonly open: number; readonly total: number }
  /**
   * Stops the server accepting, destroys every socket, and calls `done` once the server has closed
   * and every socket has (node may report the one before the other).
   */
  readonly closeAll: (done: () => void) => void
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
    count: () => ({ open: sockets.size, total }),
    closeAll: (done) => {
      server.off("connection", onConnection)
      let serverClosed = !server.listening
      let finished = false
      const check = () => {
        if (finished || !serverClosed || sockets.size > 0) return
        finished = true
        onSocketClosed = undefined
        done()
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
    }
  }
}
