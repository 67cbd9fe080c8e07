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
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import type * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type { ServeError } from "effect/http/HttpServerError"
import * as HttpServerRequest from "effect/http/HttpServerRequest"
import type * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as SubscriptionRef from "effect/SubscriptionRef"
import * as Crypto from "node:crypto"
import * as Http from "node:http"
import { authenticate } from "../core/localServer/authentication.js"
import { trackConnections } from "../core/localServer/connections.js"
import type { EventFormat, Pacing } from "../core/localServer/eventStream.js"
import { Fault, isStreamFault } from "../core/localServer/faults.js"
import { handle, type Outcome } from "../core/localServer/handlers.js"
import type { FaultPlan } from "../core/localServer/plan.js"
import type { Raw } from "../core/localServer/raw.js"
import type { CreatedSession, RecordedRequest } from "../core/localServer/records.js"
import { detail } from "../core/localServer/replies.js"
import { match, type Route } from "../core/localServer/routes.js"
import * as ChatModel from "./ChatModel.js"
import { actOut, streamTurn } from "./localServer/actOut.js"
import { check } from "./localServer/options.js"
import { nextFault, planState } from "./localServer/plan.js"
import { rawOf } from "./localServer/raw.js"
import { toResponse } from "./localServer/replies.js"

export type { SharedAccess } from "../core/chatModel/wire.js"
export type { EventFormat, Pacing } from "../core/localServer/eventStream.js"
export { Fault, type FaultOptions, isStreamFault, type StreamFault } from "../core/localServer/faults.js"
export type { FaultPlan } from "../core/localServer/plan.js"
export type { CreatedSession, RecordedRequest } from "../core/localServer/records.js"
export { type Aim, type FormerRoute, type Route, routes } from "../core/localServer/routes.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Default 0: the system picks a free port. */
  readonly port?: number
  /** Default `127.0.0.1`. */
  readonly host?: string
  /** The keys the server accepts. Default: any non-empty key. */
  readonly apiKeys?: ReadonlyArray<string>
  /** The fault plan to start with. Default: none. */
  readonly faults?: FaultPlan
  /**
   * How fast turns stream. Default: at once, one keep-alive comment before the first event.
   *
   * @since 0.2.0
   */
  readonly pacing?: Pacing
  /**
   * How turn events are framed. Default: `data:` lines only, `\n` line endings.
   *
   * @since 0.2.0
   */
  readonly eventFormat?: EventFormat
}

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

const randomHex = (bytes: number): string => Crypto.randomBytes(bytes).toString("hex")

