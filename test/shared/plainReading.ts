/**
 * Reading what an edition hands back (its events, replies, errors) without its Effect, so that a
 * shared table can say what they must hold: a field by name, and an `Option` by its documented
 * `_tag` and `value`, the same in both editions.
 */

/** The field `key` of `value`, `undefined` where there is none. */
export const field = (value: unknown, key: string): unknown =>
  typeof value === "object" && value !== null && key in value ? (value as Readonly<Record<string, unknown>>)[key] : undefined

/** An `Option`'s value, `null` for `None`; anything else as it is. */
export const orNull = (option: unknown): unknown => {
  const tag = field(option, "_tag")
  return tag === "Some" ? field(option, "value") : tag === "None" ? null : option
}
