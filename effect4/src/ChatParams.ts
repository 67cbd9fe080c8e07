/**
 * What callers pass to the `ChatService` operations, and its validation: every parameter is checked
 * here before anything is sent, by every implementation of the service. Its wire form (query and
 * body) is in `internal/requestWire.ts`; the rules and the messages a user reads are
 * `core/paramChecks.ts`, shared with the Effect 3 edition. Over 300 lines: every operation's
 * parameters as schemas, each hung with its check, its message and its generator.
 *
 * A schema's `message` annotation says what it expects; a value of the wrong type reads
 * `<message>, got <value>` (see `internal/issueList.ts`). A check that fails says why itself.
 *
 * @since 0.1.0
 */
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { SharedAccess } from "./ChatSession.js"
import * as Checks from "./core/paramChecks.js"
import { problems } from "./internal/issueList.js"
import { ValidationError, type ValidationIssue } from "./LlamaCloudError.js"

/**
 * The most indexes one session may be bound to.
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_INDEX_IDS = Checks.MAX_INDEX_IDS

/** A check that fails with the message `failure` gives for the value, or passes when it gives none. */
const failsWith = <T>(failure: Checks.Check<T>, annotations?: Schema.Annotations.Filter) =>
  Schema.makeFilter((value: T) => failure(value), annotations)

/** The check that a string is well-formed Unicode (no lone surrogate), the message naming what it is. */
const wellFormed = (what: string) => failsWith(Checks.wellFormed(what))

/** At most `MAX_INDEX_IDS` index ids, the message saying `who` takes them and counting those given. */
const atMostIndexIds = (who: string) =>
  failsWith(Checks.atMostIndexIds(who), {
    toJsonSchema: () => ({ maxItems: MAX_INDEX_IDS }),
    arbitraryConstraint: { maxLength: MAX_INDEX_IDS }
  })

const IndexId = Schema.String.check(
  Schema.isMinLength(1, { message: Checks.mustNotBeEmpty.indexId }),
  wellFormed("an index id")
)

const IndexIds = Schema.Array(IndexId).check(atMostIndexIds("a session takes"))

const uuid = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

const Uuid = Schema.String.check(
  failsWith(Checks.scopeId, {
    // Without these, a generator would try random strings until one happened to be a UUID.
    arbitraryConstraint: { patterns: [{ source: uuid, flags: "" }] },
    toJsonSchema: () => ({ format: "uuid" })
  })
)

/** The organization and project a call acts in; every operation takes them. */
const scopeFields = {
  /** Overrides the client's default organization for this call. */
  organizationId: Schema.optional(Uuid),
  /** Overrides the client's default project for this call. */
  projectId: Schema.optional(Uuid)
}

// On the mode and on its optional union: a string that is neither mode fails the first, any other
// value the second.
const sharedAccessMessage = { message: Checks.expected.sharedAccess }

/**
 * Parameters of Create Session. All are optional: `create()` makes an unbound session in the
 * client's default organization and project.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CreateSessionParams = Schema.Struct({
  /** Indexes the session retrieves from (at most 10); locked once the first message is sent. Null or absent: unbound. */
  indexIds: Schema.optional(Schema.NullOr(IndexIds)).annotate({ message: Checks.expected.sessionIndexIds }),
  /** Sharing mode; only newer API versions accept it, so it is sent only when set. */
  sharedAccess: Schema.optional(SharedAccess.annotate(sharedAccessMessage)).annotate(sharedAccessMessage),
  ...scopeFields
}).annotate({ message: Checks.expected.createParams })

/**
 * @since 0.1.0
 * @category models
 */
export interface CreateSessionParams extends Schema.Schema.Type<typeof CreateSessionParams> {}

const PageSize = Schema.Number.check(
  failsWith(Checks.pageSize, {
    arbitraryConstraint: { number: "integer", minimum: 1, maximum: 1000 },
    toJsonSchema: () => ({ type: "integer", minimum: 1 })
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
}).annotate({ message: Checks.expected.listParams })

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
  pageToken: Schema.optional(Schema.String.check(
    Schema.isMinLength(1, { message: Checks.mustNotBeEmpty.pageToken }),
    wellFormed("a page token")
  )),
  ...scopeFields
}).annotate({ message: Checks.expected.listPageParams })

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
export const SessionParams = Schema.Struct(scopeFields).annotate({ message: Checks.expected.sessionParams })

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

