/**
 * What `llamacloud-chat server` runs: the local LlamaCloud with the options and faults of the
 * command line, announced once it listens, until the process is interrupted.
 *
 * @since 0.2.0
 */
import * as ConfigError from "effect/ConfigError"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { LocalServer } from "../testing/node.js"
import { UsageError } from "./ExitCode.js"
import * as FaultFlags from "./FaultFlags.js"
import * as Render from "./Render.js"
import type { Settings } from "./ServerCommand.js"

/**
 * The server could not start: the port is taken, the address is not this machine's.
 *
 * @since 0.2.0
 * @category errors
 */
export class ListenError extends Data.TaggedError("ListenError")<{ readonly message: string }> {}

/** A number given on the command line, checked against its least value. */
const atLeast = (flag: string, min: number, value: Option.Option<number>) =>
  Option.match(value, {
    onNone: () => Effect.succeed(undefined),
    onSome: (n) =>
      n >= min ? Effect.succeed(n) : Effect.fail(new UsageError({ message: `--${flag} wants a whole number >= ${min}, got ${n}` }))
  })

/** A port to listen on: 1 to 65535, or 0 for a free one. */
const listenPort = (port: number) =>
  port >= 0 && port <= 65535 ?
    Effect.succeed(port) :
    Effect.fail(new UsageError({ message: `--port wants a port from 1 to 65535, or 0 for a free one; got ${port}` }))

/** The server's options from the command line. */
const options = (settings: Settings, faults: FaultFlags.Faults) =>
  Effect.gen(function*() {
    const port = yield* listenPort(settings.port)
    const thinkMs = yield* atLeast("think-ms", 0, settings.thinkMs)
    const keepAliveMs = yield* atLeast("keep-alive-ms", 1, settings.keepAliveMs)
    const eventMs = yield* atLeast("event-ms", 0, settings.eventMs)
    const seed = Option.getOrUndefined(settings.seed)
    const server: LocalServer.Options = {
      ...(port === undefined ? {} : { port }),
      host: settings.host,
      ...(settings.apiKeys.length === 0 ? {} : { apiKeys: settings.apiKeys }),
      pacing: {
        ...(thinkMs === undefined ? {} : { thinkMs }),
        ...(keepAliveMs === undefined ? {} : { keepAliveMs }),
        ...(eventMs === undefined ? {} : { eventMs })
      },
      ...Option.match(settings.eventNames, { onNone: () => ({}), onSome: (eventNames) => ({ eventFormat: { eventNames } }) }),
      faults: {
        script: faults.script,
        ...(faults.random === undefined ? {} : { random: { ...faults.random, ...(seed === undefined ? {} : { seed }) } })
      }
    }
    return server
  })

/** The first lines the server prints: where it listens, and the faults it will play. */
const announcement = (settings: Settings, faults: FaultFlags.Faults) =>
  Layer.effectDiscard(Effect.gen(function*() {
    const running = yield* LocalServer.LocalServer
    if (settings.json) return yield* Render.jsonLine({ url: running.url, port: running.port })
    const lines = [
      `local LlamaCloud listening on ${running.url} (the chat resource at ${running.url}/api/v1/chat)`,
      ...faults.script.map((fault, i) => `  fault script #${i + 1}: ${FaultFlags.describe(fault)}`),
      ...(faults.random === undefined ?
        [] :
        [`  random fault: ${FaultFlags.describe(faults.random.fault)} on ${faults.random.rate * 100}% of requests`]),
      "Ctrl-C to stop"
    ]
    yield* Render.write(`${lines.join("\n")}\n`)
  }))

/**
 * Runs the server until interrupted. `argv` is the whole command line: the fault flags are read from
 * it in order.
 *
 * @since 0.2.0
 * @category running
 */
export const serve = (settings: Settings, argv: ReadonlyArray<string>): Effect.Effect<never, UsageError | ListenError> =>
  Effect.gen(function*() {
    const faults = yield* FaultFlags.parse(argv)
    const server = yield* options(settings, faults)
    return yield* Layer.launch(Layer.provide(announcement(settings, faults), LocalServer.layer(server))).pipe(
      Effect.mapError((error) =>
        new ListenError({
          // The flags were checked already: a ConfigError here is an option the flags let through.
          message: `cannot listen on ${settings.host}:${settings.port}: ${String(ConfigError.isConfigError(error) ? error : error.cause)}`
        })
      )
    )
  })
