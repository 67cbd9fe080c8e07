/**
 * `npm run server`: the local LlamaCloud (src/testing/LocalServer.ts) as a process, for trying a
 * client by hand or pointing a load test at it. Runs until SIGINT / SIGTERM. Flags and fault specs:
 * `npm run server -- --help` (the `usage` text below).
 *
 *   e.g. npm run server -- --fault status:429 --header retry-after=2 --fault cut:3 --route stream \
 *          --random-fault 0.1:status:503
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Runtime from "@effect/platform/Runtime"
import * as Console from "effect/Console"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import { LocalServer } from "../testing/node.js"

const { Fault } = LocalServer

const usage = `Usage: npm run server -- [flags]

  --port N                 port to listen on (default 4010; 0 picks a free one)
  --host HOST              address to listen on (default 127.0.0.1)
  --api-key KEY            accept only this key (repeatable; default: any non-empty key)
  --fault SPEC             add a fault to the script (repeatable; each goes to the first request it is aimed at)
  --random-fault RATE:SPEC once the script is exhausted, apply SPEC to a RATE (0..1) share of requests
  --seed N                 seed for --random-fault, for reproducible runs
  --think-ms N             how long the agent thinks before a turn's first event (default 0)
  --keep-alive-ms N        keep-alive comment interval while it thinks (default 15000)
  --event-ms N             pause between a turn's events (default 0)
  --event-names MODE       SSE event names: none (default), type, delta-message
  --help                   print this and exit

These change the most recent --fault or --random-fault:
  --route ROUTE[,ROUTE]    aim it at these routes: create, list, retrieve, summary, delete, stream
                           (default: every route; stream faults: stream)
  --header NAME=VALUE      add a response header (status faults; repeatable)
  --body TEXT              the response body (status and body200 faults)
  --content-type TYPE      the response content type (status and body200 faults)
  --performs BOOL          whether the server carries the request out before misbehaving (true|false)
  --creates-session BOOL   the same as --performs

SPEC is one of:
  status:CODE              reply CODE (body: FastAPI's {"detail": ...} unless --body)
  reset-before             reset the socket before any response byte
  reset-mid-body           headers and half the body, then reset
  close-after-headers      headers, then close without a body
  delay:MS                 answer normally after MS milliseconds
  stall                    headers and half the body, then nothing
  drip:MS                  the normal body, one byte every MS milliseconds
  body200[:TEXT]           a 200 with body TEXT (everything after the first colon; or --body)
  large:BYTES              a valid session of BYTES bytes
Stream faults (turns):
  cut:N                    N events, then the connection closes mid-body
  cut-mid:N                N events and half the next, then a reset
  stall-stream:N           N events, then nothing
  drip-stream:MS           the whole stream, one byte every MS milliseconds
  malformed:N              event N is not JSON
  unknown-event:N          an event of an unknown type before event N
  oversized:N:BYTES        event N grown to BYTES bytes
  no-stop                  every event but stop, then the body ends
  after-stop               events after stop, and the connection left open
  keep-alives:MS           keep-alive comments every MS milliseconds, never an event

Example:
  npm run server -- --fault status:429 --header retry-after=2 --fault cut:3 --random-fault 0.1:status:503`

class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

interface Settings {
  readonly help: boolean
  readonly port: number
  readonly host: string
  readonly apiKeys: ReadonlyArray<string>
  readonly script: ReadonlyArray<LocalServer.Fault>
  readonly random?: { readonly rate: number; readonly fault: LocalServer.Fault }
  readonly seed?: number
  readonly pacing: LocalServer.Pacing
  readonly eventNames?: NonNullable<LocalServer.EventFormat["eventNames"]>
}

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
      return Either.left(new UsageError({ message: `unknown fault "${spec}" (see --help)` }))
  }
}

/** Applies a modifier flag to a fault, or says why it does not fit. */
const modify = (
  fault: LocalServer.Fault,
  flag: string,
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
      const unknown = names.filter((name) => !LocalServer.routes.some((route) => route === name))
      const chosen = LocalServer.routes.filter((route) => names.includes(route))
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
    default:
      return fault._tag === "Status" || fault._tag === "Body200" ?
        Either.right({ ...fault, contentType: value }) :
        unfit
  }
}

