/**
 * The Effect 4 edition's reliability adapter: the two transports, a client for one server, a call
 * of each operation, and what a call ended in read into the plain data of
 * `test/shared/reliability/outcome.ts`, so that the checks shared with the Effect 3 edition judge
 * this edition too; and the local server, the client and each operation as the shared fault
 * matrices' runner (`test/shared/reliability/runner.ts`) drives them. What the process watches
 * (sockets, timers, rejections) is shared as it is.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Cause from "effect/Cause"
import type * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as References from "effect/References"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Tracer from "effect/Tracer"
import { inspect } from "node:util"
import { ChatService } from "../../src/ChatService.js"
import type { ChatEvent } from "../../src/ChatEvent.js"
import type { CreateSessionParams, SendMessageParams } from "../../src/ChatParams.js"
import { LlamaCloudClient } from "../../src/LlamaCloudClient.js"
import { isLlamaCloudError, type LlamaCloudError } from "../../src/LlamaCloudError.js"
import { RetryPolicy } from "../../src/RetryPolicy.js"
import * as ChatModel from "../../src/testing/ChatModel.js"
import { TimeoutPolicy } from "../../src/TimeoutPolicy.js"
import { type MockReply, MockTransport } from "../../src/testing.js"
import { LocalServer } from "../../src/testing/node.js"
import type { Name } from "../../../src/core/operations.js"
import { calling, SESSION_ID } from "../../../test/shared/operations.js"
import { API_KEY } from "../../../test/shared/reliability/key.js"
import { type Policies, retryOptions } from "../../../test/shared/reliability/matrix.js"
import {
  type CallReport,
  type Delivered,
  type ErrorFacts,
  type EventFacts,
  labelOf,
  type Outcome
} from "../../../test/shared/reliability/outcome.js"
import type { Interruptible, Running, StartRequest } from "../../../test/shared/reliability/interruption.js"
import type { MockAnswer } from "../../../test/shared/reliability/mockAnswer.js"
import type { CallRequest, CallResult, MatrixServer } from "../../../test/shared/reliability/runner.js"

export { API_KEY, SESSION_ID }

// -------------------------------------------------------------------------------------------------
// transports and the client

export interface Transport {
  /** Short name, used in rows and test names. */
  readonly name: "undici" | "fetch"
  /** What a user provides. */
  readonly label: string
  readonly layer: Layer.Layer<HttpClient.HttpClient>
  /**
   * Whether the transport's connection pool lives and dies with the layer. `layerUndici` builds an
   * `Agent` per layer; `FetchHttpClient.layer` uses the process-wide pool of Node's `fetch`.
   */
  readonly ownsPool: boolean
}

export const undici: Transport = {
  name: "undici",
  label: "NodeHttpClient.layerUndici",
  layer: NodeHttpClient.layerUndici,
  ownsPool: true
}

export const fetch: Transport = {
  name: "fetch",
  label: "FetchHttpClient.layer",
  layer: FetchHttpClient.layer,
  ownsPool: false
}

export const transports: ReadonlyArray<Transport> = [undici, fetch]

/** `ChatService` for `baseUrl` over `transport`, built with `policies`. */
export const clientLayer = (
  baseUrl: string,
  transport: Layer.Layer<HttpClient.HttpClient, Config.ConfigError>,
  policies: Layer.Layer<never, Config.ConfigError> = Layer.empty
): Layer.Layer<ChatService> =>
  ChatService.layer.pipe(
    Layer.provide(policies),
    Layer.provide(LlamaCloudClient.layer({ apiKey: Redacted.make(API_KEY), baseUrl })),
    Layer.provide(transport),
    // Every scenario passes valid options: a ConfigError here is a bug in the suite.
    Layer.orDie
  )

/** This edition's mock transport reply for a shared answer. */
export const mockReply = (answer: MockAnswer): MockReply =>
  "socketError" in answer
    ? MockTransport.fail(answer.socketError)
    : "json" in answer
    ? MockTransport.json(answer.status, answer.json, answer.headers)
    : MockTransport.text(answer.status, answer.text, answer.headers)

