/**
 * The Chat API's operations as one table: for each public name (`ChatService.retrieve`…), the
 * request it sends (method, route template, query and body from valid parameters), how it reads the
 * answer, and how the retry rules class it. `ChatService`, the testing doubles, the local server's
 * routes and the contract tests all read this table, so an operation is added here once.
 *
 * Internal, not public: it holds wire details (templates, encoders) that users reach through
 * `ChatService` and that may change with the API.
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import {
  type CreateSessionParams,
  type ListPageParams,
  type ListSessionsParams,
  type SendMessageParams,
  type SessionParams,
  validate,
  validateList,
  validateListPage,
  validateSession,
  validateTurn
} from "../ChatParams.js"
import { ChatSession, ChatSessionDetail, ChatSessionPage } from "../ChatSession.js"
import type { ValidationError } from "../LlamaCloudError.js"
import type { Empty, EventStream, Json, Method, Request } from "./operation.js"
import { segment } from "./operation.js"
import { createSessionBody, listQuery, scopeQuery, sendMessageBody } from "./requestWire.js"

/**
 * How the retry rules class an operation:
 * - `safe`: a read; repeating it changes nothing;
 * - `idempotent`: it changes the server, but twice is as once (a delete);
 * - `acts`: each request may act anew (a create, a turn): retried only where the server cannot have
 *   acted.
 *
 * @since 0.3.0
 * @category models
 */
export type RetryClass = "safe" | "idempotent" | "acts"

/**
 * A JSON answer read by `schema`.
 *
 * @since 0.3.0
 * @category models
 */
export interface JsonAnswer<A> extends Json<A> {
  readonly schema: Schema.Schema<A, any>
}

/**
 * What an operation answers: a JSON body, a status alone, or an event stream.
 *
 * @since 0.3.0
 * @category models
 */
export type Answer = JsonAnswer<any> | Empty<any> | EventStream

/**
 * What the request carries beside its path: wire names, only what is set.
 *
 * @since 0.3.0
 * @category models
 */
export interface Wire {
  readonly query: Readonly<Record<string, string>>
  /** The JSON body in wire form; none for a GET or DELETE. */
  readonly body?: unknown
}

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
  readonly params: (input: unknown) => Either.Either<P, ValidationError>
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
export interface Definition<Name extends string, P, Ans extends Answer> extends Entry<P, Ans> {
  /** The public name: `ChatService.<name>`, as errors and spans say it. */
  readonly name: Name
}

/** The first issue is enough to know a body is bad; the error then lists all. */
const json = <A, I>(schema: Schema.Schema<A, I>): JsonAnswer<A> => {
  const first = Schema.decodeUnknownEither(schema)
  const all = Schema.decodeUnknownEither(schema, { errors: "all" })
  return {
    _tag: "Json",
    schema,
    decode: (body) => {
      const result = first(body)
      return Either.isRight(result) ? result : all(body)
    }
  }
}

const chat = "/api/v1/chat"
const session = "/api/v1/chat/{session_id}"
const inScope = (params: SessionParams): Wire => ({ query: scopeQuery(params) })

const list = {
  method: "GET",
  route: chat,
  params: validateList,
  encode: (params: ListPageParams) => ({ query: listQuery(params) }),
  answer: json(ChatSessionPage),
  retry: "safe",
  notFoundAfterAmbiguousIsSuccess: false
} satisfies Entry<ListSessionsParams, JsonAnswer<ChatSessionPage>>

const sendMessage = {
  method: "POST",
  route: `${session}/messages/stream`,
  params: validateTurn,
  encode: (params: SendMessageParams) => ({ query: scopeQuery(params), body: sendMessageBody(params) }),
  answer: { _tag: "EventStream" } as EventStream,
  retry: "acts",
  notFoundAfterAmbiguousIsSuccess: false
} satisfies Entry<SendMessageParams, EventStream>

const named = <T extends Record<string, Entry<any, Answer>>>(
  entries: T
): { readonly [K in keyof T & string]: T[K] & { readonly name: K } } => {
  const out: Record<string, unknown> = {}
  for (const name of Object.keys(entries)) out[name] = { ...entries[name], name }
  return out as { readonly [K in keyof T & string]: T[K] & { readonly name: K } }
}

