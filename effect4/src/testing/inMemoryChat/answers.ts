/**
 * The model's answers as `InMemoryChat` returns them: its wire output decoded with the library's
 * schemas, and its problems turned into the errors the real client gives for the same answer.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as Headers from "effect/http/Headers"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { statusFailure } from "../../internal/failure.js"
import type { CallFacts, LlamaCloudError } from "../../LlamaCloudError.js"
import * as ChatModel from "../ChatModel.js"

/**
 * The model's wire output read with one of the library's schemas. The model writes what they read:
 * a failure here is a bug in the double, not a user's or a server's input, so it is a defect.
 *
 * @since 0.2.0
 * @category decoding
 */
export const decode = <A>(schema: Schema.Codec<A, unknown>) => {
  const run = Schema.decodeUnknownEffect(schema)
  return (wire: unknown): Effect.Effect<A> => Effect.orDie(run(wire))
}

/**
 * A problem as the real client reads the same answer: the status and the `{"detail": …}` body go
 * through its own error mapping, so the class, the message and the issues are the ones it gives
 * (404 `NotFoundError`, 409 `ApiError`, 422 `ValidationError`). No `Retry-After` is sent, so the
 * time it would be measured from does not matter.
 *
 * @since 0.2.0
 * @category errors
 */
export const problemError = (problem: ChatModel.Problem, facts: CallFacts): LlamaCloudError =>
  statusFailure(
    problem.status,
    Headers.empty,
    JSON.stringify(ChatModel.problemBody(problem)),
    { ...facts, requestId: Option.none() },
    (text) => text,
    0
  ).error

/**
 * The result of a model call: its value read by `read`, or its problem as an error.
 *
 * @since 0.2.0
 * @category decoding
 */
export const answer = <W, A>(facts: CallFacts, read: (wire: W) => Effect.Effect<A>) =>
(result: Result.Result<W, ChatModel.Problem>): Effect.Effect<A, LlamaCloudError> =>
  Result.match(result, { onFailure: (problem) => Effect.fail(problemError(problem, facts)), onSuccess: read })
