/**
 * Properties over generated inputs (mock transport: the property is about decoding and
 * classification, not sockets):
 * - any status with any body and any retry headers ends in a success or exactly one of the eight
 *   tagged errors — never a defect — and the tag is the one the status documents;
 * - a valid session, generated from the schema and encoded to the wire, decodes to the same value.
 * The generators and the invariants are shared with the Effect 4 edition
 * (test/shared/reliability/properties.ts); the sessions come from this edition's `Schema`.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import type * as ConfigError from "effect/ConfigError"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { ChatSession } from "../../src/ChatSession.js"
import { RetryPolicy } from "../../src/RetryPolicy.js"
import { MockTransport } from "../../src/testing.js"
import type { MockAnswer } from "../shared/reliability/mockAnswer.js"
import {
  ANSWER_RUNS,
  answerProblems,
  answers,
  holds,
  metadataWireSafe,
  noWaits,
  roundTripProblems,
  SESSION_RUNS,
  sessionDates,
  type SessionFacts,
  SOCKET_ERROR_RUNS,
  socketErrorProblems,
  socketErrors,
  TIMESTAMP_RUNS,
  timestampProblems,
  zonelessTimestamps
} from "../shared/reliability/properties.js"
import { mockReply, reportOf } from "./adapter.js"
import { clientLayer, create, outcomeOf } from "./harness.js"

const policies = RetryPolicy.layer({
  baseDelay: noWaits.baseDelayMs,
  maxDelay: noWaits.maxDelayMs,
  maxRetryAfter: noWaits.maxRetryAfterMs,
  jitter: noWaits.jitter
})

/** A create answered by `answer`, with `layer`'s policies: its exit. */
const createAnswered = (answer: MockAnswer, layer: Layer.Layer<never, ConfigError.ConfigError> = Layer.empty) =>
  create().pipe(Effect.provide(clientLayer("https://api.test", MockTransport.layer([mockReply(answer)]), layer)), Effect.exit)

describe("generated answers", () => {
  it.live("any status, body and headers end in a success or the status's documented tag, never a defect", () =>
    Effect.promise(() =>
      holds(answers, ANSWER_RUNS, (answer) =>
        Effect.runPromise(Effect.map(createAnswered(answer, policies), (exit) =>
          answerProblems(answer.status, reportOf(exit, { logs: [], spans: [] })))))
    ))

  it.live("a transport failure with any socket error code is a NetworkError, never a defect", () =>
    Effect.promise(() =>
      holds(socketErrors, SOCKET_ERROR_RUNS, (failure) =>
        Effect.runPromise(Effect.map(createAnswered(failure, policies), (exit) => socketErrorProblems(outcomeOf(exit).label))))
    ))
})

// -------------------------------------------------------------------------------------------------
// valid sessions

/**
 * Sessions from the schema, within what the wire can carry: JSON has no NaN or infinities, and
 * LlamaCloud's timestamps have four-digit years.
 */
const session = FastCheck.tuple(
  Arbitrary.make(ChatSession),
  FastCheck.date({ ...sessionDates, noInvalidDate: true })
).map(([generated, date]) => new ChatSession({ ...generated, lastUpdatedAt: DateTime.unsafeMake(date) }))
  .filter((generated) =>
    Option.match(generated.jobMetadata, { onNone: () => true, onSome: metadataWireSafe })
  )

const encode = Schema.encodeSync(ChatSession)

const factsOf = (session: ChatSession): SessionFacts => ({
  sessionId: session.sessionId,
  lastUpdatedAtMs: DateTime.toEpochMillis(session.lastUpdatedAt),
  generatedTitle: session.generatedTitle,
  indexIds: session.indexIds,
  sharedAccess: session.sharedAccess
})

describe("generated sessions", () => {
  it.live.prop(
    "a valid session, encoded to the wire, decodes to the same value (and encodes to the same wire)",
    { session },
    ({ session }) =>
      Effect.gen(function*() {
        const wire = encode(session)
        const exit = yield* createAnswered({ status: 200, json: wire })
        expect(Exit.isSuccess(exit), outcomeOf(exit).label).toBe(true)
        if (Exit.isSuccess(exit)) {
          expect(roundTripProblems(factsOf(session), factsOf(exit.value), wire, encode(exit.value))).toEqual([])
        }
      }),
    { fastCheck: { numRuns: SESSION_RUNS } }
  )

  it.live("LlamaCloud's zone-less microsecond timestamps decode to the same instant, read as UTC", () =>
    Effect.promise(() =>
      holds(zonelessTimestamps, TIMESTAMP_RUNS, ({ epochMs, wire }) =>
        Effect.runPromise(Effect.map(createAnswered({ status: 200, json: { session_id: "ses-1", last_updated_at: wire } }), (exit) =>
          Exit.isSuccess(exit)
            ? timestampProblems(wire, epochMs, DateTime.toEpochMillis(exit.value.lastUpdatedAt))
            : [`${wire}: ${outcomeOf(exit).label}`])))
    ))
})