/**
 * Every operation, in the order the docs and reports list them.
 *
 * @since 0.3.0
 * @category table
 */
export const operations = named({
  create: {
    method: "POST",
    route: chat,
    params: validate,
    encode: (params: CreateSessionParams) => ({ query: scopeQuery(params), body: createSessionBody(params) }),
    answer: json(ChatSession),
    retry: "acts",
    notFoundAfterAmbiguousIsSuccess: false
  },
  list,
  listPage: { ...list, params: validateListPage, sameRequestAs: "list" },
  retrieve: {
    method: "GET",
    route: session,
    params: validateSession,
    encode: inScope,
    answer: json(ChatSessionDetail),
    retry: "safe",
    notFoundAfterAmbiguousIsSuccess: false
  },
  getSummary: {
    method: "GET",
    route: `${session}/summary`,
    params: validateSession,
    encode: inScope,
    answer: json(ChatSession),
    retry: "safe",
    notFoundAfterAmbiguousIsSuccess: false
  },
  delete: {
    method: "DELETE",
    route: session,
    params: validateSession,
    encode: inScope,
    answer: { _tag: "Empty", value: undefined } as Empty<void>,
    retry: "idempotent",
    notFoundAfterAmbiguousIsSuccess: true
  },
  sendMessage,
  ask: { ...sendMessage, sameRequestAs: "sendMessage" }
})

type Table = typeof operations

/**
 * An operation's public name.
 *
 * @since 0.3.0
 * @category table
 */
export type Name = keyof Table

/**
 * The names of the operations whose requests the server tells apart: one per route and method.
 *
 * @since 0.3.0
 * @category table
 */
export type RouteName = { [K in Name]: Table[K] extends { readonly sameRequestAs: string } ? never : K }[Name]

/**
 * Every operation, in table order.
 *
 * @since 0.3.0
 * @category table
 */
export const names: ReadonlyArray<Name> = Object.keys(operations) as Array<Name>

/**
 * The operations whose requests the server tells apart, in table order.
 *
 * @since 0.3.0
 * @category table
 */
export const routeNames: ReadonlyArray<RouteName> = names.filter(
  (name): name is RouteName => !("sameRequestAs" in operations[name])
)

/**
 * The route whose requests an operation sends: its own, or the one it shares (`listPage` sends `list`'s).
 *
 * @since 0.3.0
 * @category table
 */
export const routeOf = (name: Name): RouteName => {
  const { method, route } = operations[name]
  return routeNames.find((known) => operations[known].method === method && operations[known].route === route) ?? "create"
}

/**
 * `ChatService.<name>`: what errors and spans call an operation.
 *
 * @since 0.3.0
 * @category table
 */
export const qualified = (name: Name): string => `ChatService.${name}`

/**
 * Whether the operation is about one session (its route holds the id).
 *
 * @since 0.3.0
 * @category table
 */
export const onSession = (definition: { readonly route: string }): boolean => definition.route.includes("{session_id}")

/**
 * The path sent for a route template, the id percent-encoded.
 *
 * @since 0.3.0
 * @category requests
 */
export const pathOf = (route: string, sessionId?: string): string =>
  sessionId === undefined ? route : route.replace("{session_id}", segment(sessionId))

/**
 * The request the engine runs for valid parameters (the call's scope resolved into them).
 *
 * @since 0.3.0
 * @category requests
 */
export const describe = <N extends Name, P, Ans extends Answer>(
  definition: Definition<N, P, Ans>,
  params: P,
  sessionId?: string
): Request & { readonly answer: Ans } => ({
  name: qualified(definition.name),
  method: definition.method,
  route: definition.route,
  path: pathOf(definition.route, sessionId),
  ...(sessionId === undefined ? {} : { sessionId }),
  ...definition.encode(params),
  idempotent: definition.retry !== "acts",
  notFoundAfterAmbiguousIsSuccess: definition.notFoundAfterAmbiguousIsSuccess,
  answer: definition.answer
})
