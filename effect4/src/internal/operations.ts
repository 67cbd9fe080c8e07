/**
 * The Chat API's operations as one table: the Effect-free facts of each row (method, route template,
 * kind of answer, retry class, the 404 rule) come from `core/operations.ts`, shared with the Effect 4
 * edition; this module adds what this edition reads them with: the parameters' check, the query and
 * body from valid parameters, and the answers' schemas. `ChatService`, the testing doubles, the
 * local server's routes and the contract tests all read this table, so an operation is added once.
 *
 * Internal, not public: it holds wire details (templates, encoders) that users reach through
 * `ChatService` and that may change with the API.
 */
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import {
  type CreateSessionParams,
  type ListPageParams,
  type SendMessageParams,
  type SessionParams,
  validate,
  validateList,
  validateListPage,
  validateSession,
  validateTurn
} from "../ChatParams.js"
import { type AnswerKind, type Method, type Name, type RetryClass, routes, type Wire } from "../core/operations.js"
import { ChatSession, ChatSessionDetail, ChatSessionPage } from "../ChatSession.js"
import type { ValidationError } from "../LlamaCloudError.js"
import type { Empty, EventStream, Json } from "./operation.js"
import { createSessionBody, listQuery, scopeQuery, sendMessageBody } from "./requestWire.js"

export {
  describe,
  type Name,
  names,
  onSession,
  pathOf,
  qualified,
  type RetryClass,
  type RouteName,
  routeNames,
  routeOf,
  type Wire
} from "../core/operations.js"

/**
 * A JSON answer read by `schema`.
 *
 * @since 0.3.0
 * @category models
 */
export interface JsonAnswer<A> extends Json<A> {
  readonly schema: Schema.Codec<A, unknown>
}

/**
 * What an operation answers: a JSON body, a status alone, or an event stream.
 *
 * @since 0.3.0
 * @category models
 */
export type Answer = JsonAnswer<any> | Empty<any> | EventStream

/** The answer a kind of the table is read as. */
type AnswerOf<K extends AnswerKind> = K extends "Json" ? JsonAnswer<any> : K extends "Empty" ? Empty<any> : EventStream

/**
 * One row of the table, before it is named by its key.
 *
 * @since 0.3.0
 * @category models
 */
export interface Entry<P, Ans extends Answer> {
  readonly method: Method
  /** The path template; `{session_id}` marks an operation on one session. */
  readonly route: string
  /** The parameters' check, the same in every implementation of the service. */
  readonly params: (input: unknown) => Result.Result<P, ValidationError>
  /** The query and body for valid parameters, the call's scope already resolved into them. */
  readonly encode: (params: P) => Wire
  readonly answer: Ans
  readonly retry: RetryClass
  /**
   * A 404 after an attempt that may have acted means the earlier attempt did the work: a delete
   * whose answer was lost finds no session on its retry.
   */
  readonly notFoundAfterAmbiguousIsSuccess: boolean
  /**
   * Another reading of the same request (`listPage` of `list`, `ask` of `sendMessage`): the server
   * sees one route for both.
   */
  readonly sameRequestAs?: string
}

/**
 * A row of the table.
 *
 * @since 0.3.0
 * @category models
 */
export interface Definition<N extends Name, P, Ans extends Answer> extends Entry<P, Ans> {
  /** The public name: `ChatService.<name>`, as errors and spans say it. */
  readonly name: N
}

/**
 * The first issue is enough to know a body is bad; the error then lists all, quoting the values
 * found (the engine scrubs the key out of what it keeps).
 */
const json = <A, I>(schema: Schema.Codec<A, I>): JsonAnswer<A> => {
  const first = Schema.decodeUnknownResult(schema)
  const all = Schema.decodeUnknownResult(schema, { errors: "all", reportInput: true })
  return {
    _tag: "Json",
    schema,
    decode: (body) => {
      const result = first(body)
      return Result.isSuccess(result) ? result : all(body)
    }
  }
}

const inScope = (params: SessionParams): Wire => ({ query: scopeQuery(params) })

const listed = {
  params: validateList,
  encode: (params: ListPageParams) => ({ query: listQuery(params) }),
  answer: json(ChatSessionPage)
}

const turn = {
  params: validateTurn,
  encode: (params: SendMessageParams) => ({ query: scopeQuery(params), body: sendMessageBody(params) }),
  answer: { _tag: "EventStream" } as EventStream
}

/** What this edition adds to each row: how its parameters are checked and sent, how its answer is read. */
const readings = {
  create: {
    params: validate,
    encode: (params: CreateSessionParams) => ({ query: scopeQuery(params), body: createSessionBody(params) }),
    answer: json(ChatSession)
  },
  list: listed,
  listPage: { ...listed, params: validateListPage },
  retrieve: { params: validateSession, encode: inScope, answer: json(ChatSessionDetail) },
  getSummary: { params: validateSession, encode: inScope, answer: json(ChatSession) },
  delete: { params: validateSession, encode: inScope, answer: { _tag: "Empty", value: undefined } as Empty<void> },
  sendMessage: turn,
  ask: turn
} satisfies {
  readonly [K in Name]: Pick<Entry<any, AnswerOf<(typeof routes)[K]["answerKind"]>>, "params" | "encode" | "answer">
}

type Table = { readonly [K in Name]: (typeof routes)[K] & (typeof readings)[K] & { readonly name: K } }

/**
 * Every operation, in the order the docs and reports list them.
 *
 * @since 0.3.0
 * @category table
 */
export const operations: Table = Object.fromEntries(
  Object.entries(routes).map(([name, route]) => [name, { ...route, ...readings[name as Name], name }])
) as Table
