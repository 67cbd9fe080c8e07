/**
 * The options of the layers that take them (`RetryPolicy.layer`, `TimeoutPolicy.layer`, `RateLimitPolicy.layer`,
 * `LlamaCloudLanguageModel.layer`, `LocalServer.layer`, and the option names of `LlamaCloudClient.layer` /
 * `layerConfig`), checked when the layer is built:
 * callers from plain JavaScript bypass the types, and a wrong value must be a `ConfigError` naming
 * the option and the value, never a throw and never a value quietly clamped (a negative timeout
 * read as zero fails every call) or ignored (a misspelt option).
 */
import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type { ValidationError } from "../LlamaCloudError.js"
import { show } from "../core/show.js"

/** The options a layer was given, readable by name. */
export interface Given {
  /** E.g. `RetryPolicy.layer`, named in every message. */
  readonly layer: string
  readonly get: (name: string) => unknown
}

/**
 * The options object: absent means none. Anything but an object, or an option the layer does not
 * have (a misspelt one would otherwise be ignored), is refused.
 */
export const givenOptions = (
  layer: string,
  options: unknown,
  known: ReadonlyArray<string>
): Either.Either<Given, ConfigError.ConfigError> => {
  if (options === undefined) return Either.right({ layer, get: () => undefined })
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    return Either.left(
      ConfigError.InvalidData(["options"], `${layer} takes an object of options such as { ${known[0]} }, got ${show(options)}`)
    )
  }
  const unknown = Object.keys(options).find((key) => !known.includes(key))
  if (unknown !== undefined) {
    return Either.left(
      ConfigError.InvalidData([unknown], `${layer} has no option ${show(unknown)}; its options are ${known.join(", ")}`)
    )
  }
  return Either.right({ layer, get: (name) => Reflect.get(options, name) })
}

const invalid = (given: Given, name: string, expected: string, value: unknown) =>
  Either.left(ConfigError.InvalidData([name], `${given.layer}'s ${name} must be ${expected}, got ${show(value)}`))

/** What a limit on a duration allows beyond a positive finite value. */
export interface DurationLimits {
  /** Whether zero is allowed. */
  readonly zero: boolean
  /** Whether `Duration.infinity` (or `Infinity` milliseconds) is allowed: "no limit". */
  readonly infinite: boolean
}

/**
 * A `DurationInput`, unset when absent. `Duration.decode` reads a negative or NaN input as zero and
 * throws on text it cannot read: every input is checked here first.
 */
export const duration = (
  given: Given,
  name: string,
  limits: DurationLimits
): Either.Either<Option.Option<Duration.Duration>, ConfigError.ConfigError> => {
  const value = given.get(name)
  if (value === undefined) return Either.right(Option.none())
  const expected = `a duration such as "30 seconds" or a number of milliseconds, ${limits.zero ? "zero or more" : "above zero"}${
    limits.infinite ? " (Duration.infinity for no limit)" : " and finite"
  }`
  const decoded = notNegative(value) ? Duration.decodeUnknown(value) : Option.none()
  if (Option.isNone(decoded)) return invalid(given, name, expected, value)
  const d = decoded.value
  if ((!limits.zero && Duration.isZero(d)) || (!limits.infinite && !Duration.isFinite(d))) {
    return invalid(given, name, expected, value)
  }
  return Either.right(decoded)
}

// What `Duration.decodeUnknown` would silently turn into zero: a negative or NaN number, a negative
// bigint, text with a minus sign, a tuple with a negative or non-finite part.
const notNegative = (u: unknown): boolean => {
  if (typeof u === "number") return u >= 0
  if (typeof u === "bigint") return u >= BigInt(0)
  if (typeof u === "string") return !u.startsWith("-")
  if (Array.isArray(u)) return u.length === 2 && u.every((part) => typeof part === "number" && Number.isFinite(part) && part >= 0)
  return true
}

/** A whole number from `min` to `max`, unset when absent. */
export const wholeNumber = (
  given: Given,
  name: string,
  min: number,
  max: number
): Either.Either<Option.Option<number>, ConfigError.ConfigError> => {
  const value = given.get(name)
  if (value === undefined) return Either.right(Option.none())
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max
    ? Either.right(Option.some(value))
    : invalid(given, name, `a whole number from ${min} to ${max}`, value)
}

/** A number from 0 to 1, unset when absent. */
export const fraction = (given: Given, name: string): Either.Either<Option.Option<number>, ConfigError.ConfigError> => {
  const value = given.get(name)
  if (value === undefined) return Either.right(Option.none())
  return typeof value === "number" && value >= 0 && value <= 1
    ? Either.right(Option.some(value))
    : invalid(given, name, "a number from 0 to 1", value)
}

/** `true` or `false`, unset when absent. */
export const boolean = (given: Given, name: string): Either.Either<Option.Option<boolean>, ConfigError.ConfigError> => {
  const value = given.get(name)
  if (value === undefined) return Either.right(Option.none())
  return typeof value === "boolean" ? Either.right(Option.some(value)) : invalid(given, name, "true or false", value)
}

/** One of `values`, unset when absent. */
export const oneOf = <A extends string>(
  given: Given,
  name: string,
  values: ReadonlyArray<A>
): Either.Either<Option.Option<A>, ConfigError.ConfigError> => {
  const value = given.get(name)
  if (value === undefined) return Either.right(Option.none())
  const found = values.find((v) => v === value)
  return found !== undefined
    ? Either.right(Option.some(found))
    : invalid(given, name, `one of ${values.map((v) => JSON.stringify(v)).join(", ")}`, value)
}

/** A non-empty string, unset when absent. */
export const text = (given: Given, name: string): Either.Either<Option.Option<string>, ConfigError.ConfigError> => {
  const value = given.get(name)
  if (value === undefined) return Either.right(Option.none())
  return typeof value === "string" && value.length > 0 ? Either.right(Option.some(value)) : invalid(given, name, "a non-empty string", value)
}

/** An option the layer cannot do without. */
export const required = <A>(
  given: Given,
  name: string,
  read: Either.Either<Option.Option<A>, ConfigError.ConfigError>
): Either.Either<A, ConfigError.ConfigError> =>
  Either.flatMap(read, (value) =>
    Option.match(value, {
      onNone: () => Either.left(ConfigError.MissingData([name], `${given.layer} needs ${name}`)),
      onSome: Either.right
    }))

/**
 * A value held to a rule whose home is elsewhere (the index ids of `ChatParams`), unset when absent:
 * the rule's own words say what is wrong, after the option and the value.
 */
export const validated = <A>(
  given: Given,
  name: string,
  validate: (input: unknown) => Either.Either<A, ValidationError>
): Either.Either<Option.Option<A>, ConfigError.ConfigError> => {
  const value = given.get(name)
  if (value === undefined) return Either.right(Option.none())
  return Either.match(validate(value), {
    onLeft: (error) => {
      const issues = error.issues.map((issue) => issue.path.length === 0 ? issue.message : `${issue.path.join(".")}: ${issue.message}`)
      return Either.left(
        ConfigError.InvalidData([name], `${given.layer}'s ${name} is not valid, got ${show(value)}: ${issues.join("; ")}`)
      )
    },
    onRight: (a) => Either.right(Option.some(a))
  })
}
