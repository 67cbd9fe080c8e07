/**
 * The API key never leaves the client except in the Authorization header: not in errors (however
 * they are printed), not in logs, not in spans, even when a server echoes it back.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import type * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import { inspect } from "node:util"
import type { LlamaCloudError } from "../src/LlamaCloudError.js"
import { RetryPolicy } from "../src/RetryPolicy.js"
import { TimeoutPolicy } from "../src/TimeoutPolicy.js"
import { type MockReply, MockTransport } from "../src/testing.js"
import { captureLogs, chatLayer, create, ok, requests, wakeAt } from "./fixtures/calls.js"
import { API_KEY, recordSpans, sessionJson } from "./fixtures/harness.js"

const echo = `Invalid token: Bearer ${API_KEY}`

/** Every way `error` (and the cause it fails with) can be turned into text. */
const renderings = (error: LlamaCloudError, cause: Cause.Cause<LlamaCloudError>) => ({
  message: error.message,
  string: String(error),
  json: JSON.stringify(error),
  inspect: inspect(error, { depth: 10 }),
  pretty: Cause.pretty(cause),
  prettyErrors: inspect(Cause.prettyErrors(cause), { depth: 10 })
})

const assertNoKey = (texts: Readonly<Record<string, string>>) => {
  for (const [where, text] of Object.entries(texts)) {
    assert.notInclude(text, API_KEY, `the key leaked into ${where}`)
    assert.notInclude(text, "SECRET", `part of the key leaked into ${where}`)
  }
}

/**
 * Runs a call that ends in `tag`, driving the clock through `wakes`, with debug logs captured, and
 * checks the key is nowhere in the error or the logs.
 */
const leaksNothing = (
  tag: LlamaCloudError["_tag"],
  replies: ReadonlyArray<MockReply>,
  options: { readonly policies?: Layer.Layer<never, Config.ConfigError>; readonly wakes?: ReadonlyArray<number>; readonly params?: unknown } = {}
) => {
  const logs = captureLogs()
  return Effect.gen(function*() {
    // @ts-expect-error -- a caller may pass anything, the key included
    const call: ReturnType<typeof create> = create(options.params)
    const fiber = yield* Effect.forkChild(call)
    yield* wakeAt(...(options.wakes ?? []))
    const exit = yield* Fiber.await(fiber)
    if (Exit.isSuccess(exit)) return assert.fail(`expected a ${tag}, the call succeeded`)
    const error = yield* Effect.flip(exit)
    assert.strictEqual(error._tag, tag)
    assertNoKey(renderings(error, exit.cause))
    assertNoKey({ logs: inspect(logs.lines, { depth: 10 }) })
    return error
  }).pipe(Effect.provide(chatLayer(replies, {}, options.policies ?? Layer.empty)), Effect.provide(logs.layer))
}

const echoing = (status: number, headers: Record<string, string> = {}) => MockTransport.json(status, { detail: echo }, headers)

describe("the key is in no error, message, printout or log line", () => {
  it.effect("AuthError from a server that echoes the key", () =>
    Effect.gen(function*() {
      const error = yield* leaksNothing("AuthError", [echoing(401)])
      assert.include(error.message, "Invalid token: Bearer <redacted>", "the rest of the detail is kept")
    }))

  it.effect("ValidationError from a server that echoes the key in its issues", () =>
    leaksNothing("ValidationError", [
      MockTransport.json(422, { detail: [{ loc: ["header", API_KEY], msg: echo, type: "value_error" }] })
    ]))

  it.effect("ValidationError from a key passed by mistake as a parameter", () =>
    leaksNothing("ValidationError", [ok], { params: { projectId: API_KEY, indexIds: [API_KEY, ""] } }))

  it.effect("NotFoundError from an HTML page that shows the key", () =>
    leaksNothing("NotFoundError", [
      MockTransport.text(404, `<html><head><title>No route for ${API_KEY}</title></head></html>`, { "content-type": "text/html" })
    ]))

  it.effect("RateLimitError, retried and logged, from a server that echoes the key", () =>
    leaksNothing("RateLimitError", [echoing(429)], { policies: RetryPolicy.layer({ jitter: 0 }), wakes: [500, 1_500] }))

  it.effect("ServerError, retried and logged, from a plain-text body with the key", () =>
    leaksNothing("ServerError", [MockTransport.text(503, `upstream said: Authorization: Bearer ${API_KEY}`)], {
      policies: RetryPolicy.layer({ jitter: 0 }),
      wakes: [500, 1_500]
    }))

  it.effect("ApiError from a server that echoes the key", () => leaksNothing("ApiError", [echoing(409)]))

  it.effect("NetworkError ConnectFailed, retried and logged", () =>
    leaksNothing("NetworkError", [MockTransport.fail("ECONNREFUSED")], {
      policies: RetryPolicy.layer({ jitter: 0 }),
      wakes: [500, 1_500]
    }))

  it.effect("NetworkError ConnectionLost", () => leaksNothing("NetworkError", [MockTransport.fail("ECONNRESET")]))

  it.effect("NetworkError AttemptTimeout", () =>
    leaksNothing("NetworkError", [MockTransport.hang], { wakes: [60_000] }))

  it.effect("NetworkError DeadlineExceeded", () =>
    leaksNothing("NetworkError", [MockTransport.hang], { policies: TimeoutPolicy.layer({ total: "1 second" }), wakes: [1_000] }))

  it.effect("DecodeError from a 2xx body that is not JSON and starts with the key", () =>
    Effect.gen(function*() {
      const error = yield* leaksNothing("DecodeError", [MockTransport.text(200, `${API_KEY} is your key`)])
      if (error._tag !== "DecodeError") return
      assert.strictEqual(error.bodyExcerpt, "<redacted> is your key")
    }))

  it.effect("DecodeError from a 2xx JSON body with the key in a bad field", () =>
    leaksNothing("DecodeError", [MockTransport.json(200, sessionJson({ last_updated_at: API_KEY, echo: API_KEY }))]))

  it.effect("DecodeError from a 2xx HTML page with the key", () =>
    leaksNothing("DecodeError", [MockTransport.text(200, `<html><body>${API_KEY}</body></html>`, { "content-type": "text/html" })]))
})

