/**
 * The hand-written responses of `core/localServer/raw.ts` as effects over the platform's request:
 * each completes when its connection closes (or its wait is over).
 *
 * @since 0.2.0
 */
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import * as Effect from "effect/Effect"
import type * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Http from "node:http"
import * as Raw from "../../core/localServer/raw.js"

/**
 * The node objects under the platform's request; `undefined` for HTTP/2's, which the local server
 * (a `node:http` server) does not speak.
 */
export const rawOf = (request: HttpServerRequest.HttpServerRequest): Raw.Raw | undefined => {
  const incoming = NodeHttpServerRequest.toIncomingMessage(request)
  const response = NodeHttpServerRequest.toServerResponse(request)
  return incoming instanceof Http.IncomingMessage && response instanceof Http.ServerResponse ?
    { request: incoming, response } :
    undefined
}

/**
 * The platform writes the handler's response unless the node response has ended: end it (a no-op
 * write on a dead socket) so that nothing is written after a fault has had its way.
 */
export const settle = (raw: Raw.Raw) =>
  Effect.sync(() => {
    if (!raw.response.writableEnded) raw.response.end()
    return HttpServerResponse.empty()
  })

/** Waits until the response is finished or its connection is gone. */
export const closed = (raw: Raw.Raw): Effect.Effect<void> =>
  Effect.callback<void>((resume) => Effect.sync(Raw.whenClosed(raw, () => resume(Effect.void))))

/** Waits `ms`, or less if the connection goes first; tells which came first. */
export const waitUnlessClosed = (raw: Raw.Raw, ms: number): Effect.Effect<"elapsed" | "closed"> =>
  Effect.callback<"elapsed" | "closed">((resume) =>
    Effect.sync(Raw.waitUnlessClosed(raw, ms, (outcome) => resume(Effect.succeed(outcome))))
  )

/** Writes a response by hand; completes when the connection closes. */
export const sendRaw = (raw: Raw.Raw, plan: Raw.RawSend): Effect.Effect<void> =>
  Effect.callback<void>((resume) => Effect.sync(Raw.sendRaw(raw, plan, () => resume(Effect.void))))