// -------------------------------------------------------------------------------------------------
// the operations, as the suites call them

const turnParams = calling.sendMessage.params as SendMessageParams

const factsOfEvent = (event: ChatEvent): EventFacts => ({
  _tag: event._tag,
  ...("type" in event && typeof event.type === "string" ? { type: event.type } : {}),
  ...(event._tag === "Stop" ? { isError: event.isError } : {})
})

const kept = (delivered: Delivered, value: unknown) => Effect.sync(() => void delivered.items.push(value === undefined ? "void" : "value"))

/** Runs operation `name` on the `ChatService` in context, noting in `delivered` what it handed back. */
export const callOperation = (
  name: Name,
  delivered: Delivered = { events: [], items: [] },
  sessionId: string = SESSION_ID,
  turn: SendMessageParams = turnParams,
  createParams: CreateSessionParams = calling.create.params as CreateSessionParams
): Effect.Effect<void, LlamaCloudError, ChatService> =>
  ChatService.use((chat): Effect.Effect<void, LlamaCloudError> => {
    switch (name) {
      case "create":
        return Effect.flatMap(chat.create(createParams), (value) => kept(delivered, value))
      case "list":
        return Stream.runForEach(chat.list({ pageSize: 2 }), (value) => kept(delivered, value))
      case "listPage":
        return Effect.flatMap(chat.listPage(), (value) => kept(delivered, value))
      case "retrieve":
        return Effect.flatMap(chat.retrieve(sessionId), (value) => kept(delivered, value))
      case "getSummary":
        return Effect.flatMap(chat.getSummary(sessionId), (value) => kept(delivered, value))
      case "delete":
        return Effect.flatMap(chat.delete(sessionId), (value) => kept(delivered, value))
      case "sendMessage":
        return Stream.runForEach(chat.sendMessage(sessionId, turn), (event) => Effect.sync(() => void delivered.events.push(factsOfEvent(event))))
      case "ask":
        return Effect.flatMap(chat.ask(sessionId, turn), (reply) =>
          Effect.sync(() => {
            const events = reply.events.map(factsOfEvent)
            delivered.events.push(...events)
            delivered.reply = { text: reply.text, events }
          }))
    }
  })

/**
 * Runs `effect`; after `guardMs` of real time without an end, returns `None` and leaves the call to
 * be interrupted in the background: a hang is reported, not waited on.
 */
export const guarded = <A, E>(effect: Effect.Effect<A, E>, guardMs: number): Effect.Effect<Option.Option<Exit.Exit<A, E>>> =>
  Effect.gen(function*() {
    const fiber = yield* Effect.forkDetach(effect)
    const ended = yield* Effect.timeoutOption(Fiber.await(fiber), guardMs)
    if (Option.isNone(ended)) yield* Effect.forkDetach(Fiber.interrupt(fiber))
    return ended
  })

// -------------------------------------------------------------------------------------------------
// observing logs and spans

export interface Observed {
  /** Every log line, every level, rendered in full (message, annotations, cause, spans). */
  readonly logs: Array<string>
  readonly spans: Array<Tracer.Span>
  /** Installs the capturing logger (all levels) and the recording tracer. */
  readonly layer: Layer.Layer<never>
}

/** A logger that keeps every line at every level, and a tracer that keeps every span. */
export const observe = (): Observed => {
  const logs: Array<string> = []
  const spans: Array<Tracer.Span> = []
  const logger = Logger.make(({ cause, fiber, logLevel, message }) => {
    logs.push(inspect({
      level: logLevel,
      message,
      annotations: fiber.getRef(References.CurrentLogAnnotations),
      cause: cause.reasons.length === 0 ? undefined : Cause.pretty(cause),
      spans: fiber.getRef(References.CurrentLogSpans).map(([label]) => label)
    }, { depth: 10 }))
  })
  const base = Tracer.Tracer.defaultValue()
  const tracer = Tracer.make({
    span(options) {
      const span = base.span(options)
      spans.push(span)
      return span
    }
  })
  const layer = Layer.mergeAll(
    Logger.layer([logger]),
    Layer.succeed(References.MinimumLogLevel, "All"),
    Layer.succeed(Tracer.Tracer, tracer)
  )
  return { logs, spans, layer }
}

