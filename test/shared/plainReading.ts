/**
 * Reading what an edition hands back (its events, replies, errors) without its Effect, so that a
 * shared table can say what they must hold: a field by name, an `Option` by its documented `_tag`
 * and `value`, the same in both editions, and a failure by its tag and facts.
 */

/** The field `key` of `value`, `undefined` where there is none. */
export const field = (value: unknown, key: string): unknown =>
  typeof value === "object" && value !== null && key in value ? (value as Readonly<Record<string, unknown>>)[key] : undefined

/** An `Option`'s value, `null` for `None`; anything else as it is. */
export const orNull = (option: unknown): unknown => {
  const tag = field(option, "_tag")
  return tag === "Some" ? field(option, "value") : tag === "None" ? null : option
}

/** What a failure must hold; a field left out is not checked. */
export interface Failure {
  readonly _tag: string
  readonly reason?: string
  readonly operation?: string
  readonly sessionId?: string
  /** What its message contains. */
  readonly says?: ReadonlyArray<string>
  /** What its `problem` (a `DecodeError`'s) contains. */
  readonly problemSays?: ReadonlyArray<string>
  /** What its `bodyExcerpt` contains. */
  readonly excerptSays?: ReadonlyArray<string>
  /** The path of its first issue (a `ValidationError`'s). */
  readonly firstIssuePath?: ReadonlyArray<string | number>
  /** Its HTTP status; `null`: none. */
  readonly status?: number | null
}

/** `parts` when `text` contains each of them; else `text`, to be shown. */
const says = (text: unknown, parts: ReadonlyArray<string>): unknown =>
  typeof text === "string" && parts.every((part) => text.includes(part)) ? parts : text

/**
 * What of `error` (an edition's, or `undefined` where the call did not fail) `expected` checks,
 * in its shape: assert the two deeply equal. Where one side did not fail, the other is shown whole.
 */
export const checkedFailure = (error: unknown, expected: Failure | undefined): unknown => {
  if (error === undefined || expected === undefined) return error
  const read = {
    _tag: field(error, "_tag"),
    reason: field(error, "reason"),
    operation: field(error, "operation"),
    sessionId: field(error, "sessionId"),
    says: expected.says && says(field(error, "message"), expected.says),
    problemSays: expected.problemSays && says(field(error, "problem"), expected.problemSays),
    excerptSays: expected.excerptSays && says(field(error, "bodyExcerpt"), expected.excerptSays),
    firstIssuePath: field(field(field(error, "issues"), "0"), "path"),
    status: orNull(field(error, "status"))
  }
  return Object.fromEntries(Object.keys(expected).map((key) => [key, read[key as keyof Failure]]))
}
