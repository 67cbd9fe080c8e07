/**
 * The client's spans as Effect 4's tracer receives them, over the mock transport: one client span
 * per operation with the HTTP client conventions, a child of the caller's span, how a turn went,
 * the attempts a retry took, and nothing secret in it; and the same spans as an OpenTelemetry
 * exporter receives them (through `@effect/opentelemetry`), over a real socket to the local server.
 */
import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it, layer } from "@effect/vitest"
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import type * as Tracer from "effect/Tracer"
import { ChatService } from "../src/ChatService.js"
import { LlamaCloudClient } from "../src/LlamaCloudClient.js"
import { RetryPolicy } from "../src/RetryPolicy.js"
import { TimeoutPolicy } from "../src/TimeoutPolicy.js"
import { MockTransport } from "../src/testing.js"
import { LocalServer } from "../src/testing/node.js"
import { captureLogs, chatLayer, ok, SESSION_ID, sseReply, turnEvents } from "./fixtures/calls.js"
import { clientSpan, clientSpansSeen, operationSpans, secretsHeld, turnEndings, turnSeen, turnWentWell } from "../../test/shared/exportedSpans.js"
import { API_KEY, BASE_URL, recordSpans, sessionJson } from "./fixtures/harness.js"

const INDEX = "idx-handbook"
const turn = { prompt: "What do llamas eat?", indexIds: [INDEX] }
const withId = { "x-request-id": "req-1" }

/** Every operation once, over replies in the same order, a streamed turn and a collected one included. */
const everyOperation = Effect.gen(function*() {
  const chat = yield* ChatService
  yield* chat.create({ indexIds: [INDEX] })
  yield* Stream.runDrain(chat.list({ pageSize: 10 }))
  yield* chat.listPage({ pageSize: 10 })
  yield* Stream.runDrain(chat.sendMessage(SESSION_ID, turn))
  yield* chat.ask(SESSION_ID, turn)
  yield* chat.retrieve(SESSION_ID)
  yield* chat.getSummary(SESSION_ID)
  yield* chat.delete(SESSION_ID)
})

const turnReply = MockTransport.text(200, turnEvents.map((e) => `data: ${JSON.stringify(e)}\n\n`).join(""), {
  "content-type": "text/event-stream",
  ...withId
})

const replies = [
  MockTransport.json(200, sessionJson(), withId),
  MockTransport.json(200, { items: [sessionJson()] }, withId),
  MockTransport.json(200, { items: [sessionJson()] }, withId),
  turnReply,
  turnReply,
  MockTransport.json(200, { ...sessionJson(), events: [] }, withId),
  MockTransport.json(200, sessionJson(), withId),
  MockTransport.text(204, "", withId)
]

const named = (spans: ReadonlyArray<Tracer.Span>, name: string): Tracer.Span => {
  const span = spans.find((s) => s.name === name)
  assert.isDefined(span, `no span named ${name} among ${spans.map((s) => s.name).join(", ")}`)
  return span!
}

const attributes = (span: Tracer.Span) => Object.fromEntries(span.attributes)

