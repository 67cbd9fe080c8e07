/**
 * A local LlamaCloud: an in-process HTTP server on a real socket that answers `POST /api/v1/chat`
 * as the real API does (bearer auth, FastAPI-style 401 / 422 bodies, wire-format sessions), records
 * what it receives, and misbehaves on request — status replies, resets, stalls, drips, huge or
 * broken bodies — so a client can be tested against what only a socket tells the truth about.
 *
 * @since 0.1.0
 */
import * as HttpRouter from "@effect/platform/HttpRouter"
import type { ServeError } from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import type * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Random from "effect/Random"
import * as Ref from "effect/Ref"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as SubscriptionRef from "effect/SubscriptionRef"
import * as Crypto from "node:crypto"
import * as Http from "node:http"
import type * as Net from "node:net"

// -------------------------------------------------------------------------------------------------
// models
// -------------------------------------------------------------------------------------------------

/**
 * One request as the server received it.
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordedRequest {
  /** The `x-request-id` the server answered with. */
  readonly requestId: string
  readonly method: string
  /** The path without the query string, e.g. `/api/v1/chat`. */
  readonly path: string
  /** Query parameters; when a name repeats, the last value wins (as FastAPI reads it). */
  readonly query: Readonly<Record<string, string>>
  /** Header names in lower case; `authorization` is kept as sent: this is a test double. */
  readonly headers: Readonly<Record<string, string>>
  /** The request body as text (`""` when there was none). */
  readonly body: string
}

/**
 * Who may read a session besides its owner, as the API spells it.
 *
 * @since 0.1.0
 * @category models
 */
export type SharedAccess = "query" | "read_only"

/**
 * A session the server created (and would list, had it a list endpoint).
 *
 * @since 0.1.0
 * @category models
 */
export interface CreatedSession {
  /** `ses-` followed by 24 lower-case hex digits. */
  readonly sessionId: string
  /** The request that created it. */
  readonly requestId: string
  /** As sent on the wire: UTC, no zone, microseconds (`2026-04-22T12:34:41.342245`). */
  readonly lastUpdatedAt: string
  readonly indexIds: ReadonlyArray<string> | null
  readonly sharedAccess?: SharedAccess
  readonly organizationId?: string
  readonly projectId?: string
}

/**
 * Options every fault shares.
 *
 * @since 0.1.0
 * @category faults
 */
export interface FaultOptions {
  /**
   * Whether the server creates the session (when the request is valid) before misbehaving. Defaults
   * to `false` for `Status` and `ResetBeforeResponse` (the request never got through) and to `true`
   * for every other fault (the work was done, the answer got lost or mangled on the way back).
   */
  readonly createsSession?: boolean
}

/**
 * The fault kinds, one interface each.
 *
 * @since 0.1.0
 * @category faults
 */
export declare namespace Fault {
  /**
   * Any status with any body instead of the real answer. Without `body`, the body is FastAPI's
   * `{"detail": "<reason phrase>"}`. Without `contentType` (and no `content-type` in `headers`), the
   * content type is guessed from the body: JSON, HTML (starts with `<`), plain text, or none when
   * the body is empty.
   */
  export interface Status extends FaultOptions {
    readonly _tag: "Status"
    readonly status: number
    readonly headers?: Readonly<Record<string, string>>
    readonly body?: string
    readonly contentType?: string
  }
  /** The socket is reset (TCP RST) before any response byte is sent. */
  export interface ResetBeforeResponse extends FaultOptions {
    readonly _tag: "ResetBeforeResponse"
  }
  /** Headers (with the full `content-length`) and half the body, then the socket is reset. */
  export interface ResetMidBody extends FaultOptions {
    readonly _tag: "ResetMidBody"
  }
  /** Headers (with a `content-length`), then the connection is closed without a body. */
  export interface CloseAfterHeaders extends FaultOptions {
    readonly _tag: "CloseAfterHeaders"
  }
  /** The real answer, after `delayMs`; nothing at all if the client gives up first. */
  export interface DelayHeaders extends FaultOptions {
    readonly _tag: "DelayHeaders"
    readonly delayMs: number
  }
  /** Headers and half the body, then silence until the client leaves or the server shuts down. */
  export interface StallBody extends FaultOptions {
    readonly _tag: "StallBody"
  }
  /** The real answer, its body sent one byte every `intervalMs`. */
  export interface DripBody extends FaultOptions {
    readonly _tag: "DripBody"
    readonly intervalMs: number
  }
  /** A 200 with any body (invalid JSON, wrong shape, HTML, empty) and any content type. */
  export interface Body200 extends FaultOptions {
    readonly _tag: "Body200"
    readonly body: string
    readonly contentType?: string
  }
  /**
   * A valid session of exactly `bytes` bytes (its `generated_title` padded; never fewer bytes than
   * the session needs), streamed in chunks as the socket drains.
   */
  export interface LargeBody extends FaultOptions {
    readonly _tag: "LargeBody"
    readonly bytes: number
  }
}

