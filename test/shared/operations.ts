/**
 * What both editions' contract tests do with each operation, as data: valid parameters, the JSON body
 * it must send, a valid answer, and the table's facts (`src/core/operations.ts`) as the tests read
 * them. Each edition's `test/fixtures/operations.ts` completes these rows with its own call and its
 * mock transport's reply.
 */
import { type Name, names, onSession, pathOf, qualified, routes } from "../../src/core/operations.js"
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

/** An operation as the contract tests read it: the table's facts, and what a test sends. */
export interface OperationFacts {
  readonly name: Name
  /** `ChatService.<name>`: what errors and spans call it. */
  readonly operation: string
  readonly method: string
  /** The path sent for session `SESSION_ID`. */
  readonly path: string
  /** The route template spans record. */
  readonly route: string
  readonly accept: string
  /** Whether ambiguous failures are retried under the default policy. */
  readonly idempotent: boolean
  /** Whether the operation is about one session (its id is in errors). */
  readonly onSession: boolean
  /** Whether the answer is an event stream (attempts end at the headers). */
  readonly streamed: boolean
  /** The JSON body it sends, when it sends one. */
  readonly body?: unknown
  /** Valid parameters of a call (the session is `SESSION_ID`). */
  readonly params: object
}

/** Every operation, in table order. */
export const operationFacts: ReadonlyArray<OperationFacts> = names.map((name) => {
  const definition = routes[name]
  return {
    name,
    operation: qualified(name),
    method: definition.method,
    path: pathOf(definition.route, onSession(definition) ? SESSION_ID : undefined),
    route: definition.route,
    accept: acceptOf[definition.answerKind],
    idempotent: definition.retry !== "acts",
    onSession: onSession(definition),
    streamed: definition.answerKind === "EventStream",
    body: calling[name].body,
    params: calling[name].params
  }
})
