/**
 * The Effect 3 edition's reliability adapter: what a call ended in, read into the plain data of
 * `test/shared/reliability/outcome.ts`, so that the checks shared with the Effect 4 edition judge it.
 */
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import type { LlamaCloudError } from "../../src/LlamaCloudError.js"
import type { CallReport, ErrorFacts, Outcome } from "../shared/reliability/outcome.js"
import { labelOf, type Observed, outcomeOf, renderings } from "./harness.js"

const millis = (duration: Option.Option<Duration.Duration>): number | null =>
  Option.getOrNull(Option.map(duration, Duration.toMillis))

/** The facts of `error` the shared checks read. */
export const factsOf = (error: LlamaCloudError): ErrorFacts => {
  const common = { tag: error._tag, message: error.message }
  switch (error._tag) {
    case "ValidationError":
      return {
        ...common,
        detail: error.issues.map((issue) => issue.message).join("; "),
        issuePaths: error.issues.map((issue) => issue.path)
      }
    case "DecodeError":
      return { ...common, detail: "", problem: error.problem, bodyExcerpt: error.bodyExcerpt }
    case "NetworkError":
      return { ...common, detail: error.detail, timeoutMs: millis(error.timeout) }
    case "TurnError":
      return { ...common, detail: "", turnError: Option.getOrNull(error.error) }
    case "RateLimitError":
    case "ServerError":
      return { ...common, detail: error.detail, retryAfterMs: millis(error.retryAfter) }
    default:
      return { ...common, detail: error.detail }
  }
}

/** What `exit` ended in, as plain data. */
export const plainOutcome = (exit: Exit.Exit<unknown, unknown>): Outcome => {
  const outcome = outcomeOf(exit)
  switch (outcome._tag) {
    case "Success":
      return outcome
    case "Failure":
      return { _tag: "Failure", label: labelOf(outcome.error), error: factsOf(outcome.error) }
    case "Bug":
      return { _tag: "Bug", label: outcome.label, pretty: Cause.pretty(outcome.cause) }
  }
}

/** Everything a call left to judge it by: its outcome, its errors' message lengths, every text the key could be in. */
export const reportOf = (exit: Exit.Exit<unknown, unknown>, observed: Pick<Observed, "logs" | "spans">): CallReport => ({
  outcome: plainOutcome(exit),
  messageLengths: Exit.isFailure(exit)
    ? Chunk.toReadonlyArray(Cause.failures(exit.cause)).map((error) => error instanceof Error ? error.message.length : 0)
    : [],
  texts: renderings(exit, observed)
})
