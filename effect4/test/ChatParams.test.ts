/**
 * Local validation: bad parameters fail with one `ValidationError` listing every problem, and
 * nothing is sent. The cases are the Effect 3 edition's table (test/shared/createParams.ts), run
 * through `ChatService.create` and through the check it runs (`validateCall` over `validate`).
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as ChatParams from "../src/ChatParams.js"
import { ChatService } from "../src/ChatService.js"
import type { ValidationError, ValidationIssue } from "../src/LlamaCloudError.js"
import { accepted, indexIds, rejected as rejectedCases } from "../../test/shared/createParams.js"
import { chatLayer, ok, requests } from "./fixtures/calls.js"
import { failsWith } from "./fixtures/harness.js"

/** Calls `create` as plain JavaScript could, with anything at all. */
const createUntyped = (params: unknown) =>
  ChatService.use((chat) =>
    // @ts-expect-error -- what the types forbid is what plain JavaScript callers pass
    chat.create(params)
  )

/** What `create` would be given by plain JavaScript: anything at all. */
const check = (params: unknown) => ChatParams.validateCall(ChatParams.validate, params, { operation: "ChatService.create" })

/** The `ValidationError` of parameters that must be rejected locally. */
const rejected = (params: unknown): ValidationError => {
  const outcome = check(params)
  if (Result.isSuccess(outcome)) return assert.fail(`expected a ValidationError, ${JSON.stringify(params)} was accepted`)
  assert.isTrue(Option.isNone(outcome.failure.status), "a local rejection has no HTTP status")
  assert.isTrue(Option.isNone(outcome.failure.requestId))
  return outcome.failure
}

const paths = (issues: ReadonlyArray<ValidationIssue>) => issues.map((issue) => issue.path.join("."))

describe("parameters that are accepted", () => {
  for (const { name, params } of accepted) {
    it(`takes ${name}`, () => {
      assert.isTrue(Result.isSuccess(check(params)))
    })
  }

  it("reads an absent argument as no parameters", () => {
    assert.deepStrictEqual(check(undefined), Result.succeed({}))
  })
})

describe("parameters that are rejected before sending", () => {
  for (const { name, params, paths: expected, says = [] } of rejectedCases) {
    it(name, () => {
      const error = rejected(params)
      assert.sameMembers(paths(error.issues), [...expected])
      for (const [index, fragment] of says) assert.include(error.issues[index]?.message, fragment)
      for (const issue of error.issues) assert.include(error.message, issue.message)
    })
  }

  // Effect 4 checks an array's length only once its items are valid (Effect 3 reports both at once).
  it("bad index ids and too many of them: the items first, the count once they are fixed", () => {
    assert.sameMembers(paths(rejected({ indexIds: ["", ...indexIds(ChatParams.MAX_INDEX_IDS + 1)] }).issues), ["indexIds.0"])
    assert.sameMembers(paths(rejected({ indexIds: indexIds(ChatParams.MAX_INDEX_IDS + 1) }).issues), ["indexIds"])
  })

  it("with a message that says nothing was sent", () => {
    const error = rejected({ organizationId: "org-123" })
    assert.match(error.message, /^ChatService.create: Invalid request, not sent: organizationId: must be a UUID, got "org-123"/)
    assert.notInclude(error.message, "HTTP")
  })
})

describe("ChatService.create", () => {
  for (const { name, params } of accepted) {
    it.effect(`sends ${name}`, () =>
      Effect.gen(function*() {
        const session = yield* createUntyped(params)
        assert.strictEqual(session.sessionId, "ses-1")
        assert.lengthOf(yield* requests, 1)
      }).pipe(Effect.provide(chatLayer([ok]))))
  }

  for (const { name, params, paths: expected } of rejectedCases) {
    it.effect(`sends nothing for ${name}, failing with the check's error`, () =>
      Effect.gen(function*() {
        const error = yield* failsWith("ValidationError")(createUntyped(params))
        assert.lengthOf(yield* requests, 0, "nothing may be sent")
        assert.sameMembers(paths(error.issues), [...expected])
        assert.strictEqual(error.message, rejected(params).message)
      }).pipe(Effect.provide(chatLayer([ok]))))
  }
})

