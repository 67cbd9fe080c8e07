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
import * as Checks from "../core/optionChecks.js"

/** The options a layer was given, readable by name. */
export type Given = Checks.Given

/** A problem as this Effect line's `ConfigError`, failed. */
const refuse = (problem: Checks.OptionProblem) => Either.left(ConfigError.InvalidData([problem.path], problem.message))

/**
 * The options object: absent means none. Anything but an object, or an option the layer does not
 * have (a misspelt one would otherwise be ignored), is refused.
 */
export const givenOptions = (
  layer: string,
  options: unknown,
  known: ReadonlyArray<string>
): Either.Either<Given, ConfigError.ConfigError> => {
  const read = Checks.readOptions(layer, options, known)
  return "given" in read ? Either.right(read.given) : refuse(read.problem)
}

const invalid = (given: Given, name: string, expected: string, value: unknown) => refuse(Checks.mustBe(given, name, expected, value))

/** An option read by `check`, unset when absent. */
const checked = <A>(check: Checks.Check<A>) => (given: Given, name: string): Either.Either<Option.Option<A>, ConfigError.ConfigError> => {
  const value = given.get(name)
  if (value === undefined) return Either.right(Option.none())
  const read = check.read(value)
  return read === undefined ? invalid(given, name, check.expected, value) : Either.right(Option.some(read))
}

/**
 * A `DurationInput`, unset when absent. `Duration.decode` reads a negative or NaN input as zero and
 * throws on text it cannot read: every input is checked here first.
 */
export const duration = (
  given: Given,
  name: string,
  limits: Checks.DurationLimits
): Either.Either<Option.Option<Duration.Duration>, ConfigError.ConfigError> => {
  const value = given.get(name)
  if (value === undefined) return Either.right(Option.none())
  const expected = Checks.durationExpected(limits)
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
): Either.Either<Option.Option<number>, ConfigError.ConfigError> => checked(Checks.wholeNumber(min, max))(given, name)

/** A number from 0 to 1, unset when absent. */
export const fraction = checked(Checks.fraction)

/** `true` or `false`, unset when absent. */
export const boolean = checked(Checks.boolean)

/** One of `values`, unset when absent. */
export const oneOf = <A extends string>(
  given: Given,
  name: string,
  values: ReadonlyArray<A>
): Either.Either<Option.Option<A>, ConfigError.ConfigError> => checked(Checks.oneOf(values))(given, name)

/** A non-empty string, unset when absent. */
export const text = checked(Checks.text)

/** An option the layer cannot do without. */
export const required = <A>(
  given: Given,
  name: string,
  read: Either.Either<Option.Option<A>, ConfigError.ConfigError>
): Either.Either<A, ConfigError.ConfigError> =>
  Either.flatMap(read, (value) =>
    Option.match(value, {
      onNone: () => Either.left(ConfigError.MissingData([name], Checks.needed(given, name).message)),
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
    onLeft: (error) => refuse(Checks.notValid(given, name, value, error.issues)),
    onRight: (a) => Either.right(Option.some(a))
  })
}
