/**
 * The local server in a process of its own, driven over IPC: for load runs, where a server sharing
 * the client's event loop (and its two cores) would measure the two of them fighting, not the
 * client. Run by `LoadServer.child` in load.ts; not meant to be started by hand.
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import { LocalServer } from "../../src/testing/node.js"

/** A message from the parent: an operation and the id its answer carries. */
export type Request =
  | { readonly id: number; readonly op: "counts" }
  | { readonly id: number; readonly op: "reset" }
  | { readonly id: number; readonly op: "setFaults"; readonly plan: LocalServer.FaultPlan }

/** What the server has seen: request and session counts, connections open and in total. */
export interface Counts {
  readonly requests: number
  readonly sessions: number
  readonly open: number
  readonly total: number
}

export type Message =
  | { readonly type: "ready"; readonly url: string }
  | { readonly type: "answer"; readonly id: number; readonly counts?: Counts }

const send = (message: Message) => process.send?.(message)

const main = Effect.gen(function*() {
  const scope = yield* Scope.make()
  const server = yield* LocalServer.make().pipe(Scope.extend(scope))
  const counts = Effect.gen(function*() {
    const connections = yield* server.connections
    return {
      requests: (yield* server.requests).length,
      sessions: (yield* server.sessions).length,
      open: connections.open,
      total: connections.total
    }
  })
  process.on("message", (request: Request) => {
    const op = request.op === "counts"
      ? Effect.map(counts, (c) => ({ type: "answer", id: request.id, counts: c }) as const)
      : Effect.as(request.op === "reset" ? server.reset : server.setFaults(request.plan), {
        type: "answer",
        id: request.id
      } as const)
    Effect.runPromise(op).then(send)
  })
  process.once("disconnect", () => Effect.runPromise(Scope.close(scope, Exit.void)).then(() => process.exit(0)))
  send({ type: "ready", url: server.url })
})

if (process.send !== undefined) Effect.runPromise(main)
