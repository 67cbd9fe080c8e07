/**
 * Properties over generated inputs (mock transport: the property is about decoding and
 * classification, not sockets):
 * - any status with any body and any retry headers ends in a success or exactly one of the eight
 *   tagged errors — never a defect — and the tag is the one the status documents;
 * - a valid session, generated from the schema and encoded to the wire, decodes to the same value.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { ChatSession } from "../../src/ChatSession.js"
import { isLlamaCloudError } from "../../src/LlamaCloudError.js"
import { RetryPolicy } from "../../src/RetryPolicy.js"
import { MockTransport } from "../../src/testing.js"
import { clientLayer, create, outcomeOf } from "./harness.js"

/** The tag each status documents (docs/errors.md). */
const documentedTag = (status: number): ReadonlyArray<string> => {
  if (status >= 200 && status < 300) return ["success", "DecodeError"]
  if (status === 401 || status === 403) return ["AuthError"]
  if (status === 400 || status === 422) return ["ValidationError"]
  if (status === 404) return ["NotFoundError"]
  if (status === 429) return ["RateLimitError"]
  if (status >= 500) return ["ServerError"]
  return ["ApiError"]
}

// The Fetch `Response` the mock builds takes statuses 200 to 599.
const status = FastCheck.oneof(
  FastCheck.integer({ min: 200, max: 599 }),
  FastCheck.constantFrom(200, 201, 204, 400, 401, 403, 404, 408, 409, 422, 429, 500, 502, 503, 504)
)

/** Bodies: any JSON, any text, and near-sessions whose fields have any JSON type. */
const body = FastCheck.oneof(
  FastCheck.jsonValue().map((value) => JSON.stringify(value)),
  FastCheck.string({ unit: "binary" }),
  FastCheck.record({
    session_id: FastCheck.jsonValue(),
    last_updated_at: FastCheck.oneof(FastCheck.jsonValue(), FastCheck.constant("2026-04-22T12:34:41.342245")),
    index_ids: FastCheck.jsonValue(),
    job_metadata: FastCheck.jsonValue(),
    detail: FastCheck.jsonValue()
  }, { requiredKeys: [] }).map((value) => JSON.stringify(value))
)

const headerValue = FastCheck.oneof(
  FastCheck.string(),
  FastCheck.constantFrom("0", "1", "true", "false", "-1", "1e309", "NaN", "Wed, 21 Oct 2015 07:28:00 GMT")
)

const headers = FastCheck.record({
  "content-type": FastCheck.constantFrom("application/json", "text/html", "text/plain", ""),
  "retry-after": headerValue,
  "retry-after-ms": headerValue,
  "x-should-retry": headerValue,
  "x-request-id": FastCheck.string()
}, { requiredKeys: [] }).map((record) =>
  // A header value cannot hold control characters or non-Latin-1 text: the mock's `Headers` would throw.
  Object.fromEntries(Object.entries(record).filter(([, value]) => /^[\x20-\x7e]*$/.test(value)))
)

// Waits are real but never slept: any server-requested wait above 0 ms is beyond the cap.
const policies = RetryPolicy.layer({ baseDelay: 0, maxDelay: 0, maxRetryAfter: 0, jitter: 0 })

