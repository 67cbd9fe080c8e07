/**
 * The Effect 3 edition's reliability adapter: what a call ended in, read into the plain data of
 * `test/shared/reliability/outcome.ts`, and the local server, the client and each operation as the
 * shared fault matrices' runner (`test/shared/reliability/runner.ts`) drives them, so that the
 * scenarios and the checks shared with the Effect 4 edition judge this edition.
 */
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { ChatEvent } from "../../src/ChatEvent.js"
import { ChatService } from "../../src/ChatService.js"
import type { LlamaCloudError } from "../../src/LlamaCloudError.js"
import { RetryPolicy } from "../../src/RetryPolicy.js"
import { TimeoutPolicy } from "../../src/TimeoutPolicy.js"
import * as ChatModel from "../../src/testing/ChatModel.js"
import { type MockReply, MockTransport } from "../../src/testing.js"
import { LocalServer } from "../../src/testing/node.js"
import { type Policies, retryOptions } from "../shared/reliability/matrix.js"
import type { CallReport, Delivered, ErrorFacts, EventFacts, Outcome } from "../shared/reliability/outcome.js"
import type { Interruptible, Running, StartRequest } from "../shared/reliability/interruption.js"
import type { MockAnswer } from "../shared/reliability/mockAnswer.js"
import type { CallRequest, CallResult, MatrixServer } from "../shared/reliability/runner.js"
import { clientLayer, labelOf, type Observed, observe, outcomeOf, renderings, spanAttributeSum, transports } from "./harness.js"

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

/** What `exit` ended in, as plain data. */
export const plainOutcome = (exit: Exit.Exit<unknown, unknown>): Outcome => {
  const outcome = outcomeOf(exit)
  switch (outcome._tag) {
    case "Success":
      return outcome
    case "Failure":
      return { _tag: "Failure", label: labelOf(outcome.error), error: factsOf(outcome.error) }
    case "Bug":
      return { _tag: "Bug", label: outcome.label, pretty: Cause.pretty(outcome.cause) }
  }
}

/** Everything a call left to judge it by: its outcome, its errors' message lengths, every text the key could be in. */
export const reportOf = (exit: Exit.Exit<unknown, unknown>, observed: Pick<Observed, "logs" | "spans">): CallReport => ({
  outcome: plainOutcome(exit),
  messageLengths: Exit.isFailure(exit)
    ? Chunk.toReadonlyArray(Cause.failures(exit.cause)).map((error) => error instanceof Error ? error.message.length : 0)
    : [],
  texts: renderings(exit, observed)
})

/** This edition's mock transport reply for a shared answer. */
export const mockReply = (answer: MockAnswer): MockReply =>
  "socketError" in answer
    ? MockTransport.fail(answer.socketError)
    : "json" in answer
    ? MockTransport.json(answer.status, answer.json, answer.headers)
    : MockTransport.text(answer.status, answer.text, answer.headers)

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

const factsOfEvent = (event: ChatEvent): EventFacts => ({
  _tag: event._tag,
  ...(event._tag === "UnknownEvent" ? { type: event.type } : {}),
  ...(event._tag === "Stop" ? { isError: event.isError } : {})
})

const kept = (delivered: Delivered) => (value: unknown) =>
  Effect.sync(() => void delivered.items.push(value === undefined ? "void" : "value"))

type Operation = Pick<CallRequest, "operation" | "sessionId" | "turn" | "createParams" | "listPageSize" | "delivered">

const sendParams = ({ turn }: Pick<CallRequest, "turn">) => ({
  prompt: turn.prompt,
  indexIds: turn.indexIds,
  ...(turn.requireAllIndexes === undefined ? {} : { requireAllIndexes: turn.requireAllIndexes })
})