/**
 * The numeric attribute `name` summed over every span called `spanName` (a listing makes one span
 * per page); `undefined` when no such span carries it.
 */
export const spanAttributeSum = (spans: ReadonlyArray<Tracer.Span>, spanName: string, name: string): number | undefined => {
  const numbers = spans.filter((span) => span.name === spanName).map((span) => span.attributes.get(name))
    .filter((value): value is number => typeof value === "number")
  return numbers.length === 0 ? undefined : numbers.reduce((sum, n) => sum + n, 0)
}

const renderSpan = (span: Tracer.Span): string =>
  inspect({
    name: span.name,
    attributes: Object.fromEntries(span.attributes),
    events: "events" in span ? span.events : undefined,
    links: span.links
  }, { depth: 10 })

const failuresOf = (cause: Cause.Cause<unknown>): ReadonlyArray<unknown> =>
  cause.reasons.filter(Cause.isFailReason).map((reason) => reason.error)

/**
 * Every place the key could surface, as text: the error (message, `String`, `JSON.stringify`,
 * `inspect`), the whole cause pretty-printed, each log line and each span.
 */
export const renderings = (exit: Exit.Exit<unknown, unknown>, observed: Pick<Observed, "logs" | "spans">): Readonly<Record<string, string>> => {
  const texts: Record<string, string> = {}
  if (Exit.isFailure(exit)) {
    texts["Cause.pretty"] = Cause.pretty(exit.cause)
    failuresOf(exit.cause).forEach((error, i) => {
      texts[`error[${i}].message`] = error instanceof Error ? error.message : ""
      texts[`String(error[${i}])`] = String(error)
      texts[`JSON.stringify(error[${i}])`] = JSON.stringify(error)
      texts[`inspect(error[${i}])`] = inspect(error, { depth: 10 })
    })
  }
  observed.logs.forEach((line, i) => (texts[`log[${i}]`] = line))
  observed.spans.forEach((span, i) => (texts[`span[${i}] ${span.name}`] = renderSpan(span)))
  return texts
}

// -------------------------------------------------------------------------------------------------
// outcomes, as plain data

const millis = (duration: Option.Option<Duration.Duration>): number | null =>
  Option.getOrNull(Option.map(duration, Duration.toMillis))

/** The facts of `error` the shared checks read. */
export const factsOf = (error: LlamaCloudError): ErrorFacts => {
  const common = { tag: error._tag, message: error.message }
  switch (error._tag) {
    case "ValidationError":
      return {
        ...common,
        detail: error.issues.map((issue) => issue.message).join("; "),
        issuePaths: error.issues.map((issue) => issue.path)
      }
    case "DecodeError":
      return { ...common, detail: "", problem: error.problem, bodyExcerpt: error.bodyExcerpt }
    case "NetworkError":
      return { ...common, detail: error.detail, timeoutMs: millis(error.timeout) }
    case "TurnError":
      return { ...common, detail: "", turnError: Option.getOrNull(error.error) }
    case "RateLimitError":
    case "ServerError":
      return { ...common, detail: error.detail, retryAfterMs: millis(error.retryAfter) }
    default:
      return { ...common, detail: error.detail }
  }
}

const label = (error: LlamaCloudError): string =>
  labelOf({
    _tag: error._tag,
    ...("reason" in error ? { reason: error.reason } : {}),
    ...("status" in error ? { status: typeof error.status === "number" ? error.status : Option.getOrNull(error.status) } : {})
  })

