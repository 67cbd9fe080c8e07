/**
 * Local validation: bad parameters fail with one `ValidationError` listing every problem, and
 * nothing is sent.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { ChatService } from "../src/ChatService.js"
import { MAX_INDEX_IDS } from "../src/ChatParams.js"
import type { ValidationIssue } from "../src/LlamaCloudError.js"
import { chatLayer, failsWith, ok, requests } from "./fixtures/harness.js"
import { accepted, indexIds, rejected as rejectedCases } from "./shared/createParams.js"

/** Calls `create` as plain JavaScript could, with anything at all. */
const createUntyped = (params: unknown) =>
  Effect.flatMap(ChatService, (chat) =>
    // @ts-expect-error -- what the types forbid is what plain JavaScript callers pass
    chat.create(params))

/** The `ValidationError` of a call that must be rejected locally, checked to have sent nothing. */
const rejected = (params: unknown) =>
  Effect.gen(function*() {
    const error = yield* failsWith("ValidationError")(createUntyped(params))
    assert.isTrue(Option.isNone(error.status), "a local rejection has no HTTP status")
    assert.isTrue(Option.isNone(error.requestId))
    assert.lengthOf(yield* requests, 0, "nothing may be sent")
    return error
  }).pipe(Effect.provide(chatLayer([ok])))

const paths = (issues: ReadonlyArray<ValidationIssue>) => issues.map((issue) => issue.path.join("."))

describe("parameters that are accepted", () => {
  for (const { name, params } of accepted) {
    it.effect(`takes ${name}`, () =>
      Effect.gen(function*() {
        const session = yield* createUntyped(params)
        assert.strictEqual(session.sessionId, "ses-1")
        assert.lengthOf(yield* requests, 1)
      }).pipe(Effect.provide(chatLayer([ok]))))
  }
})

describe("parameters that are rejected before sending", () => {
  for (const { name, params, paths: expected, says = [] } of rejectedCases) {
    it.effect(name, () =>
      Effect.gen(function*() {
        const error = yield* rejected(params)
        assert.sameMembers(paths(error.issues), [...expected])
        for (const [index, fragment] of says) assert.include(error.issues[index]?.message, fragment)
        for (const issue of error.issues) assert.include(error.message, issue.message)
      }))
  }

  it.effect("bad index ids and too many of them: both problems", () =>
    Effect.gen(function*() {
      const error = yield* rejected({ indexIds: ["", ...indexIds(MAX_INDEX_IDS + 1)] })
      assert.sameMembers(paths(error.issues), ["indexIds.0", "indexIds"])
    }))

  it.effect("with a message that says nothing was sent", () =>
    Effect.gen(function*() {
      const error = yield* rejected({ organizationId: "org-123" })
      assert.match(error.message, /^ChatService.create: Invalid request, not sent: organizationId: must be a UUID, got "org-123"/)
      assert.notInclude(error.message, "HTTP")
    }))
})
