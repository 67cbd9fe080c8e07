/**
 * What `ChatService.create` puts on the wire, read back from the requests the mock transport recorded.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fs from "node:fs"
import { queryOf } from "../src/testing.js"
import { bodyOf, chatLayer, create, ok, onlyRequest } from "./fixtures/calls.js"
import { BASE_URL, ORG_ID, OTHER_ORG_ID, OTHER_PROJECT_ID, PROJECT_ID } from "./fixtures/harness.js"

/** The version in package.json, read from the file so that a stale constant cannot agree with itself. */
const packageVersion: unknown = JSON.parse(Fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")).version

describe("the request line", () => {
  it.effect("is POST /api/v1/chat at the base URL", () =>
    Effect.gen(function*() {
      yield* create()
      const request = yield* onlyRequest
      assert.strictEqual(request.method, "POST")
      assert.strictEqual(request.url, `${BASE_URL}/api/v1/chat`)
    }).pipe(Effect.provide(chatLayer([ok]))))

  it.effect("joins a base URL with a trailing slash without doubling it", () =>
    Effect.gen(function*() {
      yield* create()
      assert.strictEqual((yield* onlyRequest).url, "https://api.test/api/v1/chat")
    }).pipe(Effect.provide(chatLayer([ok], { baseUrl: "https://api.test/" }))))

  it.effect("keeps a base URL's path prefix", () =>
    Effect.gen(function*() {
      yield* create()
      assert.strictEqual((yield* onlyRequest).url, "https://proxy.test/llama/cloud/api/v1/chat")
    }).pipe(Effect.provide(chatLayer([ok], { baseUrl: "https://proxy.test/llama/cloud/" }))))
})

describe("the query", () => {
  it.effect("is empty when no organization or project is set anywhere", () =>
    Effect.gen(function*() {
      yield* create()
      const request = yield* onlyRequest
      assert.strictEqual(new URL(request.url).search, "")
    }).pipe(Effect.provide(chatLayer([ok]))))

  it.effect("carries the client's default organization_id and project_id", () =>
    Effect.gen(function*() {
      yield* create()
      assert.deepStrictEqual(queryOf(yield* onlyRequest), { organization_id: ORG_ID, project_id: PROJECT_ID })
    }).pipe(Effect.provide(chatLayer([ok], { organizationId: ORG_ID, projectId: PROJECT_ID }))))

  it.effect("sends only the id that is set, never an empty key=", () =>
    Effect.gen(function*() {
      yield* create()
      const request = yield* onlyRequest
      assert.deepStrictEqual(queryOf(request), { project_id: PROJECT_ID })
      assert.notInclude(request.url, "organization_id")
    }).pipe(Effect.provide(chatLayer([ok], { projectId: PROJECT_ID }))))

  it.effect("treats an empty default id as unset", () =>
    Effect.gen(function*() {
      yield* create()
      assert.strictEqual(new URL((yield* onlyRequest).url).search, "")
    }).pipe(Effect.provide(chatLayer([ok], { organizationId: "", projectId: "" }))))

  it.effect("uses the ids given to the call over the client's defaults", () =>
    Effect.gen(function*() {
      yield* create({ organizationId: OTHER_ORG_ID, projectId: OTHER_PROJECT_ID })
      assert.deepStrictEqual(queryOf(yield* onlyRequest), {
        organization_id: OTHER_ORG_ID,
        project_id: OTHER_PROJECT_ID
      })
    }).pipe(Effect.provide(chatLayer([ok], { organizationId: ORG_ID, projectId: PROJECT_ID }))))

  it.effect("overrides one default id and keeps the other", () =>
    Effect.gen(function*() {
      yield* create({ projectId: OTHER_PROJECT_ID })
      assert.deepStrictEqual(queryOf(yield* onlyRequest), { organization_id: ORG_ID, project_id: OTHER_PROJECT_ID })
    }).pipe(Effect.provide(chatLayer([ok], { organizationId: ORG_ID, projectId: PROJECT_ID }))))

  it.effect("sends a call's id when the client has no default", () =>
    Effect.gen(function*() {
      yield* create({ organizationId: OTHER_ORG_ID })
      assert.deepStrictEqual(queryOf(yield* onlyRequest), { organization_id: OTHER_ORG_ID })
    }).pipe(Effect.provide(chatLayer([ok]))))
})

describe("the body", () => {
  it.effect("is {\"index_ids\":null} for an unbound session", () =>
    Effect.gen(function*() {
      yield* create()
      assert.strictEqual((yield* onlyRequest).body, `{"index_ids":null}`)
    }).pipe(Effect.provide(chatLayer([ok]))))

  it.effect("sends index_ids null when the caller passes null", () =>
    Effect.gen(function*() {
      yield* create({ indexIds: null })
      assert.deepStrictEqual(bodyOf(yield* onlyRequest), { index_ids: null })
    }).pipe(Effect.provide(chatLayer([ok]))))

  it.effect("lists the index ids in order", () =>
    Effect.gen(function*() {
      yield* create({ indexIds: ["idx-b", "idx-a", "idx-c"] })
      assert.deepStrictEqual(bodyOf(yield* onlyRequest), { index_ids: ["idx-b", "idx-a", "idx-c"] })
    }).pipe(Effect.provide(chatLayer([ok]))))

  it.effect("sends an empty list as an empty list", () =>
    Effect.gen(function*() {
      yield* create({ indexIds: [] })
      assert.deepStrictEqual(bodyOf(yield* onlyRequest), { index_ids: [] })
    }).pipe(Effect.provide(chatLayer([ok]))))

  it.effect("includes shared_access only when it is set", () =>
    Effect.gen(function*() {
      yield* create({ indexIds: ["idx-a"], sharedAccess: "read_only" })
      assert.deepStrictEqual(bodyOf(yield* onlyRequest), { index_ids: ["idx-a"], shared_access: "read_only" })
    }).pipe(Effect.provide(chatLayer([ok]))))

  it.effect("never puts the organization or project in the body", () =>
    Effect.gen(function*() {
      yield* create({ organizationId: OTHER_ORG_ID, projectId: OTHER_PROJECT_ID })
      assert.deepStrictEqual(bodyOf(yield* onlyRequest), { index_ids: null })
    }).pipe(Effect.provide(chatLayer([ok]))))
})

describe("the headers", () => {
  it.effect("carry the bearer token, JSON accept and content type, and the package's User-Agent", () =>
    Effect.gen(function*() {
      yield* create()
      const { headers } = yield* onlyRequest
      assert.strictEqual(headers["authorization"], "Bearer llx-SECRET-abc123")
      assert.strictEqual(headers["accept"], "application/json")
      assert.strictEqual(headers["content-type"], "application/json")
      assert.strictEqual(headers["user-agent"], `effect-llamacloud/${packageVersion}`)
    }).pipe(Effect.provide(chatLayer([ok]))))

  it.effect("add the user's own headers", () =>
    Effect.gen(function*() {
      yield* create()
      const { headers } = yield* onlyRequest
      assert.strictEqual(headers["x-team"], "search")
      assert.strictEqual(headers["x-trace-tag"], "a b c")
    }).pipe(Effect.provide(chatLayer([ok], { headers: { "X-Team": "search", "x-trace-tag": "a b c" } }))))

  it.effect("let the user replace the User-Agent", () =>
    Effect.gen(function*() {
      yield* create()
      assert.strictEqual((yield* onlyRequest).headers["user-agent"], "my-app/2.0")
    }).pipe(Effect.provide(chatLayer([ok], { headers: { "User-Agent": "my-app/2.0" } }))))

  it.effect("do not let the user's headers replace Authorization or Accept", () =>
    Effect.gen(function*() {
      yield* create()
      const { headers } = yield* onlyRequest
      assert.strictEqual(headers["authorization"], "Bearer llx-SECRET-abc123")
      assert.strictEqual(headers["accept"], "application/json")
    }).pipe(
      Effect.provide(chatLayer([ok], {
        headers: { Authorization: "Bearer someone-else", authorization: "Basic eDp5", Accept: "text/html" }
      }))
    ))
})
