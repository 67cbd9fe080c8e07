/**
 * Each `ChatService` operation as the Effect 3 edition's interruption tests call it: the shared
 * table (test/shared/reliability/matrix.ts: the route a fault is aimed at, how the retry rules class
 * it, the sessions it needs) with how to call it here, and how to read what the server did.
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { ChatEvent } from "../../src/ChatEvent.js"
import type { SendMessageParams } from "../../src/ChatParams.js"
import type { ChatReply } from "../../src/ChatReply.js"
import { ChatService } from "../../src/ChatService.js"
import type { LlamaCloudError } from "../../src/LlamaCloudError.js"
import * as ChatModel from "../../src/testing/ChatModel.js"
import type { LocalServer } from "../../src/testing/node.js"
import { type Name, names } from "../../src/internal/operations.js"
import { calls as table, type Call as Row, createParams, defaultTurn as turn, LIST_PAGE_SIZE } from "../shared/reliability/matrix.js"
import { createSession } from "../shared/reliability/runner.js"
import { pollUntil } from "./harness.js"

export type OperationName = Name

/** The turn every case sends. */
export const defaultTurn: SendMessageParams = { prompt: turn.prompt, indexIds: [...turn.indexIds] }

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

export interface Call extends Row {
  readonly run: (
    prepared: Prepared,
    delivered: Delivered,
    turn: SendMessageParams
  ) => Effect.Effect<void, LlamaCloudError, ChatService>
}

const first = (prepared: Prepared): string => prepared.sessionIds[0] ?? "ses-missing"

const kept = (delivered: Delivered) => (value: unknown) => Effect.sync(() => void delivered.items.push(value))

const behaviours: { readonly [K in Name]: Call["run"] } = {
  create: (_, delivered) =>
    Effect.flatMap(ChatService, (chat) => Effect.flatMap(chat.create({ indexIds: [...createParams.indexIds] }), kept(delivered))),
  list: (_, delivered) =>
    Effect.flatMap(ChatService, (chat) => Stream.runForEach(chat.list({ pageSize: LIST_PAGE_SIZE }), kept(delivered))),
  listPage: (_, delivered) => Effect.flatMap(ChatService, (chat) => Effect.flatMap(chat.listPage(), kept(delivered))),
  retrieve: (prepared, delivered) => Effect.flatMap(ChatService, (chat) => Effect.flatMap(chat.retrieve(first(prepared)), kept(delivered))),
  getSummary: (prepared, delivered) =>
    Effect.flatMap(ChatService, (chat) => Effect.flatMap(chat.getSummary(first(prepared)), kept(delivered))),
  delete: (prepared, delivered) => Effect.flatMap(ChatService, (chat) => Effect.flatMap(chat.delete(first(prepared)), kept(delivered))),
  sendMessage: (prepared, delivered, turn) =>
    Effect.flatMap(ChatService, (chat) =>
      Stream.runForEach(chat.sendMessage(first(prepared), turn), (event) => Effect.sync(() => void delivered.events.push(event)))),
  ask: (prepared, delivered, turn) =>
    Effect.flatMap(ChatService, (chat) =>
      Effect.flatMap(chat.ask(first(prepared), turn), (reply) =>
        Effect.sync(() => {
          delivered.events.push(...reply.events)
          delivered.reply = reply
        })))
}

export const calls: { readonly [K in Name]: Call } = Object.fromEntries(
  names.map((name) => [name, { ...table[name], run: behaviours[name] }])
) as { readonly [K in Name]: Call }

/**
 * Makes `count` sessions on the server, oldest first, each with a bare request on a connection that
 * closes with its answer (cheaper than a client of its own, and nothing left in any pool): the
 * server's connection and request counts are then the call's alone once it has seen them close.
 */
export const prepare = (server: Server, count: number): Effect.Effect<Prepared> =>
  Effect.gen(function*() {
    if (count === 0) return { sessionIds: [] }
    const sessionIds: Array<string> = []
    for (let i = 0; i < count; i++) sessionIds.push(yield* Effect.promise(() => createSession(server.url)))
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
