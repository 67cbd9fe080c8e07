/**
 * How the mock transport picks a reply, without a transport: scripts, routes, and the check of the
 * replies a layer is given. Each edition's MockTransport tests check the same through its HttpClient.
 */
import { describe, expect, it } from "@effect/vitest"
import { queryOf, type RecordedRequest, repliesProblem, router, scriptEntry } from "../../../src/core/mockTransport/routes.js"

const request = (method: string, url: string): RecordedRequest => ({ method, url, headers: {}, body: "" })

describe("mock transport routes", () => {
  it("plays a script by request number, the last entry repeating; an empty script has no entry", () => {
    expect([0, 1, 2, 5].map((i) => scriptEntry(["a", "b", "c"], i))).toEqual(["a", "b", "c", "c"])
    expect(scriptEntry([], 0)).toBeUndefined()
  })

  it("matches method and path, decodes :params, counts a route's earlier requests, and falls back", () => {
    const pick = router<string>([
      { method: "get", path: "/chat/:id", reply: (_, { index, params }) => `${params.id}#${index}` },
      { method: "GET", path: "/chat", reply: ["first", "then"] },
      { method: "DELETE", path: "/chat/:id", reply: "deleted" }
    ], { fallback: (r, path) => `none ${r.method} ${path}`, emptyScript: "empty" })
    const seen: Array<RecordedRequest> = []
    const answers = [
      request("GET", "https://x.test/chat/a%2Fb"),
      request("GET", "https://x.test/chat?page_token=t"),
      request("GET", "https://x.test/chat/c"),
      request("GET", "https://x.test/chat"),
      request("GET", "https://x.test/chat"),
      request("DELETE", "https://x.test/chat/c"),
      request("POST", "https://x.test/chat/c"),
      request("GET", "https://x.test/chat/%zz")
    ].map((r, i) => {
      const answer = pick(r, i, [...seen])
      seen.push(r)
      return answer
    })
    expect(answers).toEqual(["a/b#0", "first", "c#1", "then", "then", "deleted", "none POST /chat/c", "%zz#2"])
  })

  it("takes the base URL's path off first, and answers a request outside it with the fallback", () => {
    const pick = router([{ method: "GET", path: "/chat", reply: "ok" }], {
      fallback: () => "outside",
      emptyScript: "empty",
      baseUrl: "https://proxy.test/llama/"
    })
    expect(pick(request("GET", "https://proxy.test/llama/chat"), 0, [])).toBe("ok")
    expect(pick(request("GET", "https://proxy.test/chat"), 1, [])).toBe("outside")
  })

  it("reads a request's query as a record", () => {
    expect(queryOf(request("GET", "https://x.test/chat?page_size=2&page_token=a%20b"))).toEqual({ page_size: "2", page_token: "a b" })
  })

  it("says what is wrong with a layer's replies, naming the entry and quoting it", () => {
    expect(repliesProblem(() => ({ _tag: "Hang" }))).toBeUndefined()
    expect(repliesProblem([{ _tag: "Reply" }, { _tag: "Hang" }])).toBeUndefined()
    expect(repliesProblem([{ _tag: "Hang" }, { status: 200 }])).toMatch(/^MockTransport\.layer's replies\[1\] must be a reply made by MockTransport\.json.*got/)
    expect(repliesProblem("503")).toMatch(/replies must be an array of replies or a function of the request choosing one, got "503"/)
  })
})