describe("spans", () => {
  it.effect("hold no key, and record the attempts, status and request id", () =>
    Effect.gen(function*() {
      const { spans, tracer } = yield* recordSpans
      const fiber = yield* Effect.forkChild(create().pipe(Effect.withTracer(tracer)))
      yield* wakeAt(500)
      yield* Fiber.join(fiber)
      assert.lengthOf(yield* requests, 2)

      for (const span of spans) {
        for (const [name, value] of span.attributes) {
          assert.notInclude(String(value), "SECRET", `span ${span.name} leaks the key in ${name}`)
        }
      }
      const call = spans.find((span) => span.name === "ChatService.create")
      assert.isDefined(call)
      assert.strictEqual(call!.attributes.get("llamacloud.attempts"), 2)
      assert.strictEqual(call!.attributes.get("http.response.status_code"), 200)
      assert.strictEqual(call!.attributes.get("llamacloud.request_id"), "req-2")
      assert.strictEqual(call!.attributes.get("url.path"), "/api/v1/chat")
      // The call's span stands for the transport's per-attempt spans, which are off: no header is recorded.
      const headerAttributes = spans.flatMap((span) => [...span.attributes.keys()]).filter((name) => name.startsWith("http.request.header."))
      assert.deepStrictEqual(headerAttributes, [])
    }).pipe(
      Effect.provide(
        chatLayer([echoing(503, { "x-request-id": "req-1" }), MockTransport.json(200, sessionJson(), { "x-request-id": "req-2" })], {}, RetryPolicy.layer({ jitter: 0 }))
      )
    ))

  it.effect("of a failed call hold no key either", () =>
    Effect.gen(function*() {
      const { spans, tracer } = yield* recordSpans
      yield* Effect.flip(create().pipe(Effect.withTracer(tracer)))
      const call = spans.find((span) => span.name === "ChatService.create")
      assert.strictEqual(call?.attributes.get("llamacloud.attempts"), 1)
      assert.strictEqual(call?.attributes.get("http.response.status_code"), 401)
      for (const span of spans) {
        assert.notInclude(JSON.stringify([...span.attributes]), "SECRET")
        if (span.status._tag === "Ended") assert.notInclude(Cause.pretty(Exit.isFailure(span.status.exit) ? span.status.exit.cause : Cause.empty), "SECRET")
      }
    }).pipe(Effect.provide(chatLayer([echoing(401)]))))
})

describe("the transport's span", () => {
  it.effect("sends no trace-context header, even inside the app's own span", () =>
    Effect.gen(function*() {
      const { tracer } = yield* recordSpans
      yield* create().pipe(Effect.withSpan("app"), Effect.withTracer(tracer))
      const [request] = yield* requests
      const traceHeaders = Object.keys(request!.headers).filter((name) => name === "traceparent" || name.startsWith("b3"))
      assert.deepStrictEqual(traceHeaders, [])
    }).pipe(Effect.provide(chatLayer([ok]))))

  it.effect("can be turned back on with transformClient, and the headers it records hold no key", () =>
    Effect.gen(function*() {
      const { spans, tracer } = yield* recordSpans
      yield* create().pipe(Effect.withTracer(tracer))
      const transport = spans.filter((span) => span.name !== "ChatService.create")
      assert.lengthOf(transport, 1, "one transport span for the one attempt")
      const headers = [...transport[0]!.attributes].filter(([name]) => name.startsWith("http.request.header."))
      assert.isAbove(headers.length, 0)
      for (const [, value] of headers) assert.notInclude(String(value), "SECRET")
    }).pipe(Effect.provide(chatLayer([ok], {
      // Effect 4 records no header on a client span unless asked (TracerHeaderFilter): asked for all here.
      transformClient: (client) =>
        HttpClient.transformResponse(
          client,
          (response) =>
            response.pipe(
              Effect.provideService(HttpClient.TracerDisabledWhen, () => false),
              Effect.provideService(HttpClient.TracerHeaderFilter, () => true)
            )
        )
    }))))
})

describe("the request", () => {
  it.effect("carries the key in the Authorization header only", () =>
    Effect.gen(function*() {
      yield* create()
      const [request] = yield* requests
      assert.notInclude(request!.url, "SECRET")
      assert.notInclude(request!.body, "SECRET")
      const withKey = Object.entries(request!.headers).filter(([, value]) => value.includes(API_KEY)).map(([name]) => name)
      assert.deepStrictEqual(withKey, ["authorization"])
    }).pipe(Effect.provide(chatLayer([ok]))))
})
