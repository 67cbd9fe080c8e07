/**
 * The Effect-free half of the table of operations, which both editions complete with their schemas:
 * its names, routes and rules as the API and the retry rules need them.
 */
import { assert, describe, it } from "@effect/vitest"
import { describe as describeRequest, names, onSession, pathOf, qualified, routeNames, routeOf, routes } from "../../src/core/operations.js"

describe("the table of operations", () => {
  it("lists every public operation of ChatService, in the docs' order", () => {
    assert.deepStrictEqual(names, ["create", "list", "listPage", "retrieve", "getSummary", "delete", "sendMessage", "ask"])
  })

  it("tells apart one route per method and template, the others sharing theirs", () => {
    assert.deepStrictEqual(routeNames, ["create", "list", "retrieve", "getSummary", "delete", "sendMessage"])
    assert.strictEqual(routeOf("listPage"), "list")
    assert.strictEqual(routeOf("ask"), "sendMessage")
    assert.strictEqual(routeOf("delete"), "delete")
    const seen = new Set(routeNames.map((name) => `${routes[name].method} ${routes[name].route}`))
    assert.strictEqual(seen.size, routeNames.length)
  })

  it("retries only reads and the delete after ambiguous failures, and counts a lost delete's 404 as done", () => {
    const acts = names.filter((name) => routes[name].retry === "acts")
    assert.deepStrictEqual(acts, ["create", "sendMessage", "ask"])
    assert.deepStrictEqual(names.filter((name) => routes[name].notFoundAfterAmbiguousIsSuccess), ["delete"])
  })

  it("puts the session id, percent-encoded, only into the routes on one session", () => {
    assert.deepStrictEqual(names.filter((name) => onSession(routes[name])), ["retrieve", "getSummary", "delete", "sendMessage", "ask"])
    assert.strictEqual(pathOf(routes.retrieve.route, "a/b?c#d e"), "/api/v1/chat/a%2Fb%3Fc%23d%20e")
    assert.strictEqual(pathOf(routes.create.route), "/api/v1/chat")
  })

  it("describes a request from a row, its encoder and valid parameters", () => {
    const request = describeRequest(
      { ...routes.delete, name: "delete", encode: (id: string) => ({ query: { project_id: id } }), answer: "none" },
      "p-1",
      "ses 1"
    )
    assert.deepStrictEqual(request, {
      name: qualified("delete"),
      method: "DELETE",
      route: "/api/v1/chat/{session_id}",
      path: "/api/v1/chat/ses%201",
      sessionId: "ses 1",
      query: { project_id: "p-1" },
      idempotent: true,
      notFoundAfterAmbiguousIsSuccess: true,
      answer: "none"
    })
  })
})
