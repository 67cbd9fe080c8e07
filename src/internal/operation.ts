/**
 * One LlamaCloud operation described as data: what to send, how to read the answer, and whether
 * repeating it is harmless. The table of operations (`operations.ts`) builds these descriptions; the
 * engine (`execute.ts`) runs them.
 */
import type * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"

/** How to turn a 2xx body (parsed JSON) into the call's result. */
export type Decode<A> = (json: unknown) => Either.Either<A, ParseResult.ParseError>

/**
 * How the answer is read:
 * - `Json`: the whole body, bounded, parsed and decoded; the per-attempt timeout covers all of it.
 * - `Empty`: a status only (a 204); the body, if any, is discarded.
 * - `EventStream`: Server-Sent Events read as they arrive; the per-attempt timeout covers the
 *   response headers only, the idle and total limits the rest (`eventStream.ts`).
 */

/** A body decoded by a schema. */
export interface Json<A> {
  readonly _tag: "Json"
  readonly decode: Decode<A>
}

/** A status alone; `value` is the result. */
export interface Empty<A> {
  readonly _tag: "Empty"
  readonly value: A
}

/** Server-Sent Events. */
export interface EventStream {
  readonly _tag: "EventStream"
}

/** The HTTP methods the Chat API's operations use. */
export type Method = "GET" | "POST" | "PATCH" | "DELETE"

/** What every operation's description holds, whatever its answer. */
export interface Request {
  /** `ChatService.retrieve`: the span's name, and the operation every error names. */
  readonly name: string
  readonly method: Method
  /** The path template, e.g. `/api/v1/chat/{session_id}`: spans record it, never the ids. */
  readonly route: string
  /** The path sent, ids percent-encoded. */
  readonly path: string
  /** The session the call is about, named in errors. */
  readonly sessionId?: string | undefined
  /** Wire names, only the parameters that are set. */
  readonly query: Readonly<Record<string, string>>
  /** The JSON body in wire form; none for a GET or DELETE. */
  readonly body?: unknown
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

/** An operation answered by a JSON body or by a status alone. */
export interface Operation<A> extends Request {
  readonly answer: Json<A> | Empty<A>
}

/** An operation answered by an event stream. */
export interface StreamOperation extends Request {
  readonly answer: EventStream
}

/** A path segment from a caller's id: every reserved character percent-encoded. */
export const segment = (id: string): string => encodeURIComponent(id)
