/**
 * The options of the layers that take them (`RetryPolicy.layer`, `TimeoutPolicy.layer`, `RateLimitPolicy.layer`,
 * `LlamaCloudLanguageModel.layer`, `LocalServer.layer`, and the option names of `LlamaCloudClient.layer` /
 * `layerConfig`), checked when the layer is built:
 * callers from plain JavaScript bypass the types, and a wrong value must be a `ConfigError` naming
 * the option and the value, never a throw and never a value quietly clamped (a negative timeout
 * read as zero fails every call) or ignored (a misspelt option).
 *
 * Effect 4 has one `ConfigError`, wrapping a `SchemaError` (the data is wrong or missing) or a
 * `SourceError` (it could not be read): the constructors here build ours the way Effect's own
 * `Config`s do, the option or variable as the issue's path and our sentence as its message.
 */
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import * as Checks from "../core/optionChecks.js"
import type { ValidationError } from "../LlamaCloudError.js"

/** A value that is there but wrong: `message` says what it must be, under the option or variable at `path`. */
export const invalidData = (path: ReadonlyArray<string>, message: string): Config.ConfigError =>
  new Config.ConfigError(new Schema.SchemaError(new SchemaIssue.Pointer(path, new SchemaIssue.InvalidValue({ message }))))

/** A value that is not there: `message` says what to set. */
export const missingData = (path: ReadonlyArray<string>, message: string): Config.ConfigError =>
  new Config.ConfigError(new Schema.SchemaError(new SchemaIssue.Pointer(path, new SchemaIssue.MissingKey({ messageMissingKey: message }))))

/** A setting that could not be read at all (Deno's `Deno.env.get` without `--allow-env`). */
export const sourceUnavailable = (name: string, message: string, cause: unknown): Config.ConfigError =>
  new Config.ConfigError(new ConfigProvider.SourceError({ message: `${name} ${message}`, cause }))

/** The options a layer was given, readable by name. */
export type Given = Checks.Given

/** A problem as this Effect line's `ConfigError`, failed. */
const refuse = (problem: Checks.OptionProblem) => Result.fail(invalidData([problem.path], problem.message))

/**
 * The options object: absent means none. Anything but an object, or an option the layer does not
 * have (a misspelt one would otherwise be ignored), is refused.
 */
export const givenOptions = (
  layer: string,
  options: unknown,
  known: ReadonlyArray<string>
): Result.Result<Given, Config.ConfigError> => {
  const read = Checks.readOptions(layer, options, known)
  return "given" in read ? Result.succeed(read.given) : refuse(read.problem)
}

const invalid = (given: Given, name: string, expected: string, value: unknown) => refuse(Checks.mustBe(given, name, expected, value))

/** An option read by `check`, unset when absent. */
const checked = <A>(check: Checks.Check<A>) => (given: Given, name: string): Result.Result<Option.Option<A>, Config.ConfigError> => {
  const value = given.get(name)
  if (value === undefined) return Result.succeed(Option.none())
  const read = check.read(value)
  return read === undefined ? invalid(given, name, check.expected, value) : Result.succeed(Option.some(read))
}

/**
 * A `Duration.Input`, unset when absent. `Duration.fromInput` reads NaN, and an object of no known
 * unit, as zero, and Effect 4's durations may be negative: every input is checked here first.
 */
export const duration = (
  given: Given,
  name: string,
  limits: Checks.DurationLimits
): Result.Result<Option.Option<Duration.Duration>, Config.ConfigError> => {
  const value = given.get(name)
  if (value === undefined) return Result.succeed(Option.none())
  const expected = Checks.durationExpected(limits)
  const decoded = readable(value) ? Duration.fromInput(value) : Option.none()
  if (Option.isNone(decoded)) return invalid(given, name, expected, value)
  const d = decoded.value
  if (Duration.isNegative(d) || (!limits.zero && Duration.isZero(d)) || (!limits.infinite && !Duration.isFinite(d))) {
    return invalid(given, name, expected, value)
  }
  return Result.succeed(decoded)
}

const units = new Set(["weeks", "days", "hours", "minutes", "seconds", "milliseconds", "microseconds", "nanoseconds"])

// What `Duration.fromInput` would silently turn into zero, or read although it is no duration: NaN,
// a tuple with a non-finite part, an object that is no `Duration` and names no unit (a `Date`, `{}`).
const readable = (u: unknown): u is Duration.Input => {
  if (typeof u === "number") return !Number.isNaN(u)
  if (typeof u === "bigint" || typeof u === "string") return true
  if (Array.isArray(u)) return u.length === 2 && u.every((part) => typeof part === "number" && Number.isFinite(part))
  if (Duration.isDuration(u)) return true
  if (typeof u !== "object" || u === null) return false
  const entries = Object.entries(u)
  return entries.length > 0 && entries.every(([key, part]) => units.has(key) && typeof part === "number" && Number.isFinite(part))
}

/** A whole number from `min` to `max`, unset when absent. */
export const wholeNumber = (
  given: Given,
  name: string,
  min: number,
  max: number
): Result.Result<Option.Option<number>, Config.ConfigError> => checked(Checks.wholeNumber(min, max))(given, name)

/** A number from 0 to 1, unset when absent. */
export const fraction = checked(Checks.fraction)

/** `true` or `false`, unset when absent. */
export const boolean = checked(Checks.boolean)

/** One of `values`, unset when absent. */
export const oneOf = <A extends string>(
  given: Given,
  name: string,
  values: ReadonlyArray<A>
): Result.Result<Option.Option<A>, Config.ConfigError> => checked(Checks.oneOf(values))(given, name)

/** A non-empty string, unset when absent. */
export const text = checked(Checks.text)

/** An option the layer cannot do without. */
export const required = <A>(
  given: Given,
  name: string,
  read: Result.Result<Option.Option<A>, Config.ConfigError>
): Result.Result<A, Config.ConfigError> =>
  Result.flatMap(read, (value) =>
    Option.match(value, {
      onNone: () => Result.fail(missingData([name], Checks.needed(given, name).message)),
      onSome: Result.succeed
    }))

/**
 * A value held to a rule whose home is elsewhere (the index ids of `ChatParams`), unset when absent:
 * the rule's own words say what is wrong, after the option and the value.
 */
export const validated = <A>(
  given: Given,
  name: string,
  validate: (input: unknown) => Result.Result<A, ValidationError>
): Result.Result<Option.Option<A>, Config.ConfigError> => {
  const value = given.get(name)
  if (value === undefined) return Result.succeed(Option.none())
  return Result.match(validate(value), {
    onFailure: (error) => refuse(Checks.notValid(given, name, value, error.issues)),
    onSuccess: (a) => Result.succeed(Option.some(a))
  })
}
