/**
 * The contract every operation keeps, run as tables over `fixtures/operations.ts`: what it sends,
 * how its failures read, what is retried, and what is checked before anything is sent.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Random from "effect/Random"
import * as Result from "effect/Result"
import { inspect } from "node:util"
import { ChatService } from "../src/ChatService.js"
import { isLlamaCloudError } from "../src/LlamaCloudError.js"
import { RetryPolicy } from "../src/RetryPolicy.js"
import { MockTransport, queryOf } from "../src/testing.js"
import { TimeoutPolicy } from "../src/TimeoutPolicy.js"
import { chatLayer, requests, wakeAt, withoutWaiting } from "./fixtures/calls.js"
import { API_KEY, BASE_URL, failsWith, ORG_ID, OTHER_ORG_ID, PROJECT_ID } from "./fixtures/harness.js"
import { callRow, invoke, type OperationRow, operations, SESSION_ID } from "./fixtures/operations.js"

/** Every random draw is 0: no jitter is taken off a backoff. */
const noJitter = Effect.provideService(Random.Random, { nextIntUnsafe: () => 0, nextDoubleUnsafe: () => 0 })
const aborted = MockTransport.use((mock) => mock.aborted)
/** The key spelled with JSON escapes: only a scrub after parsing finds it. */
const escapedKey = [...API_KEY].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")
const status = (code: number) => MockTransport.json(code, { detail: `HTTP ${code}` })