/**
 * One way for the server to misbehave on one request. Plain objects: `{ _tag: "StallBody" }` is a
 * fault; the constructors in {@link Fault} save typing.
 *
 * @since 0.1.0
 * @category faults
 */
export type Fault =
  | Fault.Status
  | Fault.ResetBeforeResponse
  | Fault.ResetMidBody
  | Fault.CloseAfterHeaders
  | Fault.DelayHeaders
  | Fault.StallBody
  | Fault.DripBody
  | Fault.Body200
  | Fault.LargeBody

const createsSessionByDefault: { readonly [Tag in Fault["_tag"]]: boolean } = {
  Status: false,
  ResetBeforeResponse: false,
  ResetMidBody: true,
  CloseAfterHeaders: true,
  DelayHeaders: true,
  StallBody: true,
  DripBody: true,
  Body200: true,
  LargeBody: true
}

/**
 * Fault constructors.
 *
 * @example
 * ```ts
 * LocalServer.setFaults({
 *   script: [Fault.status(429, { headers: { "retry-after": "2" } }), Fault.resetBeforeResponse()]
 * })
 * ```
 *
 * @since 0.1.0
 * @category faults
 */
export const Fault = {
  status: (
    status: number,
    options?: Omit<Fault.Status, "_tag" | "status">
  ): Fault.Status => ({ ...options, _tag: "Status", status }),
  resetBeforeResponse: (options?: FaultOptions): Fault.ResetBeforeResponse => ({
    ...options,
    _tag: "ResetBeforeResponse"
  }),
  resetMidBody: (options?: FaultOptions): Fault.ResetMidBody => ({ ...options, _tag: "ResetMidBody" }),
  closeAfterHeaders: (options?: FaultOptions): Fault.CloseAfterHeaders => ({
    ...options,
    _tag: "CloseAfterHeaders"
  }),
  delayHeaders: (delayMs: number, options?: FaultOptions): Fault.DelayHeaders => ({
    ...options,
    _tag: "DelayHeaders",
    delayMs
  }),
  stallBody: (options?: FaultOptions): Fault.StallBody => ({ ...options, _tag: "StallBody" }),
  dripBody: (intervalMs: number, options?: FaultOptions): Fault.DripBody => ({
    ...options,
    _tag: "DripBody",
    intervalMs
  }),
  body200: (body: string, options?: Omit<Fault.Body200, "_tag" | "body">): Fault.Body200 => ({
    ...options,
    _tag: "Body200",
    body
  }),
  largeBody: (bytes: number, options?: FaultOptions): Fault.LargeBody => ({
    ...options,
    _tag: "LargeBody",
    bytes
  }),
  /** Whether the server creates the session before acting out this fault (see {@link FaultOptions}). */
  createsSession: (fault: Fault): boolean => fault.createsSession ?? createsSessionByDefault[fault._tag]
} as const

/**
 * What the server does wrong, and when. Faults apply to create requests (`POST /api/v1/chat`) only:
 * the `script` is consumed one fault per request, in order; once it is exhausted (or absent), `random` applies
 * its fault to a `rate` fraction of requests (reproducibly when `seed` is given); otherwise the
 * server behaves.
 *
 * @since 0.1.0
 * @category faults
 */
