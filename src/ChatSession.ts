/**
 * The chat session as LlamaCloud returns it. Wire names (snake_case) appear in this module only;
 * everything else sees the idiomatic names.
 *
 * @since 0.1.0
 */
import * as DateTime from "effect/DateTime"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { ChatEvent } from "./ChatEvent.js"

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

/**
 * A LlamaCloud timestamp, decoded to a `DateTime.Utc`. The API sends zone-less timestamps with
 * microseconds (`2026-04-22T12:34:41.342245`), which are UTC; JavaScript's `Date` would read them as
 * local time and is not used. `DateTime` holds milliseconds: further digits are dropped.
 * Encodes to ISO 8601 with `Z`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Timestamp: Schema.Schema<DateTime.Utc, string> = Schema.transformOrFail(
  Schema.String,
  Schema.DateTimeUtcFromSelf,
  {
    strict: true,
    decode: (input, _, ast) => {
      const parts = isoDateTime.exec(input)
      if (parts === null) {
        return ParseResult.fail(new ParseResult.Type(ast, input, `expected an ISO 8601 date-time, got ${JSON.stringify(input)}`))
      }
      const epochMillis = epochMillisOf(parts)
      return epochMillis === undefined || !Number.isFinite(epochMillis)
        ? ParseResult.fail(new ParseResult.Type(ast, input, `not a valid date-time: ${JSON.stringify(input)}`))
        : ParseResult.succeed(DateTime.unsafeMake(epochMillis))
    },
    encode: (dt) => ParseResult.succeed(DateTime.formatIso(dt))
  }
).annotations({ identifier: "Timestamp" })

// Absent and null both mean "not there" on this API.
const optional = <S extends Schema.Schema.Any>(schema: S) =>
  Schema.optionalWith(schema, { as: "Option", nullable: true })

/**
 * How a session is shared. Only newer API versions send it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SharedAccess = Schema.Literal("query", "read_only")

/**
 * @since 0.1.0
 * @category models
 */
export type SharedAccess = typeof SharedAccess.Type

/**
 * Token usage and status of a session's most recent run. Every field is optional on the wire.
 *
 * @since 0.1.0
 * @category schemas
 */
export class JobMetadata extends Schema.Class<JobMetadata>("JobMetadata")({
  durationMs: optional(Schema.Number).pipe(Schema.fromKey("duration_ms")),
  error: optional(Schema.String),
  exportConfigIds: optional(Schema.Array(Schema.String)).pipe(Schema.fromKey("export_config_ids")),
  isError: optional(Schema.Boolean).pipe(Schema.fromKey("is_error")),
  totalInputTokens: optional(Schema.Number).pipe(Schema.fromKey("total_input_tokens")),
  totalOutputTokens: optional(Schema.Number).pipe(Schema.fromKey("total_output_tokens")),
  turns: optional(Schema.Number)
}) {}

/**
 * A chat session: what Create Session returns. Unknown fields from newer servers are ignored.
 *
 * @since 0.1.0
 * @category schemas
 */
export class ChatSession extends Schema.Class<ChatSession>("ChatSession")({
  sessionId: Schema.String.pipe(Schema.propertySignature, Schema.fromKey("session_id")),
  lastUpdatedAt: Timestamp.pipe(Schema.propertySignature, Schema.fromKey("last_updated_at")),
  /** Derived from the first user message; none on a new session. */
  generatedTitle: optional(Schema.String).pipe(Schema.fromKey("generated_title")),
  /** The indexes the session retrieves from; none on an unbound session. */
  indexIds: optional(Schema.Array(Schema.String)).pipe(Schema.fromKey("index_ids")),
  /** None until the session has run. */
  jobMetadata: optional(JobMetadata).pipe(Schema.fromKey("job_metadata")),
  sharedAccess: optional(SharedAccess).pipe(Schema.fromKey("shared_access"))
}) {}

/**
 * A session with its history: what `ChatService.retrieve` returns. `events` are oldest first and
 * may include the `*Delta` pieces of each turn.
 *
 * @since 0.2.0
 * @category schemas
 */
export class ChatSessionDetail extends ChatSession.extend<ChatSessionDetail>("ChatSessionDetail")({
  events: Schema.optionalWith(Schema.Array(ChatEvent), { nullable: true, default: () => [] })
}) {}

/**
 * One page of `ChatService.listPage`: the sessions, and the token of the next page when there is one.
 *
 * @since 0.2.0
 * @category schemas
 */
export class ChatSessionPage extends Schema.Class<ChatSessionPage>("ChatSessionPage")({
  items: Schema.Array(ChatSession),
  /** Pass it as `pageToken` to get the next page; none (or empty on the wire) on the last page. */
  nextPageToken: Schema.optionalToRequired(Schema.NullOr(Schema.String), Schema.OptionFromSelf(Schema.String), {
    // "No further pages" is spelled three ways on the wire: absent, null or empty.
    decode: (token) => Option.filter(Option.flatMap(token, Option.fromNullable), (s) => s !== ""),
    encode: (token) => token
  }).pipe(Schema.fromKey("next_page_token"))
}) {}