const parseArgs = (args: ReadonlyArray<string>): Either.Either<Settings, UsageError> => {
  let settings: Settings = { help: false, port: 4010, host: "127.0.0.1", apiKeys: [], script: [], pacing: {} }
  // Which fault the modifier flags apply to: the last one added.
  let last: "script" | "random" | undefined
  const valueFlags = [
    "--port",
    "--host",
    "--api-key",
    "--fault",
    "--random-fault",
    "--seed",
    "--think-ms",
    "--keep-alive-ms",
    "--event-ms",
    "--event-names",
    "--route",
    "--performs",
    "--header",
    "--body",
    "--content-type",
    "--creates-session"
  ]
  for (let i = 0; i < args.length; i++) {
    const flag = args[i] ?? ""
    if (flag === "--help" || flag === "-h") {
      settings = { ...settings, help: true }
      continue
    }
    if (!valueFlags.includes(flag)) {
      return Either.left(new UsageError({ message: `unknown argument "${flag}"` }))
    }
    const value = args[++i]
    if (value === undefined) return Either.left(new UsageError({ message: `${flag} wants a value` }))
    switch (flag) {
      case "--port": {
        const port = integer(flag, value, 0)
        if (Either.isLeft(port)) return Either.left(port.left)
        settings = { ...settings, port: port.right }
        break
      }
      case "--host":
        settings = { ...settings, host: value }
        break
      case "--api-key":
        settings = { ...settings, apiKeys: [...settings.apiKeys, value] }
        break
      case "--seed": {
        const seed = integer(flag, value, Number.MIN_SAFE_INTEGER)
        if (Either.isLeft(seed)) return Either.left(seed.left)
        settings = { ...settings, seed: seed.right }
        break
      }
      case "--think-ms":
      case "--keep-alive-ms":
      case "--event-ms": {
        const ms = integer(flag, value, flag === "--keep-alive-ms" ? 1 : 0)
        if (Either.isLeft(ms)) return Either.left(ms.left)
        const key = flag === "--think-ms" ? "thinkMs" : flag === "--keep-alive-ms" ? "keepAliveMs" : "eventMs"
        settings = { ...settings, pacing: { ...settings.pacing, [key]: ms.right } }
        break
      }
      case "--event-names":
        if (value !== "none" && value !== "type" && value !== "delta-message") {
          return Either.left(new UsageError({ message: `--event-names wants none, type or delta-message, got "${value}"` }))
        }
        settings = { ...settings, eventNames: value }
        break
      case "--fault": {
        const fault = parseSpec(value)
        if (Either.isLeft(fault)) return Either.left(fault.left)
        settings = { ...settings, script: [...settings.script, fault.right] }
        last = "script"
        break
      }
      case "--random-fault": {
        const colon = value.indexOf(":")
        const rate = Number(value.slice(0, colon))
        if (colon === -1 || !(rate >= 0 && rate <= 1)) {
          return Either.left(new UsageError({ message: `--random-fault wants RATE:SPEC with RATE in 0..1, got "${value}"` }))
        }
        const fault = parseSpec(value.slice(colon + 1))
        if (Either.isLeft(fault)) return Either.left(fault.left)
        settings = { ...settings, random: { rate, fault: fault.right } }
        last = "random"
        break
      }
      default: {
        const target = last === "random" ? settings.random?.fault : settings.script.at(-1)
        if (target === undefined) {
          return Either.left(new UsageError({ message: `${flag} must follow a --fault or --random-fault` }))
        }
        const modified = modify(target, flag, value)
        if (Either.isLeft(modified)) return Either.left(modified.left)
        settings = last === "random" && settings.random !== undefined ?
          { ...settings, random: { ...settings.random, fault: modified.right } } :
          { ...settings, script: [...settings.script.slice(0, -1), modified.right] }
      }
    }
  }
  return Either.right(settings)
}

const describeFault = (fault: LocalServer.Fault): string => {
  const { _tag, ...rest } = fault
  return Object.keys(rest).length === 0 ? _tag : `${_tag} ${JSON.stringify(rest)}`
}

const serve = (settings: Settings) => {
  const options: LocalServer.Options = {
    port: settings.port,
    host: settings.host,
    ...(settings.apiKeys.length === 0 ? {} : { apiKeys: settings.apiKeys }),
    pacing: settings.pacing,
    ...(settings.eventNames === undefined ? {} : { eventFormat: { eventNames: settings.eventNames } }),
    faults: {
      script: settings.script,
      ...(settings.random === undefined ? {} : {
        random: { ...settings.random, ...(settings.seed === undefined ? {} : { seed: settings.seed }) }
      })
    }
  }
  const announce = Layer.effectDiscard(Effect.gen(function*() {
    const server = yield* LocalServer.LocalServer
    yield* Console.log(`local LlamaCloud listening on ${server.url} (the chat resource at ${server.url}/api/v1/chat)`)
    for (const [i, fault] of settings.script.entries()) {
      yield* Console.log(`  fault script #${i + 1}: ${describeFault(fault)}`)
    }
    if (settings.random !== undefined) {
      yield* Console.log(`  random fault: ${describeFault(settings.random.fault)} on ${settings.random.rate * 100}% of requests`)
    }
    yield* Console.log("Ctrl-C to stop")
  }))
  return Layer.launch(Layer.provide(announce, LocalServer.layer(options)))
}

const main = Effect.gen(function*() {
  const settings = yield* parseArgs(process.argv.slice(2))
  if (settings.help) return yield* Console.log(usage)
  return yield* serve(settings).pipe(
    Effect.tapErrorTag("ServeError", (error) =>
      Console.error(`server: cannot listen on ${settings.host}:${settings.port}: ${String(error.cause)}`))
  )
}).pipe(
  Effect.tapErrorTag("UsageError", (error) => Console.error(`server: ${error.message}\n\n${usage}`))
)

NodeRuntime.runMain(main, {
  // Both failures are explained above, in a line rather than a stack trace.
  disableErrorReporting: true,
  teardown: (exit, onExit) =>
    Exit.isFailure(exit) && exit.cause._tag === "Fail" && exit.cause.error instanceof UsageError ?
      onExit(2) :
      Runtime.defaultTeardown(exit, onExit)
})