export interface FaultPlan {
  readonly script?: ReadonlyArray<Fault>
  readonly random?: {
    /** Between 0 and 1. */
    readonly rate: number
    readonly fault: Fault
    readonly seed?: number
  }
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Default 0: the system picks a free port. */
  readonly port?: number
  /** Default `127.0.0.1`. */
  readonly host?: string
  /** The keys the server accepts. Default: any non-empty key. */
  readonly apiKeys?: ReadonlyArray<string>
  /** The fault plan to start with. Default: none. */
  readonly faults?: FaultPlan
}

/**
 * The running server.
 *
 * @since 0.1.0
 * @category tags
 */
export class LocalServer extends Context.Tag("effect-llamacloud/testing/LocalServer")<LocalServer, {
  /** `http://<host>:<port>`, no trailing slash. */
  readonly url: string
  readonly port: number
  /** Every request received in full since start (or the last `reset`), any path, oldest first. */
  readonly requests: Effect.Effect<ReadonlyArray<RecordedRequest>>
  /** Every session actually created, oldest first (a fault may or may not create one). */
  readonly sessions: Effect.Effect<ReadonlyArray<CreatedSession>>
  /** Connections open now, and accepted since start (not cleared by `reset`). */
  readonly connections: Effect.Effect<{ readonly open: number; readonly total: number }>
  /** Replaces the fault plan; the script starts from its first fault. */
  readonly setFaults: (plan: FaultPlan) => Effect.Effect<void>
  /** Clears recorded requests, sessions and the fault plan. */
  readonly reset: Effect.Effect<void>
  /**
   * Waits until no request is being handled: after a client gives up, its handler finishes a moment
   * later (when the server sees the socket close).
   */
  readonly idle: Effect.Effect<void>
  /**
   * Request handlers that ended in a failure — a bug in this double, so a test can assert it is
   * empty. Clients going away mid-response are not failures.
   */
  readonly handlerFailures: Effect.Effect<ReadonlyArray<Cause.Cause<unknown>>>
}>() {}

// -------------------------------------------------------------------------------------------------
// wire format
// -------------------------------------------------------------------------------------------------

/** An answer, still as data: the faults rewrite or mangle it before it goes out. */
interface Reply {
  readonly status: number
  /** Without `content-length`, which is derived from `body`. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

interface WireSession {
  readonly last_updated_at: string
  readonly session_id: string
  readonly generated_title: string | null
  readonly index_ids: ReadonlyArray<string> | null
  readonly job_metadata: null
  readonly shared_access?: SharedAccess
}

/** One entry of a FastAPI 422 `detail` list. */
interface Problem {
  readonly loc: ReadonlyArray<string | number>
  readonly msg: string
  readonly type: string
  readonly input?: unknown
}

const jsonReply = (status: number, value: unknown, headers: Readonly<Record<string, string>> = {}): Reply => ({
  status,
  headers: { ...headers, "content-type": "application/json" },
  body: JSON.stringify(value)
})

const detail = (status: number, message: string, headers?: Readonly<Record<string, string>>): Reply =>
  jsonReply(status, { detail: message }, headers)

const toWire = (session: CreatedSession, generatedTitle: string | null = null): WireSession => ({
  last_updated_at: session.lastUpdatedAt,
  session_id: session.sessionId,
  generated_title: generatedTitle,
  index_ids: session.indexIds,
  job_metadata: null,
  ...(session.sharedAccess === undefined ? {} : { shared_access: session.sharedAccess })
})

const guessContentType = (body: string): string | undefined => {
  if (body === "") return undefined
  if (body.trimStart().startsWith("<")) return "text/html; charset=utf-8"
  try {
    JSON.parse(body)
    return "application/json"
  } catch {
    return "text/plain; charset=utf-8"
  }
}

const faultReply = (fault: Fault.Status | Fault.Body200): Reply => {
  const status = fault._tag === "Status" ? fault.status : 200
  // Lower case, so that a `Content-Type` given here is the one that counts.
  const headers: Record<string, string> = Object.fromEntries(
    Object.entries(fault._tag === "Status" ? fault.headers ?? {} : {}).map(([name, value]) => [name.toLowerCase(), value])
  )
  const body = fault.body ?? JSON.stringify({ detail: Http.STATUS_CODES[status] ?? "Error" })
  const contentType = fault.contentType ?? headers["content-type"] ?? guessContentType(body)
  return { status, headers: contentType === undefined ? headers : { ...headers, "content-type": contentType }, body }
}

const withContentLength = (reply: Reply, length: number = Buffer.byteLength(reply.body)) => ({
  ...reply.headers,
  "content-length": String(length)
})

const toResponse = (reply: Reply): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.raw(Buffer.from(reply.body), { status: reply.status, headers: withContentLength(reply) })

// -------------------------------------------------------------------------------------------------
// the create endpoint
// -------------------------------------------------------------------------------------------------

const uuid = /^(?:urn:uuid:)?(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})$/i

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const validateQuery = (query: Readonly<Record<string, string>>): Array<Problem> =>
  (["organization_id", "project_id"] as const).flatMap((name) => {
    const value = query[name]
    return value === undefined || uuid.test(value) ?
      [] :
      [{ loc: ["query", name], msg: "Input should be a valid UUID", type: "uuid_parsing", input: value }]
  })

