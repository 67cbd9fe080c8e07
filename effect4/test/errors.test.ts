/**
 * Every way a call can fail ends in exactly one tagged error with a human message and the facts:
 * status, request id, retry-after. First what each call's failure becomes (the cases and what each
 * must show are in test/shared/callFailures.ts, run by both editions), then the errors themselves:
 * their tags, messages and type id, whoever builds them.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/testing/TestClock"
import {
  ApiError,
  AuthError,
  DecodeError,
  isLlamaCloudError,
  type LlamaCloudError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  ServerError,
  TurnError,
  TypeId,
  ValidationError
} from "../src/LlamaCloudError.js"
import { RetryPolicy } from "../src/RetryPolicy.js"
import { TimeoutPolicy } from "../src/TimeoutPolicy.js"
import { MockTransport } from "../src/testing.js"
import { callFailures, type Expected, type Reply, seen, timeouts } from "../../test/shared/callFailures.js"
import { REQUEST_ID } from "../../test/shared/errorAnswers.js"
import { chatLayer, create, replay, requests, sleepingUntil } from "./fixtures/calls.js"

/** Compares what `error` shows with what the case expects; every one is a `LlamaCloudError`. */
const expectError = (error: LlamaCloudError, expected: Expected) => {
  assert.deepStrictEqual(seen(error, Duration.toMillis, expected), { ...expected })
  assert.isTrue(isLlamaCloudError(error))
}

/** The single-attempt outcome of a call answered by `reply`. */
const failing = (reply: Reply) =>
  Effect.flip(create()).pipe(
    Effect.provide(chatLayer(["fails" in reply ? MockTransport.fail(reply.fails) : replay(reply)], {}, RetryPolicy.disabled))
  )

for (const { cases, title } of callFailures) {
  describe(title, () => {
    for (const { expected, name, reply } of cases) {
      it.effect(name, () => Effect.map(failing(reply), (error) => expectError(error, expected)))
    }
  })
}

describe("timeouts", () => {
  for (const { expected, expiresAtMs, name, totalMs } of timeouts) {
    it.effect(name, () =>
      Effect.gen(function*() {
        const fiber = yield* Effect.forkChild(Effect.flip(create()))
        yield* sleepingUntil(expiresAtMs)
        yield* TestClock.adjust(expiresAtMs)
        expectError(yield* Fiber.join(fiber), expected)
        assert.lengthOf(yield* requests, 1)
      }).pipe(
        Effect.provide(chatLayer([MockTransport.hang], {}, totalMs === undefined ? Layer.empty : TimeoutPolicy.layer({ total: totalMs })))
      ))
  }
})

const requestId = Option.some(REQUEST_ID)

const usage = { durationMs: 10, totalInputTokens: Option.none(), totalOutputTokens: Option.none(), turns: 1 }

