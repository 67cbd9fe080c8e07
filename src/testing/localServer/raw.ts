/**
 * The hand-written responses of `core/localServer/raw.ts` as effects over the platform's request:
 * each completes when its connection closes (or its wait is over).
 *
 * @since 0.2.0
 */
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import * as Effect from "effect/Effect"
import * as Raw from "../../core/localServer/raw.js"

export const rawOf = (request: HttpServerRequest.HttpServerRequest): Raw.Raw => ({
  request: NodeHttpServerRequest.toIncomingMessage(request),
  response: NodeHttpServerRequest.toServerResponse(request)
})

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
  Effect.async<void>((resume) => Effect.sync(Raw.whenClosed(raw, () => resume(Effect.void))))

/** Waits `ms`, or less if the connection goes first; tells which came first. */
export const waitUnlessClosed = (raw: Raw.Raw, ms: number): Effect.Effect<"elapsed" | "closed"> =>
  Effect.async<"elapsed" | "closed">((resume) => Effect.sync(Raw.waitUnlessClosed(raw, ms, (outcome) => resume(Effect.succeed(outcome)))))

/** Writes a response by hand; completes when the connection closes. */
export const sendRaw = (raw: Raw.Raw, plan: Raw.RawSend): Effect.Effect<void> =>
  Effect.async<void>((resume) => Effect.sync(Raw.sendRaw(raw, plan, () => resume(Effect.void))))
