/**
 * The timeout policy, in virtual time: the per-attempt timeout covers the whole attempt (headers,
 * body and decoding), and the total deadline covers retries and their waits. The calls to a server
 * that never answers are test/shared/timeoutCalls.ts, run by both editions.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as TestClock from "effect/TestClock"
import { RetryPolicy } from "../src/RetryPolicy.js"
import { TimeoutPolicy } from "../src/TimeoutPolicy.js"
import { type MockReply, MockTransport } from "../src/testing.js"
import {
  chatLayer,
  chatOver,
  create,
  failsWith,
  ok,
  requests,
  sessionJson,
  sleepingUntil,
  stallingBody,
  waitUntil,
  wakeAt
} from "./fixtures/harness.js"
import { runPolicyCall } from "./fixtures/policyCall.js"
import { perAttemptTimeout, totalDeadline } from "./shared/timeoutCalls.js"

/** `ChatService` over a transport that sends half a body and then stalls. */
const overStallingBody = (declaresLength: boolean, policies: Layer.Layer<never, ConfigError.ConfigError>) => {
  const { state, transport } = stallingBody({ declaresLength })
  return { state, layer: chatOver(transport, {}, policies) }
}

const stillRunning = <A, E>(fiber: Fiber.RuntimeFiber<A, E>) => Effect.map(Fiber.poll(fiber), Option.isNone)

describe("the per-attempt timeout", () => {
  for (const declaresLength of [false, true]) {
    it.effect(`fires while the body stalls (${declaresLength ? "with" : "without"} a Content-Length)`, () => {
      const { layer, state } = overStallingBody(declaresLength, TimeoutPolicy.layer({ perAttempt: "5 seconds" }))
      return Effect.gen(function*() {
        const fiber = yield* Effect.fork(failsWith("NetworkError")(create()))
        yield* waitUntil("the client has read the first half of the body", Effect.sync(() => state.halfRead))
        yield* sleepingUntil(5_000)
        yield* TestClock.adjust("4999 millis")
        assert.isTrue(yield* stillRunning(fiber), "the attempt may take all of its 5 s")
        yield* TestClock.adjust("1 millis")
        const error = yield* Fiber.join(fiber)
        assert.strictEqual(error.reason, "AttemptTimeout")
        assert.deepStrictEqual(error.timeout, Option.some(Duration.seconds(5)))
        assert.strictEqual(state.requests, 1, "an attempt timeout is not retried by default")
      }).pipe(Effect.provide(layer))
    })
  }

  for (const c of perAttemptTimeout) it.effect(c.name, () => runPolicyCall(c))
})

describe("the total deadline", () => {
  for (const c of totalDeadline) it.effect(c.name, () => runPolicyCall(c))

  it.effect("fires while the body stalls", () => {
    const { layer, state } = overStallingBody(false, TimeoutPolicy.layer({ total: "4 seconds" }))
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(failsWith("NetworkError")(create()))
      yield* waitUntil("the client has read the first half of the body", Effect.sync(() => state.halfRead))
      yield* wakeAt(4_000)
      assert.strictEqual((yield* Fiber.join(fiber)).reason, "DeadlineExceeded")
    }).pipe(Effect.provide(layer))
  })
})

/** A transport that answers with a session after `ms` of real time, or fails as soon as the request is aborted. */
const answersAfter = (ms: number) =>
  chatOver(
    Layer.succeed(
      HttpClient.HttpClient,
      HttpClient.make((request, _url, signal) =>
        Effect.async<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError>((resume) => {
          const answer = setTimeout(() =>
            resume(Effect.succeed(HttpClientResponse.fromWeb(
              request,
              new Response(JSON.stringify(sessionJson()), { status: 200, headers: { "content-type": "application/json" } })
            ))), ms)
          const aborted = () => {
            clearTimeout(answer)
            resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause: signal.reason })))
          }
          signal.addEventListener("abort", aborted, { once: true })
          return Effect.sync(() => {
            clearTimeout(answer)
            signal.removeEventListener("abort", aborted)
          })
        })
      )
    ),
    {},
    Layer.empty
  )

