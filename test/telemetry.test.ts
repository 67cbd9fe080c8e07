/**
 * The client's spans as an OpenTelemetry exporter receives them (through `@effect/opentelemetry`),
 * over a real socket to the local server: one client span per operation with the HTTP client
 * conventions, a child of the caller's span, nothing secret in it; and retries logged at debug.
 */
import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, layer } from "@effect/vitest"
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { ChatService, LlamaCloudClient, RetryPolicy, TimeoutPolicy } from "../src/index.js"
import { LocalServer } from "../src/testing/node.js"
import { captureLogs } from "./fixtures/harness.js"
import { clientSpan, clientSpansSeen, operationSpans, secretsHeld, turnEndings, turnSeen, turnWentWell } from "./shared/exportedSpans.js"

const { Fault } = LocalServer

const API_KEY = "llx-SECRET-telemetry-4f2a"
const INDEX = "idx-handbook"

/** An exporter that keeps spans in memory, and the SDK layer that feeds it every span at its end. */
const exporting = () => {
  const exporter = new InMemorySpanExporter()
  const layer = NodeSdk.layer(() => ({
    resource: { serviceName: "telemetry-test" },
    spanProcessor: new SimpleSpanProcessor(exporter)
  }))
  return { exporter, layer }
}

/** `ChatService` over undici to the local server, with `key`; the server accepts only `API_KEY`. */
const client = (key: string) =>
  Layer.unwrapEffect(Effect.map(LocalServer.url, (baseUrl) =>
    ChatService.layer.pipe(
      Layer.provide(LlamaCloudClient.layer({ apiKey: Redacted.make(key), baseUrl })),
      Layer.provide(NodeHttpClient.layerUndici),
      Layer.orDie
    ))).pipe(Layer.provide(RetryPolicy.layer({ baseDelay: "5 millis", jitter: 0 })))

const server = LocalServer.layer({ apiKeys: [API_KEY] })

/** Every operation once, a streamed turn and a collected one included; returns the session id. */
const everyOperation = Effect.gen(function*() {
  const chat = yield* ChatService
  const session = yield* chat.create({ indexIds: [INDEX] })
  yield* Stream.runDrain(chat.list({ pageSize: 10 }))
  yield* chat.listPage({ pageSize: 10 })
  yield* Stream.runDrain(chat.sendMessage(session.sessionId, { prompt: "What do llamas eat?", indexIds: [INDEX] }))
  yield* chat.ask(session.sessionId, { prompt: "And alpacas?", indexIds: [INDEX] })
  yield* chat.retrieve(session.sessionId)
  yield* chat.getSummary(session.sessionId)
  yield* chat.delete(session.sessionId)
  return session.sessionId
})

const named = (spans: ReadonlyArray<ReadableSpan>, name: string): ReadableSpan => {
  const span = spans.find((s) => s.name === name)
  assert.isDefined(span, `no span named ${name} among ${spans.map((s) => s.name).join(", ")}`)
  return span!
}

