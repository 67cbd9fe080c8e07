/**
 * What the model answers a request that breaks a rule: the status LlamaCloud would send and the
 * FastAPI `detail` body; and a request's verdict, its answer or its problem.
 *
 * @since 0.2.0
 */
import type { WireIssue } from "./wire.js"

/**
 * 404: no session of that id in the request's organization and project.
 *
 * @since 0.2.0
 * @category problems
 */
export class NotFound {
  readonly _tag = "NotFound"
  readonly status = 404
  readonly detail: string
  constructor(args: { readonly detail: string }) {
    this.detail = args.detail
  }
}

/**
 * 409: the session is running a turn already.
 *
 * @since 0.2.0
 * @category problems
 */
export class Busy {
  readonly _tag = "Busy"
  readonly status = 409
  readonly detail: string
  constructor(args: { readonly detail: string }) {
    this.detail = args.detail
  }
}

/**
 * 422: the request broke a rule; one issue per problem, FastAPI style.
 *
 * @since 0.2.0
 * @category problems
 */
export class Invalid {
  readonly _tag = "Invalid"
  readonly status = 422
  readonly detail: ReadonlyArray<WireIssue>
  constructor(args: { readonly detail: ReadonlyArray<WireIssue> }) {
    this.detail = args.detail
  }
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

/**
 * What the model answers a request: its value, or the problem LlamaCloud would answer instead. Each
 * edition turns it into its own Effect's result type (`Either`, `Result`).
 *
 * @since 1.0.0
 * @category models
 */
export type Verdict<A> =
  | { readonly ok: true; readonly value: A }
  | { readonly ok: false; readonly problem: Problem }

/** A request answered with `value`. */
export const accept = <A>(value: A): Verdict<A> => ({ ok: true, value })

/** A request refused with `problem`. */
export const refuse = (problem: Problem): Verdict<never> => ({ ok: false, problem })

/** A 422 of these issues. */
export const invalid = (issues: ReadonlyArray<WireIssue>): Verdict<never> => refuse(new Invalid({ detail: issues }))
