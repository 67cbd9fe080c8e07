/**
 * How a mock transport picks its answer, as cases both editions' test/testing/MockTransport.test.ts
 * send through their `HttpClient`: the replies a layer is given, and the requests sent. The replies
 * are written with the edition's own `MockTransport` (handed in as `Mock`), as a user writes them.
 * No Effect here: each edition runs the requests and hands back what came of them.
 */
import type { Route } from "../../src/core/mockTransport/routes.js"

/** The part of an edition's `MockTransport` the cases use. */
export interface Mock<R, Rs> {
  readonly json: (status: number, body: unknown) => R
  readonly text: (status: number, body: string) => R
  readonly pause: (duration: "1 second") => unknown
  readonly routes: (table: ReadonlyArray<Route<R>>, options?: { readonly fallback?: R; readonly baseUrl?: string }) => Rs
}

export const BASE = "https://api.test"

export type Call = readonly [method: "GET" | "POST" | "DELETE", url: string]

/** Replies that plain JavaScript may pass to the layer, and what its failure must say. */
export const badReplies: ReadonlyArray<{ readonly said: string; readonly replies: <R, Rs>(mock: Mock<R, Rs>) => unknown }> = [
  { said: "replies must be an array of replies or a function", replies: (mock) => mock.json(200, {}) },
  { said: "got \"503\"", replies: () => "503" },
  { said: "got undefined", replies: () => undefined },
  { said: "replies[1] must be a reply made by MockTransport.json", replies: (mock) => [mock.json(200, {}), { status: 200 }] },
  { said: "replies[0] must be a reply", replies: (mock) => [mock.pause("1 second")] }
]

export interface Case {
  readonly name: string
  /** Mock transports to build, each from its replies, and the requests sent through each, in order. */
  readonly sends: <R, Rs>(
    mock: Mock<R, Rs>
  ) => ReadonlyArray<{ readonly replies: Rs | ReadonlyArray<R>; readonly calls: ReadonlyArray<Call> }>
  /** Every answer across the sends, as `status body`. */
  readonly bodies?: ReadonlyArray<string>
  /** Every answer's status across the sends. */
  readonly statuses?: ReadonlyArray<number>
  /** Every request the transports recorded, as `method url`. */
  readonly recorded?: ReadonlyArray<string>
}

/** A session's routes: one answered by a function of the path, one by a reply, one by a script. */
const sessionRoutes = <R, Rs>(mock: Mock<R, Rs>) =>
  mock.routes([
    { method: "GET", path: "/api/v1/chat/:sessionId", reply: (_, { params }) => mock.json(200, { session_id: params.sessionId ?? "?" }) },
    { method: "DELETE", path: "/api/v1/chat/:sessionId", reply: mock.text(204, "") },
    { method: "GET", path: "/api/v1/chat", reply: [mock.json(200, { page: 1 }), mock.json(200, { page: 2 })] }
  ])

