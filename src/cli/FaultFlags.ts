/**
 * The local server's fault flags: `--fault SPEC` and `--random-fault RATE:SPEC`, each changed by the
 * modifier flags that follow it (`--route`, `--header`, `--body`, `--content-type`, `--performs`,
 * `--creates-session`). A modifier applies to the fault before it, so the order of the flags is
 * the meaning: `@effect/cli` collects a repeated option's values without their place among the
 * others, so these flags are read here, in order, from the command line it has already checked.
 *
 * @since 0.2.0
 */
import * as Either from "effect/Either"
import { routeNamed } from "../core/localServer/routes.js"
import { LocalServer } from "../testing/node.js"
import { UsageError } from "./ExitCode.js"

const { Fault } = LocalServer

/**
 * The faults of a command line.
 *
 * @since 0.2.0
 * @category models
 */
export interface Faults {
  readonly script: ReadonlyArray<LocalServer.Fault>
  readonly random?: { readonly rate: number; readonly fault: LocalServer.Fault }
}

/** The flags that make or change a fault: each takes a value. */
const flags = [
  "--fault",
  "--random-fault",
  "--route",
  "--header",
  "--body",
  "--content-type",
  "--performs",
  "--creates-session"
] as const

type Flag = typeof flags[number]

const isFlag = (name: string): name is Flag => flags.some((flag) => flag === name)

/** A whole number of at least `min`, or a usage error naming the flag. */
const integer = (flag: string, text: string, min: number): Either.Either<number, UsageError> => {
  const n = Number(text)
  return Number.isInteger(n) && n >= min ?
    Either.right(n) :
    Either.left(new UsageError({ message: `${flag} wants a whole number >= ${min}, got "${text}"` }))
}

const parseSpec = (spec: string): Either.Either<LocalServer.Fault, UsageError> => {
  const at = spec.indexOf(":")
  const [name, argument] = at === -1 ? [spec, undefined] : [spec.slice(0, at), spec.slice(at + 1)]
  const needs = (make: (n: number) => LocalServer.Fault, min: number) =>
    argument === undefined ?
      Either.left(new UsageError({ message: `fault "${name}" wants a number: ${name}:N` })) :
      Either.map(integer(`fault "${name}"`, argument, min), make)
  switch (name) {
    case "status":
      return needs((code) => Fault.status(code), 100)
    case "reset-before":
      return Either.right(Fault.resetBeforeResponse())
    case "reset-mid-body":
      return Either.right(Fault.resetMidBody())
    case "close-after-headers":
      return Either.right(Fault.closeAfterHeaders())
    case "delay":
      return needs((ms) => Fault.delayHeaders(ms), 0)
    case "stall":
      return Either.right(Fault.stallBody())
    case "drip":
      return needs((ms) => Fault.dripBody(ms), 1)
    case "body200":
      return Either.right(Fault.body200(argument ?? ""))
    case "large":
      return needs((bytes) => Fault.largeBody(bytes), 0)
    case "cut":
      return needs((n) => Fault.cutStream(n), 0)
    case "cut-mid":
      return needs((n) => Fault.cutStream(n, { midEvent: true, reset: true }), 0)
    case "stall-stream":
      return needs((n) => Fault.stallStream(n), 0)
    case "drip-stream":
      return needs((ms) => Fault.dripStream(ms), 1)
    case "malformed":
      return needs((n) => Fault.malformedEvent(n), 0)
    case "unknown-event":
      return needs((n) => Fault.unknownEvent(n), 0)
    case "oversized": {
      const [at = "", bytes = ""] = (argument ?? "").split(":")
      return Either.flatMap(
        integer(`fault "${name}"`, at, 0),
        (n) => Either.map(integer(`fault "${name}"`, bytes, 1), (size) => Fault.oversizedEvent(n, size))
      )
    }
    case "no-stop":
      return Either.right(Fault.noStop())
    case "after-stop":
      return Either.right(Fault.eventsAfterStop())
    case "keep-alives":
      return needs((ms) => Fault.keepAlivesOnly(ms), 1)
    default:
      return Either.left(new UsageError({ message: `unknown fault "${spec}" (see server --help)` }))
  }
}

