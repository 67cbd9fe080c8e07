/**
 * What a caller passes to `ChatService.create`, its validation, and its wire form (query and body).
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { SharedAccess } from "./ChatSession.js"
import { show } from "./internal/show.js"
import { ValidationError, type ValidationIssue } from "./LlamaCloudError.js"

/**
 * The most indexes one session may be bound to.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_INDEX_IDS = 10

const IndexId = Schema.String.pipe(
  Schema.minLength(1, { message: () => "an index id must be a non-empty string" })
)

const IndexIds = Schema.Array(IndexId).annotations({
  message: (issue) => `must be an array of index ids or null, got ${show(issue.actual)}`
}).pipe(
  Schema.maxItems(MAX_INDEX_IDS, {
    message: (issue) => {
      const actual = issue.actual
      const count = Array.isArray(actual) ? ` (got ${actual.length})` : ""
      return `a session takes at most ${MAX_INDEX_IDS} index ids${count}`
    }
  })
)

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const Uuid = Schema.String.pipe(
  Schema.filter((s) => uuid.test(s), { message: (issue) => `must be a UUID, got ${show(issue.actual)}` })
)

/**
 * Parameters of Create Session. All are optional: `create()` makes an unbound session in the
 * client's default organization and project.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CreateSessionParams = Schema.Struct({
  /** Indexes the session retrieves from (at most 10); locked once the first message is sent. Null or absent: unbound. */
  indexIds: Schema.optional(Schema.NullOr(IndexIds)),
  /** Sharing mode; only newer API versions accept it, so it is sent only when set. */
  sharedAccess: Schema.optional(
    Schema.String.pipe(
      Schema.filter((s): s is SharedAccess => s === "query" || s === "read_only", {
        message: (issue) => `must be "query" or "read_only", got ${show(issue.actual)}`
      })
    )
  ),
  /** Overrides the client's default organization for this call. */
  organizationId: Schema.optional(Uuid),
  /** Overrides the client's default project for this call. */
  projectId: Schema.optional(Uuid)
}).annotations({
  message: (issue) => `create takes an object of parameters, got ${show(issue.actual)}`
})

/**
 * @since 0.1.0
 * @category models
 */
export interface CreateSessionParams extends Schema.Schema.Type<typeof CreateSessionParams> {}

/**
 * The JSON body of `POST /api/v1/chat`: `index_ids` is always present (null for an unbound
 * session), `shared_access` only when set.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CreateSessionBody = Schema.Struct({
  indexIds: Schema.NullOr(Schema.Array(Schema.String)).pipe(Schema.propertySignature, Schema.fromKey("index_ids")),
  sharedAccess: Schema.optionalWith(SharedAccess, { exact: true }).pipe(Schema.fromKey("shared_access"))
})

/**
 * The query of every chat endpoint: ids are sent only when set (never as an empty `key=`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ScopeQuery = Schema.Struct({
  organizationId: Schema.optionalWith(Schema.String, { exact: true }).pipe(Schema.fromKey("organization_id")),
  projectId: Schema.optionalWith(Schema.String, { exact: true }).pipe(Schema.fromKey("project_id"))
})

// `optional` and `NullOr` are unions: a bad value also fails their "Expected undefined" and
// "Expected null" branches, which only repeat the real problem at the same path.
const isUnionNoise = (issue: ParseResult.ArrayFormatterIssue): boolean =>
  issue._tag === "Type" && (issue.message.startsWith("Expected undefined") || issue.message.startsWith("Expected null"))

const toIssues = (error: ParseResult.ParseError): ReadonlyArray<ValidationIssue> => {
  const all = ParseResult.ArrayFormatter.formatErrorSync(error)
  const meaningful = all.filter((issue) => !isUnionNoise(issue))
  return (meaningful.length > 0 ? meaningful : all).map((issue) => ({
    path: issue.path.map((key) => typeof key === "symbol" ? String(key) : key),
    message: issue.message
  }))
}

const decodeParams = Schema.decodeUnknownEither(CreateSessionParams, { errors: "all" })

/**
 * Validates what a caller passed, listing every problem in one `ValidationError`. Takes `unknown`
 * so that callers from plain JavaScript get a typed error too, not a crash.
 *
 * @since 0.1.0
 * @category validation
 */
export const validate = (input: unknown): Either.Either<CreateSessionParams, ValidationError> => {
  // Only an absent argument means "no parameters": a null from an untyped caller is a wrong type.
  const result = decodeParams(input === undefined ? {} : input)
  return Either.mapLeft(
    result,
    (error) => new ValidationError({ status: Option.none(), issues: toIssues(error), requestId: Option.none() })
  )
}