describe.each(operations)("$operation", (row) => {
  describe("on the wire", () => {
    it.effect(`is ${row.method} ${row.path} with Accept ${row.accept} and the client's bearer token`, () =>
      Effect.gen(function*() {
        yield* callRow(row)
        const [request] = yield* requests
        assert.strictEqual(request?.method, row.method)
        assert.strictEqual(request?.url, `${BASE_URL}${row.path}`)
        assert.strictEqual(request?.headers["accept"], row.accept)
        assert.strictEqual(request?.headers["authorization"], `Bearer ${API_KEY}`)
      }).pipe(Effect.provide(chatLayer([row.ok]))))

    it.effect(row.body === undefined ? "sends no body" : "sends its JSON body in wire names", () =>
      Effect.gen(function*() {
        yield* callRow(row)
        const [request] = yield* requests
        if (row.body === undefined) {
          assert.strictEqual(request?.body, "")
        } else {
          assert.deepStrictEqual(JSON.parse(request?.body ?? ""), row.body)
          assert.strictEqual(request?.headers["content-type"], "application/json")
        }
      }).pipe(Effect.provide(chatLayer([row.ok]))))

    it.effect("carries the client's organization and project, and the call's own over them", () =>
      Effect.gen(function*() {
        yield* callRow(row)
        yield* callRow(row, { organizationId: OTHER_ORG_ID })
        const [first, second] = yield* requests
        assert.deepStrictEqual(first && queryOf(first), { organization_id: ORG_ID, project_id: PROJECT_ID })
        assert.deepStrictEqual(second && queryOf(second), { organization_id: OTHER_ORG_ID, project_id: PROJECT_ID })
      }).pipe(Effect.provide(chatLayer([row.ok], { organizationId: ORG_ID, projectId: PROJECT_ID }))))

    it.effect("sends no scope query when no organization or project is set", () =>
      Effect.gen(function*() {
        yield* callRow(row)
        const [request] = yield* requests
        assert.strictEqual(new URL(request?.url ?? "").search, "")
      }).pipe(Effect.provide(chatLayer([row.ok]))))
  })

  describe("its errors", () => {
    it.effect("name the operation (and the session) and carry the library's type id", () =>
      Effect.gen(function*() {
        const error = yield* failsWith("AuthError")(callRow(row))
        assert.strictEqual(error.operation, row.operation)
        assert.strictEqual(error.sessionId, row.onSession ? SESSION_ID : undefined)
        assert.isTrue(error.message.startsWith(row.operation))
        if (row.onSession) assert.include(error.message, SESSION_ID)
        assert.isTrue(isLlamaCloudError(error))
      }).pipe(Effect.provide(chatLayer([status(401)]))))

    it.effect(
      row.onSession ? "a 404 says no session with that id exists" : "a 404 points at the base URL",
      () =>
        Effect.gen(function*() {
          const error = yield* failsWith("NotFoundError")(callRow(row))
          if (row.onSession) {
            assert.include(error.message, `No chat session with id "${SESSION_ID}" exists in this project`)
          } else {
            assert.include(error.message, "base URL")
          }
        }).pipe(Effect.provide(chatLayer([status(404)])))
    )
  })

  describe("retries", () => {
    it.effect(`${row.idempotent ? "retries" : "does not retry"} a 500 under the default policy`, () =>
      Effect.gen(function*() {
        const fiber = yield* Effect.forkChild(noJitter(Effect.result(callRow(row))))
        if (row.idempotent) yield* wakeAt(500)
        const result = yield* Fiber.join(fiber)
        assert.strictEqual(result._tag, row.idempotent ? "Success" : "Failure")
        assert.lengthOf(yield* requests, row.idempotent ? 2 : 1)
      }).pipe(Effect.provide(chatLayer([status(500), row.ok], {}, RetryPolicy.layer({ jitter: 0 })))))

    it.effect(`${row.idempotent ? "retries" : "does not retry"} a connection lost after sending`, () =>
      Effect.gen(function*() {
        const fiber = yield* Effect.forkChild(noJitter(Effect.result(callRow(row))))
        if (row.idempotent) yield* wakeAt(500)
        const result = yield* Fiber.join(fiber)
        assert.strictEqual(result._tag, row.idempotent ? "Success" : "Failure")
        assert.lengthOf(yield* requests, row.idempotent ? 2 : 1)
      }).pipe(Effect.provide(chatLayer([MockTransport.fail("ECONNRESET"), row.ok], {}, RetryPolicy.layer({ jitter: 0 })))))

    it.effect("retries a 503 (the server did not act)", () =>
      Effect.gen(function*() {
        const fiber = yield* Effect.forkChild(noJitter(callRow(row)))
        yield* wakeAt(500)
        yield* Fiber.join(fiber)
        assert.lengthOf(yield* requests, 2)
      }).pipe(Effect.provide(chatLayer([status(503), row.ok], {}, RetryPolicy.layer({ jitter: 0 })))))
  })

  describe("the per-attempt timeout", () => {
    it.effect(`fires while the server is silent, aborts the request and ${row.idempotent ? "is retried" : "is not retried"}`, () =>
      Effect.gen(function*() {
        const fiber = yield* Effect.forkChild(noJitter(Effect.result(callRow(row))))
        yield* wakeAt(2_000)
        if (row.idempotent) yield* wakeAt(2_500)
        const result = yield* Fiber.join(fiber)
        const [first] = yield* requests
        assert.isDefined(first)
        assert.strictEqual(yield* aborted, 1, "the silent attempt was aborted")
        if (row.idempotent) {
          assert.isTrue(Result.isSuccess(result))
        } else {
          assert.isTrue(Result.isFailure(result) && result.failure._tag === "NetworkError" && result.failure.reason === "AttemptTimeout")
        }
      }).pipe(Effect.provide(chatLayer(
        [MockTransport.hang, row.ok],
        {},
        Layer.mergeAll(TimeoutPolicy.layer({ perAttempt: "2 seconds" }), RetryPolicy.layer({ jitter: 0 }))
      ))))
  })

  describe("the key", () => {
    it.effect("is in none of its error's renderings when the server echoes it in the body and the headers", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(callRow(row))
        for (const text of [error.message, String(error), JSON.stringify(error), inspect(error, { depth: 10 })]) {
          assert.notInclude(text, API_KEY)
        }
        assert.strictEqual(error._tag, "ValidationError")
      }).pipe(Effect.provide(chatLayer([
        MockTransport.text(
          422,
          `{"detail": [{"loc": ["body", "${escapedKey}"], "msg": "bad key ${escapedKey}", "type": "x"}, {"loc": [], "msg": "${API_KEY}", "type": "y"}]}`,
          { "content-type": "application/json", "x-request-id": `req-${API_KEY}` }
        )
      ]))))

    it.effect("is in no error when passed by mistake as a session id or a scope id", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(callRow(row, { organizationId: API_KEY }))
        assert.strictEqual(error._tag, "ValidationError")
        assert.notInclude(JSON.stringify(error) + error.message, API_KEY)
        assert.lengthOf(yield* requests, 0)
      }).pipe(Effect.provide(chatLayer([row.ok]))))
  })

  if (row.onSession) {
    describe("the session id", () => {
      it.effect("is percent-encoded into the path", () =>
        Effect.gen(function*() {
          const chat = yield* ChatService
          yield* Effect.result(callWithId(chat, row, "a/b?c#d e"))
          const [request] = yield* requests
          assert.include(request?.url ?? "", "/api/v1/chat/a%2Fb%3Fc%23d%20e")
        }).pipe(Effect.provide(chatLayer([row.ok]))))

      for (const bad of ["", 42, null, undefined, ".", "..", "%2E", "%2e%2E", ".%2E", "ses-\uD800", "\uDC00"]) {
        it.effect(`${JSON.stringify(bad) ?? "undefined"} fails with a ValidationError before anything is sent`, () =>
          Effect.gen(function*() {
            const chat = yield* ChatService
            const error = yield* withoutWaiting(failsWith("ValidationError")(callWithId(chat, row, bad)))
            assert.isTrue(error.status._tag === "None")
            assert.deepStrictEqual(error.issues[0]?.path, ["sessionId"])
            assert.lengthOf(yield* requests, 0)
          }).pipe(Effect.provide(chatLayer([row.ok]))))
      }
    })
  }
})

describe("calling an operation", () => {
  /** Parameters that count every read of a field: validation reads them. */
  const counted = (fields: Record<string, unknown>) => {
    const reads = { count: 0 }
    const params: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(fields)) {
      Object.defineProperty(params, key, {
        enumerable: true,
        get: () => {
          reads.count++
          return value
        }
      })
    }
    return { params, reads }
  }

  for (const row of operations) {
    it.effect(`${row.operation} neither throws nor reads its arguments until its effect runs`, () =>
      Effect.gen(function*() {
        const chat = yield* ChatService
        const { params, reads } = counted({ prompt: "hello", indexIds: ["idx-1"], projectId: PROJECT_ID })
        const call = () => {
          const withId = (id: string) => invoke(chat, row, id, params)
          return row.onSession ? withId("ses-\uD800") : withId(SESSION_ID)
        }
        const made = call()
        assert.strictEqual(reads.count, 0, "nothing is read when the call is made")
        assert.lengthOf(yield* requests, 0)
        yield* Effect.result(made)
        assert.isAbove(reads.count, 0, "the parameters are read when it runs")
      }).pipe(Effect.provide(chatLayer([row.ok]))))
  }
})

/** Calls a session operation with an arbitrary id, as plain JavaScript could. */
const callWithId = (chat: ChatService.Service, row: OperationRow, id: unknown) =>
  invoke(chat, row, id, row.params)
