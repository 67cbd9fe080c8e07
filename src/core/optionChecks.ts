/**
 * The rules and the wording of the layers' options (`RetryPolicy.layer`, `TimeoutPolicy.layer`,
 * `RateLimitPolicy.layer`, `LlamaCloudLanguageModel.layer`, `LocalServer.layer`…), as plain values.
 * Each edition's `internal/layerOptions.ts` turns a problem into its Effect line's `ConfigError`
 * and reads durations with its own `Duration`; what is accepted, and what a refusal says, is here.
 */
import { formatIssue, type Issue } from "./failureMessages.js"
import { show } from "./show.js"

/** The options a layer was given, readable by name. */
export interface Given {
  /** E.g. `RetryPolicy.layer`, named in every message. */
  readonly layer: string
  readonly get: (name: string) => unknown
}

/** What is wrong with the options: the option (or `options`, the object itself) and what to do. */
export interface OptionProblem {
  readonly path: string
  readonly message: string
}

/**
 * The options object as a {@link Given}, or what is wrong with it: absent means none; anything but
 * an object, or an option the layer does not have (a misspelt one would otherwise be ignored), is
 * refused.
 */
export const readOptions = (
  layer: string,
  options: unknown,
  known: ReadonlyArray<string>
): { readonly given: Given } | { readonly problem: OptionProblem } => {
  if (options === undefined) return { given: { layer, get: () => undefined } }
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    return {
      problem: { path: "options", message: `${layer} takes an object of options such as { ${known[0]} }, got ${show(options)}` }
    }
  }
  const unknown = Object.keys(options).find((key) => !known.includes(key))
  if (unknown !== undefined) {
    return { problem: { path: unknown, message: `${layer} has no option ${show(unknown)}; its options are ${known.join(", ")}` } }
  }
  return { given: { layer, get: (name) => Reflect.get(options, name) } }
}

/** `RetryPolicy.layer's jitter must be a number from 0 to 1, got 2`. */
export const mustBe = (given: Given, name: string, expected: string, value: unknown): OptionProblem => ({
  path: name,
  message: `${given.layer}'s ${name} must be ${expected}, got ${show(value)}`
})

/** A required option left out. */
export const needed = (given: Given, name: string): OptionProblem => ({ path: name, message: `${given.layer} needs ${name}` })

/** A value refused by a rule whose home is elsewhere (the index ids of `ChatParams`), in the rule's own words. */
export const notValid = (given: Given, name: string, value: unknown, issues: ReadonlyArray<Issue>): OptionProblem => ({
  path: name,
  message: `${given.layer}'s ${name} is not valid, got ${show(value)}: ${issues.map(formatIssue).join("; ")}`
})

/** One kind of option value: what it must be, as a refusal words it, and the value when it is one. */
export interface Check<A> {
  readonly expected: string
  /** The value as the option's type, or `undefined` when it is not one. */
  readonly read: (value: unknown) => A | undefined
}

/** A whole number from `min` to `max`. */
export const wholeNumber = (min: number, max: number): Check<number> => ({
  expected: `a whole number from ${min} to ${max}`,
  read: (value) => typeof value === "number" && Number.isInteger(value) && value >= min && value <= max ? value : undefined
})

/** A number from 0 to 1. */
export const fraction: Check<number> = {
  expected: "a number from 0 to 1",
  read: (value) => typeof value === "number" && value >= 0 && value <= 1 ? value : undefined
}

/** `true` or `false`. */
export const boolean: Check<boolean> = {
  expected: "true or false",
  read: (value) => typeof value === "boolean" ? value : undefined
}

/** One of `values`. */
export const oneOf = <A extends string>(values: ReadonlyArray<A>): Check<A> => ({
  expected: `one of ${values.map((v) => JSON.stringify(v)).join(", ")}`,
  read: (value) => values.find((v) => v === value)
})

/** A non-empty string. */
export const text: Check<string> = {
  expected: "a non-empty string",
  read: (value) => typeof value === "string" && value.length > 0 ? value : undefined
}

/** What a limit on a duration allows beyond a positive finite value. */
export interface DurationLimits {
  /** Whether zero is allowed. */
  readonly zero: boolean
  /** Whether `Duration.infinity` (or `Infinity` milliseconds) is allowed: "no limit". */
  readonly infinite: boolean
}

/** What a duration option must be, as a refusal words it. */
export const durationExpected = (limits: DurationLimits): string =>
  `a duration such as "30 seconds" or a number of milliseconds, ${limits.zero ? "zero or more" : "above zero"}${
    limits.infinite ? " (Duration.infinity for no limit)" : " and finite"
  }`
