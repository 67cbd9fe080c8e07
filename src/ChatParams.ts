/**
 * What callers pass to the `ChatService` operations, and its validation: every parameter is checked
 * here before anything is sent, by every implementation of the service. Its wire form (query and
 * body) is in `internal/requestWire.ts`; the rules and the messages a user reads are
 * `core/paramChecks.ts`, shared with the Effect 4 edition. Over 300 lines: every operation's
 * parameters as schemas, each hung with its check, its message and its generator.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type { SharedAccess } from "./ChatSession.js"
import * as Checks from "./core/paramChecks.js"
import { ValidationError, type ValidationIssue } from "./LlamaCloudError.js"

/**
 * The most indexes one session may be bound to.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_INDEX_IDS = Checks.MAX_INDEX_IDS

/** The message of a schema that a value of the wrong type fails: what it expects, and the value. */
const expecting = (expected: string) => ({ message: (issue: ParseResult.ParseIssue) => Checks.wrongType(expected, issue.actual) })

/** A string that is well-formed Unicode (no lone surrogate), the message naming what it is. */
const wellFormed = (what: string) => <I, R>(self: Schema.Schema<string, I, R>) =>
  self.pipe(Schema.filter(Checks.wellFormed(what)))

/** The message of too many index ids, saying `who` takes them and counting those given. */
const tooManyIndexIds = (who: string) => ({
  message: (issue: ParseResult.ParseIssue) =>
    Checks.tooManyIndexIds(who, Array.isArray(issue.actual) ? issue.actual.length : undefined)
})

const IndexId = Schema.String.pipe(
  Schema.minLength(1, { message: () => Checks.mustNotBeEmpty.indexId }),
  wellFormed("an index id")
)

const IndexIds = Schema.Array(IndexId).annotations(expecting(Checks.expected.sessionIndexIds)).pipe(
  Schema.maxItems(MAX_INDEX_IDS, tooManyIndexIds("a session takes"))
)

const Uuid = Schema.String.pipe(
  Schema.filter(Checks.scopeId, {
    // Without these, a generator would try random strings until one happened to be a UUID.
    arbitrary: () => (fc) => fc.uuid(),
    jsonSchema: { format: "uuid" }
  })
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
        ...expecting(Checks.expected.sharedAccess),
        arbitrary: () => (fc) => fc.constantFrom("query", "read_only"),
        jsonSchema: { enum: ["query", "read_only"] }
      })
    )
  ),
  ...scopeFields
}).annotations(expecting(Checks.expected.createParams))

/**
 * @since 0.1.0
 * @category models
 */
export interface CreateSessionParams extends Schema.Schema.Type<typeof CreateSessionParams> {}

const PageSize = Schema.Number.pipe(
  Schema.filter(Checks.pageSize, {
    arbitrary: () => (fc) => fc.integer({ min: 1, max: 1000 }),
    jsonSchema: { type: "integer", minimum: 1 }
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
}).annotations(expecting(Checks.expected.listParams))

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
    Schema.minLength(1, { message: () => Checks.mustNotBeEmpty.pageToken }),
    wellFormed("a page token")
  )),
  ...scopeFields
}).annotations(expecting(Checks.expected.listPageParams))

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
export const SessionParams = Schema.Struct(scopeFields).annotations(expecting(Checks.expected.sessionParams))

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
export const MAX_PROMPT_LENGTH = Checks.MAX_PROMPT_LENGTH

const Prompt = Schema.String.annotations(expecting(Checks.expected.prompt)).pipe(
  Schema.filter(Checks.promptNotEmpty),
  Schema.filter(Checks.promptLength)
)

const TurnIndexIds = Schema.Array(IndexId).annotations(expecting(Checks.expected.turnIndexIds)).pipe(
  Schema.minItems(1, { message: () => Checks.mustNotBeEmpty.turnIndexIds }),
  Schema.maxItems(MAX_INDEX_IDS, tooManyIndexIds("a turn takes"))
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
}).annotations(expecting(Checks.expected.turnParams))

/**
 * @since 0.2.0
 * @category models
 */
export interface SendMessageParams extends Schema.Schema.Type<typeof SendMessageParams> {}

/**
 * A session id as the operations take it: a non-empty string of well-formed Unicode that is not
 * `.` or `..` (nor either spelled with `%2E`), which a URL would resolve to another path. Any other
 * character is percent-encoded into the path.
 *
 * @since 0.2.0
 * @category schemas
 */
export const SessionId = Schema.String.annotations(expecting(Checks.expected.sessionId)).pipe(
  Schema.minLength(1, { message: () => Checks.mustNotBeEmpty.sessionId }),
  wellFormed("the session id"),
  Schema.filter(Checks.notDotSegment)
)

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

/**
 * Validates a session id (see {@link validateWith}).
 *
 * @since 0.2.0
 * @category validation
 */
export const validateSessionId: (input: unknown) => Either.Either<string, ValidationError> = validateWith(SessionId)

/**
 * Validates the parameters of `list`; absent means none.
 *
 * @since 0.2.0
 * @category validation
 */
export const validateList: (input: unknown) => Either.Either<ListSessionsParams, ValidationError> = validateWith(
  ListSessionsParams,
  { absent: {} }
)

/**
 * Validates the parameters of `listPage`; absent means none.
 *
 * @since 0.2.0
 * @category validation
 */
export const validateListPage: (input: unknown) => Either.Either<ListPageParams, ValidationError> = validateWith(
  ListPageParams,
  { absent: {} }
)

/**
 * Validates the parameters of `retrieve`, `getSummary` and `delete`; absent means none.
 *
 * @since 0.2.0
 * @category validation
 */
export const validateSession: (input: unknown) => Either.Either<SessionParams, ValidationError> = validateWith(
  SessionParams,
  { absent: {} }
)

/**
 * Validates the parameters of a turn (`sendMessage`, `ask`): they are required.
 *
 * @since 0.2.0
 * @category validation
 */
export const validateTurn: (input: unknown) => Either.Either<SendMessageParams, ValidationError> = validateWith(
  SendMessageParams
)

/**
 * Validates the index ids of a turn: 1 to 10 non-empty strings of well-formed Unicode, the rule
 * `SendMessageParams` holds them to (see {@link validateWith}). For what takes them ahead of any
 * turn, such as a model's layer.
 *
 * @since 0.3.0
 * @category validation
 */
export const validateTurnIndexIds: (input: unknown) => Either.Either<ReadonlyArray<string>, ValidationError> = validateWith(
  TurnIndexIds
)

/**
 * Checks one call: its session id (when the operation takes one) and its parameters together,
 * every problem in one `ValidationError` that names the operation, and the session when its id is
 * usable. Issues quote what was passed: `scrub` takes out what must never be quoted back (an API
 * key passed by mistake as an id). Any implementation of `ChatService` uses it, so that the same
 * bad input gives the same error everywhere.
 *
 * @since 0.2.0
 * @category validation
 */
export const validateCall = <P>(
  parse: (input: unknown) => Either.Either<P, ValidationError>,
  params: unknown,
  call: Checks.Call
): Either.Either<P, ValidationError> => {
  const id = call.sessionId === undefined ? Either.right(undefined) : validateSessionId(call.sessionId.value)
  const parsed = parse(params)
  if (Either.isRight(id) && Either.isRight(parsed)) return parsed
  const { issues, ...facts } = Checks.refusedCall(
    call,
    Either.isLeft(id) ? id.left.issues : [],
    Either.isLeft(parsed) ? parsed.left.issues : []
  )
  return Either.left(new ValidationError({ ...facts, status: Option.none(), issues, requestId: Option.none() }))
}
