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
import { show } from "../core/show.js"
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
): Result.Result<Given, Config.ConfigError> => {
  if (options === undefined) return Result.succeed({ layer, get: () => undefined })
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    return Result.fail(invalidData(["options"], `${layer} takes an object of options such as { ${known[0]} }, got ${show(options)}`))
  }
  const unknown = Object.keys(options).find((key) => !known.includes(key))
  if (unknown !== undefined) {
    return Result.fail(invalidData([unknown], `${layer} has no option ${show(unknown)}; its options are ${known.join(", ")}`))
  }
  return Result.succeed({ layer, get: (name) => Reflect.get(options, name) })
}

const invalid = (given: Given, name: string, expected: string, value: unknown) =>
  Result.fail(invalidData([name], `${given.layer}'s ${name} must be ${expected}, got ${show(value)}`))

/** What a limit on a duration allows beyond a positive finite value. */
export interface DurationLimits {
  /** Whether zero is allowed. */
  readonly zero: boolean
  /** Whether `Duration.infinity` (or `Infinity` milliseconds) is allowed: "no limit". */
  readonly infinite: boolean
}

/**
 * A `Duration.Input`, unset when absent. `Duration.fromInput` reads NaN, and an object of no known
 * unit, as zero, and Effect 4's durations may be negative: every input is checked here first.
 */
export const duration = (
  given: Given,
  name: string,
  limits: DurationLimits
): Result.Result<Option.Option<Duration.Duration>, Config.ConfigError> => {
  const value = given.get(name)
  if (value === undefined) return Result.succeed(Option.none())
  const expected = `a duration such as "30 seconds" or a number of milliseconds, ${limits.zero ? "zero or more" : "above zero"}${
    limits.infinite ? " (Duration.infinity for no limit)" : " and finite"
  }`
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
): Result.Result<Option.Option<number>, Config.ConfigError> => {
  const value = given.get(name)
  if (value === undefined) return Result.succeed(Option.none())
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max
    ? Result.succeed(Option.some(value))
    : invalid(given, name, `a whole number from ${min} to ${max}`, value)
}

/** A number from 0 to 1, unset when absent. */
export const fraction = (given: Given, name: string): Result.Result<Option.Option<number>, Config.ConfigError> => {
  const value = given.get(name)
  if (value === undefined) return Result.succeed(Option.none())
  return typeof value === "number" && value >= 0 && value <= 1
    ? Result.succeed(Option.some(value))
    : invalid(given, name, "a number from 0 to 1", value)
}

/** `true` or `false`, unset when absent. */
export const boolean = (given: Given, name: string): Result.Result<Option.Option<boolean>, Config.ConfigError> => {
  const value = given.get(name)
  if (value === undefined) return Result.succeed(Option.none())
  return typeof value === "boolean" ? Result.succeed(Option.some(value)) : invalid(given, name, "true or false", value)
}

/** One of `values`, unset when absent. */
export const oneOf = <A extends string>(
  given: Given,
  name: string,
  values: ReadonlyArray<A>
): Result.Result<Option.Option<A>, Config.ConfigError> => {
  const value = given.get(name)
  if (value === undefined) return Result.succeed(Option.none())
  const found = values.find((v) => v === value)
  return found !== undefined
    ? Result.succeed(Option.some(found))
    : invalid(given, name, `one of ${values.map((v) => JSON.stringify(v)).join(", ")}`, value)
}

/** A non-empty string, unset when absent. */
export const text = (given: Given, name: string): Result.Result<Option.Option<string>, Config.ConfigError> => {
  const value = given.get(name)
  if (value === undefined) return Result.succeed(Option.none())
  return typeof value === "string" && value.length > 0 ? Result.succeed(Option.some(value)) : invalid(given, name, "a non-empty string", value)
}

/** An option the layer cannot do without. */
export const required = <A>(
  given: Given,
  name: string,
  read: Result.Result<Option.Option<A>, Config.ConfigError>
): Result.Result<A, Config.ConfigError> =>
  Result.flatMap(read, (value) =>
    Option.match(value, {
      onNone: () => Result.fail(missingData([name], `${given.layer} needs ${name}`)),
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
    onFailure: (error) => {
      const issues = error.issues.map((issue) => issue.path.length === 0 ? issue.message : `${issue.path.join(".")}: ${issue.message}`)
      return Result.fail(invalidData([name], `${given.layer}'s ${name} is not valid, got ${show(value)}: ${issues.join("; ")}`))
    },
    onSuccess: (a) => Result.succeed(Option.some(a))
  })
}