/** One error of each tag, as the client builds them, and what its message must say. */
const cases: ReadonlyArray<readonly [LlamaCloudError, ReadonlyArray<string>]> = [
  [new AuthError({ status: 401, detail: "Invalid token", requestId }), ["LLAMA_CLOUD_API_KEY", "HTTP 401", `request id ${REQUEST_ID}`]],
  [new AuthError({ status: 403, detail: "Forbidden", requestId }), ["organizationId / projectId", "HTTP 403"]],
  [
    new ValidationError({ status: Option.some(422), issues: [{ path: ["body", "index_ids"], message: "too many" }], requestId }),
    ["LlamaCloud rejected the request as invalid: body.index_ids: too many", "HTTP 422"]
  ],
  [
    new ValidationError({ status: Option.none(), issues: [], requestId: Option.none() }),
    ["Invalid request, not sent: no details given. Fix the input and call again."]
  ],
  [new NotFoundError({ status: 404, detail: "Not Found", requestId }), ["LLAMA_CLOUD_BASE_URL", "HTTP 404"]],
  [
    new NotFoundError({ status: 404, detail: "Not Found", requestId, operation: "ChatService.retrieve", sessionId: "ses-1" }),
    [`ChatService.retrieve (session "ses-1"): `, `No chat session with id "ses-1"`]
  ],
  [
    new RateLimitError({ status: 429, detail: "slow down", retryAfter: Option.some(Duration.seconds(7)), requestId }),
    ["wait 7s", "HTTP 429"]
  ],
  [new RateLimitError({ status: 429, detail: "slow down", retryAfter: Option.none(), requestId }), ["Wait before calling again"]],
  [
    new RateLimitError({ status: 429, detail: "no token", retryAfter: Option.some(Duration.millis(1500)), requestId: Option.none(), origin: "local" }),
    ["local rate limit (RateLimitPolicy)", "free again in 1s 500ms", `onExceeded: "delay"`]
  ],
  [
    new RateLimitError({ status: 429, detail: "ECONNREFUSED", retryAfter: Option.none(), requestId: Option.none(), origin: "store" }),
    [`onStoreFailure: "proceed"`]
  ],
  [
    new RateLimitError({ status: 429, detail: "x", retryAfter: Option.some(Duration.days(800)), requestId }),
    ["wait 800 days"]
  ],
  [new ServerError({ status: 503, detail: "maintenance", retryAfter: Option.none(), requestId }), ["usually temporary", "HTTP 503"]],
  [new ApiError({ status: 409, detail: "busy", requestId }), ["The session is busy", "HTTP 409"]],
  [new ApiError({ status: 405, detail: "no", requestId }), ["Check the request against the API reference."]],
  [new NetworkError({ reason: "ConnectFailed", detail: "ECONNREFUSED", timeout: Option.none() }), ["nothing was sent"]],
  [new NetworkError({ reason: "ConnectionLost", detail: "ECONNRESET", timeout: Option.none() }), ["may have acted on the request"]],
  [
    new NetworkError({ reason: "AttemptTimeout", detail: "", timeout: Option.some(Duration.seconds(60)) }),
    ["per-attempt timeout of 1m", "TimeoutPolicy.layer({ perAttempt })"]
  ],
  [
    new NetworkError({ reason: "IdleTimeout", detail: "no event for 30s", timeout: Option.some(Duration.seconds(30)) }),
    ["The turn stalled", "TimeoutPolicy.layer({ idle })"]
  ],
  [
    new NetworkError({ reason: "DeadlineExceeded", detail: "", timeout: Option.some(Duration.infinity) }),
    ["total deadline of forever", "TimeoutPolicy.layer({ total })"]
  ],
  [
    new DecodeError({ status: 200, problem: "the body is empty", bodyExcerpt: "", requestId }),
    ["could not be decoded: the body is empty", `request id ${REQUEST_ID}`]
  ],
  [new TurnError({ error: Option.some("index unavailable"), usage }), ["The agent's turn failed on LlamaCloud: index unavailable"]],
  [new TurnError({ error: Option.none(), usage }), ["no reason given"]]
]

describe("every error", () => {
  for (const [error, says] of cases) {
    it(`${error._tag}: ${says[0]}`, () => {
      for (const fragment of says) assert.include(error.message, fragment)
      assert.isTrue(isLlamaCloudError(error))
      assert.strictEqual(error[TypeId], TypeId)
      assert.instanceOf(error, Error)
      assert.isAbove(error.message.length, 40)
      assert.strictEqual(String(error).split("\n")[0], `${error._tag}: ${error.message}`)
    })
  }

  it("leads with the operation and the session when it knows them", () => {
    const error = new ServerError({
      status: 500,
      detail: "x",
      retryAfter: Option.none(),
      requestId: Option.none(),
      operation: "ChatService.delete",
      sessionId: "ses-9"
    })
    assert.match(error.message, /^ChatService\.delete \(session "ses-9"\): LlamaCloud had a server error: x\./)
    assert.match(new ServerError({ status: 500, detail: "x", retryAfter: Option.none(), requestId: Option.none(), operation: "ChatService.list" }).message, /^ChatService\.list: /)
  })

  it.effect("fails an Effect with itself when yielded, and is caught by its tag", () =>
    Effect.gen(function*() {
      const busy = new ApiError({ status: 409, detail: "busy", requestId: Option.none() })
      const exit = yield* Effect.exit(Effect.gen(function*() {
        return yield* busy
      }))
      assert.deepStrictEqual(exit, Exit.fail(busy))
      const failing: Effect.Effect<number, LlamaCloudError> = Effect.fail(new AuthError({ status: 401, detail: "no", requestId: Option.none() }))
      assert.strictEqual(yield* Effect.catchTag(failing, "AuthError", (error) => Effect.succeed(error.status)), 401)
    }))

  it("is recognised by isLlamaCloudError, and nothing else is", () => {
    assert.isFalse(isLlamaCloudError(new Error("x")))
    assert.isFalse(isLlamaCloudError({ _tag: "AuthError" }))
    assert.isFalse(isLlamaCloudError(null))
  })
})
