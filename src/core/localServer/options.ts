/**
 * The rules and the wording of `LocalServer.layer`'s options, as plain values: a test written in
 * plain JavaScript (or one that casts) is told which option is wrong and what it was given, not
 * served with a pacing quietly clamped, a misspelt option ignored, or a fault plan that breaks on
 * the first request. Each edition's `testing/localServer/options.ts` turns the problem into its
 * Effect line's `ConfigError`.
 */
import * as Checks from "../optionChecks.js"
import { show } from "../show.js"
import type { EventFormat, Pacing } from "./eventStream.js"
import { isFault } from "./faults.js"
import { type Aim, routes } from "./routes.js"

const layerName = "LocalServer.layer"

/** What is wrong with the options: where (option names from the top), what, and whether it is absent. */
export interface OptionsProblem {
  readonly path: ReadonlyArray<string>
  readonly message: string
  /** A required option is absent (rather than there and wrong). */
  readonly missing: boolean
}

const invalid = (path: ReadonlyArray<string>, expected: string, value: unknown): OptionsProblem => ({
  path,
  message: `${layerName}'s ${path.join(".")} must be ${expected}, got ${show(value)}`,
  missing: false
})

/** A nested option's problem, its path from the top of the options. */
const within = (path: ReadonlyArray<string>, problem: Checks.OptionProblem, missing = false): OptionsProblem => ({
  path: [...path, problem.path],
  message: problem.message,
  missing
})

/** The option `name`, when present, held to `check`. */
const checked = <A>(given: Checks.Given, name: string, check: Checks.Check<A>): Checks.OptionProblem | undefined => {
  const value = given.get(name)
  return value === undefined || check.read(value) !== undefined ? undefined : Checks.mustBe(given, name, check.expected, value)
}

/**
 * The options of an option that is an object itself (`pacing`, `faults`, `faults.random`), at
 * `path` (ending with its name): none when absent.
 */
const nested = (
  given: Checks.Given,
  path: ReadonlyArray<string>,
  known: ReadonlyArray<string>
): { readonly given: Checks.Given | undefined } | { readonly problem: OptionsProblem } => {
  const value = given.get(path[path.length - 1] ?? "")
  if (value === undefined) return { given: undefined }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { problem: invalid(path, `an object of options such as { ${known[0]} }`, value) }
  }
  const read = Checks.readOptions(`${layerName}'s ${path.join(".")}`, value, known)
  return "given" in read ? read : { problem: within(path, read.problem) }
}

const milliseconds = (min: number) => Checks.wholeNumber(min, Number.MAX_SAFE_INTEGER)

const aims: ReadonlyArray<Aim> = [...routes, "summary", "stream"]

const isAim = (u: unknown): u is Aim => aims.some((aim) => aim === u)

const planProblem = (given: Checks.Given): OptionsProblem | undefined => {
  const plan = nested(given, ["faults"], ["script", "random", "route"])
  if ("problem" in plan) return plan.problem
  if (plan.given === undefined) return undefined
  const script = plan.given.get("script")
  if (script !== undefined && !(Array.isArray(script) && script.every(isFault))) {
    return invalid(["faults", "script"], "an array of faults made by Fault", script)
  }
  const route = plan.given.get("route")
  if (route !== undefined && !(isAim(route) || (Array.isArray(route) && route.every(isAim)))) {
    return invalid(["faults", "route"], `a route or an array of routes (${aims.join(", ")})`, route)
  }
  const random = nested(plan.given, ["faults", "random"], ["rate", "fault", "seed"])
  if ("problem" in random) return random.problem
  if (random.given === undefined) return undefined
  const rate = checked(random.given, "rate", Checks.fraction)
  if (rate !== undefined) return within(["faults", "random"], rate)
  if (random.given.get("rate") === undefined) return within(["faults", "random"], Checks.needed(random.given, "rate"), true)
  const fault = random.given.get("fault")
  if (!isFault(fault)) return invalid(["faults", "random", "fault"], "a fault made by Fault", fault)
  const seed = random.given.get("seed")
  if (seed !== undefined && !(typeof seed === "number" && Number.isFinite(seed))) {
    return invalid(["faults", "random", "seed"], "a finite number", seed)
  }
  return undefined
}

/**
 * The first problem with the options, or `undefined` when each is right: `port` a whole number from
 * 0 to 65535, `host` a non-empty string, `apiKeys` an array of non-empty strings, `faults` a plan of
 * faults made by `Fault`, `pacing`'s times whole milliseconds (zero or more; `keepAliveMs` above
 * zero), `eventFormat`'s fields one of their values, and no other option.
 */
export const optionsProblem = (options: unknown): OptionsProblem | undefined => {
  const read = Checks.readOptions(layerName, options, ["port", "host", "apiKeys", "faults", "pacing", "eventFormat"])
  if ("problem" in read) return within([], read.problem)
  const given = read.given
  const top = checked(given, "port", Checks.wholeNumber(0, 65535)) ?? checked(given, "host", Checks.text)
  if (top !== undefined) return within([], top)
  const apiKeys = given.get("apiKeys")
  if (apiKeys !== undefined && !(Array.isArray(apiKeys) && apiKeys.every((key) => typeof key === "string" && key !== ""))) {
    return invalid(["apiKeys"], "an array of non-empty strings", apiKeys)
  }
  const plan = planProblem(given)
  if (plan !== undefined) return plan
  const pacingNames: ReadonlyArray<keyof Pacing> = ["thinkMs", "keepAliveMs", "eventMs"]
  const pacing = nested(given, ["pacing"], pacingNames)
  if ("problem" in pacing) return pacing.problem
  if (pacing.given !== undefined) {
    const times = checked(pacing.given, "thinkMs", milliseconds(0)) ??
      checked(pacing.given, "keepAliveMs", milliseconds(1)) ??
      checked(pacing.given, "eventMs", milliseconds(0))
    if (times !== undefined) return within(["pacing"], times)
  }
  const formatNames: ReadonlyArray<keyof EventFormat> = ["eventNames", "lineEnding"]
  const format = nested(given, ["eventFormat"], formatNames)
  if ("problem" in format) return format.problem
  if (format.given !== undefined) {
    const field = checked(format.given, "eventNames", Checks.oneOf(["none", "type", "delta-message"])) ??
      checked(format.given, "lineEnding", Checks.oneOf(["\n", "\r\n", "\r"]))
    if (field !== undefined) return within(["eventFormat"], field)
  }
  return undefined
}
