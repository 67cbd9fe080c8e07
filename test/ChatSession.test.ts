/**
 * Decoding what Create Session answers: the documented shape, its optional and null fields,
 * LlamaCloud's timestamps, and 2xx bodies that are not a session at all.
 */
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { ChatSession, Timestamp } from "../src/ChatSession.js"
import { RetryPolicy } from "../src/RetryPolicy.js"
import { type MockReply, MockTransport } from "../src/testing.js"
import { chatLayer, create, failsWith, replay, requests, seedBody, sessionJson } from "./fixtures/harness.js"
import { notASession } from "./shared/errorAnswers.js"

/** What `create` returns when the server answers `reply`. */
const decoded = (reply: MockReply) => create().pipe(Effect.provide(chatLayer([reply])))

const answering = (fields: Record<string, unknown>) => decoded(MockTransport.json(200, sessionJson(fields)))

/** The `DecodeError` for a 2xx answer, checked to come from the one request made. */
const undecodable = (reply: MockReply) =>
  Effect.gen(function*() {
    const error = yield* failsWith("DecodeError")(create())
    assert.lengthOf(yield* requests, 1, "an undecodable 2xx answer is not retried")
    return error
  }).pipe(Effect.provide(chatLayer([reply], {}, RetryPolicy.layer({ retryAmbiguous: true }))))

const epochOf = (iso: string) => Effect.map(answering({ last_updated_at: iso }), (s) => DateTime.toEpochMillis(s.lastUpdatedAt))

describe("a Create Session answer", () => {
  it.effect("decodes the seed document's example in full", () =>
    Effect.gen(function*() {
      const session = yield* decoded(MockTransport.text(200, seedBody, { "content-type": "application/json" }))
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
    }))

  it.effect("reads null optional fields as none", () =>
    Effect.gen(function*() {
      const session = yield* answering({
        generated_title: null,
        index_ids: null,
        job_metadata: null,
        shared_access: null
      })
      assert.deepStrictEqual(session.generatedTitle, Option.none())
      assert.deepStrictEqual(session.indexIds, Option.none())
      assert.deepStrictEqual(session.jobMetadata, Option.none())
      assert.deepStrictEqual(session.sharedAccess, Option.none())
    }))

  it.effect("reads absent optional fields as none", () =>
    Effect.gen(function*() {
      const session = yield* answering({})
      assert.strictEqual(session.sessionId, "ses-1")
      assert.deepStrictEqual(session.generatedTitle, Option.none())
      assert.deepStrictEqual(session.indexIds, Option.none())
      assert.deepStrictEqual(session.jobMetadata, Option.none())
      assert.deepStrictEqual(session.sharedAccess, Option.none())
    }))

  it.effect("reads shared_access from newer servers", () =>
    Effect.gen(function*() {
      const session = yield* answering({ shared_access: "read_only" })
      assert.deepStrictEqual(session.sharedAccess, Option.some("read_only"))
    }))

  it.effect("ignores fields it does not know", () =>
    Effect.gen(function*() {
      const session = yield* answering({
        owner: { id: 7 },
        events: [],
        job_metadata: { turns: 2, cost_usd: 0.01 }
      })
      assert.strictEqual(session.sessionId, "ses-1")
      assert.deepStrictEqual(Option.flatMap(session.jobMetadata, (job) => job.turns), Option.some(2))
      assert.notProperty(session, "owner")
    }))

  it.effect("accepts job_metadata with every field absent", () =>
    Effect.gen(function*() {
      const job = Option.getOrThrow((yield* answering({ job_metadata: {} })).jobMetadata)
      for (const field of Object.values(job)) assert.deepStrictEqual(field, Option.none())
      assert.lengthOf(Object.keys(job), 7)
    }))

  it.effect("accepts job_metadata with every field null", () =>
    Effect.gen(function*() {
      const job = Option.getOrThrow(
        (yield* answering({
          job_metadata: {
            duration_ms: null,
            error: null,
            export_config_ids: null,
            is_error: null,
            total_input_tokens: null,
            total_output_tokens: null,
            turns: null
          }
        })).jobMetadata
      )
      for (const field of Object.values(job)) assert.deepStrictEqual(field, Option.none())
    }))

  it.effect("accepts job_metadata with only some fields", () =>
    Effect.gen(function*() {
      const job = Option.getOrThrow((yield* answering({ job_metadata: { duration_ms: 1520.5, is_error: false } })).jobMetadata)
      assert.deepStrictEqual(job.durationMs, Option.some(1520.5))
      assert.deepStrictEqual(job.isError, Option.some(false))
      assert.deepStrictEqual(job.turns, Option.none())
    }))
})

describe("timestamps", () => {
  it.effect("without a zone and with microseconds are UTC, cut to milliseconds", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* epochOf("2026-04-22T12:34:41.342245"), Date.UTC(2026, 3, 22, 12, 34, 41, 342))
    }))

  it.effect("with Z are UTC", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* epochOf("2026-04-22T12:34:41Z"), Date.UTC(2026, 3, 22, 12, 34, 41))
    }))

  it.effect("with an offset are moved to UTC", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* epochOf("2026-04-22T14:34:41.5+02:00"), Date.UTC(2026, 3, 22, 12, 34, 41, 500))
      assert.strictEqual(yield* epochOf("2026-04-22T07:04:41-0530"), Date.UTC(2026, 3, 22, 12, 34, 41))
    }))

  it.effect("without seconds or with a space separator still decode", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* epochOf("2026-04-22 12:34"), Date.UTC(2026, 3, 22, 12, 34))
    }))

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
    const session = Schema.decodeUnknownSync(ChatSession)(sessionJson())
    assert.strictEqual(Schema.encodeSync(ChatSession)(session).last_updated_at, "2026-04-22T12:34:41.342Z")
  })

  it.effect("that are not dates fail the decode, naming the field", () =>
    Effect.gen(function*() {
      const error = yield* undecodable(MockTransport.json(200, sessionJson({ last_updated_at: "yesterday" })))
      assert.include(error.problem, "last_updated_at")
      assert.include(error.problem, "yesterday")
    }))

  it.effect("with an impossible date fail the decode", () =>
    Effect.gen(function*() {
      const error = yield* undecodable(MockTransport.json(200, sessionJson({ last_updated_at: "2026-13-45T99:00:00" })))
      assert.include(error.problem, "last_updated_at")
    }))
})

describe("a 2xx body that is not a session is a DecodeError, not a defect", () => {
  for (const { answer, bodyExcerpt, name, problemSays } of notASession) {
    it.effect(name, () =>
      Effect.gen(function*() {
        const error = yield* undecodable(replay(answer))
        assert.strictEqual(error.status, answer.status)
        for (const fragment of problemSays) assert.include(error.problem, fragment)
        if (bodyExcerpt !== undefined) assert.strictEqual(error.bodyExcerpt, bodyExcerpt)
      }))
  }

  it.effect("with a message that says what was wrong and carries the request id", () =>
    Effect.gen(function*() {
      const error = yield* undecodable(MockTransport.text(200, "", { "x-request-id": "req-42" }))
      assert.deepStrictEqual(error.requestId, Option.some("req-42"))
      assert.include(error.message, "could not be decoded: the body is empty")
      assert.include(error.message, "request id req-42")
    }))
})