interface CreateBody {
  readonly indexIds: ReadonlyArray<string> | null
  readonly sharedAccess?: SharedAccess
}

const validateBody = (text: string): { readonly problems: Array<Problem>; readonly body?: CreateBody } => {
  if (text.trim() === "") {
    return { problems: [{ loc: ["body"], msg: "Field required", type: "missing", input: null }] }
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { problems: [{ loc: ["body"], msg: "JSON decode error", type: "json_invalid", input: {} }] }
  }
  if (!isRecord(json)) {
    return {
      problems: [{
        loc: ["body"],
        msg: "Input should be a valid dictionary or object to extract fields from",
        type: "model_attributes_type",
        input: json
      }]
    }
  }
  const problems: Array<Problem> = []
  const indexIds = json["index_ids"]
  if (indexIds !== undefined && indexIds !== null) {
    if (!Array.isArray(indexIds)) {
      problems.push({ loc: ["body", "index_ids"], msg: "Input should be a valid list", type: "list_type", input: indexIds })
    } else {
      indexIds.forEach((id: unknown, i) => {
        if (typeof id !== "string") {
          problems.push({ loc: ["body", "index_ids", i], msg: "Input should be a valid string", type: "string_type", input: id })
        } else if (id === "") {
          problems.push({
            loc: ["body", "index_ids", i],
            msg: "String should have at least 1 character",
            type: "string_too_short",
            input: id
          })
        }
      })
      if (indexIds.length > 10) {
        problems.push({
          loc: ["body", "index_ids"],
          msg: `List should have at most 10 items after validation, not ${indexIds.length}`,
          type: "too_long",
          input: indexIds
        })
      }
    }
  }
  const sharedAccess = json["shared_access"]
  if (sharedAccess !== undefined && sharedAccess !== null && sharedAccess !== "query" && sharedAccess !== "read_only") {
    problems.push({
      loc: ["body", "shared_access"],
      msg: "Input should be 'query' or 'read_only'",
      type: "enum",
      input: sharedAccess
    })
  }
  if (problems.length > 0) return { problems }
  return {
    problems,
    body: {
      // Validated above: an array of non-empty strings, or nothing.
      indexIds: Array.isArray(indexIds) ? indexIds.filter((id): id is string => typeof id === "string") : null,
      ...(sharedAccess === "query" || sharedAccess === "read_only" ? { sharedAccess } : {})
    }
  }
}

// FastAPI's HTTPBearer: a missing header, another scheme or an empty credential is "not authenticated".
const bearerKey = (header: string | undefined): string | undefined => {
  const match = /^bearer +(\S+) *$/i.exec(header ?? "")
  return match?.[1]
}

/** `2026-04-22T12:34:41.342245`: UTC, no zone, microseconds, as LlamaCloud sends it. */
const wireTimestamp = Effect.map(Clock.currentTimeNanos, (nanos) => {
  const micros = nanos / 1000n
  const seconds = new Date(Number(micros / 1000n)).toISOString().slice(0, 19)
  return `${seconds}.${String(micros % 1_000_000n).padStart(6, "0")}`
})

