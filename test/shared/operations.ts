/**
 * What both editions' contract tests do with each operation, as data: valid parameters, the JSON body
 * it must send, and a valid answer. Each edition's `test/fixtures/operations.ts` completes these
 * rows with the table's facts (`src/core/operations.ts`) and its own mock transport's replies.
 */
import type { Name } from "../../src/core/operations.js"
import { sessionJson } from "./fixtures.js"
import { turnEvents } from "./turn.js"

export const SESSION_ID = "ses-1"

/** A valid answer: a JSON body, a bare status, or a turn's events. */
export type Answer =
  | { readonly _tag: "Json"; readonly status: number; readonly body: unknown }
  | { readonly _tag: "Status"; readonly status: number }
  | { readonly _tag: "Events"; readonly events: ReadonlyArray<unknown> }

/** What a test does with an operation; the rest of its row is the table's. */
export interface Calling {
  /** The JSON body it sends, when it sends one. */
  readonly body?: unknown
  /** Valid parameters of a call (the session is `SESSION_ID`). */
  readonly params: object
  readonly ok: Answer
}

const turnParams = { prompt: "What is in the index?", indexIds: ["idx-1"] }

export const calling: { readonly [K in Name]: Calling } = {
  create: {
    body: { index_ids: ["idx-1"] },
    params: { indexIds: ["idx-1"] },
    ok: { _tag: "Json", status: 200, body: sessionJson() }
  },
  list: {
    params: {},
    ok: { _tag: "Json", status: 200, body: { items: [sessionJson()] } }
  },
  listPage: {
    params: {},
    ok: { _tag: "Json", status: 200, body: { items: [sessionJson()], next_page_token: "tok-2" } }
  },
  retrieve: {
    params: {},
    ok: { _tag: "Json", status: 200, body: sessionJson({ events: [{ type: "user_input", content: "hi" }, ...turnEvents] }) }
  },
  getSummary: {
    params: {},
    ok: { _tag: "Json", status: 200, body: sessionJson() }
  },
  delete: {
    params: {},
    ok: { _tag: "Status", status: 204 }
  },
  sendMessage: {
    body: { index_ids: ["idx-1"], prompt: turnParams.prompt },
    params: turnParams,
    ok: { _tag: "Events", events: turnEvents }
  },
  ask: {
    body: { index_ids: ["idx-1"], prompt: turnParams.prompt },
    params: turnParams,
    ok: { _tag: "Events", events: turnEvents }
  }
}

/** The `Accept` each kind of answer asks for. */
export const acceptOf = { Json: "application/json", Empty: "*/*", EventStream: "text/event-stream" } as const
