/**
 * The Chat API's operations as one table, the half that does not depend on Effect: for each public
 * name (`ChatService.retrieve`…), the method and route template it sends, the kind of answer it
 * reads, how the retry rules class it, and whether a 404 after a lost answer is success. Each
 * edition's `internal/operations.ts` adds, row by row, its parameters' check, its encoders and its
 * answers' schemas; the service, the testing doubles, the local server's routes and the contract
 * tests all read the table, so an operation is added here once.
 *
 * Internal, not public: it holds wire details that users reach through `ChatService` and that may
 * change with the API.
 */

/** The HTTP methods the Chat API's operations use. */
export type Method = "GET" | "POST" | "PATCH" | "DELETE"

/**
 * How the retry rules class an operation:
 * - `safe`: a read; repeating it changes nothing;
 * - `idempotent`: it changes the server, but twice is as once (a delete);
 * - `acts`: each request may act anew (a create, a turn): retried only where the server cannot have
 *   acted.
 */
export type RetryClass = "safe" | "idempotent" | "acts"

/**
 * How the answer is read:
 * - `Json`: the whole body, bounded, parsed and decoded; the per-attempt timeout covers all of it.
 * - `Empty`: a status only (a 204); the body, if any, is discarded.
 * - `EventStream`: Server-Sent Events read as they arrive; the per-attempt timeout covers the
 *   response headers only, the idle and total limits the rest.
 */
export type AnswerKind = "Json" | "Empty" | "EventStream"

/** One row of the table, before it is named by its key. */
export interface Route {
  readonly method: Method
  /** The path template; `{session_id}` marks an operation on one session. */
  readonly route: string
  readonly answerKind: AnswerKind
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

const chat = "/api/v1/chat"
const session = "/api/v1/chat/{session_id}"

const list = {
  method: "GET",
  route: chat,
  answerKind: "Json",
  retry: "safe",
  notFoundAfterAmbiguousIsSuccess: false
} as const satisfies Route

const sendMessage = {
  method: "POST",
  route: `${session}/messages/stream`,
  answerKind: "EventStream",
  retry: "acts",
  notFoundAfterAmbiguousIsSuccess: false
} as const satisfies Route

const onOneSession = (method: Method, route: string, answerKind: "Json" | "Empty", retry: RetryClass) =>
  ({ method, route, answerKind, retry, notFoundAfterAmbiguousIsSuccess: false }) as const

/**
 * Every operation, in the order the docs and reports list them.
 */
export const routes = {
  create: {
    method: "POST",
    route: chat,
    answerKind: "Json",
    retry: "acts",
    notFoundAfterAmbiguousIsSuccess: false
  },
  list,
  listPage: { ...list, sameRequestAs: "list" },
  retrieve: onOneSession("GET", session, "Json", "safe"),
  getSummary: onOneSession("GET", `${session}/summary`, "Json", "safe"),
  delete: { ...onOneSession("DELETE", session, "Empty", "idempotent"), notFoundAfterAmbiguousIsSuccess: true },
  sendMessage,
  ask: { ...sendMessage, sameRequestAs: "sendMessage" }
} as const satisfies Record<string, Route>

type Routes = typeof routes

/** An operation's public name. */
export type Name = keyof Routes

/** The names of the operations whose requests the server tells apart: one per route and method. */
export type RouteName = { [K in Name]: Routes[K] extends { readonly sameRequestAs: string } ? never : K }[Name]

/** Every operation, in table order. */
export const names: ReadonlyArray<Name> = Object.keys(routes) as Array<Name>

/** The operations whose requests the server tells apart, in table order. */
export const routeNames: ReadonlyArray<RouteName> = names.filter(
  (name): name is RouteName => !("sameRequestAs" in routes[name])
)

/** The route whose requests an operation sends: its own, or the one it shares (`listPage` sends `list`'s). */
export const routeOf = (name: Name): RouteName => {
  const { method, route } = routes[name]
  return routeNames.find((known) => routes[known].method === method && routes[known].route === route) ?? "create"
}

/** `ChatService.<name>`: what errors and spans call an operation. */
export const qualified = (name: Name): string => `ChatService.${name}`

/** Whether the operation is about one session (its route holds the id). */
export const onSession = (definition: { readonly route: string }): boolean => definition.route.includes("{session_id}")

/** A path segment from a caller's id: every reserved character percent-encoded. */
export const segment = (id: string): string => encodeURIComponent(id)

/** The path sent for a route template, the id percent-encoded. */
export const pathOf = (route: string, sessionId?: string): string =>
  sessionId === undefined ? route : route.replace("{session_id}", segment(sessionId))

/** What the request carries beside its path: wire names, only what is set. */
export interface Wire {
  readonly query: Readonly<Record<string, string>>
  /** The JSON body in wire form; none for a GET or DELETE. */
  readonly body?: unknown
}

/** What every operation's description holds, whatever its answer. */
export interface Request extends Wire {
  /** `ChatService.retrieve`: the span's name, and the operation every error names. */
  readonly name: string
  readonly method: Method
  /** The path template, e.g. `/api/v1/chat/{session_id}`: spans record it, never the ids. */
  readonly route: string
  /** The path sent, ids percent-encoded. */
  readonly path: string
  /** The session the call is about, named in errors. */
  readonly sessionId?: string | undefined
  /**
   * Whether repeating the request leaves the server as one request would. Idempotent operations are
   * retried after ambiguous failures too (a lost connection, 500, 502, 504, an attempt timeout).
   */
  readonly idempotent: boolean
  /**
   * A 404 after an attempt that may have acted means the earlier attempt did the work: a delete
   * whose answer was lost finds no session on its retry.
   */
  readonly notFoundAfterAmbiguousIsSuccess?: boolean
}

/** A row as an edition completes it: the table's facts, its encoder and its way of reading the answer. */
export interface Described<P, Ans> {
  readonly name: Name
  readonly method: Method
  readonly route: string
  readonly retry: RetryClass
  readonly notFoundAfterAmbiguousIsSuccess: boolean
  /** The query and body for valid parameters, the call's scope already resolved into them. */
  readonly encode: (params: P) => Wire
  readonly answer: Ans
}

/** The request the engine runs for valid parameters (the call's scope resolved into them). */
export const describe = <P, Ans>(
  definition: Described<P, Ans>,
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