const Prompt = Schema.String.annotate({ message: Checks.expected.prompt }).check(
  failsWith(Checks.promptNotEmpty, { arbitraryConstraint: { minLength: 1 } }),
  failsWith(Checks.promptLength, {
    toJsonSchema: () => [{ maxLength: 2 * MAX_PROMPT_LENGTH }, true],
    arbitraryConstraint: { maxCodePoints: MAX_PROMPT_LENGTH }
  })
)

const TurnIndexIds = Schema.Array(IndexId).annotate({ message: Checks.expected.turnIndexIds }).check(
  Schema.isMinLength(1, { message: Checks.mustNotBeEmpty.turnIndexIds }),
  atMostIndexIds("a turn takes")
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
}).annotate({ message: Checks.expected.turnParams })

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
export const SessionId = Schema.String.annotate({ message: Checks.expected.sessionId }).check(
  Schema.isMinLength(1, { message: Checks.mustNotBeEmpty.sessionId }),
  wellFormed("the session id"),
  failsWith(Checks.notDotSegment)
)

// -------------------------------------------------------------------------------------------------
// validation

const toIssues = (error: Schema.SchemaError): ReadonlyArray<ValidationIssue> => problems(error.issue)

/**
 * Validates what a caller passed against `schema`, listing every problem in one `ValidationError`
 * whose issues sit under `at` (e.g. `["params"]`). Takes `unknown` so that callers from plain
 * JavaScript get a typed error too, not a crash. Only an absent argument means "no parameters":
 * a null from an untyped caller is a wrong type.
 *
 * @since 0.2.0
 * @category validation
 */
export const validateWith = <A, I>(schema: Schema.Codec<A, I>, options: { readonly absent?: unknown } = {}) => {
  const decode = Schema.decodeUnknownResult(schema, { errors: "all", reportInput: true })
  return (input: unknown): Result.Result<A, ValidationError> =>
    Result.mapError(
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
export const validate: (input: unknown) => Result.Result<CreateSessionParams, ValidationError> = validateWith(
  CreateSessionParams,
  { absent: {} }
)

/**
 * Validates a session id (see {@link validateWith}).
 *
 * @since 0.2.0
 * @category validation
 */
export const validateSessionId: (input: unknown) => Result.Result<string, ValidationError> = validateWith(SessionId)

/**
 * Validates the parameters of `list`; absent means none.
 *
 * @since 0.2.0
 * @category validation
 */
export const validateList: (input: unknown) => Result.Result<ListSessionsParams, ValidationError> = validateWith(
  ListSessionsParams,
  { absent: {} }
)

/**
 * Validates the parameters of `listPage`; absent means none.
 *
 * @since 0.2.0
 * @category validation
 */
export const validateListPage: (input: unknown) => Result.Result<ListPageParams, ValidationError> = validateWith(
  ListPageParams,
  { absent: {} }
)

/**
 * Validates the parameters of `retrieve`, `getSummary` and `delete`; absent means none.
 *
 * @since 0.2.0
 * @category validation
 */
export const validateSession: (input: unknown) => Result.Result<SessionParams, ValidationError> = validateWith(
  SessionParams,
  { absent: {} }
)

/**
 * Validates the parameters of a turn (`sendMessage`, `ask`): they are required.
 *
 * @since 0.2.0
 * @category validation
 */
export const validateTurn: (input: unknown) => Result.Result<SendMessageParams, ValidationError> = validateWith(
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
export const validateTurnIndexIds: (input: unknown) => Result.Result<ReadonlyArray<string>, ValidationError> = validateWith(
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
  parse: (input: unknown) => Result.Result<P, ValidationError>,
  params: unknown,
  call: Checks.Call
): Result.Result<P, ValidationError> => {
  const id = call.sessionId === undefined ? Result.succeed(undefined) : validateSessionId(call.sessionId.value)
  const parsed = parse(params)
  if (Result.isSuccess(id) && Result.isSuccess(parsed)) return parsed
  const { issues, ...facts } = Checks.refusedCall(
    call,
    Result.isFailure(id) ? id.failure.issues : [],
    Result.isFailure(parsed) ? parsed.failure.issues : []
  )
  return Result.fail(new ValidationError({ ...facts, status: Option.none(), issues, requestId: Option.none() }))
}
