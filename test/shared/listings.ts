/**
 * What `list` gives for LlamaCloud's pages, as cases both editions' test/resource.test.ts run: the
 * pages the mock transport answers (plain data: each edition replays them), and what the caller
 * must see: the sessions listed before the stream ended or failed, how it failed, the requests
 * sent. Each edition hands back its own error; `checkedOf` reads it (plainReading.ts). No Effect.
 */
import { queryOf, type RecordedRequest } from "../../src/core/mockTransport/routes.js"
import type { Answer } from "./errorAnswers.js"
import { sessionJson } from "./fixtures.js"
import { checkedFailure, type Failure } from "./plainReading.js"

/** A page of sessions with these ids, and its next token when given (`null`: sent as null). */
export const page = (ids: ReadonlyArray<string>, next?: string | null): Answer => ({
  status: 200,
  json: { items: ids.map((id) => sessionJson({ session_id: id })), ...(next === undefined ? {} : { next_page_token: next }) }
})

export interface Case {
  readonly name: string
  /** `list`'s parameters, as plain JavaScript may pass them. */
  readonly params?: unknown
  /** The mock transport's answers, in order. */
  readonly answers: ReadonlyArray<Answer>
  /** The ids of the sessions listed, in order. */
  readonly ids: ReadonlyArray<string>
  /** How the stream failed; `undefined`: it did not. */
  readonly failure?: Failure
  /** How many requests were sent. */
  readonly requests?: number
  /** The query of each request sent, in wire names. */
  readonly queries?: ReadonlyArray<Readonly<Record<string, string>>>
}

export const listings: ReadonlyArray<Case> = [
  {
    name: "follows next_page_token until a page has none, repeating the query",
    params: { pageSize: 2 },
    answers: [page(["a", "b"], "t1"), page(["c", "d"], "t2"), page(["e"])],
    ids: ["a", "b", "c", "d", "e"],
    queries: [{ page_size: "2" }, { page_size: "2", page_token: "t1" }, { page_size: "2", page_token: "t2" }]
  },
  ...([["an empty token", page(["b"], "")], ["a null token", page(["b"], null)]] as const).map(([what, last]): Case => ({
    name: `stops at ${what}`,
    answers: [page(["a"], "t1"), last, page(["never"])],
    ids: ["a", "b"],
    requests: 2
  })),
  {
    name: "stops at an empty page, whatever its token says",
    answers: [page(["a"], "t1"), page([], "t2"), page(["never"])],
    ids: ["a"],
    requests: 2
  },
  {
    name: "fails with a typed error when the server hands back a token it already gave, instead of looping",
    answers: [page(["a"], "t1"), page(["b"], "t2"), page(["c"], "t1")],
    ids: ["a", "b", "c"],
    failure: { _tag: "DecodeError", says: ["a second time"], operation: "ChatService.list" },
    requests: 3
  },
  {
    name: "a failed page fails the stream after the sessions already listed",
    answers: [page(["a"], "t1"), { status: 401, json: { detail: "Invalid authentication token" } }],
    ids: ["a"],
    failure: { _tag: "AuthError", operation: "ChatService.list" }
  },
  ...[0, -1, 1.5, "10", Number.NaN].map((bad): Case => ({
    name: `a page size of ${JSON.stringify(bad)} fails with a ValidationError before anything is sent`,
    params: { pageSize: bad },
    answers: [page(["a"])],
    ids: [],
    failure: { _tag: "ValidationError", firstIssuePath: ["pageSize"] },
    requests: 0
  }))
]

/** What an edition saw of a case. */
export interface Seen {
  readonly ids: ReadonlyArray<string>
  /** The error the stream failed with; `undefined`: it did not fail. */
  readonly failure: unknown
  readonly requests: ReadonlyArray<RecordedRequest>
}

/** What of `seen` the case checks, in the shape of `expectedOf(listing)`: assert the two deeply equal. */
export const checkedOf = (seen: Seen, listing: Case): unknown => ({
  ids: seen.ids,
  failure: checkedFailure(seen.failure, listing.failure),
  ...(listing.requests === undefined ? {} : { requests: seen.requests.length }),
  ...(listing.queries === undefined ? {} : { queries: seen.requests.map(queryOf) })
})

/** What `checkedOf` must give for a case. */
export const expectedOf = ({ failure, ids, queries, requests }: Case): unknown => ({
  ids,
  failure,
  ...(requests === undefined ? {} : { requests }),
  ...(queries === undefined ? {} : { queries })
})