/** The cases, by what of the mock transport they specify. */
export const mockRoutes: ReadonlyArray<readonly [string, ReadonlyArray<Case>]> = [
  ["layer's replies, as plain JavaScript may pass them", [
    {
      name: "an empty script is taken: every request gets a 500 naming it",
      sends: () => [{ replies: [], calls: [["GET", `${BASE}/api/v1/chat/`]] }],
      bodies: ["500 no reply scripted"]
    }
  ]],
  ["routes", [
    {
      name: "answers by method and path, with the :param segments decoded",
      sends: (mock) => [{
        replies: sessionRoutes(mock),
        calls: [["GET", `${BASE}/api/v1/chat/ses%2F1?project_id=p`], ["DELETE", `${BASE}/api/v1/chat/ses-2`]]
      }],
      bodies: [`200 {"session_id":"ses/1"}`, "204 "]
    },
    {
      name: "answers an unrouted request with a 404 naming it, or with the fallback",
      sends: (mock) => [
        { replies: sessionRoutes(mock), calls: [["POST", `${BASE}/api/v1/chat/ses-1/summary`], ["GET", `${BASE}/api/v1/chat/a/b`]] },
        { replies: mock.routes([], { fallback: mock.text(503, "down") }), calls: [["GET", `${BASE}/x`]] }
      ],
      bodies: [
        `404 {"detail":"no mock route for POST /api/v1/chat/ses-1/summary"}`,
        `404 {"detail":"no mock route for GET /api/v1/chat/a/b"}`,
        "503 down"
      ]
    },
    {
      name: "plays a route's script by the requests that route received, the last entry repeating",
      sends: (mock) => [{
        replies: sessionRoutes(mock),
        calls: [
          ["GET", `${BASE}/api/v1/chat`],
          ["GET", `${BASE}/api/v1/chat/ses-1`],
          ["GET", `${BASE}/api/v1/chat?page_token=t`],
          ["GET", `${BASE}/api/v1/chat`]
        ]
      }],
      bodies: [`200 {"page":1}`, `200 {"session_id":"ses-1"}`, `200 {"page":2}`, `200 {"page":2}`]
    },
    {
      name: "counts afresh in every transport built from the same routes",
      sends: (mock) => {
        const routes = sessionRoutes(mock)
        return [{ replies: routes, calls: [["GET", `${BASE}/api/v1/chat`]] }, { replies: routes, calls: [["GET", `${BASE}/api/v1/chat`]] }]
      },
      bodies: [`200 {"page":1}`, `200 {"page":1}`]
    },
    {
      name: "gives a route function how many requests that route matched before",
      sends: (mock) => [{
        replies: mock.routes([{ method: "GET", path: "/a/:id", reply: (_, { index, params }) => mock.text(200, `${params.id}#${index}`) }]),
        calls: [["GET", `${BASE}/a/x`], ["GET", `${BASE}/b`], ["GET", `${BASE}/a/y`]]
      }],
      bodies: ["200 x#0", `404 {"detail":"no mock route for GET /b"}`, "200 y#1"]
    },
    {
      name: "matches after the base URL's path",
      sends: (mock) => [{
        replies: mock.routes([{ method: "GET", path: "/api/v1/chat", reply: mock.text(200, "ok") }], { baseUrl: "https://proxy.test/llama/" }),
        calls: [["GET", "https://proxy.test/llama/api/v1/chat"], ["GET", "https://proxy.test/api/v1/chat"]]
      }],
      statuses: [200, 404]
    },
    {
      name: "records every request, routed or not",
      sends: (mock) => [{ replies: sessionRoutes(mock), calls: [["GET", `${BASE}/api/v1/chat/ses-1`], ["POST", `${BASE}/nowhere`]] }],
      recorded: [`GET ${BASE}/api/v1/chat/ses-1`, `POST ${BASE}/nowhere`]
    }
  ]]
]

/** What an edition saw across a case's sends. */
export interface Seen {
  readonly answers: ReadonlyArray<{ readonly status: number; readonly body: string }>
  readonly recorded: ReadonlyArray<{ readonly method: string; readonly url: string }>
}

/** What of `seen` the case checks, in the shape of `expectedOf(case)`: assert the two deeply equal. */
export const checkedOf = (seen: Seen, routeCase: Case): unknown => ({
  ...(routeCase.bodies === undefined ? {} : { bodies: seen.answers.map(({ body, status }) => `${status} ${body}`) }),
  ...(routeCase.statuses === undefined ? {} : { statuses: seen.answers.map(({ status }) => status) }),
  ...(routeCase.recorded === undefined ? {} : { recorded: seen.recorded.map(({ method, url }) => `${method} ${url}`) })
})

/** What `checkedOf` must give for a case. */
export const expectedOf = ({ bodies, recorded, statuses }: Case): unknown => ({
  ...(bodies === undefined ? {} : { bodies }),
  ...(statuses === undefined ? {} : { statuses }),
  ...(recorded === undefined ? {} : { recorded })
})