/** Applies a modifier flag to a fault, or says why it does not fit. */
const modify = (
  fault: LocalServer.Fault,
  flag: Exclude<Flag, "--fault" | "--random-fault">,
  value: string
): Either.Either<LocalServer.Fault, UsageError> => {
  const unfit = Either.left(new UsageError({ message: `${flag} does not apply to a ${fault._tag} fault` }))
  switch (flag) {
    case "--performs":
    case "--creates-session":
      return value === "true" || value === "false" ?
        Either.right({ ...fault, performs: value === "true" }) :
        Either.left(new UsageError({ message: `${flag} wants true or false, got "${value}"` }))
    case "--route": {
      const names = value.split(",").map((name) => name.trim())
      // The routes' former names (summary, stream) still work.
      const unknown = names.filter((name) => routeNamed(name) === undefined)
      const chosen = LocalServer.routes.filter((route) => names.some((name) => routeNamed(name) === route))
      return unknown.length === 0 && chosen.length > 0 ?
        Either.right({ ...fault, route: chosen }) :
        Either.left(new UsageError({ message: `--route wants routes among ${LocalServer.routes.join(", ")}, got "${value}"` }))
    }
    case "--header": {
      const eq = value.indexOf("=")
      if (eq <= 0) return Either.left(new UsageError({ message: `--header wants NAME=VALUE, got "${value}"` }))
      return fault._tag === "Status" ?
        Either.right({ ...fault, headers: { ...fault.headers, [value.slice(0, eq)]: value.slice(eq + 1) } }) :
        unfit
    }
    case "--body":
      return fault._tag === "Status" || fault._tag === "Body200" ? Either.right({ ...fault, body: value }) : unfit
    case "--content-type":
      return fault._tag === "Status" || fault._tag === "Body200" ?
        Either.right({ ...fault, contentType: value }) :
        unfit
  }
}

/** Adds one fault flag to the faults so far; `last` is the fault the modifiers change. */
const apply = (
  faults: Faults,
  last: "script" | "random" | undefined,
  flag: Flag,
  value: string
): Either.Either<readonly [Faults, "script" | "random" | undefined], UsageError> => {
  switch (flag) {
    case "--fault":
      return Either.map(parseSpec(value), (fault) => [{ ...faults, script: [...faults.script, fault] }, "script"] as const)
    case "--random-fault": {
      const colon = value.indexOf(":")
      const rate = Number(value.slice(0, colon))
      if (colon === -1 || !(rate >= 0 && rate <= 1)) {
        return Either.left(new UsageError({ message: `--random-fault wants RATE:SPEC with RATE in 0..1, got "${value}"` }))
      }
      return Either.map(parseSpec(value.slice(colon + 1)), (fault) => [{ ...faults, random: { rate, fault } }, "random"] as const)
    }
    default: {
      const target = last === "random" ? faults.random?.fault : faults.script.at(-1)
      if (target === undefined) {
        return Either.left(new UsageError({ message: `${flag} must follow a --fault or --random-fault` }))
      }
      return Either.map(modify(target, flag, value), (fault) =>
        [
          last === "random" && faults.random !== undefined ?
            { ...faults, random: { ...faults.random, fault } } :
            { ...faults, script: [...faults.script.slice(0, -1), fault] },
          last
        ] as const)
    }
  }
}

/**
 * The faults given on a command line, in order. Other flags are passed over: the command line has
 * been checked already, so a fault flag's value is the argument after it (or after its `=`).
 *
 * @since 0.2.0
 * @category parsing
 */
export const parse = (args: ReadonlyArray<string>): Either.Either<Faults, UsageError> => {
  let faults: Faults = { script: [] }
  let last: "script" | "random" | undefined
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? ""
    const eq = arg.indexOf("=")
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg
    if (!isFlag(name)) continue
    const value = name === arg ? args[++i] : arg.slice(eq + 1)
    if (value === undefined) return Either.left(new UsageError({ message: `${name} wants a value` }))
    const next = apply(faults, last, name, value)
    if (Either.isLeft(next)) return Either.left(next.left)
    ;[faults, last] = next.right
  }
  return Either.right(faults)
}

/**
 * A fault in a few words, for the server's announcement.
 *
 * @since 0.2.0
 * @category rendering
 */
export const describe = (fault: LocalServer.Fault): string => {
  const { _tag, ...rest } = fault
  return Object.keys(rest).length === 0 ? _tag : `${_tag} ${JSON.stringify(rest)}`
}
