/**
 * Each `ChatService` operation as the reliability suite calls it: the route a fault is aimed at, how
 * the documented retry rules class it, what the server must hold beforehand, and how to read what
 * the server did. The matrix runner knows nothing of any one operation beyond this table.
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as Http from "node:http"
import type { ChatEvent } from "../../src/ChatEvent.js"
import type { SendMessageParams } from "../../src/ChatParams.js"
import type { ChatReply } from "../../src/ChatReply.js"
import { ChatService } from "../../src/ChatService.js"
import type { LlamaCloudError } from "../../src/LlamaCloudError.js"
import * as ChatModel from "../../src/testing/ChatModel.js"
import type { LocalServer } from "../../src/testing/node.js"
import { type Name, names, operations, routeOf } from "../../src/internal/operations.js"
import { API_KEY, pollUntil } from "./harness.js"

export type OperationName = Name

/**
 * How the retry rules treat an operation (docs/retries-and-timeouts.md, docs/conversations.md),
 * read from its retry class and answer in the table of operations:
 * - `create` (acts, JSON): retried only where the server cannot have acted;
 * - `read` (safe or idempotent: list, listPage, retrieve, getSummary) and `delete`: ambiguous
 *   failures retried too; a delete's 404 after an ambiguous attempt is its success;
 * - `turn` (acts, events: sendMessage, ask): retried only before the response headers, never after
 *   a 2xx.
 */
export type Kind = "create" | "read" | "delete" | "turn"

const kindOf = (name: Name): Kind => {
  const { answer, notFoundAfterAmbiguousIsSuccess, retry } = operations[name]
  if (retry === "acts") return answer._tag === "EventStream" ? "turn" : "create"
  return notFoundAfterAmbiguousIsSuccess ? "delete" : "read"
}

/** What the server holds before the call: its sessions, oldest first. */
export interface Prepared {
  readonly sessionIds: ReadonlyArray<string>
}

/** What the call handed its caller, kept even when it then failed: a turn's events as they came. */
export interface Delivered {
  /** sendMessage: every event the stream emitted; ask: the reply's events. */
  readonly events: Array<ChatEvent>
  /** list: the sessions emitted; other operations but ask: their result, once they succeed. */
  readonly items: Array<unknown>
  /** ask: its reply, once it succeeds. */
  reply?: ChatReply
}

type Server = LocalServer.LocalServer["Type"]

export interface Call {
  readonly name: OperationName
  /** The local server's route for its requests, where a fault that names none is aimed. */
  readonly route: LocalServer.Route
  readonly kind: Kind
  /** Sessions the server must hold before the call. */
  readonly sessions: number
  /** Requests a successful call makes after the one a fault meets: the list's second page. */
  readonly requestsAfter: number
  /**
   * Idle keep-alive connections the call may leave in its transport's pool. One, except for the
   * list: its second page is asked for the moment the first is read, before the transport has
   * handed the first page's connection back, so both transports open a second one.
   */
  readonly pooled: number
  readonly run: (
    prepared: Prepared,
    delivered: Delivered,
    turn: SendMessageParams
  ) => Effect.Effect<void, LlamaCloudError, ChatService>
}

/** The turn every scenario sends unless it says otherwise: short, so that a dripped turn is quick. */
export const defaultTurn: SendMessageParams = { prompt: "hi", indexIds: ["idx-reliability"] }

/** The list reads pages of 2 over 3 sessions: two pages, so that a fault can meet either. */
export const LIST_PAGE_SIZE = 2

const first = (prepared: Prepared): string => prepared.sessionIds[0] ?? "ses-missing"

const kept = (delivered: Delivered) => (value: unknown) => Effect.sync(() => void delivered.items.push(value))

/** What the suite must know of an operation beyond the table: its setup, and how to call it. */
type Behaviour = Omit<Call, "name" | "route" | "kind">

