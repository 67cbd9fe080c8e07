/**
 * What the model answers a request that breaks a rule: the status LlamaCloud would send and the
 * FastAPI `detail` body.
 *
 * @since 0.2.0
 */
import * as Data from "effect/Data"
import type { WireIssue } from "../../core/chatModel/wire.js"

/**
 * 404: no session of that id in the request's organization and project.
 *
 * @since 0.2.0
 * @category problems
 */
export class NotFound extends Data.TaggedError("NotFound")<{ readonly detail: string }> {
  readonly status = 404
}

/**
 * 409: the session is running a turn already.
 *
 * @since 0.2.0
 * @category problems
 */
export class Busy extends Data.TaggedError("Busy")<{ readonly detail: string }> {
  readonly status = 409
}

/**
 * 422: the request broke a rule; one issue per problem, FastAPI style.
 *
 * @since 0.2.0
 * @category problems
 */
export class Invalid extends Data.TaggedError("Invalid")<{ readonly detail: ReadonlyArray<WireIssue> }> {
  readonly status = 422
}

/**
 * @since 0.2.0
 * @category problems
 */
export type Problem = NotFound | Busy | Invalid

/**
 * The JSON body LlamaCloud answers a problem with: `{"detail": ...}`.
 *
 * @since 0.2.0
 * @category problems
 */
export const problemBody = (problem: Problem): { readonly detail: Problem["detail"] } => ({ detail: problem.detail })

export const notFound = new NotFound({ detail: "Chat session not found" })
