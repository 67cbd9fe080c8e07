/**
 * Properties over generated inputs, for both editions' `properties.test.ts` (a mock transport: the
 * properties are about decoding and classification, not sockets): the generators, written once
 * with fast-check, and the invariants each edition's outcome must keep —
 * - any status with any body and any retry headers ends in a success or exactly one of the tagged
 *   errors, never a defect, and the tag is the one the status documents;
 * - any socket error code is a `NetworkError`;
 * - LlamaCloud's zone-less microsecond timestamps decode to the same instant, read as UTC.
 * `holds` runs a property (fast-check draws, shrinks a failure and prints its seed), each draw played
 * through the edition's adapter. The round trip of a valid session is generated from each edition's
 * own `Schema`, so it is the edition's; what it compares is here. Plain data: no Effect.
 */
import * as fc from "fast-check"
import { isDeepStrictEqual } from "node:util"
import type { MockAnswer } from "./mockAnswer.js"
import type { CallReport } from "./outcome.js"

/**
 * Checks `property` on `runs` draws of `arbitrary`; a draw fails when `property` returns problems.
 * Rejects with fast-check's report (the shrunk draw, the seed to replay it) when one fails.
 */
export const holds = <A>(
  arbitrary: fc.Arbitrary<A>,
  runs: number,
  property: (a: A) => Promise<ReadonlyArray<string>>
): Promise<void> =>
  fc.assert(
    fc.asyncProperty(arbitrary, async (a) => {
      const problems = await property(a)
      if (problems.length > 0) throw new Error(problems.join("\n"))
    }),
    { numRuns: runs }
  )

// -------------------------------------------------------------------------------------------------
// generated answers

/** The tag each status documents (docs/errors.md). */
export const documentedTag = (status: number): ReadonlyArray<string> => {
  if (status >= 200 && status < 300) return ["success", "DecodeError"]
  if (status === 401 || status === 403) return ["AuthError"]
  if (status === 400 || status === 422) return ["ValidationError"]
  if (status === 404) return ["NotFoundError"]
  if (status === 429) return ["RateLimitError"]
  if (status >= 500) return ["ServerError"]
  return ["ApiError"]
}

// The Fetch `Response` the mock builds takes statuses 200 to 599.
const status = fc.oneof(
  fc.integer({ min: 200, max: 599 }),
  fc.constantFrom(200, 201, 204, 400, 401, 403, 404, 408, 409, 422, 429, 500, 502, 503, 504)
)

/** Bodies: any JSON, any text, and near-sessions whose fields have any JSON type. */
const body = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.string({ unit: "binary" }),
  fc.record({
    session_id: fc.jsonValue(),
    last_updated_at: fc.oneof(fc.jsonValue(), fc.constant("2026-04-22T12:34:41.342245")),
    index_ids: fc.jsonValue(),
    job_metadata: fc.jsonValue(),
    detail: fc.jsonValue()
  }, { requiredKeys: [] }).map((value) => JSON.stringify(value))
)

const headerValue = fc.oneof(
  fc.string(),
  fc.constantFrom("0", "1", "true", "false", "-1", "1e309", "NaN", "Wed, 21 Oct 2015 07:28:00 GMT")
)

const headers = fc.record({
  "content-type": fc.constantFrom("application/json", "text/html", "text/plain", ""),
  "retry-after": headerValue,
  "retry-after-ms": headerValue,
  "x-should-retry": headerValue,
  "x-request-id": fc.string()
}, { requiredKeys: [] }).map((record): Readonly<Record<string, string>> =>
  // A header value cannot hold control characters or non-Latin-1 text: the mock's `Headers` would throw.
  Object.fromEntries(Object.entries(record).filter(([, value]) => /^[\x20-\x7e]*$/.test(value)))
)

/** Any status, body and headers, as the mock sends them (the body as it is). */
export const answers: fc.Arbitrary<MockAnswer & { readonly status: number }> = fc.record({ status, text: body, headers })
export const ANSWER_RUNS = 150

/**
 * Waits are real but never slept: the policy each edition builds for the generated answers has no
 * backoff and a cap of zero, so that any server-requested wait above 0 ms is beyond it.
 */
export const noWaits = { baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0, jitter: 0 } as const

