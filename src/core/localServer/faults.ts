/**
 * The ways the local server misbehaves: one plain object per fault, the constructors that save
 * typing, and which requests a fault is aimed at. A fault is data; `server.ts` and `eventStream.ts`
 * act it out. Longer than most modules: the fault kinds are one union, and reading them side by side
 * is the point.
 *
 * @since 0.1.0
 */
import { type Aim, canonical, type Route } from "./routes.js"

/**
 * Options every fault shares.
 *
 * @since 0.1.0
 * @category faults
 */
export interface FaultOptions {
  /**
   * Whether the server carries out the request (creates the session, deletes it, runs the turn)
   * before misbehaving. Defaults to `false` for `Status` and `ResetBeforeResponse` (the request
   * never got through) and to `true` for every other fault (the work was done, the answer got lost
   * or mangled on the way back).
   *
   * @since 0.2.0
   */
  readonly performs?: boolean
  /** The same as `performs`, named for create requests; `performs` wins when both are given. */
  readonly createsSession?: boolean
  /**
   * The routes this fault is aimed at. Default: the plan's `route`, else every route (stream faults:
   * the `sendMessage` route).
   *
   * @since 0.2.0
   */
  readonly route?: Aim | ReadonlyArray<Aim>
  /**
   * Aims the fault at requests on this session only (retrieve, getSummary, delete, a turn).
   *
   * @since 0.2.0
   */
  readonly sessionId?: string
}

/**
 * The fault kinds, one interface each. Events are counted from 0 in the order the agent emits them
 * (keep-alive comments are not events).
 *
 * @since 0.1.0
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
   * the session needs), streamed in chunks as the socket drains. Create, retrieve and summary only;
   * other answers go out as they are.
   */
  export interface LargeBody extends FaultOptions {
    readonly _tag: "LargeBody"
    readonly bytes: number
  }
  /**
   * A turn's stream ends abruptly after `afterEvents` whole events (all of them, when there are
   * fewer): with `midEvent`, after half of the next event's bytes as well; by a close (the chunked
   * body never terminated) or, with `reset`, a TCP reset.
   */
  export interface CutStream extends FaultOptions {
    readonly _tag: "CutStream"
    readonly afterEvents: number
    readonly midEvent?: boolean
    readonly reset?: boolean
  }
  /** Headers and `afterEvents` events, then silence (no keep-alives) until the client leaves. */
  export interface StallStream extends FaultOptions {
    readonly _tag: "StallStream"
    readonly afterEvents: number
  }
  /** The whole stream, keep-alives included, one byte every `intervalMs`. */
  export interface DripStream extends FaultOptions {
    readonly _tag: "DripStream"
    readonly intervalMs: number
  }
  /**
   * Event `at` goes out as `data: <data>` instead (after the last event when `at` is past it): by
   * default `{not json`; give a JSON text of the wrong shape (`{"type":"text_delta","content":42}`)
   * to test decoding rather than parsing.
   */
  export interface MalformedEvent extends FaultOptions {
    readonly _tag: "MalformedEvent"
    readonly at: number
    readonly data?: string
  }
  /**
   * An event of a type no client knows, inserted before event `at` (after the last event when `at`
   * is past it). `event` is its payload (default a `citation`); `name` an SSE `event:` field for it.
   */
  export interface UnknownEvent extends FaultOptions {
    readonly _tag: "UnknownEvent"
    readonly at: number
    readonly event?: Readonly<Record<string, unknown>>
    readonly name?: string
  }
  /**
   * Event `at` (the last, `stop`, when `at` is past it) grown to exactly `bytes` bytes on the wire
   * (its frame, `data: ` to the blank line), by an extra `padding` field: still valid JSON of a
   * known type.
   */
  export interface OversizedEvent extends FaultOptions {
    readonly _tag: "OversizedEvent"
    readonly at: number
    readonly bytes: number
  }
  /** Every event but `stop`, then the body ends cleanly. */
  export interface NoStop extends FaultOptions {
    readonly _tag: "NoStop"
  }
  /** The whole turn, then more events after `stop`, then the connection stays open until the client leaves. */
  export interface EventsAfterStop extends FaultOptions {
    readonly _tag: "EventsAfterStop"
    readonly events?: ReadonlyArray<Readonly<Record<string, unknown>>>
  }
  /** Headers, then a keep-alive comment every `intervalMs` and never an event, until the client leaves. */
  export interface KeepAlivesOnly extends FaultOptions {
    readonly _tag: "KeepAlivesOnly"
    readonly intervalMs: number
  }
}

/**
 * A fault that mangles a turn's event stream; aimed at the `sendMessage` route unless told otherwise.
 *
 * @since 0.2.0
 * @category faults
 */
