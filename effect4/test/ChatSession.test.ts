/**
 * Decoding what Create Session answers: the documented shape, its optional and null fields,
 * LlamaCloud's timestamps, and 2xx bodies that are not a session at all.
 */
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { ChatSession, ChatSessionDetail, ChatSessionPage, Timestamp } from "../src/ChatSession.js"
import { describe as describeIssue } from "../src/internal/issueList.js"
import { RetryPolicy } from "../src/RetryPolicy.js"
import { type MockReply, MockTransport } from "../src/testing.js"
import { notASession } from "../../test/shared/errorAnswers.js"
import { seedBody, sessionJson } from "../../test/shared/fixtures.js"
import { chatLayer, create, replay, requests } from "./fixtures/calls.js"
import { failsWith } from "./fixtures/harness.js"

const decodeSession = Schema.decodeUnknownSync(ChatSession)

/** The session decoded from a minimal answer with `fields` added or replaced. */
const answering = (fields: Record<string, unknown>) => decodeSession(sessionJson(fields))

/** What is wrong with an answer that is not a session, every problem listed. */
const problemOf = (json: unknown): string => {
  const outcome = Schema.decodeUnknownResult(ChatSession, { errors: "all", reportInput: true })(json)
  if (Result.isSuccess(outcome)) return assert.fail("expected the answer to be refused")
  return describeIssue(outcome.failure.issue)
}

/** The `DecodeError` of `create` for a 2xx answer, checked to come from the one request made. */
const undecodable = (reply: MockReply) =>
  Effect.gen(function*() {
    const error = yield* failsWith("DecodeError")(create())
    assert.lengthOf(yield* requests, 1, "an undecodable 2xx answer is not retried")
    return error
  }).pipe(Effect.provide(chatLayer([reply], {}, RetryPolicy.layer({ retryAmbiguous: true }))))

const epochOf = (iso: string) => DateTime.toEpochMillis(answering({ last_updated_at: iso }).lastUpdatedAt)