const randomHex = (bytes: number): string => Crypto.randomBytes(bytes).toString("hex")

interface Incoming {
  readonly requestId: string
  readonly query: Readonly<Record<string, string>>
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** What the real server would answer, and the session it would create if the answer is a 200. */
const answer = (
  incoming: Incoming,
  apiKeys: ReadonlyArray<string> | undefined
): Effect.Effect<{ readonly reply: Reply; readonly session?: CreatedSession }> =>
  Effect.gen(function*() {
    const key = bearerKey(incoming.headers["authorization"])
    const challenge = { "www-authenticate": "Bearer" }
    if (key === undefined) return { reply: detail(401, "Not authenticated", challenge) }
    if (apiKeys !== undefined && !apiKeys.includes(key)) {
      return { reply: detail(401, "Invalid authentication token", challenge) }
    }
    const validated = validateBody(incoming.body)
    const problems = [...validateQuery(incoming.query), ...validated.problems]
    if (problems.length > 0 || validated.body === undefined) {
      return { reply: jsonReply(422, { detail: problems }) }
    }
    const organizationId = incoming.query["organization_id"]
    const projectId = incoming.query["project_id"]
    const session: CreatedSession = {
      sessionId: `ses-${randomHex(12)}`,
      requestId: incoming.requestId,
      lastUpdatedAt: yield* wireTimestamp,
      indexIds: validated.body.indexIds,
      ...(validated.body.sharedAccess === undefined ? {} : { sharedAccess: validated.body.sharedAccess }),
      ...(organizationId === undefined ? {} : { organizationId }),
      ...(projectId === undefined ? {} : { projectId })
    }
    return { reply: jsonReply(200, toWire(session)), session }
  })

// -------------------------------------------------------------------------------------------------
// socket-level faults, on the raw node objects
// -------------------------------------------------------------------------------------------------
// These run in an uninterruptible route: a client going away must not interrupt them halfway
// through a write, so each one watches the response's `close` itself, and clears its own timers
// on every path (an async's canceller only runs on interruption, which never comes here).

interface Raw {
  readonly request: Http.IncomingMessage
  readonly response: Http.ServerResponse
}

const rawOf = (request: HttpServerRequest.HttpServerRequest): Raw => ({
  request: NodeHttpServerRequest.toIncomingMessage(request),
  response: NodeHttpServerRequest.toServerResponse(request)
})

const isGone = (raw: Raw): boolean => raw.response.destroyed || raw.request.socket.destroyed

// A RST where the platform allows it (a client sees ECONNRESET), a plain close otherwise.
const resetSocket = (socket: Net.Socket): void => {
  try {
    socket.resetAndDestroy()
  } catch {
    socket.destroy()
  }
}

// The platform writes the handler's response unless the node response has ended: end it (a no-op
// write on a dead socket) so that nothing is written after a fault has had its way.
const settle = (raw: Raw) =>
  Effect.sync(() => {
    if (!raw.response.writableEnded) raw.response.end()
    return HttpServerResponse.empty()
  })

/** Waits until the response is finished or its connection is gone. */
const closed = (raw: Raw): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    if (isGone(raw)) return resume(Effect.void)
    const done = () => resume(Effect.void)
    raw.response.once("close", done)
    return Effect.sync(() => raw.response.off("close", done))
  })

/** Waits `ms`, or less if the connection goes first; tells which came first. */
const waitUnlessClosed = (raw: Raw, ms: number): Effect.Effect<"elapsed" | "closed"> =>
  Effect.async<"elapsed" | "closed">((resume) => {
    if (isGone(raw)) return resume(Effect.succeed("closed"))
    const onClose = () => {
      clearTimeout(timer)
      resume(Effect.succeed("closed"))
    }
    const timer = setTimeout(() => {
      raw.response.off("close", onClose)
      resume(Effect.succeed("elapsed"))
    }, ms)
    raw.response.once("close", onClose)
    return Effect.sync(() => {
      clearTimeout(timer)
      raw.response.off("close", onClose)
    })
  })

