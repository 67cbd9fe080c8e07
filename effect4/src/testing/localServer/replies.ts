/**
 * A reply of `core/localServer/replies.ts` as the platform's response.
 *
 * @since 0.2.0
 */
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import { type Reply, withContentLength } from "../../core/localServer/replies.js"

/** The reply as the platform's response, written whole. */
export const toResponse = (reply: Reply): HttpServerResponse.HttpServerResponse =>
  reply.status === 204 ?
    HttpServerResponse.empty({ status: 204, headers: reply.headers }) :
    HttpServerResponse.raw(Buffer.from(reply.body), { status: reply.status, headers: withContentLength(reply) })
