/**
 * Sends an answer: as it is, as a paced event stream, or as a fault mangles it.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import type * as HttpServerResponse from "effect/http/HttpServerResponse"
import { type EventFormat, type Pacing, streamHeaders, streamPlan } from "../../core/localServer/eventStream.js"
import type { Fault, StreamFault } from "../../core/localServer/faults.js"
import type { Outcome } from "../../core/localServer/handlers.js"
import { byteByByte, half, once, padded, type Raw, type RawSend, resetSocket } from "../../core/localServer/raw.js"
import { faultReply, withContentLength } from "../../core/localServer/replies.js"
import { closed, sendRaw, settle, waitUnlessClosed } from "./raw.js"
import { toResponse } from "./replies.js"

/**
 * Streams a started turn, paced, mangled by `fault` if given; completes when the connection closes.
 * `onStop` runs just before the `stop` event is written.
 */
export const streamTurn = (
  raw: Raw,
  outcome: Outcome & { readonly turn: NonNullable<Outcome["turn"]> },
  options: {
    readonly fault: StreamFault | undefined
    readonly pacing: Pacing
    readonly format: EventFormat
    readonly onStop: () => void
  }
): Effect.Effect<HttpServerResponse.HttpServerResponse> => {
  const plan = streamPlan(outcome.turn.events, options)
  return Effect.andThen(sendRaw(raw, { status: 200, headers: streamHeaders, ...plan }), settle(raw))
}

/** Acts out a fault that is not a stream fault, given the answer the server would have sent. */
export const actOut = (
  raw: Raw,
  fault: Exclude<Fault, StreamFault>,
  outcome: Outcome
): Effect.Effect<HttpServerResponse.HttpServerResponse> => {
  const { reply } = outcome
  const send = (plan: RawSend) => Effect.andThen(sendRaw(raw, plan), settle(raw))
  const whole = (then: RawSend["then"], pieces: RawSend["pieces"]) =>
    send({ status: reply.status, headers: withContentLength(reply), pieces, then })
  switch (fault._tag) {
    case "Status":
    case "Body200":
      return Effect.succeed(toResponse(faultReply(fault)))
    case "ResetBeforeResponse":
      return Effect.sync(() => resetSocket(raw.request.socket)).pipe(
        Effect.andThen(closed(raw)),
        Effect.andThen(settle(raw))
      )
    case "ResetMidBody":
      return whole("reset", once(half(reply.body)))
    case "CloseAfterHeaders":
      return whole("close", once(new Uint8Array()))
    case "StallBody":
      return whole("stall", once(half(reply.body)))
    case "DripBody":
      return whole("end", byteByByte(Buffer.from(reply.body), Math.max(1, fault.intervalMs)))
    case "DelayHeaders":
      return Effect.flatMap(
        waitUnlessClosed(raw, fault.delayMs),
        (outcome) => outcome === "closed" ? settle(raw) : Effect.succeed(toResponse(reply))
      )
    case "LargeBody": {
      // Only a session grows: errors, lists, deletes and streams go out as they are.
      if (outcome.growable === undefined) return Effect.succeed(toResponse(reply))
      const large = padded(outcome.growable, "generated_title", fault.bytes)
      return send({
        status: 200,
        headers: withContentLength(reply, large.length),
        pieces: asPieces(large.chunks()),
        then: "end"
      })
    }
  }
}

function* asPieces(chunks: Iterable<Uint8Array>): Generator<{ readonly bytes: Uint8Array; readonly delayMs: number }> {
  for (const bytes of chunks) yield { bytes, delayMs: 0 }
}
