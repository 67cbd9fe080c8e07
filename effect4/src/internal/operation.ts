/**
 * One LlamaCloud operation described as data: what to send, how to read the answer, and whether
 * repeating it is harmless. The table of operations (`operations.ts`) builds these descriptions; the
 * engine (`engine.ts`) runs them. The Effect-free part of a description (`Request`) is the table's,
 * in `core/operations.ts`; the ways of reading an answer are this edition's.
 */
import type * as Result from "effect/Result"
import type * as Schema from "effect/Schema"
import type { Request } from "../core/operations.js"

export { type Method, type Request, segment } from "../core/operations.js"

/** How to turn a 2xx body (parsed JSON) into the call's result. */
export type Decode<A> = (json: unknown) => Result.Result<A, Schema.SchemaError>

/** A body decoded by a schema (`core/operations.ts` says how each kind of answer is read). */
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

/** An operation answered by a JSON body or by a status alone. */
export interface Operation<A> extends Request {
  readonly answer: Json<A> | Empty<A>
}

/** An operation answered by an event stream. */
export interface StreamOperation extends Request {
  readonly answer: EventStream
}
