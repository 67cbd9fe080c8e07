/**
 * What the local server's tests share: a client of their own (raw undici, no library code), a
 * server per test that must end with no failed handler, and readers of its answers (what is read
 * off the wire alone is in test/shared/, for both editions).
 */
import { expect } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import { Agent, request } from "undici"
import type { Dispatcher } from "undici"
import { LocalServer } from "../../../src/testing/node.js"
import { defaultTurn, errorCode, isSession, json, parse, streamPath } from "../../../../test/shared/localServer/wire.js"

export {
  auth,
  defaultTurn,
  errorCode,
  eventsOf,
  framesOf,
  parse,
  sessionIdPattern,
  streamPath,
  timestampPattern,
  type WireSession
} from "../../../../test/shared/localServer/wire.js"

export interface Reply {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly text: string
}

export interface Call {
  readonly method?: Dispatcher.HttpMethod
  readonly path?: string
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string
}

/**
 * A client of its own for the test, so that connection counts are the test's alone. Without
 * timeouts of its own: undici 8 keeps a timer a while after a request is aborted, which a test
 * counting the server's timers would take for the server's.
 */
export const client = Effect.acquireRelease(
  Effect.sync(() => new Agent({ headersTimeout: 0, bodyTimeout: 0 })),
  (agent) => Effect.promise(() => agent.destroy().catch(() => undefined))
)

const flatHeaders = (headers: Dispatcher.ResponseData["headers"]): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers).flatMap(([name, value]) =>
      value === undefined ? [] : [[name, Array.isArray(value) ? value.join(", ") : value]]
    )
  )

/** Sends a request; succeeds with the response once its headers are in (the body still unread). */
export const open = (agent: Agent, base: string, call: Call = {}, signal?: AbortSignal) =>
  Effect.tryPromise({
    try: () =>
      request(`${base}${call.path ?? "/api/v1/chat"}`, {
        dispatcher: agent,
        method: call.method ?? "POST",
        headers: call.headers ?? json,
        body: call.body ?? (call.method === undefined || call.method === "POST" ? "{}" : null),
        ...(signal === undefined ? {} : { signal })
      }),
    catch: (error) => error
  })

/** Reads a response's body whole. */
export const readAll = (response: Dispatcher.ResponseData) =>
  Effect.tryPromise({
    try: async (): Promise<Reply> => ({
      status: response.statusCode,
      headers: flatHeaders(response.headers),
      text: await response.body.text()
    }),
    catch: (error) => error
  })

/** Sends a request and reads the whole body. */
export const send = (agent: Agent, base: string, call: Call = {}) => Effect.flatMap(open(agent, base, call), readAll)

/** Retries `check` every 5 ms for up to 2 s: socket closes reach the server a moment after the client acts. */
export const eventually = <A>(check: Effect.Effect<A, unknown>) =>
  check.pipe(Effect.retry({ schedule: Schedule.spaced("5 millis"), times: 400 }))

export type Server = LocalServer.LocalServer["Service"]

export const openConnections = (server: Server, expected: number) =>
  eventually(
    Effect.flatMap(server.connections, ({ open }) =>
      open === expected ? Effect.void : Effect.fail(`open connections: ${open}, expected ${expected}`))
  )

/** Runs a test against a server of its own, and checks that no request handler failed. */
export const withServer = <A, E, R>(
  test: (server: Server, agent: Agent) => Effect.Effect<A, E, R>,
  options?: LocalServer.Options
) =>
  Effect.gen(function*() {
    const server = yield* LocalServer.LocalServer
    const agent = yield* client
    const result = yield* test(server, agent)
    // Hang up, and let every handler see it and finish before judging them.
    yield* Effect.promise(() => agent.destroy())
    yield* openConnections(server, 0)
    yield* server.idle
    expect(yield* server.handlerFailures).toEqual([])
    return result
  }).pipe(Effect.provide(LocalServer.layer(options)))

// -------------------------------------------------------------------------------------------------
// the resource
// -------------------------------------------------------------------------------------------------

/** Creates a session over the wire; fails the test unless it is a 200. */
export const createSession = (agent: Agent, base: string, body: unknown = {}, query = "") =>
  Effect.flatMap(send(agent, base, { path: `/api/v1/chat${query}`, body: JSON.stringify(body) }), (reply) => {
    const session = parse(reply.text)
    return reply.status === 200 && isSession(session) ?
      Effect.succeed(session) :
      Effect.fail(`create answered ${reply.status}: ${reply.text}`)
  })

/** Posts a turn. */
export const postTurn = (agent: Agent, base: string, sessionId: string, body: unknown = defaultTurn, signal?: AbortSignal) =>
  open(agent, base, { path: streamPath(sessionId), body: JSON.stringify(body) }, signal)

/** A session's summary; fails the test unless it is a 200. */
export const summaryOf = (agent: Agent, base: string, sessionId: string) =>
  Effect.flatMap(send(agent, base, { method: "GET", path: `/api/v1/chat/${encodeURIComponent(sessionId)}/summary` }), (reply) => {
    const session = parse(reply.text)
    return reply.status === 200 && isSession(session) ?
      Effect.succeed(session) :
      Effect.fail(`summary answered ${reply.status}: ${reply.text}`)
  })

/** A session's history, from retrieve; fails the test unless it is a 200. */
export const historyOf = (agent: Agent, base: string, sessionId: string) =>
  Effect.flatMap(send(agent, base, { method: "GET", path: `/api/v1/chat/${encodeURIComponent(sessionId)}` }), (reply) => {
    const body = parse(reply.text)
    const events = typeof body === "object" && body !== null && "events" in body && Array.isArray(body.events) ?
      body.events.map((event: unknown) => typeof event === "object" && event !== null ? { ...event } : {}) :
      undefined
    return reply.status === 200 && events !== undefined ?
      Effect.succeed<ReadonlyArray<Readonly<Record<string, unknown>>>>(events) :
      Effect.fail(`retrieve answered ${reply.status}: ${reply.text}`)
  })

/** Posts a turn and reads its whole stream. */
export const runTurn = (agent: Agent, base: string, sessionId: string, body: unknown = defaultTurn) =>
  Effect.flatMap(postTurn(agent, base, sessionId, body), readAll)

/** Reads a body chunk by chunk until it ends or fails; tells which, with what arrived. */
export const drain = (response: Dispatcher.ResponseData) =>
  Effect.promise(async () => {
    const decoder = new TextDecoder()
    let text = ""
    try {
      for await (const chunk of response.body) text += decoder.decode(chunk, { stream: true })
      return { text: text + decoder.decode(), error: undefined }
    } catch (error) {
      return { text, error: errorCode(error) ?? String(error) }
    }
  })
