/**
 * Fields the API may leave out: on this API an absent key and a `null` both mean "not there". Read
 * either as `Option.none()`, or as a default; the response schemas (`ChatSession`, `ChatEvent`)
 * declare their optional fields with these.
 */
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as SchemaTransformation from "effect/SchemaTransformation"

/** Absent, undefined or null: `Option.none()`. A none is encoded as an absent key. */
export const optional = <S extends Schema.Constraint>(schema: S) => Schema.OptionFromOptionalNullOr(schema)

/** Absent, undefined or null: `fallback()`. The value is always encoded. */
export const withDefault = <S extends Schema.Constraint>(schema: S, fallback: () => S["Type"]) =>
  Schema.optional(Schema.NullOr(schema)).pipe(
    Schema.decodeTo(
      Schema.toType(schema),
      SchemaTransformation.transformOptional({
        decode: (value) => Option.some(Option.getOrElse(Option.flatMap(value, Option.fromNullishOr), fallback)),
        encode: (value) => value
      })
    )
  )