// On Effect's live clock the limit is a host timer that aborts the request instead of a race
// against a sleeping fiber: the same outcomes, in real time.
describe("the per-attempt timeout on the live clock", () => {
  it.live("aborts a request that gets no answer, and reports the timeout", () =>
    Effect.gen(function*() {
      const started = Date.now()
      const error = yield* failsWith("NetworkError")(create())
      const elapsed = Date.now() - started
      assert.strictEqual(error.reason, "AttemptTimeout")
      assert.deepStrictEqual(error.timeout, Option.some(Duration.millis(100)))
      assert.isAtLeast(elapsed, 95)
      assert.lengthOf(yield* requests, 1)
    }).pipe(Effect.provide(chatLayer([MockTransport.hang], {}, TimeoutPolicy.layer({ perAttempt: "100 millis" })))))

  it.live("does not fire on an answer inside the limit, and is cleared when the attempt ends", () =>
    Effect.gen(function*() {
      const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === "Timeout").length
      const before = timers()
      const session = yield* create()
      assert.strictEqual(session.sessionId, "ses-1")
      // At most as many: the runner's own timers come and go meanwhile.
      assert.isAtMost(timers(), before, "a timer left behind would hold the process up for the whole limit")
    }).pipe(
      // A limit no loaded machine can reach: the answer is inside it however slow the host.
      Effect.provide(answersAfter(20)),
      Effect.provide(TimeoutPolicy.layer({ perAttempt: "30 seconds" }))
    ))

  // Host timers take at most 2^31 - 1 ms and fire at once past it.
  for (const limit of ["30 days", Duration.infinity] as const) {
    it.live(`of ${Duration.format(Duration.decode(limit))} does not fire at once`, () =>
      Effect.gen(function*() {
        const session = yield* create()
        assert.strictEqual(session.sessionId, "ses-1")
      }).pipe(
        Effect.provide(answersAfter(30)),
        Effect.provide(TimeoutPolicy.layer({ perAttempt: limit }))
      ))
  }
})

describe("once a status has arrived", () => {
  /** An error status whose body stalls after its first bytes, until the request is aborted. */
  const stalledError = (status: number, then: MockReply) => {
    const state = { requests: 0 }
    const client = HttpClient.make((request, _url, signal) =>
      Effect.sync(() => {
        state.requests++
        if (state.requests > 1 && then._tag === "Reply") {
          return HttpClientResponse.fromWeb(request, new Response(then.body, { status: then.status, headers: then.headers }))
        }
        const body = new ReadableStream<Uint8Array>({
          start: (controller) => {
            controller.enqueue(new TextEncoder().encode(`{"detail": "`))
            signal.addEventListener("abort", () => controller.error(signal.reason), { once: true })
          }
        })
        return HttpClientResponse.fromWeb(request, new Response(body, { status, headers: { "content-type": "application/json" } }))
      })
    )
    return { state, transport: Layer.succeed(HttpClient.HttpClient, client) }
  }

  it.effect("a 503 whose body stalls past the limit is still a 503, and retried", () => {
    const { state, transport } = stalledError(503, ok)
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.withRandom(create(), Random.fixed([0])))
      yield* sleepingUntil(1_000)
      yield* TestClock.adjust("1 second")
      yield* wakeAt(1_500)
      const session = yield* Fiber.join(fiber)
      assert.strictEqual(session.sessionId, "ses-1")
      assert.strictEqual(state.requests, 2)
    }).pipe(Effect.provide(chatOver(transport, {}, Layer.mergeAll(TimeoutPolicy.layer({ perAttempt: "1 second" }), RetryPolicy.layer({ jitter: 0 })))))
  })

  it.effect("a 401 whose body stalls past the limit is an AuthError, not a timeout", () => {
    const { transport } = stalledError(401, ok)
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(failsWith("AuthError")(create()))
      yield* sleepingUntil(1_000)
      yield* TestClock.adjust("1 second")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error.status, 401)
      assert.notInclude(error.message, "timeout")
    }).pipe(Effect.provide(chatOver(transport, {}, TimeoutPolicy.layer({ perAttempt: "1 second" }))))
  })
})
