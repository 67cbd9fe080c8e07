/**
 * Local validation: bad parameters fail with one `ValidationError` listing every problem, and
 * nothing is sent.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { ChatService } from "../src/ChatService.js"
import { type CreateSessionParams, MAX_INDEX_IDS } from "../src/ChatParams.js"
import type { ValidationIssue } from "../src/LlamaCloudError.js"
import { chatLayer, failsWith, ok, requests } from "./fixtures/harness.js"

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

const indexIds = (n: number) => Array.from({ length: n }, (_, i) => `idx-${i}`)

describe("parameters that are accepted", () => {
  it.effect(`takes exactly ${MAX_INDEX_IDS} index ids`, () =>
    Effect.gen(function*() {
      const session = yield* createUntyped({ indexIds: indexIds(MAX_INDEX_IDS) })
      assert.strictEqual(session.sessionId, "ses-1")
      assert.lengthOf(yield* requests, 1)
    }).pipe(Effect.provide(chatLayer([ok]))))

  it.effect("takes no argument at all", () =>
    Effect.gen(function*() {
      yield* createUntyped(undefined)
      assert.lengthOf(yield* requests, 1)
    }).pipe(Effect.provide(chatLayer([ok]))))

  it.effect("takes upper-case UUIDs", () =>
    Effect.gen(function*() {
      const params: CreateSessionParams = { organizationId: "8A3C1F52-2D4E-4B6F-9A7C-1E2F3A4B5C6D" }
      yield* createUntyped(params)
      assert.lengthOf(yield* requests, 1)
    }).pipe(Effect.provide(chatLayer([ok]))))
})

describe("parameters that are rejected before sending", () => {
  it.effect(`more than ${MAX_INDEX_IDS} index ids`, () =>
    Effect.gen(function*() {
      const error = yield* rejected({ indexIds: indexIds(MAX_INDEX_IDS + 1) })
      assert.deepStrictEqual(paths(error.issues), ["indexIds"])
      assert.include(error.issues[0]?.message, "at most 10")
      assert.include(error.issues[0]?.message, "got 11")
    }))

  it.effect("empty index ids, each one named by its position", () =>
    Effect.gen(function*() {
      const error = yield* rejected({ indexIds: ["", "idx-ok", ""] })
      assert.deepStrictEqual(paths(error.issues), ["indexIds.0", "indexIds.2"])
    }))

  it.effect("an organization id that is not a UUID", () =>
    Effect.gen(function*() {
      const error = yield* rejected({ organizationId: "org-123" })
      assert.deepStrictEqual(paths(error.issues), ["organizationId"])
      assert.include(error.issues[0]?.message, "UUID")
      assert.include(error.issues[0]?.message, "org-123")
    }))

  it.effect("a project id that is not a UUID, the empty string included", () =>
    Effect.gen(function*() {
      const error = yield* rejected({ projectId: "" })
      assert.deepStrictEqual(paths(error.issues), ["projectId"])
      assert.include(error.issues[0]?.message, "UUID")
    }))

  it.effect("a shared_access that is not one of the two modes", () =>
    Effect.gen(function*() {
      const error = yield* rejected({ sharedAccess: "everyone" })
      assert.deepStrictEqual(paths(error.issues), ["sharedAccess"])
      assert.include(error.issues[0]?.message, `"query" or "read_only"`)
    }))

  it.effect("index ids given as a string", () =>
    Effect.gen(function*() {
      const error = yield* rejected({ indexIds: "abc" })
      assert.deepStrictEqual(paths(error.issues), ["indexIds"])
      assert.include(error.issues[0]?.message, "must be an array of index ids or null")
    }))

  it.effect("index ids that are not strings", () =>
    Effect.gen(function*() {
      const error = yield* rejected({ indexIds: [1, null, "idx-ok"] })
      assert.deepStrictEqual(paths(error.issues), ["indexIds.0", "indexIds.1"])
    }))

  it.effect("null as the parameters", () =>
    Effect.gen(function*() {
      const error = yield* rejected(null)
      assert.deepStrictEqual(paths(error.issues), [""])
      assert.include(error.issues[0]?.message, "create takes an object of parameters, got null")
    }))

  it.effect("null for each optional id and mode", () =>
    Effect.gen(function*() {
      const error = yield* rejected({ organizationId: null, projectId: null, sharedAccess: null })
      assert.sameMembers(paths(error.issues), ["organizationId", "projectId", "sharedAccess"])
    }))

  it.effect("a string, a number or an array as the parameters", () =>
    Effect.gen(function*() {
      for (const params of ["abc", 42, []]) {
        const error = yield* rejected(params)
        assert.include(error.issues[0]?.message, "create takes an object of parameters")
      }
    }))

  it.effect("every problem at once, in one error", () =>
    Effect.gen(function*() {
      const error = yield* rejected({
        indexIds: ["", ...indexIds(MAX_INDEX_IDS + 1)],
        organizationId: "nope",
        projectId: 7,
        sharedAccess: 1
      })
      assert.sameMembers(paths(error.issues), ["indexIds.0", "indexIds", "organizationId", "projectId", "sharedAccess"])
      for (const issue of error.issues) assert.include(error.message, issue.message)
    }))

  it.effect("with a message that says nothing was sent", () =>
    Effect.gen(function*() {
      const error = yield* rejected({ organizationId: "org-123" })
      assert.match(error.message, /^ChatService.create: Invalid request, not sent: organizationId: must be a UUID, got "org-123"/)
      assert.notInclude(error.message, "HTTP")
    }))
})