/** What `exit` ended in, as plain data: one `LlamaCloudError`, or anything else as a bug. */
export const plainOutcome = (exit: Exit.Exit<unknown, unknown>): Outcome => {
  if (Exit.isSuccess(exit)) return { _tag: "Success", label: "success" }
  const failures = failuresOf(exit.cause)
  const [error] = failures
  if (failures.length === 1 && !Cause.hasDies(exit.cause) && isLlamaCloudError(error)) {
    return { _tag: "Failure", label: label(error), error: factsOf(error) }
  }
  const pretty = Cause.pretty(exit.cause)
  const what = Cause.hasInterruptsOnly(exit.cause) ? "interrupted" : Cause.hasDies(exit.cause) ? "defect" : "not a LlamaCloudError"
  return { _tag: "Bug", label: `${what}: ${pretty.split("\n")[0] ?? ""}`, pretty }
}

/** Everything a call left to judge it by: its outcome, its errors' message lengths, every text the key could be in. */
export const reportOf = (exit: Exit.Exit<unknown, unknown>, observed: Pick<Observed, "logs" | "spans">): CallReport => ({
  outcome: plainOutcome(exit),
  messageLengths: Exit.isFailure(exit) ? failuresOf(exit.cause).map((error) => error instanceof Error ? error.message.length : 0) : [],
  texts: renderings(exit, observed)
})

// -------------------------------------------------------------------------------------------------
// the fault matrices' edition

/** The policies' layers, from the shared plain data. */
export const policyLayers = (p: Policies): Layer.Layer<never> =>
  Layer.merge(
    RetryPolicy.layer({
      baseDelay: Duration.millis(retryOptions.baseDelayMs),
      maxDelay: Duration.millis(retryOptions.maxDelayMs),
      jitter: retryOptions.jitter,
      maxRetryAfter: Duration.millis(retryOptions.maxRetryAfterMs),
      retryAmbiguous: p.retryAmbiguous,
      ...(p.maxRetries === undefined ? {} : { maxRetries: p.maxRetries })
    }),
    TimeoutPolicy.layer({
      perAttempt: Duration.millis(p.perAttemptMs),
      idle: Duration.millis(p.idleMs),
      ...(p.totalMs === undefined ? {} : { total: Duration.millis(p.totalMs) })
    })
  ).pipe(Layer.orDie)

const startServer = (options: LocalServer.Options): Promise<MatrixServer> =>
  Effect.runPromise(Effect.gen(function*() {
    const scope = yield* Scope.make()
    const server = yield* Layer.buildWithScope(LocalServer.layer(options), scope).pipe(
      Effect.map((context) => Context.get(context, LocalServer.LocalServer)),
      Effect.orDie
    )
    const read = <A>(effect: Effect.Effect<A>) => () => Effect.runPromise(effect)
    return {
      url: server.url,
      setFaults: (plan) => Effect.runPromise(server.setFaults(plan)),
      requests: read(Effect.map(server.requests, (requests) => requests.length)),
      sessions: read(Effect.map(server.sessions, (sessions) => sessions.length)),
      turnsOf: (sessionId) => Effect.runPromise(Effect.map(server.model, (model) => ChatModel.find(model, sessionId)?.turns)),
      openConnections: read(Effect.map(server.connections, (c) => c.open)),
      idle: (ms) => Effect.runPromise(Effect.map(Effect.timeoutOption(server.idle, ms), Option.isSome)),
      handlerFailures: read(Effect.map(server.handlerFailures, (failures) => failures.length)),
      close: () => Effect.runPromise(Scope.close(scope, Exit.void))
    } satisfies MatrixServer
  }))

const hang = (ms: number): Outcome => ({ _tag: "Bug", label: "hang", pretty: `no outcome within ${ms} ms: a hang` })

