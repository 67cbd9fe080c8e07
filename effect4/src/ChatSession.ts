/**
 * The chat session as LlamaCloud returns it. Wire names (snake_case) appear in this module only;
 * everything else sees the idiomatic names.
 *
 * Each response is a value class with the idiomatic names (`Schema.Class`), and the exported schema
 * of the same name is that class with its keys renamed to the wire's (`Schema.encodeKeys`, applied to
 * the class: a class cannot be built over a renamed struct). Decoding with `ChatSession` reads the
 * wire; `ChatSession.make` builds a value from the idiomatic names.
 *
 * @since 0.1.0
 */
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import * as SchemaTransformation from "effect/SchemaTransformation"
import { ChatEvent } from "./ChatEvent.js"
import { optional, withDefault } from "./internal/optionalField.js"

// ISO 8601 date-time, with or without a zone designator and with any number of fraction digits.
const isoDateTime = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.(\d+))?(?:(Z|z)|([+-])(\d{2})(?::?(\d{2}))?)?$/

const daysIn = (year: number, month: number): number =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31

/**
 * Milliseconds since the epoch of the parts `isoDateTime` matched, or undefined for a date that does
 * not exist. Computed from the numbers rather than by building a string for `Date` to parse again,
 * which dominated a session's decoding (docs/performance.md).
 */
const epochMillisOf = (parts: RegExpExecArray): number | undefined => {
  const year = Number(parts[1])
  const month = Number(parts[2])
  const day = Number(parts[3])
  const hour = Number(parts[4])
  const minute = Number(parts[5])
  const second = parts[6] === undefined ? 0 : Number(parts[6])
  const millis = parts[7] === undefined ? 0 : Number(parts[7].slice(0, 3).padEnd(3, "0"))
  const offsetHours = parts[10] === undefined ? 0 : Number(parts[10])
  const offsetMinutes = parts[11] === undefined ? 0 : Number(parts[11])
  if (
    month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 ||
    second > 59 || offsetHours > 23 || offsetMinutes > 59
  ) return undefined
  let epochMillis = Date.UTC(year, month - 1, day, hour, minute, second, millis)
  // Date.UTC reads the years 0 to 99 as 1900 to 1999.
  if (year < 100) epochMillis = new Date(epochMillis).setUTCFullYear(year)
  const offset = (offsetHours * 60 + offsetMinutes) * 60_000
  return epochMillis - (parts[9] === "-" ? -offset : offset)
}

const invalid = (input: string, message: string) => Effect.fail(new SchemaIssue.InvalidValue({ message }, input))

/**
 * A LlamaCloud timestamp, decoded to a `DateTime.Utc`. The API sends zone-less timestamps with
 * microseconds (`2026-04-22T12:34:41.342245`), which are UTC; JavaScript's `Date` would read them as
 * local time and is not used. `DateTime` holds milliseconds: further digits are dropped.
 * Encodes to ISO 8601 with `Z`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Timestamp: Schema.Codec<DateTime.Utc, string> = Schema.String.pipe(
  Schema.decodeTo(
    Schema.DateTimeUtc,
    SchemaTransformation.transformEffect({
      decode: (input: string) => {
        const parts = isoDateTime.exec(input)
        if (parts === null) return invalid(input, `expected an ISO 8601 date-time, got ${JSON.stringify(input)}`)
        const epochMillis = epochMillisOf(parts)
        return epochMillis === undefined || !Number.isFinite(epochMillis)
          ? invalid(input, `not a valid date-time: ${JSON.stringify(input)}`)
          : Effect.succeed(DateTime.makeUnsafe(epochMillis))
      },
      encode: (dt: DateTime.Utc) => Effect.succeed(DateTime.formatIso(dt))
    })
  ),
  Schema.annotate({ identifier: "Timestamp" })
)

/**
 * How a session is shared. Only newer API versions send it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SharedAccess = Schema.Literals(["query", "read_only"])

/**
 * @since 0.1.0
 * @category models
 */
export type SharedAccess = typeof SharedAccess.Type