// Long enough for a client on this host to have read what was written before the RST arrives.
const settleBeforeResetMs = 20

interface RawSend {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly chunks: Iterator<Uint8Array>
  /** 0: as fast as the socket drains. */
  readonly intervalMs: number
  /** What happens once every chunk is written. */
  readonly then: "end" | "reset" | "close" | "stall"
}

/** Writes a response by hand, then ends, resets, closes or stalls; completes when the connection closes. */
const sendRaw = (raw: Raw, plan: RawSend): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    const { response } = raw
    const socket = raw.request.socket
    let timer: ReturnType<typeof setTimeout> | undefined
    const cleanup = () => {
      clearTimeout(timer)
      response.off("drain", next)
      response.off("close", onClose)
    }
    const onClose = () => {
      cleanup()
      resume(Effect.void)
    }
    const afterBody = () => {
      switch (plan.then) {
        case "end":
          return response.end()
        case "stall":
          return
        case "reset":
          timer = setTimeout(() => resetSocket(socket), settleBeforeResetMs)
          return
        case "close":
          // A FIN after what was written, not a RST: the client reads the headers, then EOF.
          return socket.destroySoon()
      }
    }
    function next() {
      timer = undefined
      for (;;) {
        const chunk = plan.chunks.next()
        if (chunk.done === true) return afterBody()
        const drained = response.write(chunk.value)
        if (plan.intervalMs > 0) {
          timer = setTimeout(next, plan.intervalMs)
          return
        }
        if (!drained) {
          response.once("drain", next)
          return
        }
      }
    }
    if (isGone(raw)) return resume(Effect.void)
    response.once("close", onClose)
    response.writeHead(plan.status, { ...plan.headers })
    response.flushHeaders()
    next()
    return Effect.sync(cleanup)
  })

function* once(bytes: Uint8Array): Generator<Uint8Array> {
  if (bytes.length > 0) yield bytes
}

function* byteByByte(bytes: Uint8Array): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1)
}

const largeChunkBytes = 64 * 1024

// The session with its title padded to `bytes` in total, produced chunk by chunk: only one chunk
// of padding is ever held in memory.
const largeSession = (session: CreatedSession, bytes: number): { readonly length: number; readonly chunks: Generator<Uint8Array> } => {
  const marker = "\u0000"
  const [head = "", tail = ""] = JSON.stringify(toWire(session, marker)).split(JSON.stringify(marker))
  const fixed = Buffer.byteLength(head) + Buffer.byteLength(tail) + 2
  const padding = Math.max(0, bytes - fixed)
  function* chunks(): Generator<Uint8Array> {
    yield Buffer.from(`${head}"`)
    const block = Buffer.alloc(Math.min(largeChunkBytes, padding), "x")
    for (let left = padding; left > 0; left -= block.length) {
      yield left >= block.length ? block : block.subarray(0, left)
    }
    yield Buffer.from(`"${tail}`)
  }
  return { length: fixed + padding, chunks: chunks() }
}

const half = (body: string): Uint8Array => {
  const bytes = Buffer.from(body)
  return bytes.subarray(0, Math.floor(bytes.length / 2))
}