const behaviours: { readonly [K in Name]: Behaviour } = {
  create: {
    sessions: 0,
    requestsAfter: 0,
    pooled: 1,
    run: (_, delivered) => Effect.flatMap(ChatService, (chat) => Effect.flatMap(chat.create({ indexIds: ["idx-reliability"] }), kept(delivered)))
  },
  list: {
    sessions: 3,
    requestsAfter: 1,
    pooled: 2,
    run: (_, delivered) =>
      Effect.flatMap(ChatService, (chat) => Stream.runForEach(chat.list({ pageSize: LIST_PAGE_SIZE }), kept(delivered)))
  },
  listPage: {
    sessions: 1,
    requestsAfter: 0,
    pooled: 1,
    run: (_, delivered) => Effect.flatMap(ChatService, (chat) => Effect.flatMap(chat.listPage(), kept(delivered)))
  },
  retrieve: {
    sessions: 1,
    requestsAfter: 0,
    pooled: 1,
    run: (prepared, delivered) => Effect.flatMap(ChatService, (chat) => Effect.flatMap(chat.retrieve(first(prepared)), kept(delivered)))
  },
  getSummary: {
    sessions: 1,
    requestsAfter: 0,
    pooled: 1,
    run: (prepared, delivered) =>
      Effect.flatMap(ChatService, (chat) => Effect.flatMap(chat.getSummary(first(prepared)), kept(delivered)))
  },
  delete: {
    sessions: 1,
    requestsAfter: 0,
    pooled: 1,
    run: (prepared, delivered) => Effect.flatMap(ChatService, (chat) => Effect.flatMap(chat.delete(first(prepared)), kept(delivered)))
  },
  sendMessage: {
    sessions: 1,
    requestsAfter: 0,
    pooled: 1,
    run: (prepared, delivered, turn) =>
      Effect.flatMap(ChatService, (chat) =>
        Stream.runForEach(chat.sendMessage(first(prepared), turn), (event) => Effect.sync(() => void delivered.events.push(event))))
  },
  ask: {
    sessions: 1,
    requestsAfter: 0,
    pooled: 1,
    run: (prepared, delivered, turn) =>
      Effect.flatMap(ChatService, (chat) =>
        Effect.flatMap(chat.ask(first(prepared), turn), (reply) =>
          Effect.sync(() => {
            delivered.events.push(...reply.events)
            delivered.reply = reply
          })))
  }
}

export const calls: { readonly [K in Name]: Call } = Object.fromEntries(
  names.map((name) => [name, { name, route: routeOf(name), kind: kindOf(name), ...behaviours[name] }])
) as { readonly [K in Name]: Call }

/** Every operation, in the table's order. */
export const operationNames: ReadonlyArray<OperationName> = names

/** The id of the session a create answered with; a defect otherwise, since it is the suite's own setup. */
const sessionIdIn = (body: string): Effect.Effect<string> =>
  Effect.try((): unknown => JSON.parse(body)).pipe(
    Effect.flatMap((json) => {
      const id = typeof json === "object" && json !== null && "session_id" in json ? json.session_id : undefined
      return typeof id === "string" ? Effect.succeed(id) : Effect.fail(new Error(`no session made: ${body}`))
    }),
    Effect.orDie
  )

/** One session made with a bare `POST`, on a connection of its own that closes with the answer. */
const createSession = (url: string): Effect.Effect<string> =>
  Effect.async<string>((resume) => {
    const request = Http.request(`${url}/api/v1/chat`, {
      method: "POST",
      agent: false,
      headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json", connection: "close" }
    }, (response) => {
      let body = ""
      response.setEncoding("utf8")
      response.on("data", (chunk: string) => (body += chunk))
      response.on("end", () => resume(sessionIdIn(body)))
    })
    request.on("error", (error) => resume(Effect.die(error)))
    request.end("{}")
  })

/**
 * Makes `count` sessions on the server, oldest first, each with a bare request on a connection that
 * closes with its answer (cheaper than a client of its own, and nothing left in any pool): the
 * server's connection and request counts are then the call's alone once it has seen them close.
 */
export const prepare = (server: Server, count: number): Effect.Effect<Prepared> =>
  Effect.gen(function*() {
    if (count === 0) return { sessionIds: [] }
    const sessionIds: Array<string> = []
    for (let i = 0; i < count; i++) sessionIds.push(yield* createSession(server.url))
    yield* pollUntil(server.connections, (c) => c.open === 0)
    return { sessionIds }
  })

/** What the server holds before the call, to count what the call added. */
export interface Before {
  readonly requests: number
  readonly sessions: number
}

export const before = (server: Server): Effect.Effect<Before> =>
  Effect.zipWith(server.requests, server.sessions, (requests, sessions) => ({
    requests: requests.length,
    sessions: sessions.length
  }))

/**
 * What the server did for the call: sessions it created (create), turns it ran (a turn), whether it
 * deleted the session (delete: 1 or 0); reads do nothing.
 */
export const acted = (call: Call, server: Server, prepared: Prepared, was: Before): Effect.Effect<number> => {
  switch (call.kind) {
    case "create":
      return Effect.map(server.sessions, (sessions) => sessions.length - was.sessions)
    case "delete":
      return Effect.map(server.model, (model) => ChatModel.find(model, first(prepared)) === undefined ? 1 : 0)
    case "turn":
      return Effect.map(server.model, (model) => ChatModel.find(model, first(prepared))?.turns ?? 0)
    case "read":
      return Effect.succeed(0)
  }
}