describe("spans", () => {
  it.effect("one client span per operation, named ChatService.<operation>, with the HTTP client conventions", () =>
    Effect.gen(function*() {
      const { spans, tracer } = yield* recordSpans
      yield* Effect.withTracer(everyOperation, tracer)
      const url = new URL(BASE_URL)
      for (const { method, name, route, status } of operationSpans) {
        const span = named(spans, name)
        assert.strictEqual(span.kind, "client", name)
        assert.deepInclude(attributes(span), {
          "http.request.method": method,
          "server.address": url.hostname,
          "url.path": route,
          "url.template": route,
          "http.response.status_code": status,
          "llamacloud.attempts": 1
        }, name)
        assert.isNumber(span.attributes.get("server.port"), name)
        assert.strictEqual(span.attributes.get("llamacloud.request_id"), "req-1", name)
        assert.strictEqual(span.status._tag, "Ended", name)
      }
      // The list's page and the ask's turn are their own spans: no request-level span of the transport.
      assert.deepStrictEqual(
        spans.map((span) => span.name),
        operationSpans.map(({ name }) => name)
      )
    }).pipe(Effect.provide(chatLayer(replies))))

  it.effect("a turn's span says how the turn went: events, ending, time to first event, token usage", () =>
    Effect.gen(function*() {
      const { spans, tracer } = yield* recordSpans
      yield* Effect.withTracer(Stream.runDrain(Stream.unwrap(ChatService.use((chat) => Effect.succeed(chat.sendMessage(SESSION_ID, turn))))), tracer)
      const span = attributes(named(spans, "ChatService.sendMessage"))
      assert.strictEqual(span["llamacloud.turn.ended"], "stop")
      assert.strictEqual(span["llamacloud.turn.is_error"], false)
      assert.strictEqual(span["llamacloud.turn.events"], turnEvents.length)
      assert.isAtLeast(Number(span["llamacloud.turn.time_to_first_event_ms"]), 0)
      assert.strictEqual(span["gen_ai.usage.input_tokens"], 3)
      assert.strictEqual(span["gen_ai.usage.output_tokens"], 2)
    }).pipe(Effect.provide(chatLayer([sseReply()]))))

  it.effect("a turn cut off says so in its span", () =>
    Effect.gen(function*() {
      const { spans, tracer } = yield* recordSpans
      const error = yield* Effect.flip(
        Effect.withTracer(Stream.runDrain(Stream.unwrap(ChatService.use((chat) => Effect.succeed(chat.sendMessage(SESSION_ID, turn))))), tracer)
      )
      assert.strictEqual(error._tag === "NetworkError" ? error.reason : "", "ConnectionLost")
      const span = named(spans, "ChatService.sendMessage")
      assert.strictEqual(span.attributes.get("llamacloud.turn.ended"), "failed")
      assert.strictEqual(span.attributes.get("llamacloud.turn.events"), 2)
    }).pipe(Effect.provide(chatLayer([sseReply(turnEvents.slice(0, 2))]))))

  it.effect("the client's span is a child of the caller's span, in its trace", () =>
    Effect.gen(function*() {
      const { spans, tracer } = yield* recordSpans
      yield* ChatService.use((chat) => chat.create({ indexIds: [INDEX] })).pipe(
        Effect.withSpan("app.start-conversation"),
        Effect.withTracer(tracer)
      )
      const app = named(spans, "app.start-conversation")
      const call = named(spans, "ChatService.create")
      assert.strictEqual(call.parent._tag === "Some" ? call.parent.value.spanId : undefined, app.spanId)
      assert.strictEqual(call.traceId, app.traceId)
    }).pipe(Effect.provide(chatLayer([ok]))))

  it.effect("a retried call records its attempts", () =>
    Effect.gen(function*() {
      const { spans, tracer } = yield* recordSpans
      yield* Effect.withTracer(ChatService.use((chat) => chat.create()), tracer)
      assert.strictEqual(named(spans, "ChatService.create").attributes.get("llamacloud.attempts"), 2)
    }).pipe(Effect.provide(chatLayer([MockTransport.json(503, { detail: "busy" }, { "retry-after-ms": "0" }), ok]))))

  it.effect("no attribute or status holds the API key or a session id, on success or failure", () =>
    Effect.gen(function*() {
      const { spans, tracer } = yield* recordSpans
      const secretSession = "ses-SECRET-7e1b"
      yield* Effect.withTracer(
        Effect.gen(function*() {
          const chat = yield* ChatService
          yield* Effect.flip(chat.retrieve(secretSession))
          yield* Effect.flip(chat.getSummary(secretSession))
          yield* Effect.flip(Stream.runDrain(chat.sendMessage(secretSession, turn)))
        }),
        tracer
      )
      assert.lengthOf(spans, 3)
      for (const span of spans) {
        const status = span.status
        const recorded = JSON.stringify({
          name: span.name,
          attributes: attributes(span),
          failure: status._tag === "Ended" && Exit.isFailure(status.exit) ? String(status.exit.cause) : ""
        })
        assert.include(recorded, "{session_id}", `span ${span.name} names the route`)
        for (const secret of [API_KEY, secretSession]) {
          assert.notInclude(recorded, secret, `span ${span.name} holds ${secret}`)
        }
      }
    }).pipe(Effect.provide(chatLayer([
      MockTransport.json(404, { detail: "Session ses-SECRET-7e1b not found" }),
      MockTransport.json(401, { detail: `bad key ${API_KEY}` }),
      MockTransport.json(404, { detail: "no such session ses-SECRET-7e1b" })
    ]))))
})