/**
 * A success, or exactly the tag `status` documents — never a defect — and every rendering of the
 * error works and says something.
 */
export const answerProblems = (status: number, report: CallReport): ReadonlyArray<string> => {
  const { outcome, texts } = report
  if (outcome._tag === "Bug") return [`not an outcome: ${outcome.label}`]
  const tag = outcome._tag === "Failure" ? outcome.error.tag : "success"
  const empty = outcome._tag === "Failure"
    ? [
      ...(report.messageLengths.some((length) => length === 0) ? ["message"] : []),
      // The report renders the error (a rendering that throws fails the draw).
      ...["String(error[0])", "JSON.stringify(error[0])"].filter((place) => (texts[place] ?? "").length === 0)
    ]
    : []
  return [
    ...(documentedTag(status).includes(tag) ? [] : [`${tag} for status ${status}, ${documentedTag(status).join(" or ")} documented`]),
    ...empty.map((place) => `the error's ${place} is empty`)
  ]
}

// -------------------------------------------------------------------------------------------------
// transport failures

/** Any socket error code, and the usual ones. */
export const socketErrors: fc.Arbitrary<MockAnswer> = fc.oneof(fc.string(), fc.constantFrom("ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT"))
  .map((code) => ({ socketError: code }))
export const SOCKET_ERROR_RUNS = 50

export const socketErrorProblems = (label: string): ReadonlyArray<string> =>
  /^NetworkError\((ConnectFailed|ConnectionLost)\)$/.test(label) ? [] : [`${label}, a NetworkError(ConnectFailed or ConnectionLost) expected`]

// -------------------------------------------------------------------------------------------------
// sessions

/** The instants a valid session may carry: LlamaCloud's timestamps have four-digit years. */
export const sessionDates = { min: new Date("0001-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59.999Z") } as const
export const SESSION_RUNS = 150

const wireSafe = (n: unknown): boolean => typeof n !== "number" || Number.isFinite(n)

/**
 * Whether a generated session's job metadata (its fields, each an optional value) can be carried
 * on the wire: JSON has no NaN or infinities.
 */
export const metadataWireSafe = (fields: object): boolean =>
  Object.values(fields).every((field: unknown) =>
    field === null || typeof field !== "object" || !("_tag" in field) || field._tag === "None" ||
    !("value" in field) || wireSafe(field.value)
  )

/** A session as its round trip compares it: plain data read from the edition's `ChatSession`. */
export interface SessionFacts {
  readonly sessionId: string
  readonly lastUpdatedAtMs: number
  readonly generatedTitle: unknown
  readonly indexIds: unknown
  readonly sharedAccess: unknown
}

/** A valid session, encoded to the wire, decodes to the same value and encodes to the same wire. */
export const roundTripProblems = (
  original: SessionFacts,
  decoded: SessionFacts,
  wire: unknown,
  reencoded: unknown
): ReadonlyArray<string> => {
  const keys: ReadonlyArray<keyof SessionFacts> = ["sessionId", "lastUpdatedAtMs", "generatedTitle", "indexIds", "sharedAccess"]
  return [
    ...keys.filter((key) => !isDeepStrictEqual(original[key], decoded[key]))
      .map((key) => `${key}: ${String(decoded[key])}, ${String(original[key])} sent`),
    ...(JSON.stringify(wire) === JSON.stringify(reencoded) ? [] : [`encodes to ${JSON.stringify(reencoded)}, not ${JSON.stringify(wire)}`])
  ]
}

/** LlamaCloud's timestamps: zone-less, to the microsecond. */
export const zonelessTimestamps: fc.Arbitrary<{ readonly wire: string; readonly epochMs: number }> = fc.record({
  date: fc.date({ min: new Date("1970-01-01T00:00:00Z"), max: sessionDates.max, noInvalidDate: true }),
  micros: fc.integer({ min: 0, max: 999 })
}).map(({ date, micros }) => ({ wire: `${date.toISOString().slice(0, 23)}${String(micros).padStart(3, "0")}`, epochMs: date.getTime() }))
export const TIMESTAMP_RUNS = 100

export const timestampProblems = (wire: string, expectedMs: number, decodedMs: number | string): ReadonlyArray<string> =>
  decodedMs === expectedMs ? [] : [`${wire} decoded to ${decodedMs}, ${expectedMs} expected`]
