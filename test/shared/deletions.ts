/**
 * What `delete` gives for LlamaCloud's answers, as cases both editions' test/resource.test.ts run:
 * the answers (given by the edition's own `MockTransport` through `replyWith`), the virtual instants
 * a retry wakes at, and what the caller must see. A 404 after an attempt that may have deleted the
 * session means it did. No Effect here.
 */
import type { RecordedRequest } from "../../src/core/mockTransport/routes.js"
import { llamaCloudSays } from "./inMemoryChat.js"
import { checkedFailure, type Failure } from "./plainReading.js"
import type { TurnAnswer } from "./turnAnswers.js"

export interface Case {
  readonly name: string
  /** The mock transport's answers, in order. */
  readonly answers: ReadonlyArray<TurnAnswer>
  /** Whether the call runs under `RetryPolicy.layer({ jitter: 0 })`. */
  readonly exactRetry?: boolean
  /** The virtual instants (ms) the clock is moved to; `undefined`: it must not move. */
  readonly wakes?: ReadonlyArray<number>
  /** How the call failed; `undefined`: it did not. */
  readonly failure?: Failure
  readonly requests?: number
  /** The `Accept` of the first request. */
  readonly accept?: string
}

const notFound = llamaCloudSays.notFound

export const deletions: ReadonlyArray<Case> = [
  { name: "sends Accept: */* and succeeds on 204", answers: [{ status: 204, text: "" }], accept: "*/*" },
  ...([["a lost connection", { fail: "ECONNRESET" }], ["a 502", { status: 502, json: { detail: "bad gateway" } }]] as const).map(
    ([what, first]): Case => ({
      name: `after ${what}, a retry that finds no session has succeeded: the first attempt deleted it`,
      answers: [first, notFound],
      exactRetry: true,
      wakes: [500],
      requests: 2
    })
  ),
  {
    name: "a 404 on the first attempt is a NotFoundError naming the session",
    answers: [notFound],
    failure: { _tag: "NotFoundError", sessionId: "ses-1", says: ["No chat session with id"] }
  },
  {
    name: "a 404 after a 503 is a NotFoundError: the 503 did not act",
    answers: [{ status: 503, json: { detail: "busy" } }, notFound],
    exactRetry: true,
    wakes: [500],
    failure: { _tag: "NotFoundError" }
  }
]

/** What an edition saw of a case. */
export interface Seen {
  /** The error the call failed with; `undefined`: it did not fail. */
  readonly failure: unknown
  readonly requests: ReadonlyArray<RecordedRequest>
}

/** What of `seen` the case checks, in the shape of `expectedOf(deletion)`: assert the two deeply equal. */
export const checkedOf = (seen: Seen, deletion: Case): unknown => ({
  failure: checkedFailure(seen.failure, deletion.failure),
  ...(deletion.requests === undefined ? {} : { requests: seen.requests.length }),
  ...(deletion.accept === undefined ? {} : { accept: seen.requests[0]?.headers["accept"] })
})

/** What `checkedOf` must give for a case. */
export const expectedOf = ({ accept, failure, requests }: Case): unknown => ({
  failure,
  ...(requests === undefined ? {} : { requests }),
  ...(accept === undefined ? {} : { accept })
})