/** Token usage and status of a session's most recent run, with the idiomatic names. */
class JobMetadataValue extends Schema.Class<JobMetadataValue>("JobMetadata")({
  durationMs: optional(Schema.Number),
  error: optional(Schema.String),
  exportConfigIds: optional(Schema.Array(Schema.String)),
  isError: optional(Schema.Boolean),
  totalInputTokens: optional(Schema.Number),
  totalOutputTokens: optional(Schema.Number),
  turns: optional(Schema.Number)
}) {}

/**
 * Token usage and status of a session's most recent run. Every field is optional on the wire.
 *
 * @since 0.1.0
 * @category schemas
 */
export const JobMetadata = JobMetadataValue.pipe(Schema.encodeKeys({
  durationMs: "duration_ms",
  exportConfigIds: "export_config_ids",
  isError: "is_error",
  totalInputTokens: "total_input_tokens",
  totalOutputTokens: "total_output_tokens"
}))

/**
 * @since 0.1.0
 * @category models
 */
export interface JobMetadata extends JobMetadataValue {}

const sessionFields = {
  sessionId: Schema.String,
  lastUpdatedAt: Timestamp,
  /** Derived from the first user message; none on a new session. */
  generatedTitle: optional(Schema.String),
  /** The indexes the session retrieves from; none on an unbound session. */
  indexIds: optional(Schema.Array(Schema.String)),
  /** None until the session has run. */
  jobMetadata: optional(JobMetadata),
  sharedAccess: optional(SharedAccess)
}

// The wire names of a session's fields, for ChatSession and ChatSessionDetail alike.
const sessionKeys = {
  sessionId: "session_id",
  lastUpdatedAt: "last_updated_at",
  generatedTitle: "generated_title",
  indexIds: "index_ids",
  jobMetadata: "job_metadata",
  sharedAccess: "shared_access"
} as const

/** A chat session with the idiomatic names: what `ChatSession` decodes to. */
class ChatSessionValue extends Schema.Class<ChatSessionValue>("ChatSession")(sessionFields) {}

/**
 * A chat session: what Create Session returns. Unknown fields from newer servers are ignored.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChatSession = ChatSessionValue.pipe(Schema.encodeKeys(sessionKeys))

/**
 * @since 0.1.0
 * @category models
 */
export interface ChatSession extends ChatSessionValue {}

/** A session with its history, with the idiomatic names: what `ChatSessionDetail` decodes to. */
class ChatSessionDetailValue extends ChatSessionValue.extend<ChatSessionDetailValue>("ChatSessionDetail")({
  events: withDefault(Schema.Array(ChatEvent), () => [])
}) {}

/**
 * A session with its history: what `ChatService.retrieve` returns. `events` are oldest first and
 * may include the `*Delta` pieces of each turn.
 *
 * @since 0.2.0
 * @category schemas
 */
export const ChatSessionDetail = ChatSessionDetailValue.pipe(Schema.encodeKeys(sessionKeys))

/**
 * @since 0.2.0
 * @category models
 */
export interface ChatSessionDetail extends ChatSessionDetailValue {}

/** One page of `ChatService.listPage`, with the idiomatic names: what `ChatSessionPage` decodes to. */
class ChatSessionPageValue extends Schema.Class<ChatSessionPageValue>("ChatSessionPage")({
  items: Schema.Array(ChatSession),
  /** Pass it as `pageToken` to get the next page; none (or empty on the wire) on the last page. */
  nextPageToken: Schema.optional(Schema.NullOr(Schema.String)).pipe(
    Schema.decodeTo(
      Schema.Option(Schema.String),
      SchemaTransformation.transformOptional({
        // "No further pages" is spelled three ways on the wire: absent, null or empty.
        decode: (token) => Option.some(Option.filter(Option.flatMap(token, Option.fromNullishOr), (s) => s !== "")),
        encode: Option.flatten
      })
    )
  )
}) {}

/**
 * One page of `ChatService.listPage`: the sessions, and the token of the next page when there is one.
 *
 * @since 0.2.0
 * @category schemas
 */
export const ChatSessionPage = ChatSessionPageValue.pipe(Schema.encodeKeys({ nextPageToken: "next_page_token" }))

/**
 * @since 0.2.0
 * @category models
 */
export interface ChatSessionPage extends ChatSessionPageValue {}