describe("the other operations' parameters", () => {
  const issuesOf = <A>(outcome: Result.Result<A, ValidationError>) =>
    Result.isFailure(outcome) ? outcome.failure.issues.map((issue) => [issue.path.join("."), issue.message]) : []

  it("a turn needs a prompt of 1 to 1000 code points and 1 to 10 index ids", () => {
    assert.deepStrictEqual(issuesOf(ChatParams.validateTurn({ prompt: " ", indexIds: [] })), [
      ["prompt", "the prompt must not be empty"],
      ["indexIds", "a turn must name at least one index id (the API requires them on every turn)"]
    ])
    assert.deepStrictEqual(issuesOf(ChatParams.validateTurn({ prompt: "😀".repeat(1001), indexIds: indexIds(11) })), [
      ["prompt", "the prompt may hold at most 1000 characters (Unicode code points), got 1001"],
      ["indexIds", "a turn takes at most 10 index ids (got 11)"]
    ])
    assert.isTrue(Result.isSuccess(ChatParams.validateTurn({ prompt: "😀".repeat(1000), indexIds: ["idx-1"] })))
  })

  it("a turn's values of the wrong type are quoted", () => {
    assert.deepStrictEqual(issuesOf(ChatParams.validateTurn({ prompt: 5, indexIds: "idx" })), [
      ["prompt", "the prompt must be a string, got 5"],
      ["indexIds", `must be an array of index ids, got "idx"`]
    ])
    assert.deepStrictEqual(issuesOf(ChatParams.validateTurn(null)), [["", "a turn takes an object with a prompt and index ids, got null"]])
  })

  it("a page needs a positive whole size and a non-empty token", () => {
    assert.deepStrictEqual(issuesOf(ChatParams.validateListPage({ pageSize: 1.5, pageToken: "" })), [
      ["pageSize", "must be a positive whole number, got 1.5"],
      ["pageToken", "a page token must be a non-empty string (omit it for the first page)"]
    ])
    assert.deepStrictEqual(issuesOf(ChatParams.validateList({ pageSize: 0 })), [["pageSize", "must be a positive whole number, got 0"]])
  })

  it("a session id is a non-empty, well-formed string that is not a dot segment", () => {
    for (const id of [".", "..", "%2e", "%2E%2e", ".%2E"]) {
      assert.match(issuesOf(ChatParams.validateSessionId(id))[0]?.[1] ?? "", /must not be "\." or "\.\."/, id)
    }
    assert.deepStrictEqual(issuesOf(ChatParams.validateSessionId("")), [["", "the session id must not be empty"]])
    assert.deepStrictEqual(issuesOf(ChatParams.validateSessionId(7)), [["", "the session id must be a string, got 7"]])
    assert.include(issuesOf(ChatParams.validateSessionId("ses-\udc00"))[0]?.[1], "lone surrogate")
    assert.isTrue(Result.isSuccess(ChatParams.validateSessionId("...")))
  })

  it("a call's session id and parameters are checked together, the key scrubbed from what is quoted", () => {
    const outcome = ChatParams.validateCall(ChatParams.validateSession, { projectId: "llx-KEY" }, {
      operation: "ChatService.retrieve",
      sessionId: { value: ".." },
      scrub: (text) => text.split("llx-KEY").join("<redacted>")
    })
    if (Result.isSuccess(outcome)) return assert.fail("expected a ValidationError")
    assert.deepStrictEqual(paths(outcome.failure.issues), ["sessionId", "projectId"])
    assert.strictEqual(outcome.failure.sessionId, "..")
    assert.notInclude(outcome.failure.message, "llx-KEY")
    assert.match(outcome.failure.message, /^ChatService\.retrieve \(session "\.\."\): Invalid request, not sent: /)
  })
})
