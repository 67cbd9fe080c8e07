/**
 * What callers pass to the `ChatService` operations, its validation, and its wire form (query and
 * body). Every parameter is checked here before anything is sent; wire names appear in the wire
 * schemas at the end of this module only.
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

/** The organization and project a call acts in; every operation takes them. */
const scopeFields = {
  /** Overrides the client's default organization for this call. */
  organizationId: Schema.optional(Uuid),
  /** Overrides the client's default project for this call. */
  projectId: Schema.optional(Uuid)
}

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
  ...scopeFields
}).annotations({
  message: (issue) => `create takes an object of parameters, got ${show(issue.actual)}`
})

/**
 * @since 0.1.0
 * @category models
 */
export interface CreateSessionParams extends Schema.Schema.Type<typeof CreateSessionParams> {}

const PageSize = Schema.Number.pipe(
  Schema.filter((n) => Number.isSafeInteger(n) && n > 0, {
    message: (issue) => `must be a positive whole number, got ${show(issue.actual)}`
  })
)

/**
 * Parameters of `ChatService.list`: the page size used to fetch the stream's pages.
 *
 * @since 0.2.0
 * @category schemas
 */
export const ListSessionsParams = Schema.Struct({
  /** Sessions per page fetched; the server's default when absent. */
  pageSize: Schema.optional(PageSize),
  ...scopeFields
}).annotations({ message: (issue) => `list takes an object of parameters, got ${show(issue.actual)}` })

/**
 * @since 0.2.0
 * @category models
 */
export interface ListSessionsParams extends Schema.Schema.Type<typeof ListSessionsParams> {}

/**
 * Parameters of `ChatService.listPage`: one page, from the start or from a page token.
 *
 * @since 0.2.0
 * @category schemas
 */
export const ListPageParams = Schema.Struct({
  pageSize: Schema.optional(PageSize),
  /** The `nextPageToken` of the previous page; the first page when absent. */
  pageToken: Schema.optional(Schema.String.pipe(
    Schema.minLength(1, { message: () => "a page token must be a non-empty string (omit it for the first page)" })
  )),
  ...scopeFields
}).annotations({ message: (issue) => `listPage takes an object of parameters, got ${show(issue.actual)}` })

/**
 * @since 0.2.0
 * @category models
 */
export interface ListPageParams extends Schema.Schema.Type<typeof ListPageParams> {}

/**
 * Parameters of the operations on one session (`retrieve`, `getSummary`, `delete`).
 *
 * @since 0.2.0
 * @category schemas
 */
export const SessionParams = Schema.Struct(scopeFields).annotations({
  message: (issue) => `expected an object of parameters, got ${show(issue.actual)}`
})

/**
 * @since 0.2.0
 * @category models
 */
export interface SessionParams extends Schema.Schema.Type<typeof SessionParams> {}

/**
 * The longest prompt a turn takes, in Unicode code points (as the server counts them).
 *
 * @since 0.2.0
 * @category constants
 */
export const MAX_PROMPT_LENGTH = 1000

const codePoints = (s: string): number => {
  let n = 0
  for (const _ of s) n++
  return n
}

const Prompt = Schema.String.annotations({ message: (issue) => `the prompt must be a string, got ${show(issue.actual)}` }).pipe(
  Schema.filter((s) => s.trim() !== "", { message: () => "the prompt must not be empty" }),
  Schema.filter((s) => codePoints(s) <= MAX_PROMPT_LENGTH, {
    message: (issue) =>
      `the prompt may hold at most ${MAX_PROMPT_LENGTH} characters (Unicode code points), got ${
        typeof issue.actual === "string" ? codePoints(issue.actual) : "?"
      }`
  })
)

const TurnIndexIds = Schema.Array(IndexId).annotations({
  message: (issue) => `must be an array of index ids, got ${show(issue.actual)}`
}).pipe(
  Schema.minItems(1, { message: () => "a turn must name at least one index id (the API requires them on every turn)" }),
  Schema.maxItems(MAX_INDEX_IDS, {
    message: (issue) =>
      `a turn takes at most ${MAX_INDEX_IDS} index ids${Array.isArray(issue.actual) ? ` (got ${issue.actual.length})` : ""}`
  })
)

/**
 * Parameters of `ChatService.sendMessage` and `ChatService.ask`: one turn.
 *
 * @since 0.2.0
 * @category schemas
 */
export const SendMessageParams = Schema.Struct({
  /** What the user asks: 1 to 1000 characters. */
  prompt: Prompt,
  /** The indexes to search: 1 to 10, required on every turn; a bound session accepts only its own. */
  indexIds: TurnIndexIds,
  /** Fail the turn when one of the indexes cannot be searched; sent only when set. */
  requireAllIndexes: Schema.optional(Schema.Boolean),
  ...scopeFields
}).annotations({ message: (issue) => `a turn takes an object with a prompt and index ids, got ${show(issue.actual)}` })

/**
 * @since 0.2.0
 * @category models
 */
export interface SendMessageParams extends Schema.Schema.Type<typeof SendMessageParams> {}

/**
 * A session id as the operations take it: a non-empty string.
 *
 * @since 0.2.0
 * @category schemas
 */
export const SessionId = Schema.String.annotations({
  message: (issue) => `the session id must be a string, got ${show(issue.actual)}`
}).pipe(Schema.minLength(1, { message: () => "the session id must not be empty" }))

// -------------------------------------------------------------------------------------------------
// wire form

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

/**
 * The query of `GET /api/v1/chat`.
 *
 * @since 0.2.0
 * @category schemas
 */
export const ListQuery = Schema.Struct({
  ...ScopeQuery.fields,
  pageSize: Schema.optionalWith(Schema.NumberFromString, { exact: true }).pipe(Schema.fromKey("page_size")),
  pageToken: Schema.optionalWith(Schema.String, { exact: true }).pipe(Schema.fromKey("page_token"))
})

/**
 * The JSON body of `POST /api/v1/chat/{session_id}/messages/stream`: `require_all_indexes` only when set.
 *
 * @since 0.2.0
 * @category schemas
 */
export const SendMessageBody = Schema.Struct({
  indexIds: Schema.Array(Schema.String).pipe(Schema.propertySignature, Schema.fromKey("index_ids")),
  prompt: Schema.String,
  requireAllIndexes: Schema.optionalWith(Schema.Boolean, { exact: true }).pipe(Schema.fromKey("require_all_indexes"))
})

// -------------------------------------------------------------------------------------------------
// validation

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

/**
 * Validates what a caller passed against `schema`, listing every problem in one `ValidationError`
 * whose issues sit under `at` (e.g. `["params"]`). Takes `unknown` so that callers from plain
 * JavaScript get a typed error too, not a crash. Only an absent argument means "no parameters":
 * a null from an untyped caller is a wrong type.
 *
 * @since 0.2.0
 * @category validation
 */
export const validateWith = <A, I>(schema: Schema.Schema<A, I>, options: { readonly absent?: unknown } = {}) => {
  const decode = Schema.decodeUnknownEither(schema, { errors: "all" })
  return (input: unknown): Either.Either<A, ValidationError> =>
    Either.mapLeft(
      decode(input === undefined && "absent" in options ? options.absent : input),
      (error) => new ValidationError({ status: Option.none(), issues: toIssues(error), requestId: Option.none() })
    )
}

/**
 * Validates the parameters of `create` (see {@link validateWith}).
 *
 * @since 0.1.0
 * @category validation
 */
export const validate: (input: unknown) => Either.Either<CreateSessionParams, ValidationError> = validateWith(
  CreateSessionParams,
  { absent: {} }
)