/** Makes the call `request` asks for on the `ChatService` in context, noting in `delivered` what it handed back. */
const operationCall = (request: Operation): Effect.Effect<void, LlamaCloudError, ChatService> => {
  const { delivered, sessionId } = request
  return Effect.flatMap(ChatService, (chat): Effect.Effect<void, LlamaCloudError> => {
    switch (request.operation) {
      case "create":
        return Effect.flatMap(chat.create({ indexIds: request.createParams.indexIds }), kept(delivered))
      case "list":
        return Stream.runForEach(chat.list({ pageSize: request.listPageSize }), kept(delivered))
      case "listPage":
        return Effect.flatMap(chat.listPage(), kept(delivered))
      case "retrieve":
        return Effect.flatMap(chat.retrieve(sessionId), kept(delivered))
      case "getSummary":
        return Effect.flatMap(chat.getSummary(sessionId), kept(delivered))
      case "delete":
        return Effect.flatMap(chat.delete(sessionId), kept(delivered))
      case "sendMessage":
        return Stream.runForEach(chat.sendMessage(sessionId, sendParams(request)), (event) => Effect.sync(() => void delivered.events.push(factsOfEvent(event))))
      case "ask":
        return Effect.flatMap(chat.ask(sessionId, sendParams(request)), (reply) =>
          Effect.sync(() => {
            const events = reply.events.map(factsOfEvent)
            delivered.events.push(...events)
            delivered.reply = { text: reply.text, events }
          }))
    }
  })
}

const startServer = (options: LocalServer.Options): Promise<MatrixServer> =>
  Effect.runPromise(Effect.gen(function*() {
    const scope = yield* Scope.make()
    const server = yield* Layer.buildWithScope(LocalServer.layer(options), scope).pipe(
      Effect.map(Context.get(LocalServer.LocalServer)),
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
      idle: (ms) => Effect.runPromise(server.idle.pipe(Effect.timeout(ms), Effect.isSuccess)),
      handlerFailures: read(Effect.map(server.handlerFailures, (failures) => failures.length)),
      close: () => Effect.runPromise(Scope.close(scope, Exit.void))
    } satisfies MatrixServer
  }))

const call = (request: CallRequest): Promise<CallResult> =>
  Effect.runPromise(Effect.gen(function*() {
    const transport = transports.find((t) => t.name === request.transport)!
    const observed = observe()
    const scope = yield* Scope.make()
    const client = yield* Layer.buildWithScope(clientLayer(request.url, transport.layer, policyLayers(request.policies)), scope)
    const started = performance.now()
    const exit = yield* operationCall(request).pipe(
      Effect.timeoutFail({ duration: request.hangMs, onTimeout: () => new Error(`no outcome within ${request.hangMs} ms: a hang`) }),
      Effect.provide(client),
      Effect.provide(observed.layer),
      Effect.exit
    )
    const elapsedMs = performance.now() - started
    yield* Effect.promise(request.whileClientLives)
    yield* Scope.close(scope, Exit.void)
    return {
      report: reportOf(exit, observed),
      exit,
      attempts: spanAttributeSum(observed.spans, `ChatService.${request.operation}`, "llamacloud.attempts"),
      elapsedMs
    }
  }))

/** A turn read through `Stream.take(n)`: the consumer stops once it has its events. */
const takeCall = (request: Operation, take: number): Effect.Effect<void, LlamaCloudError, ChatService> =>
  Effect.flatMap(ChatService, (chat) =>
    chat.sendMessage(request.sessionId, sendParams(request)).pipe(
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
    const fiber = Effect.runFork(
      (request.take === undefined ? operationCall(request) : takeCall(request, request.take)).pipe(
        Effect.provide(client),
        Effect.provide(observed.layer),
        Effect.onExit(() => Effect.sync(() => void (ended = true)))
      )
    )
    return {
      ended: () => ended,
      logLines: () => observed.logs.length,
      interrupt: () =>
        Effect.runPromise(Effect.map(Fiber.interrupt(fiber), (exit) => ({ interrupted: Exit.isInterrupted(exit), texts: renderings(exit, observed) }))),
      await: (ms) =>
        Effect.runPromise(Effect.map(Effect.option(Effect.timeout(Fiber.await(fiber), ms)), (exit) => ({
          succeeded: Option.exists(exit, Exit.isSuccess),
          texts: Option.match(exit, { onNone: () => ({}), onSome: (e) => renderings(e, observed) })
        }))),
      close: () => Effect.runPromise(Scope.close(scope, Exit.void))
    } satisfies Running
  }))

/** This edition as the shared fault matrices and interruption cases run it. */
export const edition: Interruptible = {
  name: "effect3",
  transports: transports.map(({ label, name, ownsPool }) => ({ name, label, ownsPool })),
  startServer: (options) => startServer(options.apiKeys === undefined ? {} : { apiKeys: options.apiKeys }),
  call,
  start
}