const splitUrl = (url: string): { readonly path: string; readonly query: Readonly<Record<string, string>> } => {
  const at = url.indexOf("?")
  return at === -1 ?
    { path: url, query: {} } :
    { path: url.slice(0, at), query: Object.fromEntries(new URLSearchParams(url.slice(at + 1))) }
}

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
    const nodeServer = Http.createServer()
    const server = yield* NodeHttpServer.make(() => nodeServer, {
      port: options.port ?? 0,
      host: options.host ?? "127.0.0.1"
    })
    const requests = yield* Ref.make<ReadonlyArray<RecordedRequest>>([])
    const sessions = yield* Ref.make<ReadonlyArray<CreatedSession>>([])
    const model = yield* Ref.make(ChatModel.empty)
    const plan = yield* Ref.make(yield* planState(options.faults))
    const failures = yield* Ref.make<ReadonlyArray<Cause.Cause<unknown>>>([])
    const handling = yield* SubscriptionRef.make(0)
    const idle = SubscriptionRef.changes(handling).pipe(Stream.takeUntil((n) => n === 0), Stream.runDrain)
    const runSync = Effect.runSyncWith(yield* Effect.context<never>())
    const pacing = options.pacing ?? {}
    const format = options.eventFormat ?? {}
    const connections = trackConnections(nodeServer)

    /** Answers a routed request: the fault it meets, the model's verdict, then the reply, mangled or not. */
    const serve = (
      request: HttpServerRequest.HttpServerRequest,
      raw: Raw,
      incoming: { readonly requestId: string; readonly route: Route; readonly sessionId: string | undefined; readonly body: string }
    ): Effect.Effect<HttpServerResponse.HttpServerResponse> =>
      Effect.gen(function*() {
        const { query } = splitUrl(request.url)
        const fault = yield* nextFault(plan, incoming.route, incoming.sessionId)
        const performs = fault === undefined || Fault.performs(fault)
        const headers: Readonly<Record<string, string>> = { ...request.headers }
        const unauthorized = authenticate(headers, options.apiKeys)
        const now = yield* ChatModel.timestamp
        const newSessionId = incoming.route === "create" ? `ses-${randomHex(12)}` : ""
        const outcome: Outcome = unauthorized !== undefined ?
          { reply: unauthorized } :
          yield* Ref.modify(model, (state) => {
            const [outcome, next] = handle(state, { ...incoming, query, headers, now, newSessionId }, format)
            return [outcome, performs ? next : state]
          })
        const { created, turn } = outcome
        if (performs && created !== undefined) yield* Ref.update(sessions, (all) => [...all, created])
        // Idempotent: a turn is recorded once, and only while it is the one running.
        const finish = turn === undefined || !performs ?
          Effect.void :
          Effect.flatMap(ChatModel.timestamp, (at) => Ref.update(model, (state) => ChatModel.finishTurn(state, turn, at)))

        if (turn !== undefined && (fault === undefined || isStreamFault(fault))) {
          return yield* streamTurn(raw, { ...outcome, turn }, { fault, pacing, format, onStop: () => runSync(finish) })
            .pipe(Effect.ensuring(finish))
        }
        yield* finish
        if (fault === undefined || isStreamFault(fault)) return toResponse(outcome.reply)
        return yield* actOut(raw, fault, outcome)
      })

    const app = Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      const raw = rawOf(request)
      if (raw === undefined) return toResponse(detail(505, "HTTP Version Not Supported"))
      const requestId = `req-${randomHex(12)}`
      // On the node response itself, so hand-written fault responses carry it as well.
      raw.response.setHeader("x-request-id", requestId)
      const { path, query } = splitUrl(request.url)
      const body = yield* request.text
      const receivedAt = yield* Clock.currentTimeMillis
      yield* Ref.update(requests, (all) => [
        ...all,
        { requestId, method: request.method, path, query, headers: { ...request.headers }, body, receivedAt }
      ])
      const found = match(request.method, path)
      switch (found._tag) {
        case "NotFound":
          return toResponse(detail(404, "Not Found"))
        case "MethodNotAllowed":
          return toResponse(detail(405, "Method Not Allowed", { allow: found.allow }))
        case "Route":
          return yield* Effect.uninterruptible(
            serve(request, raw, { requestId, route: found.route, sessionId: found.sessionId, body })
          )
      }
    }).pipe(
      // The body never arrived in full: the client has gone, so whatever is answered is not read.
      Effect.catchTag("HttpServerError", () => Effect.succeed(toResponse(detail(400, "There was an error parsing the body"))))
    )

    // Wraps the whole handling, the platform's writing of the response included. A client that
    // leaves mid-response interrupts its handler: that is no failure of this double.
    yield* server.serve(app, (handled) =>
      SubscriptionRef.update(handling, (n) => n + 1).pipe(
        Effect.andThen(handled),
        Effect.tapCause((cause) =>
          Cause.hasInterruptsOnly(cause) ? Effect.void : Ref.update(failures, (all) => [...all, cause])
        ),
        Effect.ensuring(SubscriptionRef.update(handling, (n) => n - 1))
      ))

    // Added after the platform's own finalizers, so it runs first: the platform's graceful
    // `server.close()` would otherwise wait on a stalled connection. Every handler ends once its
    // socket is gone, so waiting for them to finish is bounded.
    const closeAll = Effect.callback<void>((resume) => connections.closeAll(() => resume(Effect.void)))
    yield* Effect.addFinalizer(() => Effect.andThen(closeAll, idle))

    const address = server.address
    const port = address._tag === "UnixPathAddress" ? 0 : address.port
    const host = options.host ?? "127.0.0.1"
    return {
      url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
      port,
      requests: Ref.get(requests),
      sessions: Ref.get(sessions),
      model: Ref.get(model),
      connections: Effect.sync(connections.count),
      setFaults: (next: FaultPlan) => Effect.flatMap(planState(next), (state) => Ref.set(plan, state)),
      reset: Effect.all([
        Ref.set(requests, []),
        Ref.set(sessions, []),
        Ref.set(model, ChatModel.empty),
        Effect.flatMap(planState(undefined), (state) => Ref.set(plan, state))
      ], { discard: true }),
      idle,
      handlerFailures: Ref.get(failures)
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
