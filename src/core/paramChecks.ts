/**
 * The rules and the wording of what callers pass to the `ChatService` operations, as plain values.
 * Each edition's `ChatParams.ts` declares the schemas with its own `Schema` and hangs these checks
 * and messages on them; what is accepted, and what a refusal says, is written here once, so that
 * the same bad input reads the same in both editions.
 */
import type { Issue } from "./failureMessages.js"
import { isScopeId } from "./scopeId.js"
import { show } from "./show.js"

/** The most indexes one session may be bound to, or one turn may search. */
export const MAX_INDEX_IDS = 10

/** The longest prompt a turn takes, in Unicode code points (as the server counts them). */
export const MAX_PROMPT_LENGTH = 1000

/** A check of a value that has the right type: what is wrong with it, or `undefined` when it passes. */
export type Check<A> = (value: A) => string | undefined

/**
 * What a value of the wrong type is told is expected; the refusal reads `<expected>, got <value>`
 * ({@link wrongType}).
 */
export const expected = {
  createParams: "create takes an object of parameters",
  listParams: "list takes an object of parameters",
  listPageParams: "listPage takes an object of parameters",
  sessionParams: "expected an object of parameters",
  turnParams: "a turn takes an object with a prompt and index ids",
  sessionIndexIds: "must be an array of index ids or null",
  turnIndexIds: "must be an array of index ids",
  sharedAccess: `must be "query" or "read_only"`,
  prompt: "the prompt must be a string",
  sessionId: "the session id must be a string"
} as const

/** The refusal of a value of the wrong type: `the prompt must be a string, got 3`. */
export const wrongType = (expectation: string, actual: unknown): string => `${expectation}, got ${show(actual)}`

/** What an empty value is told, for the values that must not be empty. */
export const mustNotBeEmpty = {
  indexId: "an index id must be a non-empty string",
  pageToken: "a page token must be a non-empty string (omit it for the first page)",
  sessionId: "the session id must not be empty",
  turnIndexIds: "a turn must name at least one index id (the API requires them on every turn)"
} as const

// A lone UTF-16 surrogate has no UTF-8 form: percent-encoding one throws, and in a query or a body
// it would reach the server as U+FFFD, another id than the caller's.
const loneSurrogate = /\p{Surrogate}/u

/** A string that is well-formed Unicode (no lone surrogate), the message naming `what` it is. */
export const wellFormed = (what: string): Check<string> => (s) =>
  loneSurrogate.test(s) ? `${what} must be well-formed Unicode (it holds a lone surrogate), got ${show(s)}` : undefined

/**
 * The refusal of too many index ids, `who` being `a session takes` or `a turn takes`; it counts
 * those given when it knows them.
 */
export const tooManyIndexIds = (who: string, count: number | undefined): string =>
  `${who} at most ${MAX_INDEX_IDS} index ids${count === undefined ? "" : ` (got ${count})`}`

/** At most {@link MAX_INDEX_IDS} index ids (see {@link tooManyIndexIds}). */
export const atMostIndexIds = (who: string): Check<ReadonlyArray<unknown>> => (ids) =>
  ids.length > MAX_INDEX_IDS ? tooManyIndexIds(who, ids.length) : undefined

/** An organization or project id: a UUID. */
export const scopeId: Check<string> = (s) => isScopeId(s) ? undefined : `must be a UUID, got ${show(s)}`

/** A page size: a positive whole number. */
export const pageSize: Check<number> = (n) =>
  Number.isSafeInteger(n) && n > 0 ? undefined : `must be a positive whole number, got ${show(n)}`

/** A prompt that holds more than white space. */
export const promptNotEmpty: Check<string> = (s) => s.trim() === "" ? "the prompt must not be empty" : undefined

const codePoints = (s: string): number => {
  let n = 0
  for (const _ of s) n++
  return n
}

/** A prompt of at most {@link MAX_PROMPT_LENGTH} code points. */
export const promptLength: Check<string> = (s) => {
  const length = codePoints(s)
  return length > MAX_PROMPT_LENGTH
    ? `the prompt may hold at most ${MAX_PROMPT_LENGTH} characters (Unicode code points), got ${length}`
    : undefined
}

// A path segment that is "." or ".." (or either spelled with %2E) is resolved away by every URL
// parser, the transports' included: the request would reach another route (`delete("..")` would
// send `DELETE /api/v1/`).
const dotSegment = /^(?:\.|%2e){1,2}$/i

/** A session id that a URL would not resolve to another path. */
export const notDotSegment: Check<string> = (s) =>
  dotSegment.test(s)
    ? `the session id must not be "." or ".." (nor either percent-encoded): a URL resolves it to another path, got ${show(s)}`
    : undefined

/** One call, as `ChatParams.validateCall` is told of it. */
export interface Call {
  /** E.g. `ChatService.retrieve`. */
  readonly operation: string
  /** Present for the operations on one session, whatever value was passed. */
  readonly sessionId?: { readonly value: unknown } | undefined
  /** Takes out what must never be quoted back (an API key passed by mistake as an id). */
  readonly scrub?: ((text: string) => string) | undefined
}

/**
 * What a refused call's `ValidationError` holds besides its status and request id: the operation,
 * the session when its id is usable, and every problem, the session id's under `sessionId` first,
 * each message scrubbed.
 */
export const refusedCall = (
  call: Call,
  sessionIdIssues: ReadonlyArray<Issue>,
  paramIssues: ReadonlyArray<Issue>
): { readonly operation: string; readonly sessionId?: string; readonly issues: ReadonlyArray<Issue> } => {
  const scrub = call.scrub ?? ((text: string) => text)
  const id = call.sessionId?.value
  const issues = [
    ...sessionIdIssues.map((issue) => ({ path: ["sessionId", ...issue.path], message: scrub(issue.message) })),
    ...paramIssues.map((issue) => ({ path: issue.path, message: scrub(issue.message) }))
  ]
  return typeof id === "string" && id !== ""
    ? { operation: call.operation, sessionId: scrub(id), issues }
    : { operation: call.operation, issues }
}