/** Acts out `fault`, given the answer the server would have sent. */
const actOut = (
  request: HttpServerRequest.HttpServerRequest,
  fault: Fault,
  reply: Reply,
  session: CreatedSession | undefined
): Effect.Effect<HttpServerResponse.HttpServerResponse> => {
  const raw = rawOf(request)
  const send = (plan: RawSend) => Effect.zipRight(sendRaw(raw, plan), settle(raw))
  switch (fault._tag) {
    case "Status":
    case "Body200":
      return Effect.succeed(toResponse(faultReply(fault)))
    case "ResetBeforeResponse":
      return Effect.sync(() => resetSocket(raw.request.socket)).pipe(
        Effect.zipRight(closed(raw)),
        Effect.zipRight(settle(raw))
      )
    case "ResetMidBody":
      return send({
        status: reply.status,
        headers: withContentLength(reply),
        chunks: once(half(reply.body)),
        intervalMs: 0,
        then: "reset"
      })
    case "CloseAfterHeaders":
      return send({ status: reply.status, headers: withContentLength(reply), chunks: once(new Uint8Array()), intervalMs: 0, then: "close" })
    case "StallBody":
      return send({
        status: reply.status,
        headers: withContentLength(reply),
        chunks: once(half(reply.body)),
        intervalMs: 0,
        then: "stall"
      })
    case "DripBody":
      return send({
        status: reply.status,
        headers: withContentLength(reply),
        chunks: byteByByte(Buffer.from(reply.body)),
        intervalMs: Math.max(1, fault.intervalMs),
        then: "end"
      })
    case "DelayHeaders":
      return Effect.flatMap(
        waitUnlessClosed(raw, fault.delayMs),
        (outcome) => outcome === "closed" ? settle(raw) : Effect.succeed(toResponse(reply))
      )
    case "LargeBody": {
      // Only a success grows: a 401 or 422 goes out as it is.
      if (session === undefined) return Effect.succeed(toResponse(reply))
      const large = largeSession(session, fault.bytes)
      return send({
        status: 200,
        headers: withContentLength(reply, large.length),
        chunks: large.chunks,
        intervalMs: 0,
        then: "end"
      })
    }
  }
}

// -------------------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------------------

class RequestId extends Context.Tag("effect-llamacloud/testing/LocalServer/RequestId")<RequestId, string>() {}

interface PlanState {
  readonly script: ReadonlyArray<Fault>
  readonly random?: { readonly rate: number; readonly fault: Fault; readonly rng: Random.Random | undefined }
}

const planState = (plan: FaultPlan | undefined): PlanState => ({
  script: plan?.script ?? [],
  ...(plan?.random === undefined ? {} : {
    random: {
      rate: plan.random.rate,
      fault: plan.random.fault,
      rng: plan.random.seed === undefined ? undefined : Random.make(plan.random.seed)
    }
  })
})

const splitUrl = (url: string): { readonly path: string; readonly query: Readonly<Record<string, string>> } => {
  const at = url.indexOf("?")
  return at === -1 ?
    { path: url, query: {} } :
    { path: url.slice(0, at), query: Object.fromEntries(new URLSearchParams(url.slice(at + 1))) }
}

const chatPath = "/api/v1/chat"