describe("a Create Session answer", () => {
  it("decodes the seed document's example in full", () => {
    const session = decodeSession(JSON.parse(seedBody))
    assert.strictEqual(session.sessionId, "ses-abc123")
    assert.strictEqual(DateTime.formatIso(session.lastUpdatedAt), "2026-04-22T12:34:41.342Z")
    assert.deepStrictEqual(session.generatedTitle, Option.some("What were the main findings in Q3?..."))
    assert.deepStrictEqual(session.indexIds, Option.some(["idx-abc123", "idx-def456"]))
    assert.deepStrictEqual(session.sharedAccess, Option.none())
    const job = Option.getOrThrow(session.jobMetadata)
    assert.deepStrictEqual(job.durationMs, Option.some(0))
    assert.deepStrictEqual(job.error, Option.some("error"))
    assert.deepStrictEqual(job.exportConfigIds, Option.some(["string"]))
    assert.deepStrictEqual(job.isError, Option.some(true))
    assert.deepStrictEqual(job.totalInputTokens, Option.some(0))
    assert.deepStrictEqual(job.totalOutputTokens, Option.some(0))
    assert.deepStrictEqual(job.turns, Option.some(0))
  })

  it("reads null optional fields as none", () => {
    const session = answering({ generated_title: null, index_ids: null, job_metadata: null, shared_access: null })
    assert.deepStrictEqual(session.generatedTitle, Option.none())
    assert.deepStrictEqual(session.indexIds, Option.none())
    assert.deepStrictEqual(session.jobMetadata, Option.none())
    assert.deepStrictEqual(session.sharedAccess, Option.none())
  })

  it("reads absent optional fields as none", () => {
    const session = answering({})
    assert.strictEqual(session.sessionId, "ses-1")
    assert.deepStrictEqual(session.generatedTitle, Option.none())
    assert.deepStrictEqual(session.indexIds, Option.none())
    assert.deepStrictEqual(session.jobMetadata, Option.none())
    assert.deepStrictEqual(session.sharedAccess, Option.none())
  })

  it("reads shared_access from newer servers", () => {
    assert.deepStrictEqual(answering({ shared_access: "read_only" }).sharedAccess, Option.some("read_only"))
  })

  it("ignores fields it does not know", () => {
    const session = answering({ owner: { id: 7 }, events: [], job_metadata: { turns: 2, cost_usd: 0.01 } })
    assert.strictEqual(session.sessionId, "ses-1")
    assert.deepStrictEqual(Option.flatMap(session.jobMetadata, (job) => job.turns), Option.some(2))
    assert.notProperty(session, "owner")
  })

  it("accepts job_metadata with every field absent", () => {
    const job = Option.getOrThrow(answering({ job_metadata: {} }).jobMetadata)
    for (const field of Object.values(job)) assert.deepStrictEqual(field, Option.none())
    assert.lengthOf(Object.keys(job), 7)
  })

  it("accepts job_metadata with every field null", () => {
    const job = Option.getOrThrow(
      answering({
        job_metadata: {
          duration_ms: null,
          error: null,
          export_config_ids: null,
          is_error: null,
          total_input_tokens: null,
          total_output_tokens: null,
          turns: null
        }
      }).jobMetadata
    )
    for (const field of Object.values(job)) assert.deepStrictEqual(field, Option.none())
  })

  it("accepts job_metadata with only some fields", () => {
    const job = Option.getOrThrow(answering({ job_metadata: { duration_ms: 1520.5, is_error: false } }).jobMetadata)
    assert.deepStrictEqual(job.durationMs, Option.some(1520.5))
    assert.deepStrictEqual(job.isError, Option.some(false))
    assert.deepStrictEqual(job.turns, Option.none())
  })

  it("encodes back to the wire's names, leaving out what is none", () => {
    const wire = sessionJson({ index_ids: ["idx-1"], job_metadata: { is_error: true, turns: 3 }, shared_access: "query" })
    assert.deepStrictEqual(Schema.encodeSync(ChatSession)(decodeSession(wire)), {
      session_id: "ses-1",
      last_updated_at: "2026-04-22T12:34:41.342Z",
      index_ids: ["idx-1"],
      job_metadata: { is_error: true, turns: 3 },
      shared_access: "query"
    })
  })

  it("is built from the idiomatic names with ChatSession.make", () => {
    const session = ChatSession.make({
      sessionId: "ses-made",
      lastUpdatedAt: DateTime.makeUnsafe(0),
      generatedTitle: Option.none(),
      indexIds: Option.some(["idx-1"]),
      jobMetadata: Option.none(),
      sharedAccess: Option.none()
    })
    assert.deepStrictEqual(Schema.encodeSync(ChatSession)(session), {
      session_id: "ses-made",
      last_updated_at: "1970-01-01T00:00:00.000Z",
      index_ids: ["idx-1"]
    })
  })
})

describe("a session's detail and a page of sessions", () => {
  it("read absent or null events as none, and events of any type", () => {
    assert.deepStrictEqual(Schema.decodeUnknownSync(ChatSessionDetail)(sessionJson()).events, [])
    assert.deepStrictEqual(Schema.decodeUnknownSync(ChatSessionDetail)(sessionJson({ events: null })).events, [])
    const detail = Schema.decodeUnknownSync(ChatSessionDetail)(sessionJson({
      events: [{ type: "user_input", content: "hi" }, { type: "citation", url: "u" }, { type: "stop" }]
    }))
    assert.deepStrictEqual(detail.events.map((event) => event._tag), ["UserInput", "UnknownEvent", "Stop"])
    assert.strictEqual(detail.sessionId, "ses-1")
  })

  it("a detail with a bad event names the event", () => {
    const outcome = Schema.decodeUnknownResult(ChatSessionDetail)(sessionJson({ events: [{ type: "text" }] }))
    if (Result.isSuccess(outcome)) return assert.fail("expected the detail to be refused")
    assert.include(describeIssue(outcome.failure.issue), `events.0: a "text" event: content: Missing key`)
  })

  it("a page's next token is none when absent, null or empty", () => {
    for (const token of [undefined, null, ""]) {
      const page = Schema.decodeUnknownSync(ChatSessionPage)({ items: [sessionJson()], next_page_token: token })
      assert.deepStrictEqual(page.nextPageToken, Option.none())
      assert.strictEqual(page.items[0]?.sessionId, "ses-1")
    }
    const next = Schema.decodeUnknownSync(ChatSessionPage)({ items: [], next_page_token: "p2" })
    assert.deepStrictEqual(next.nextPageToken, Option.some("p2"))
    assert.deepStrictEqual(Schema.encodeSync(ChatSessionPage)(next), { items: [], next_page_token: "p2" })
  })
})

