/**
 * Bounded reads of a response body, and a success body turned into the operation's result or a
 * `DecodeError`. Nothing here holds more than a limit of a body in memory.
 */
import * as Effect from "effect/Effect"
import type * as Headers from "effect/http/Headers"
import type * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"
import { type Body, MAX_BODY_BYTES, parseJsonBody } from "../core/jsonBody.js"
import { type DecodeContext, decodeFailure, describeSchemaError, type Failure } from "./failure.js"
import type { Decode } from "./operation.js"

export { type Body, MAX_BODY_BYTES }

/** Error bodies only feed a message: the rest is discarded. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024

const tooLargeBody: Body = { text: "", tooLarge: true }
const emptyBody: Body = { text: "", tooLarge: false }

/**
 * Reads the body, `limit` bytes at the most:
 * - `whole`: a body over the limit is not wanted at all. A declared length over it is refused
 *   before reading, an undeclared one is counted as it streams; the result then holds no text.
 * - `prefix`: the first `limit` bytes are kept and the rest dropped (error bodies only feed a message).
 * Either way the attempt's scope then aborts the request, which discards what was not read.
 */
export const readBody = (
  response: HttpClientResponse.HttpClientResponse,
  headers: Headers.Headers,
  limit: number,
  mode: "whole" | "prefix"
): Effect.Effect<Body, HttpClientError.HttpClientError> => {
  const declared = Number(headers["content-length"] ?? Number.NaN)
  if (Number.isFinite(declared) && declared <= limit) {
    return Effect.map(response.text, (text) => ({ text, tooLarge: false }))
  }
  if (Number.isFinite(declared) && mode === "whole") return Effect.succeed(tooLargeBody)
  const read = Effect.suspend(() => {
    const decoder = new TextDecoder()
    let text = ""
    let seen = 0
    let kept = 0
    return response.stream.pipe(
      // Stop pulling at the limit: nothing past it is buffered.
      Stream.takeWhile((chunk) => {
        const before = seen
        seen += chunk.byteLength
        return before < limit
      }),
      Stream.runForEach((chunk) =>
        Effect.sync(() => {
          const part = chunk.byteLength > limit - kept ? chunk.subarray(0, limit - kept) : chunk
          kept += part.byteLength
          text += decoder.decode(part, { stream: true })
        })
      ),
      Effect.map((): Body => {
        if (seen > limit && mode === "whole") {
          text = "" // drop the partial body now: nothing may keep 16 MiB alive
          return tooLargeBody
        }
        return { text: text + decoder.decode(), tooLarge: false }
      })
    )
  })
  // A response without a body (a 204, say) is an empty body, not a connection that broke off.
  return Effect.catchIf(read, (error) => error.reason._tag === "EmptyBodyError", () => Effect.succeed(emptyBody))
}

/** A 2xx body as the operation's result. */
export const decodeBody = <A>(body: Body, decode: Decode<A>, context: DecodeContext): Result.Result<A, Failure> => {
  const parsed = parseJsonBody(body, context.headers, context.scrub)
  if ("problem" in parsed) return decodeFailure(context, parsed.problem, body.text)
  const result = decode(parsed.json)
  return Result.isSuccess(result)
    ? Result.succeed(result.success)
    : decodeFailure(context, `the body is not the documented shape: ${describeSchemaError(result.failure)}`, body.text)
}