// -------------------------------------------------------------------------------------------------
// exported through @effect/opentelemetry, over a socket to the local server

const SERVER_KEY = "llx-SECRET-telemetry-4f2a"

/** An exporter that keeps spans in memory, and the SDK layer that feeds it every span at its end. */
const exporting = () => {
  const exporter = new InMemorySpanExporter()
  const layer = NodeSdk.layer(() => ({
    resource: { serviceName: "telemetry-test" },
    spanProcessor: new SimpleSpanProcessor(exporter)
  }))
  return { exporter, layer }
}

/** `ChatService` over undici to the local server, with `key`; the server accepts only `SERVER_KEY`. */
const overSocket = (key: string) =>
  Layer.unwrap(Effect.map(LocalServer.url, (baseUrl) =>
    ChatService.layer.pipe(
      Layer.provide(LlamaCloudClient.layer({ apiKey: Redacted.make(key), baseUrl })),
      Layer.provide(NodeHttpClient.layerUndici),
      Layer.orDie
    ))).pipe(Layer.provide(RetryPolicy.layer({ baseDelay: "5 millis", jitter: 0 })))

/** Every operation once against the local server; returns the session id. */
const everyOperationServed = Effect.gen(function*() {
  const chat = yield* ChatService
  const session = yield* chat.create({ indexIds: [INDEX] })
  yield* Stream.runDrain(chat.list({ pageSize: 10 }))
  yield* chat.listPage({ pageSize: 10 })
  yield* Stream.runDrain(chat.sendMessage(session.sessionId, turn))
  yield* chat.ask(session.sessionId, { prompt: "And alpacas?", indexIds: [INDEX] })
  yield* chat.retrieve(session.sessionId)
  yield* chat.getSummary(session.sessionId)
  yield* chat.delete(session.sessionId)
  return session.sessionId
})

const exported = (spans: ReadonlyArray<ReadableSpan>, name: string): ReadableSpan => {
  const span = spans.find((s) => s.name === name)
  if (span === undefined) return assert.fail(`no span named ${name} among ${spans.map((s) => s.name).join(", ")}`)
  return span
}