describe("timestamps", () => {
  it("without a zone and with microseconds are UTC, cut to milliseconds", () => {
    assert.strictEqual(epochOf("2026-04-22T12:34:41.342245"), Date.UTC(2026, 3, 22, 12, 34, 41, 342))
  })

  it("with Z are UTC", () => {
    assert.strictEqual(epochOf("2026-04-22T12:34:41Z"), Date.UTC(2026, 3, 22, 12, 34, 41))
  })

  it("with an offset are moved to UTC", () => {
    assert.strictEqual(epochOf("2026-04-22T14:34:41.5+02:00"), Date.UTC(2026, 3, 22, 12, 34, 41, 500))
    assert.strictEqual(epochOf("2026-04-22T07:04:41-0530"), Date.UTC(2026, 3, 22, 12, 34, 41))
  })

  it("without seconds or with a space separator still decode", () => {
    assert.strictEqual(epochOf("2026-04-22 12:34"), Date.UTC(2026, 3, 22, 12, 34))
  })

  it("do not depend on the machine's time zone", () => {
    // Date.parse reads the zone-less form as local time; the schema must not.
    const decode = Schema.decodeUnknownSync(Timestamp)
    const zone = process.env["TZ"]
    process.env["TZ"] = "Asia/Kolkata"
    try {
      assert.strictEqual(DateTime.toEpochMillis(decode("2026-01-01T00:00:00.000001")), Date.UTC(2026, 0, 1))
    } finally {
      if (zone === undefined) delete process.env["TZ"]
      else process.env["TZ"] = zone
    }
  })

  it("encode to ISO 8601 with Z", () => {
    const session = decodeSession(sessionJson())
    assert.strictEqual(Schema.encodeSync(ChatSession)(session).last_updated_at, "2026-04-22T12:34:41.342Z")
  })

  // The path names the field by its idiomatic name: Effect 4 reads a timestamp after the keys are
  // renamed (Effect 3 named the wire's `last_updated_at`).
  it("that are not dates fail the decode, naming the field and the value", () => {
    const problem = problemOf(sessionJson({ last_updated_at: "yesterday" }))
    assert.include(problem, "lastUpdatedAt")
    assert.include(problem, "yesterday")
  })

  it("with an impossible date fail the decode", () => {
    assert.include(problemOf(sessionJson({ last_updated_at: "2026-13-45T99:00:00" })), "not a valid date-time")
  })
})

describe("a 2xx body that is not a session is a DecodeError of create, not a defect", () => {
  for (const { answer, bodyExcerpt, name, problemSays } of notASession) {
    it.effect(name, () =>
      Effect.gen(function*() {
        const error = yield* undecodable(replay(answer))
        assert.strictEqual(error.status, answer.status)
        for (const fragment of problemSays) assert.include(error.problem, fragment)
        if (bodyExcerpt !== undefined) assert.strictEqual(error.bodyExcerpt, bodyExcerpt)
      }))
  }

  it.effect("a timestamp that is not a date names the field and the value", () =>
    Effect.gen(function*() {
      const error = yield* undecodable(MockTransport.json(200, sessionJson({ last_updated_at: "yesterday" })))
      assert.include(error.problem, "lastUpdatedAt")
      assert.include(error.problem, "yesterday")
    }))

  it.effect("with a message that says what was wrong and carries the request id", () =>
    Effect.gen(function*() {
      const error = yield* undecodable(MockTransport.text(200, "", { "x-request-id": "req-42" }))
      assert.deepStrictEqual(error.requestId, Option.some("req-42"))
      assert.include(error.message, "could not be decoded: the body is empty")
      assert.include(error.message, "request id req-42")
    }))
})

describe("an answer that is not a session, decoded directly", () => {
  it("with the wrong shape names every missing or wrong field", () => {
    const problem = problemOf({ id: "ses-1", index_ids: "idx-a" })
    assert.include(problem, "session_id")
    assert.include(problem, "last_updated_at")
    assert.include(problem, "index_ids")
  })

  it("null or an array is refused, the value quoted", () => {
    assert.include(problemOf(null), "null")
    assert.include(problemOf([sessionJson()]), "Expected")
  })
})