describe("spans exported through @effect/opentelemetry", () => {
  layer(server, { excludeTestServices: true })((it) => {
    it.effect("one client span per operation, named ChatService.<operation>, with the HTTP client conventions", () => {
      const otel = exporting()
      return Effect.gen(function*() {
        const port = (yield* LocalServer.LocalServer).port
        yield* everyOperation.pipe(Effect.provide(client(API_KEY)))
        assert.deepStrictEqual(clientSpansSeen(otel.exporter.getFinishedSpans()), operationSpans.map(clientSpan(port)))
      }).pipe(Effect.provide(otel.layer))
    })

    it.effect("a turn's span says how the turn went: events, ending, time to first event, token usage", () => {
      const otel = exporting()
      return Effect.gen(function*() {
        yield* everyOperation.pipe(Effect.provide(client(API_KEY)))
        assert.deepStrictEqual(turnSeen(named(otel.exporter.getFinishedSpans(), "ChatService.sendMessage").attributes), turnWentWell)
      }).pipe(Effect.provide(otel.layer))
    })

    it.effect("a turn that fails says so in its span: cut off, or stalled past its idle limit", () => {
      const otel = exporting()
      return Effect.gen(function*() {
        const local = yield* LocalServer.LocalServer
        const chat = yield* ChatService
        const session = yield* chat.create({ indexIds: [INDEX] })
        const turn = Stream.runDrain(chat.sendMessage(session.sessionId, { prompt: "What do llamas eat?", indexIds: [INDEX] }))
        yield* local.setFaults({ script: [Fault.cutStream(2)], route: "sendMessage" })
        const cut = yield* Effect.flip(turn)
        yield* local.setFaults({ script: [Fault.stallStream(2)], route: "sendMessage" })
        const stalled = yield* Effect.flip(turn.pipe(Effect.provide(TimeoutPolicy.layer({ idle: "200 millis" }))))
        assert.deepStrictEqual([cut._tag, stalled._tag], ["NetworkError", "NetworkError"])
        assert.strictEqual(cut._tag === "NetworkError" ? cut.reason : "", "ConnectionLost")
        assert.strictEqual(stalled._tag === "NetworkError" ? stalled.reason : "", "IdleTimeout")
        assert.deepStrictEqual(turnEndings(otel.exporter.getFinishedSpans()), [{ ended: "failed", events: 2 }, { ended: "failed", events: 2 }])
      }).pipe(Effect.provide(client(API_KEY)), Effect.provide(otel.layer))
    })

    it.effect("the client's span is a child of the caller's span, in its trace", () => {
      const otel = exporting()
      return Effect.gen(function*() {
        yield* Effect.flatMap(ChatService, (chat) => chat.create({ indexIds: [INDEX] })).pipe(
          Effect.withSpan("app.start-conversation"),
          Effect.provide(client(API_KEY))
        )
        const spans = otel.exporter.getFinishedSpans()
        const app = named(spans, "app.start-conversation").spanContext()
        const call = named(spans, "ChatService.create")
        assert.strictEqual(call.parentSpanContext?.spanId, app.spanId)
        assert.strictEqual(call.spanContext().traceId, app.traceId)
      }).pipe(Effect.provide(otel.layer))
    })

    it.effect("no attribute, event or status holds the API key or a session id, on success or failure", () => {
      const otel = exporting()
      const wrongKey = "llx-SECRET-wrong-key-9c1d"
      return Effect.gen(function*() {
        const logs = captureLogs()
        const sessionId = yield* everyOperation.pipe(Effect.provide(client(API_KEY)))
        const failures = Effect.gen(function*() {
          const chat = yield* ChatService
          // A retried failure (debug logs become span events), an unknown session, a refused key.
          yield* LocalServer.setFaults({ script: [LocalServer.Fault.status(503, { route: ["retrieve"] })] })
          yield* Effect.flip(chat.retrieve(sessionId))
          yield* Effect.flip(chat.getSummary(sessionId))
          yield* Effect.flip(Stream.runDrain(chat.sendMessage(sessionId, { prompt: "Still there?", indexIds: [INDEX] })))
        })
        yield* failures.pipe(Effect.provide(client(API_KEY)), Effect.provide(logs.layer))
        yield* Effect.flip(Effect.flatMap(ChatService, (chat) => chat.retrieve(sessionId))).pipe(
          Effect.provide(client(wrongKey))
        )
        const spans = otel.exporter.getFinishedSpans()
        assert.isTrue(spans.some((span) => span.events.length > 0), "the failures left events to search")
        assert.deepStrictEqual(secretsHeld(spans, [API_KEY, wrongKey, "SECRET", sessionId]), [])
      }).pipe(Effect.provide(otel.layer))
    })
  })
})

describe("retries in logs", () => {
  layer(server, { excludeTestServices: true })((it) => {
    it.effect("a retry is logged at debug with the operation, the attempt and the reason, also as an event of the call's span", () => {
      const otel = exporting()
      const logs = captureLogs()
      return Effect.gen(function*() {
        yield* LocalServer.setFaults({ script: [LocalServer.Fault.status(503, { route: ["create"] })] })
        yield* Effect.flatMap(ChatService, (chat) => chat.create({ indexIds: [INDEX] })).pipe(
          Effect.provide(client(API_KEY)),
          Effect.provide(logs.layer)
        )
        const retries = logs.lines.filter((line) => line.message.includes("retrying"))
        assert.deepStrictEqual(
          retries.map((line) => ({
            level: line.level,
            operation: line.annotations["operation"],
            attempt: line.annotations["attempt"],
            reason: line.annotations["reason"]
          })),
          [{ level: "DEBUG", operation: "ChatService.create", attempt: 1, reason: "ServerError(503)" }]
        )
        const span = named(otel.exporter.getFinishedSpans(), "ChatService.create")
        assert.strictEqual(span.attributes["llamacloud.attempts"], 2)
        const event = span.events.find((e) => e.name.includes("retrying"))
        assert.deepInclude(event?.attributes, {
          operation: "ChatService.create",
          attempt: 1,
          reason: "ServerError(503)",
          "effect.logLevel": "DEBUG"
        })
      }).pipe(Effect.provide(otel.layer))
    })

    it.effect("without a debug level nothing is logged, and the span has no event", () => {
      const otel = exporting()
      return Effect.gen(function*() {
        yield* LocalServer.setFaults({ script: [LocalServer.Fault.status(503, { route: ["create"] })] })
        const lines: Array<string> = []
        yield* Effect.flatMap(ChatService, (chat) => chat.create({ indexIds: [INDEX] })).pipe(
          Effect.provide(client(API_KEY)),
          Effect.provide(Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => lines.push(String(message))))),
          Logger.withMinimumLogLevel(LogLevel.Info)
        )
        assert.deepStrictEqual(lines, [])
        assert.deepStrictEqual(named(otel.exporter.getFinishedSpans(), "ChatService.create").events, [])
      }).pipe(Effect.provide(otel.layer))
    })
  })
})
