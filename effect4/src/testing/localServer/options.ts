/**
 * `LocalServer.layer`'s options, checked when the server starts: a test written in plain
 * JavaScript (or one that casts) gets a `ConfigError` naming the option and the value, not a pacing
 * quietly clamped, a misspelt option ignored, or a fault plan that breaks on the first request.
 */
import * as Config from "effect/Config"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import type { EventFormat, Pacing } from "../../core/localServer/eventStream.js"
import { isFault } from "../../core/localServer/faults.js"
import { type Aim, routes } from "../../core/localServer/routes.js"
import { show } from "../../core/show.js"
import { fraction, type Given, givenOptions, invalidData, oneOf, required, text, wholeNumber } from "../../internal/layerOptions.js"

const layerName = "LocalServer.layer"

const invalid = (path: ReadonlyArray<string>, expected: string, value: unknown) =>
  Result.fail(invalidData([...path], `${layerName}'s ${path.join(".")} must be ${expected}, got ${show(value)}`))

/** The error under `path`: a nested option's issue, its path from the top of the options. */
const prefixed = (error: Config.ConfigError, path: ReadonlyArray<string>): Config.ConfigError => {
  const cause = error.cause
  if (!Schema.isSchemaError(cause)) return error
  const issue = cause.issue
  return issue._tag === "Pointer" ?
    new Config.ConfigError(new Schema.SchemaError(new SchemaIssue.Pointer([...path, ...issue.path], issue.issue))) :
    error
}

/** A read of a nested option, its error under the option's path. */
const within = <A>(path: ReadonlyArray<string>, read: Result.Result<A, Config.ConfigError>) =>
  Result.mapError(read, (error) => prefixed(error, path))

/**
 * The options of an option that is an object itself (`pacing`, `faults`, `faults.random`), at
 * `path` (ending with its name), its errors under that path.
 */
const nested = (
  given: Given,
  path: ReadonlyArray<string>,
  known: ReadonlyArray<string>
): Result.Result<Option.Option<Given>, Config.ConfigError> => {
  const value = given.get(path[path.length - 1] ?? "")
  if (value === undefined) return Result.succeed(Option.none())
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return invalid(path, `an object of options such as { ${known[0]} }`, value)
  }
  return Result.map(within(path, givenOptions(`${layerName}'s ${path.join(".")}`, value, known)), Option.some)
}

const milliseconds = (given: Given, name: string, min: number) => wholeNumber(given, name, min, Number.MAX_SAFE_INTEGER)

const aims: ReadonlyArray<Aim> = [...routes, "summary", "stream"]

const isAim = (u: unknown): u is Aim => aims.some((aim) => aim === u)

const checkPlan = (given: Given): Result.Result<void, Config.ConfigError> =>
  Result.gen(function*() {
    const plan = yield* nested(given, ["faults"], ["script", "random", "route"])
    if (Option.isNone(plan)) return
    const script = plan.value.get("script")
    if (script !== undefined && !(Array.isArray(script) && script.every(isFault))) {
      return yield* invalid(["faults", "script"], "an array of faults made by Fault", script)
    }
    const route = plan.value.get("route")
    if (route !== undefined && !(isAim(route) || (Array.isArray(route) && route.every(isAim)))) {
      return yield* invalid(["faults", "route"], `a route or an array of routes (${aims.join(", ")})`, route)
    }
    const random = yield* nested(plan.value, ["faults", "random"], ["rate", "fault", "seed"])
    if (Option.isNone(random)) return
    yield* within(["faults", "random"], required(random.value, "rate", fraction(random.value, "rate")))
    const fault = random.value.get("fault")
    if (!isFault(fault)) return yield* invalid(["faults", "random", "fault"], "a fault made by Fault", fault)
    const seed = random.value.get("seed")
    if (seed !== undefined && !(typeof seed === "number" && Number.isFinite(seed))) {
      return yield* invalid(["faults", "random", "seed"], "a finite number", seed)
    }
  })

/**
 * The options as given, each checked: `port` a whole number from 0 to 65535, `host` a non-empty
 * string, `apiKeys` an array of non-empty strings, `faults` a plan of faults made by `Fault`,
 * `pacing`'s times whole milliseconds (zero or more; `keepAliveMs` above zero), `eventFormat`'s
 * fields one of their values, and no other option.
 */
export const check = (options: unknown): Result.Result<void, Config.ConfigError> =>
  Result.gen(function*() {
    const given = yield* givenOptions(layerName, options, ["port", "host", "apiKeys", "faults", "pacing", "eventFormat"])
    yield* wholeNumber(given, "port", 0, 65535)
    yield* text(given, "host")
    const apiKeys = given.get("apiKeys")
    if (apiKeys !== undefined && !(Array.isArray(apiKeys) && apiKeys.every((key) => typeof key === "string" && key !== ""))) {
      return yield* invalid(["apiKeys"], "an array of non-empty strings", apiKeys)
    }
    yield* checkPlan(given)
    const pacingNames: ReadonlyArray<keyof Pacing> = ["thinkMs", "keepAliveMs", "eventMs"]
    const pacing = yield* nested(given, ["pacing"], pacingNames)
    if (Option.isSome(pacing)) {
      yield* within(["pacing"], milliseconds(pacing.value, "thinkMs", 0))
      yield* within(["pacing"], milliseconds(pacing.value, "keepAliveMs", 1))
      yield* within(["pacing"], milliseconds(pacing.value, "eventMs", 0))
    }
    const formatNames: ReadonlyArray<keyof EventFormat> = ["eventNames", "lineEnding"]
    const format = yield* nested(given, ["eventFormat"], formatNames)
    if (Option.isSome(format)) {
      yield* within(["eventFormat"], oneOf(format.value, "eventNames", ["none", "type", "delta-message"]))
      yield* within(["eventFormat"], oneOf(format.value, "lineEnding", ["\n", "\r\n", "\r"]))
    }
  })
