/**
 * Every way a call can fail ends in exactly one tagged error with a human message and the facts:
 * status, request id, retry-after. First what each call's failure becomes (the answers are the
 * Effect 3 edition's, from test/shared where they are data), then the errors themselves: their
 * tags, messages and type id, whoever builds them.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
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
import { type MockReply, MockTransport } from "../src/testing.js"
import { answer as answerOf, oddBodies, REQUEST_ID } from "../../test/shared/errorAnswers.js"
import { chatLayer, create, replay, requests, sleepingUntil } from "./fixtures/calls.js"
import { failsWith } from "./fixtures/harness.js"

/** A FastAPI-style error answer with a request id. */
const answer = (status: number, detail?: unknown, headers?: Record<string, string>) => replay(answerOf(status, detail, headers))

/** The single-attempt outcome of a call answered by `reply`. */
const failing = <T extends Parameters<typeof failsWith>[0]>(tag: T, reply: MockReply) =>
  failsWith(tag)(create()).pipe(Effect.provide(chatLayer([reply], {}, RetryPolicy.disabled)))

describe("HTTP statuses", () => {
  for (const status of [401, 403]) {
    it.effect(`${status} is an AuthError`, () =>
      Effect.gen(function*() {
        const error = yield* failing("AuthError", answer(status, "Invalid authentication token"))
        assert.strictEqual(error.status, status)
        assert.strictEqual(error.detail, "Invalid authentication token")
        assert.deepStrictEqual(error.requestId, Option.some(REQUEST_ID))
      }))
  }

  it.effect("401 says to check the key; 403 says the key may not act on the project", () =>
    Effect.gen(function*() {
      const unauthorized = yield* failing("AuthError", answer(401))
      const forbidden = yield* failing("AuthError", answer(403))
      assert.include(unauthorized.message, "LLAMA_CLOUD_API_KEY")
      assert.include(forbidden.message, "organizationId / projectId")
    }))

  for (const status of [400, 422]) {
    it.effect(`${status} is a ValidationError carrying the server's status`, () =>
      Effect.gen(function*() {
        const error = yield* failing("ValidationError", answer(status, "index_ids: too many"))
        assert.deepStrictEqual(error.status, Option.some(status))
        assert.deepStrictEqual(error.issues, [{ path: [], message: "index_ids: too many" }])
        assert.deepStrictEqual(error.requestId, Option.some(REQUEST_ID))
      }))
  }

  it.effect("422 parses FastAPI's detail list into issues", () =>
    Effect.gen(function*() {
      const error = yield* failing(
        "ValidationError",
        answer(422, [
          { loc: ["body", "index_ids"], msg: "ensure this value has at most 10 items", type: "value_error.list.max_items" },
          { loc: ["query", "project_id"], msg: "value is not a valid uuid", type: "type_error.uuid" }
        ])
      )
      assert.deepStrictEqual(error.issues, [
        { path: ["body", "index_ids"], message: "ensure this value has at most 10 items" },
        { path: ["query", "project_id"], message: "value is not a valid uuid" }
      ])
      assert.include(error.message, "LlamaCloud rejected the request as invalid")
      assert.include(error.message, "body.index_ids: ensure this value has at most 10 items")
      assert.include(error.message, "query.project_id: value is not a valid uuid")
    }))

  it.effect("404 is a NotFoundError that points at the base URL", () =>
    Effect.gen(function*() {
      const error = yield* failing("NotFoundError", answer(404, "Not Found"))
      assert.strictEqual(error.status, 404)
      assert.deepStrictEqual(error.requestId, Option.some(REQUEST_ID))
      assert.include(error.message, "LLAMA_CLOUD_BASE_URL")
    }))

  it.effect("429 is a RateLimitError carrying the server's Retry-After", () =>
    Effect.gen(function*() {
      const error = yield* failing("RateLimitError", answer(429, "Too many requests", { "retry-after": "7" }))
      assert.strictEqual(error.status, 429)
      assert.deepStrictEqual(error.retryAfter, Option.some(Duration.seconds(7)))
      assert.deepStrictEqual(error.requestId, Option.some(REQUEST_ID))
      assert.include(error.message, "wait 7s")
    }))

  it.effect("429 without a wait says none was given", () =>
    Effect.gen(function*() {
      const error = yield* failing("RateLimitError", answer(429))
      assert.deepStrictEqual(error.retryAfter, Option.none())
      assert.include(error.message, "Wait before calling again")
    }))

  for (const status of [500, 502, 503, 504]) {
    it.effect(`${status} is a ServerError`, () =>
      Effect.gen(function*() {
        const error = yield* failing("ServerError", answer(status, "upstream failed"))
        assert.strictEqual(error.status, status)
        assert.strictEqual(error.detail, "upstream failed")
        assert.deepStrictEqual(error.requestId, Option.some(REQUEST_ID))
      }))
  }

  it.effect("a ServerError carries the server's wait", () =>
    Effect.gen(function*() {
      const error = yield* failing("ServerError", answer(503, "maintenance", { "retry-after-ms": "2500" }))
      assert.deepStrictEqual(error.retryAfter, Option.some(Duration.millis(2500)))
    }))

  for (const status of [405, 408, 409]) {
    it.effect(`${status} is an ApiError`, () =>
      Effect.gen(function*() {
        const error = yield* failing("ApiError", answer(status, "no"))
        assert.strictEqual(error.status, status)
        assert.deepStrictEqual(error.requestId, Option.some(REQUEST_ID))
      }))
  }
})

