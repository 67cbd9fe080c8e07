/**
 * A local LlamaCloud: an in-process HTTP server on a real socket that serves the whole chat
 * resource as the real API does (bearer auth, FastAPI-style 401 / 404 / 405 / 409 / 422 bodies,
 * wire-format sessions, list pages, histories, turns streamed as Server-Sent Events), records what
 * it receives, and misbehaves on request — status replies, resets, stalls, drips, huge or broken
 * bodies, cut or mangled event streams — so a client can be tested against what only a socket tells
 * the truth about. Sessions and turns come from `ChatModel`, the model the in-memory double shares.
 *
 * What a turn records when its delivery fails: the agent runs server-side whatever happens to the
 * connection, so by default a faulted turn is recorded whole (its `user_input`, every event the
 * agent produced, `job_metadata`), as a created session is kept when its answer is lost. The turn
 * is recorded when its `stop` event is written, or, when the fault keeps `stop` from going out,
 * when the response ends (the client leaves, the stream is cut); until then the session is busy
 * and a second turn gets a 409. A fault with `performs: false` records nothing.
 *
 * Node only: the server sits on `node:http`.
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import type * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import { ServeError } from "effect/http/HttpServerError"
import * as Layer from "effect/Layer"
import * as Random from "effect/Random"
import type * as Scope from "effect/Scope"
import type { FaultPlan } from "../core/localServer/plan.js"
import type { CreatedSession, RecordedRequest } from "../core/localServer/records.js"
import { listen, type RunningServer, type ServerOptions } from "../core/localServer/server.js"
import * as ChatModel from "./ChatModel.js"
import { check } from "./localServer/options.js"

export type { SharedAccess } from "../core/chatModel/wire.js"
export type { EventFormat, Pacing } from "../core/localServer/eventStream.js"
export { Fault, type FaultOptions, isStreamFault, type StreamFault } from "../core/localServer/faults.js"
export type { FaultPlan } from "../core/localServer/plan.js"
export type { CreatedSession, RecordedRequest } from "../core/localServer/records.js"
export { type Aim, type FormerRoute, type Route, routes } from "../core/localServer/routes.js"

/**
 * Where the server listens, the keys it accepts, its fault plan, pacing and framing: the core
 * server's options, checked by `make` first.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options extends ServerOptions {}

/**
 * The running server.
 *
 * @since 0.1.0
 * @category tags
 */
export class LocalServer extends Context.Service<LocalServer, {
  /** `http://<host>:<port>`, no trailing slash. */
  readonly url: string
  readonly port: number
  /** Every request received in full since start (or the last `reset`), any path, oldest first. */
  readonly requests: Effect.Effect<ReadonlyArray<RecordedRequest>>
  /** Every session actually created, oldest first (a fault may or may not create one; deleted ones stay). */
  readonly sessions: Effect.Effect<ReadonlyArray<CreatedSession>>
  /**
   * The resource as the server holds it now: live sessions, their histories, running turns. Read it
   * with the `ChatModel` functions.
   *
   * @since 0.2.0
   */
  readonly model: Effect.Effect<ChatModel.State>
  /** Connections open now, and accepted since start (not cleared by `reset`). */
  readonly connections: Effect.Effect<{ readonly open: number; readonly total: number }>
  /** Replaces the fault plan; the script starts from its first fault. */
  readonly setFaults: (plan: FaultPlan) => Effect.Effect<void>
  /** Clears recorded requests, sessions, the model and the fault plan. */
  readonly reset: Effect.Effect<void>
  /**
   * Waits until no request is being handled: after a client gives up, its handler finishes a moment
   * later (when the server sees the socket close).
   */
  readonly idle: Effect.Effect<void>
  /**
   * Request handlers that ended in a failure — a bug in this double, so a test can assert it is
   * empty. Clients going away mid-response are not failures.
   */
  readonly handlerFailures: Effect.Effect<ReadonlyArray<Cause.Cause<unknown>>>
}>()("effect-llamacloud/testing/LocalServer") {}

/**
 * Starts the server; when the scope closes, stops listening, destroys every open socket (stalled
 * ones included) and waits for the server to close.
 *
 * The options are checked first, for tests in plain JavaScript too: a `ConfigError` names the
 * option and the value that is wrong (`port` a whole number from 0 to 65535, `host` a non-empty
 * string, `apiKeys` non-empty strings, `faults` a plan of faults made by `Fault`, `pacing` whole
 * milliseconds, `eventFormat` one of its values, no other option), and no server starts.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<LocalServer["Service"], ServeError | Config.ConfigError, Scope.Scope> =>
  Effect.gen(function*() {
    yield* Effect.suspend(() => Effect.fromResult(check(options)))
    // The server reads this edition's clock and random draws, the test's own when it has them.
    const runSync = Effect.runSyncWith(yield* Effect.context<never>())
    const server = yield* Effect.acquireRelease(
      Effect.callback<RunningServer, ServeError>((resume) =>
        listen(options, {
          empty: ChatModel.empty,
          currentTimeMillis: () => runSync(Clock.currentTimeMillis),
          timestamp: () => runSync(ChatModel.timestamp),
          random: (seed) => {
            if (seed === undefined) return () => runSync(Random.next)
            // A seeded plan keeps one generator for all its draws: the one `Random.withSeed` provides.
            const seeded = runSync(Random.withSeed(Random.Random, seed))
            return () => seeded.nextDoubleUnsafe()
          }
        }, (result) =>
          resume(result._tag === "Listening" ? Effect.succeed(result.server) : Effect.fail(new ServeError({ cause: result.cause }))))
      ),
      (server) => Effect.callback<void>((resume) => server.close(() => resume(Effect.void)))
    )
    return {
      url: server.url,
      port: server.port,
      requests: Effect.sync(server.requests),
      sessions: Effect.sync(server.sessions),
      model: Effect.sync(server.model),
      connections: Effect.sync(server.connections),
      setFaults: (plan: FaultPlan) => Effect.sync(() => server.setFaults(plan)),
      reset: Effect.sync(server.reset),
      idle: Effect.callback<void>((resume) => Effect.sync(server.whenIdle(() => resume(Effect.void)))),
      handlerFailures: Effect.sync(() => server.handlerFailures().map((failure) => Cause.die(failure)))
    }
  })

/**
 * The server as a layer: listening once built, closed (open sockets destroyed) when its scope
 * closes. A wrong option fails the layer, when it is built, with a `ConfigError` naming it (see `make`).
 *
 * @example
 * ```ts
 * it.layer(LocalServer.layer({ apiKeys: ["llx-test"] }))("client", (it) => { ... })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<LocalServer, ServeError | Config.ConfigError> =>
  Layer.effect(LocalServer, make(options))

/**
 * The running server's base URL.
 *
 * @since 0.1.0
 * @category accessors
 */
export const url: Effect.Effect<string, never, LocalServer> = Effect.map(LocalServer, (server) => server.url)

/**
 * Replaces the running server's fault plan.
 *
 * @since 0.1.0
 * @category accessors
 */
export const setFaults = (plan: FaultPlan): Effect.Effect<void, never, LocalServer> =>
  Effect.flatMap(LocalServer, (server) => server.setFaults(plan))