export type StreamFault =
  | Fault.CutStream
  | Fault.StallStream
  | Fault.DripStream
  | Fault.MalformedEvent
  | Fault.UnknownEvent
  | Fault.OversizedEvent
  | Fault.NoStop
  | Fault.EventsAfterStop
  | Fault.KeepAlivesOnly

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
  | StreamFault

const performsByDefault: { readonly [Tag in Fault["_tag"]]: boolean } = {
  Status: false,
  ResetBeforeResponse: false,
  ResetMidBody: true,
  CloseAfterHeaders: true,
  DelayHeaders: true,
  StallBody: true,
  DripBody: true,
  Body200: true,
  LargeBody: true,
  CutStream: true,
  StallStream: true,
  DripStream: true,
  MalformedEvent: true,
  UnknownEvent: true,
  OversizedEvent: true,
  NoStop: true,
  EventsAfterStop: true,
  KeepAlivesOnly: true
}

const streamTags: ReadonlySet<Fault["_tag"]> = new Set<StreamFault["_tag"]>([
  "CutStream",
  "StallStream",
  "DripStream",
  "MalformedEvent",
  "UnknownEvent",
  "OversizedEvent",
  "NoStop",
  "EventsAfterStop",
  "KeepAlivesOnly"
])

/**
 * Whether a fault mangles an event stream.
 *
 * @since 0.2.0
 * @category faults
 */
export const isStreamFault = (fault: Fault): fault is StreamFault => streamTags.has(fault._tag)

/** Whether a value is one of the faults `Fault` makes, as far as its tag tells. */
export const isFault = (u: unknown): u is Fault =>
  typeof u === "object" && u !== null && "_tag" in u && typeof u._tag === "string" && Object.hasOwn(performsByDefault, u._tag)

function performs(fault: Fault): boolean {
  return fault.performs ?? fault.createsSession ?? performsByDefault[fault._tag]
}

/**
 * Fault constructors.
 *
 * @example
 * ```ts
 * LocalServer.setFaults({
 *   script: [Fault.status(429, { headers: { "retry-after": "2" } }), Fault.cutStream(3, { midEvent: true })]
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
  cutStream: (
    afterEvents: number,
    options?: Omit<Fault.CutStream, "_tag" | "afterEvents">
  ): Fault.CutStream => ({ ...options, _tag: "CutStream", afterEvents }),
  stallStream: (afterEvents: number, options?: FaultOptions): Fault.StallStream => ({
    ...options,
    _tag: "StallStream",
    afterEvents
  }),
  dripStream: (intervalMs: number, options?: FaultOptions): Fault.DripStream => ({
    ...options,
    _tag: "DripStream",
    intervalMs
  }),
  malformedEvent: (at: number, options?: Omit<Fault.MalformedEvent, "_tag" | "at">): Fault.MalformedEvent => ({
    ...options,
    _tag: "MalformedEvent",
    at
  }),
  unknownEvent: (at: number, options?: Omit<Fault.UnknownEvent, "_tag" | "at">): Fault.UnknownEvent => ({
    ...options,
    _tag: "UnknownEvent",
    at
  }),
  oversizedEvent: (at: number, bytes: number, options?: FaultOptions): Fault.OversizedEvent => ({
    ...options,
    _tag: "OversizedEvent",
    at,
    bytes
  }),
  noStop: (options?: FaultOptions): Fault.NoStop => ({ ...options, _tag: "NoStop" }),
  eventsAfterStop: (options?: Omit<Fault.EventsAfterStop, "_tag">): Fault.EventsAfterStop => ({
    ...options,
    _tag: "EventsAfterStop"
  }),
  keepAlivesOnly: (intervalMs: number, options?: FaultOptions): Fault.KeepAlivesOnly => ({
    ...options,
    _tag: "KeepAlivesOnly",
    intervalMs
  }),
  /** Whether the server carries out the request before acting out this fault (see {@link FaultOptions}). */
  performs,
  /** The same as `performs`: kept for callers from before faults applied to every route. */
  createsSession: performs
} as const

/**
 * Whether `fault` is aimed at a request on `route` (and session `sessionId`), given its plan's route.
 *
 * @since 0.2.0
 * @category faults
 */
export const aimedAt = (
  fault: Fault,
  planRoute: Aim | ReadonlyArray<Aim> | undefined,
  route: Route,
  sessionId: string | undefined
): boolean => {
  const aim = fault.route ?? (isStreamFault(fault) ? "sendMessage" : planRoute)
  const routeFits = aim === undefined ||
    (typeof aim === "string" ? canonical(aim) === route : aim.some((named) => canonical(named) === route))
  return routeFits && (fault.sessionId === undefined || fault.sessionId === sessionId)
}