describe("generated answers", () => {
  it.live.prop(
    "any status, body and headers end in a success or the status's documented tag, never a defect",
    { status, body, headers },
    ({ body, headers, status }) =>
      Effect.gen(function*() {
        const reply = MockTransport.text(status, body, headers)
        const exit = yield* create().pipe(
          Effect.provide(clientLayer("https://api.test", MockTransport.layer([reply]), policies)),
          Effect.exit
        )
        const outcome = outcomeOf(exit)
        expect(outcome._tag, outcome.label).not.toBe("Bug")
        const tag = outcome._tag === "Failure" ? outcome.error._tag : "success"
        expect(documentedTag(status)).toContain(tag)
        if (outcome._tag === "Failure") {
          expect(isLlamaCloudError(outcome.error)).toBe(true)
          // Every rendering works and says something.
          expect(outcome.error.message.length).toBeGreaterThan(0)
          expect(String(outcome.error).length).toBeGreaterThan(0)
          expect(() => JSON.stringify(outcome.error)).not.toThrow()
        }
      }),
    { fastCheck: { numRuns: 150 } }
  )

  it.live.prop(
    "a transport failure with any socket error code is a NetworkError, never a defect",
    { code: FastCheck.oneof(FastCheck.string(), FastCheck.constantFrom("ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT")) },
    ({ code }) =>
      Effect.gen(function*() {
        const exit = yield* create().pipe(
          Effect.provide(clientLayer("https://api.test", MockTransport.layer([MockTransport.fail(code)]), policies)),
          Effect.exit
        )
        expect(outcomeOf(exit).label).toMatch(/^NetworkError\((ConnectFailed|ConnectionLost)\)$/)
      }),
    { fastCheck: { numRuns: 50 } }
  )
})

// -------------------------------------------------------------------------------------------------
// valid sessions

/**
 * Sessions from the schema, within what the wire can carry: JSON has no NaN or infinities, and
 * LlamaCloud's timestamps have four-digit years.
 */
const wireSafe = (n: unknown) => typeof n !== "number" || Number.isFinite(n)
const session = FastCheck.tuple(
  Arbitrary.make(ChatSession),
  FastCheck.date({ min: new Date("0001-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59.999Z"), noInvalidDate: true })
).map(([generated, date]) => new ChatSession({ ...generated, lastUpdatedAt: DateTime.unsafeMake(date) }))
  .filter((generated) =>
    generated.jobMetadata._tag === "None" ||
    Object.values(generated.jobMetadata.value).every((field) =>
      field === null || typeof field !== "object" || !("_tag" in field) || field._tag === "None" || wireSafe(field.value)
    )
  )

const encode = Schema.encodeSync(ChatSession)

describe("generated sessions", () => {
  it.live.prop(
    "a valid session, encoded to the wire, decodes to the same value (and encodes to the same wire)",
    { session },
    ({ session }) =>
      Effect.gen(function*() {
        const wire = encode(session)
        const reply = MockTransport.json(200, wire)
        const exit = yield* create().pipe(
          Effect.provide(clientLayer("https://api.test", MockTransport.layer([reply]), Layer.empty)),
          Effect.exit
        )
        expect(Exit.isSuccess(exit), outcomeOf(exit).label).toBe(true)
        if (Exit.isSuccess(exit)) {
          const decoded = exit.value
          expect(decoded.sessionId).toBe(session.sessionId)
          expect(DateTime.toEpochMillis(decoded.lastUpdatedAt)).toBe(DateTime.toEpochMillis(session.lastUpdatedAt))
          expect(decoded.generatedTitle).toEqual(session.generatedTitle)
          expect(decoded.indexIds).toEqual(session.indexIds)
          expect(decoded.sharedAccess).toEqual(session.sharedAccess)
          expect(JSON.stringify(encode(decoded))).toBe(JSON.stringify(wire))
        }
      }),
    { fastCheck: { numRuns: 150 } }
  )

  it.live.prop(
    "LlamaCloud's zone-less microsecond timestamps decode to the same instant, read as UTC",
    { date: FastCheck.date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59.999Z"), noInvalidDate: true }), micros: FastCheck.integer({ min: 0, max: 999 }) },
    ({ date, micros }) =>
      Effect.gen(function*() {
        const wire = `${date.toISOString().slice(0, 23)}${String(micros).padStart(3, "0")}`
        const reply = MockTransport.json(200, { session_id: "ses-1", last_updated_at: wire })
        const decoded = yield* create().pipe(
          Effect.provide(clientLayer("https://api.test", MockTransport.layer([reply]), Layer.empty))
        )
        expect(DateTime.toEpochMillis(decoded.lastUpdatedAt)).toBe(date.getTime())
      }),
    { fastCheck: { numRuns: 100 } }
  )
})