/**
 * Starts the server; when the scope closes, stops listening, destroys every open socket (stalled
 * ones included) and waits for the server to close.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<LocalServer["Type"], ServeError, Scope.Scope> =>
  Effect.gen(function*() {
    const nodeServer = Http.createServer()
    const server = yield* NodeHttpServer.make(() => nodeServer, {
      port: options.port ?? 0,
      host: options.host ?? "127.0.0.1"
    })
    const requests = yield* Ref.make<ReadonlyArray<RecordedRequest>>([])
    const sessions = yield* Ref.make<ReadonlyArray<CreatedSession>>([])
    const plan = yield* Ref.make(planState(options.faults))
    const failures = yield* Ref.make<ReadonlyArray<Cause.Cause<unknown>>>([])
    const handling = yield* SubscriptionRef.make(0)
    const idle = handling.changes.pipe(Stream.takeUntil((n) => n === 0), Stream.runDrain)

    const sockets = new Set<Net.Socket>()
    let totalConnections = 0
    const onConnection = (socket: Net.Socket) => {
      totalConnections++
      sockets.add(socket)
      socket.once("close", () => sockets.delete(socket))
    }
    nodeServer.on("connection", onConnection)
    // Added after the platform's own finalizer, so it runs first: the platform's `server.close()`
    // would otherwise wait forever on a stalled connection. Every handler ends once its socket is
    // gone, so waiting for them to finish is bounded.
    yield* Effect.addFinalizer(() =>
      Effect.async<void>((resume) => {
        nodeServer.off("connection", onConnection)
        if (!nodeServer.listening) return resume(Effect.void)
        nodeServer.close(() => resume(Effect.void))
        for (const socket of sockets) socket.destroy()
      }).pipe(Effect.zipRight(idle))
    )

    const nextFault = Effect.gen(function*() {
      const scripted = yield* Ref.modify(plan, (state): [Fault | undefined, PlanState] => {
        const [first, ...rest] = state.script
        return first === undefined ? [undefined, state] : [first, { ...state, script: rest }]
      })
      if (scripted !== undefined) return scripted
      const random = (yield* Ref.get(plan)).random
      if (random === undefined) return undefined
      const draw = random.rng === undefined ? yield* Random.next : yield* random.rng.next
      return draw < random.rate ? random.fault : undefined
    })

    const create = Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      const requestId = yield* RequestId
      const body = yield* request.text
      const fault = yield* nextFault
      const { reply, session } = yield* answer(
        { requestId, query: splitUrl(request.url).query, headers: request.headers, body },
        options.apiKeys
      )
      if (session !== undefined && (fault === undefined || Fault.createsSession(fault))) {
        yield* Ref.update(sessions, (all) => [...all, session])
      }
      return fault === undefined ? toResponse(reply) : yield* actOut(request, fault, reply, session)
    })

    const router = HttpRouter.empty.pipe(
      // One route for every method: find-my-way refuses a POST route beside an "all methods" one.
      HttpRouter.all(
        chatPath,
        Effect.flatMap(
          HttpServerRequest.HttpServerRequest,
          (request) =>
            request.method === "POST" ?
              create :
              Effect.succeed(toResponse(detail(405, "Method Not Allowed", { allow: "POST" })))
        ),
        { uninterruptible: true }
      ),
      Effect.catchTag("RouteNotFound", () => Effect.succeed(toResponse(detail(404, "Not Found"))))
    )

    const app = Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      const requestId = `req-${randomHex(12)}`
      // On the node response itself, so hand-written fault responses carry it as well.
      NodeHttpServerRequest.toServerResponse(request).setHeader("x-request-id", requestId)
      const { path, query } = splitUrl(request.url)
      const body = yield* request.text
      yield* Ref.update(requests, (all) => [
        ...all,
        { requestId, method: request.method, path, query, headers: { ...request.headers }, body }
      ])
      return yield* Effect.provideService(router, RequestId, requestId)
    }).pipe(
      // The body never arrived in full: the client has gone, so whatever is answered is not read.
      Effect.catchTag("RequestError", () => Effect.succeed(toResponse(detail(400, "There was an error parsing the body"))))
    )

    // Wraps the whole handling, the platform's writing of the response included.
    yield* server.serve(app, (handled) =>
      SubscriptionRef.update(handling, (n) => n + 1).pipe(
        Effect.zipRight(handled),
        Effect.tapErrorCause((cause) => Ref.update(failures, (all) => [...all, cause])),
        Effect.ensuring(SubscriptionRef.update(handling, (n) => n - 1))
      ))

    const address = server.address
    const port = address._tag === "TcpAddress" ? address.port : 0
    const host = options.host ?? "127.0.0.1"
    return {
      url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
      port,
      requests: Ref.get(requests),
      sessions: Ref.get(sessions),
      connections: Effect.sync(() => ({ open: sockets.size, total: totalConnections })),
      setFaults: (next: FaultPlan) => Ref.set(plan, planState(next)),
      reset: Effect.all([Ref.set(requests, []), Ref.set(sessions, []), Ref.set(plan, planState(undefined))], {
        discard: true
      }),
      idle,
      handlerFailures: Ref.get(failures)
    }
  })

/**
 * The server as a layer: listening once built, closed (open sockets destroyed) when its scope
 * closes.
 *
 * @example
 * ```ts
 * it.layer(LocalServer.layer({ apiKeys: ["llx-test"] }))("client", (it) => { ... })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<LocalServer, ServeError> =>
  Layer.scoped(LocalServer, make(options))

/**
 * The running server's base URL.
 *
 * @since 0.1.0
 * @category accessors
 */
export const url: Effect.Effect<string, never, LocalServer> = Effect.map(LocalServer, (server) => server.url)

/**
 * Replaces the running server's fault plan.
 *
 * @since 0.1.0
 * @category accessors
 */
export const setFaults = (plan: FaultPlan): Effect.Effect<void, never, LocalServer> =>
  Effect.flatMap(LocalServer, (server) => server.setFaults(plan))
