/**
 * The local server's routes are the operations' request lines: one route per method and template,
 * named by the operation that sends it; the routes' former names still aim faults.
 */
import { describe, expect, it } from "@effect/vitest"
import { names, operations, routeOf } from "../../../src/internal/operations.js"
import { aimedAt, Fault } from "../../../src/core/localServer/faults.js"
import { match, routes } from "../../../src/core/localServer/routes.js"

describe("the local server's routes", () => {
  it("are the operations that send a request of their own, in the table's order", () => {
    expect(routes).toEqual(names.filter((name) => routeOf(name) === name))
    expect([routeOf("listPage"), routeOf("ask")]).toEqual(["list", "sendMessage"])
    expect(routes).not.toContain("listPage")
    expect(routes).not.toContain("ask")
  })

  it("match every operation's method and path, the session id decoded", () => {
    for (const name of names) {
      const { method, route } = operations[name]
      const path = route.replace("{session_id}", encodeURIComponent("ses/ä 1"))
      const found = match(method, path)
      expect(found).toEqual(
        route.includes("{session_id}")
          ? { _tag: "Route", route: routeOf(name), sessionId: "ses/ä 1" }
          : { _tag: "Route", route: routeOf(name) }
      )
    }
  })

  it("answer a wrong method with the template's methods in allow, GET first", () => {
    expect(match("DELETE", "/api/v1/chat")).toEqual({ _tag: "MethodNotAllowed", allow: "GET, POST" })
    expect(match("PATCH", "/api/v1/chat/ses-1")).toEqual({ _tag: "MethodNotAllowed", allow: "GET, DELETE" })
  })

  it("find nothing off the templates", () => {
    for (const path of ["/api/v1/chat/", "/api/v1/chat/ses-1/", "/api/v1/chat//summary", "/api/v1/chat/%E0/summary", "/api/v2/chat"]) {
      expect(match("GET", path)).toEqual({ _tag: "NotFound" })
    }
  })

  it("take the former names summary and stream for getSummary and sendMessage", () => {
    expect(aimedAt({ ...Fault.status(500), route: "summary" }, undefined, "getSummary", "ses-1")).toBe(true)
    expect(aimedAt({ ...Fault.status(500), route: ["stream"] }, undefined, "sendMessage", "ses-1")).toBe(true)
    expect(aimedAt(Fault.status(500), "stream", "getSummary", "ses-1")).toBe(false)
    expect(aimedAt(Fault.cutStream(1), undefined, "sendMessage", "ses-1")).toBe(true)
  })
})