const call = (request: CallRequest): Promise<CallResult> =>
  Effect.runPromise(Effect.gen(function*() {
    const transport = transports.find((t) => t.name === request.transport)!
    const observed = observe()
    const scope = yield* Scope.make()
    const client = yield* Layer.buildWithScope(clientLayer(request.url, transport.layer, policyLayers(request.policies)), scope)
    const { turn } = request
    const started = performance.now()
    const ended = yield* guarded(
      callOperation(
        request.operation,
        request.delivered,
        request.sessionId,
        { prompt: turn.prompt, indexIds: turn.indexIds, ...(turn.requireAllIndexes === undefined ? {} : { requireAllIndexes: turn.requireAllIndexes }) },
        { indexIds: request.createParams.indexIds }
      ).pipe(Effect.provide(client), Effect.provide(observed.layer)),
      request.hangMs
    )
    const elapsedMs = performance.now() - started
    yield* Effect.promise(request.whileClientLives)
    yield* Scope.close(scope, Exit.void)
    const report: CallReport = Option.match(ended, {
      onNone: () => ({ outcome: hang(request.hangMs), messageLengths: [], texts: renderings(Exit.void, observed) }),
      onSome: (exit) => reportOf(exit, observed)
    })
    return {
      report,
      exit: ended,
      attempts: spanAttributeSum(observed.spans, `ChatService.${request.operation}`, "llamacloud.attempts"),
      elapsedMs
    }
  }))

const sendParams = (turn: StartRequest["turn"]): SendMessageParams => ({
  prompt: turn.prompt,
  indexIds: turn.indexIds,
  ...(turn.requireAllIndexes === undefined ? {} : { requireAllIndexes: turn.requireAllIndexes })
})

/** A turn read through `Stream.take(n)`: the consumer stops once it has its events. */
const takeCall = (request: StartRequest, take: number): Effect.Effect<void, LlamaCloudError, ChatService> =>
  ChatService.use((chat) =>
    chat.sendMessage(request.sessionId, sendParams(request.turn)).pipe(
      Stream.take(take),
      Stream.runForEach((event) => Effect.sync(() => void request.delivered.events.push(factsOfEvent(event))))
    ))

const start = (request: StartRequest): Promise<Running> =>
  Effect.runPromise(Effect.gen(function*() {
    const transport = transports.find((t) => t.name === request.transport)!
    const observed = observe()
    const { baseDelayMs, jitter, maxRetryAfterMs } = request.retry
    const policies = Layer.merge(
      RetryPolicy.layer({
        ...(baseDelayMs === undefined ? {} : { baseDelay: Duration.millis(baseDelayMs) }),
        ...(jitter === undefined ? {} : { jitter }),
        ...(maxRetryAfterMs === undefined ? {} : { maxRetryAfter: Duration.millis(maxRetryAfterMs) })
      }),
      TimeoutPolicy.layer({ perAttempt: Duration.millis(request.policies.perAttemptMs), idle: Duration.millis(request.policies.idleMs) })
    ).pipe(Layer.orDie)
    const scope = yield* Scope.make()
    const client = yield* Layer.buildWithScope(clientLayer(request.url, transport.layer, policies), scope)
    let ended = false
    const call = request.take === undefined
      ? callOperation(request.operation, request.delivered, request.sessionId, sendParams(request.turn), { indexIds: request.createParams.indexIds })
      : takeCall(request, request.take)
    const fiber = Effect.runFork(
      call.pipe(Effect.provide(client), Effect.provide(observed.layer), Effect.onExit(() => Effect.sync(() => void (ended = true))))
    )
    return {
      ended: () => ended,
      logLines: () => observed.logs.length,
      interrupt: () =>
        Effect.runPromise(Effect.gen(function*() {
          yield* Fiber.interrupt(fiber)
          const exit = yield* Fiber.await(fiber)
          return { interrupted: Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause), texts: renderings(exit, observed) }
        })),
      await: (ms) =>
        Effect.runPromise(Effect.map(Effect.timeoutOption(Fiber.await(fiber), ms), (exit) => ({
          succeeded: Option.isSome(exit) && Exit.isSuccess(exit.value),
          texts: Option.match(exit, { onNone: () => ({}), onSome: (e) => renderings(e, observed) })
        }))),
      close: () => Effect.runPromise(Scope.close(scope, Exit.void))
    } satisfies Running
  }))

/** This edition as the shared fault matrices and interruption cases run it. */
export const edition: Interruptible = {
  name: "effect4",
  transports: transports.map(({ label, name, ownsPool }) => ({ name, label, ownsPool })),
  startServer: (options) => startServer(options.apiKeys === undefined ? {} : { apiKeys: options.apiKeys }),
  call,
  start
}