describe("spans exported through @effect/opentelemetry", () => {
  layer(LocalServer.layer({ apiKeys: [SERVER_KEY] }), { excludeTestServices: true })((it) => {
    it.effect("one client span per operation, named ChatService.<operation>, with the HTTP client conventions", () => {
      const otel = exporting()
      return Effect.gen(function*() {
        const port = (yield* LocalServer.LocalServer).port
        yield* everyOperationServed.pipe(Effect.provide(overSocket(SERVER_KEY)))
        assert.deepStrictEqual(clientSpansSeen(otel.exporter.getFinishedSpans()), operationSpans.map(clientSpan(port)))
      }).pipe(Effect.provide(otel.layer))
    })

    it.effect("a turn's span says how the turn went: events, ending, time to first event, token usage", () => {
      const otel = exporting()
      return Effect.gen(function*() {
        yield* everyOperationServed.pipe(Effect.provide(overSocket(SERVER_KEY)))
        assert.deepStrictEqual(turnSeen(exported(otel.exporter.getFinishedSpans(), "ChatService.sendMessage").attributes), turnWentWell)
      }).pipe(Effect.provide(otel.layer))
    })

    it.effect("a turn that fails says so in its span: cut off, or stalled past its idle limit", () => {
      const otel = exporting()
      return Effect.gen(function*() {
        const chat = yield* ChatService
        const session = yield* chat.create({ indexIds: [INDEX] })
        const sent = Stream.runDrain(chat.sendMessage(session.sessionId, turn))
        yield* LocalServer.setFaults({ script: [LocalServer.Fault.cutStream(2)], route: "sendMessage" })
        const cut = yield* Effect.flip(sent)
        yield* LocalServer.setFaults({ script: [LocalServer.Fault.stallStream(2)], route: "sendMessage" })
        const stalled = yield* Effect.flip(sent.pipe(Effect.provide(TimeoutPolicy.layer({ idle: "200 millis" }))))
        assert.deepStrictEqual([cut._tag, stalled._tag], ["NetworkError", "NetworkError"])
        assert.strictEqual(cut._tag === "NetworkError" ? cut.reason : "", "ConnectionLost")
        assert.strictEqual(stalled._tag === "NetworkError" ? stalled.reason : "", "IdleTimeout")
        assert.deepStrictEqual(turnEndings(otel.exporter.getFinishedSpans()), [{ ended: "failed", events: 2 }, { ended: "failed", events: 2 }])
      }).pipe(Effect.provide(overSocket(SERVER_KEY)), Effect.provide(otel.layer))
    })

    it.effect("the client's span is a child of the caller's span, in its trace", () => {
      const otel = exporting()
      return Effect.gen(function*() {
        yield* Effect.flatMap(ChatService, (chat) => chat.create({ indexIds: [INDEX] })).pipe(
          Effect.withSpan("app.start-conversation"),
          Effect.provide(overSocket(SERVER_KEY))
        )
        const spans = otel.exporter.getFinishedSpans()
        const app = exported(spans, "app.start-conversation").spanContext()
        const call = exported(spans, "ChatService.create")
        assert.strictEqual(call.parentSpanContext?.spanId, app.spanId)
        assert.strictEqual(call.spanContext().traceId, app.traceId)
      }).pipe(Effect.provide(otel.layer))
    })

    it.effect("no attribute, event or status holds the API key or a session id, on success or failure", () => {
      const otel = exporting()
      const wrongKey = "llx-SECRET-wrong-key-9c1d"
      return Effect.gen(function*() {
        const logs = captureLogs()
        const sessionId = yield* everyOperationServed.pipe(Effect.provide(overSocket(SERVER_KEY)))
        const failures = Effect.gen(function*() {
          const chat = yield* ChatService
          // A retried failure (debug logs become span events), an unknown session, a refused key.
          yield* LocalServer.setFaults({ script: [LocalServer.Fault.status(503, { route: ["retrieve"] })] })
          yield* Effect.flip(chat.retrieve(sessionId))
          yield* Effect.flip(chat.getSummary(sessionId))
          yield* Effect.flip(Stream.runDrain(chat.sendMessage(sessionId, { prompt: "Still there?", indexIds: [INDEX] })))
        })
        yield* failures.pipe(Effect.provide(overSocket(SERVER_KEY)), Effect.provide(logs.layer))
        yield* Effect.flip(Effect.flatMap(ChatService, (chat) => chat.retrieve(sessionId))).pipe(
          Effect.provide(overSocket(wrongKey))
        )
        const spans = otel.exporter.getFinishedSpans()
        assert.isTrue(spans.some((span) => span.events.length > 0), "the failures left events to search")
        assert.deepStrictEqual(secretsHeld(spans, [SERVER_KEY, wrongKey, "SECRET", sessionId]), [])
      }).pipe(Effect.provide(otel.layer))
    })
  })
})