describe("error bodies that are not FastAPI JSON", () => {
  for (const { answer: reply, detail, detailSays, name, never = [], says = [], tag } of oddBodies) {
    it.effect(name, () =>
      Effect.gen(function*() {
        const error = yield* failing(tag, replay(reply))
        assert.strictEqual(error.status, reply.status)
        if (detail !== undefined) assert.strictEqual(error.detail, detail)
        if (detailSays !== undefined) assert.include(error.detail, detailSays)
        for (const fragment of says) assert.include(error.message, fragment)
        for (const fragment of never) assert.notInclude(error.message, fragment)
      }))
  }

  it.effect("a 422 whose detail list holds odd items still lists them", () =>
    Effect.gen(function*() {
      const error = yield* failing("ValidationError", answer(422, ["just a string", { loc: "not-a-list" }]))
      assert.lengthOf(error.issues, 2)
      assert.include(error.issues[0]?.message, "just a string")
    }))

  it.effect("an unlisted status is named by its number", () =>
    Effect.gen(function*() {
      const error = yield* failing("ApiError", MockTransport.text(418, ""))
      assert.strictEqual(error.detail, "HTTP 418 (empty body)")
    }))
})

describe("transport failures", () => {
  it.effect("ECONNREFUSED is a NetworkError ConnectFailed", () =>
    Effect.gen(function*() {
      const error = yield* failing("NetworkError", MockTransport.fail("ECONNREFUSED"))
      assert.strictEqual(error.reason, "ConnectFailed")
      assert.include(error.detail, "ECONNREFUSED")
      assert.include(error.message, "nothing was sent")
    }))

  it.effect("ENOTFOUND is a NetworkError ConnectFailed", () =>
    Effect.gen(function*() {
      const error = yield* failing("NetworkError", MockTransport.fail("ENOTFOUND"))
      assert.strictEqual(error.reason, "ConnectFailed")
    }))

  it.effect("ECONNRESET is a NetworkError ConnectionLost", () =>
    Effect.gen(function*() {
      const error = yield* failing("NetworkError", MockTransport.fail("ECONNRESET"))
      assert.strictEqual(error.reason, "ConnectionLost")
      assert.include(error.message, "may have acted")
    }))
})

describe("timeouts", () => {
  it.effect("an attempt without an answer within the per-attempt timeout is a NetworkError AttemptTimeout", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(failsWith("NetworkError")(create()))
      yield* sleepingUntil(60_000)
      yield* TestClock.adjust("60 seconds")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error.reason, "AttemptTimeout")
      assert.deepStrictEqual(error.timeout, Option.some(Duration.seconds(60)))
      assert.include(error.message, "TimeoutPolicy.layer({ perAttempt })")
    }).pipe(Effect.provide(chatLayer([MockTransport.hang]))))

  it.effect("a call past its total deadline is a NetworkError DeadlineExceeded", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(failsWith("NetworkError")(create()))
      yield* sleepingUntil(5_000)
      yield* TestClock.adjust("5 seconds")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error.reason, "DeadlineExceeded")
      assert.deepStrictEqual(error.timeout, Option.some(Duration.seconds(5)))
      assert.include(error.message, "TimeoutPolicy.layer({ total })")
      assert.lengthOf(yield* requests, 1)
    }).pipe(Effect.provide(chatLayer([MockTransport.hang], {}, TimeoutPolicy.layer({ total: "5 seconds" })))))
})

describe("every call's error", () => {
  const cases: ReadonlyArray<readonly [string, MockReply]> = [
    ["AuthError", answer(401)],
    ["ValidationError", answer(422)],
    ["NotFoundError", answer(404)],
    ["RateLimitError", answer(429)],
    ["ServerError", answer(500)],
    ["ApiError", answer(409)],
    ["NetworkError", MockTransport.fail("ECONNREFUSED")],
    ["DecodeError", MockTransport.text(200, "{}", { "x-request-id": REQUEST_ID })]
  ]
  for (const [tag, reply] of cases) {
    it.effect(`${tag} is a LlamaCloudError with a message that names what happened`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(create())
        assert.strictEqual(error._tag, tag)
        assert.isTrue(isLlamaCloudError(error))
        assert.instanceOf(error, Error)
        assert.isAbove(error.message.length, 40)
        assert.strictEqual(String(error).split("\n")[0], `${tag}: ${error.message}`)
        if (tag !== "NetworkError") {
          assert.include(error.message, "HTTP ")
          assert.include(error.message, `request id ${REQUEST_ID}`)
        }
      }).pipe(Effect.provide(chatLayer([reply], {}, RetryPolicy.disabled))))
  }

  it("is recognised by isLlamaCloudError, and nothing else is", () => {
    assert.isFalse(isLlamaCloudError(new Error("x")))
    assert.isFalse(isLlamaCloudError({ _tag: "AuthError" }))
    assert.isFalse(isLlamaCloudError(null))
  })
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
