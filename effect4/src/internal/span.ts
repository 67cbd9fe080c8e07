/**
 * One span per operation call, after OpenTelemetry's HTTP client conventions. A program that wants
 * no spans at all turns them off with Effect's own `Effect.withTracerEnabled(false)`.
 */
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { constUndefined } from "effect/Function"
import type * as Scope from "effect/Scope"
import * as Predicate from "effect/Predicate"
import * as References from "effect/References"
import * as Tracer from "effect/Tracer"
import type { Request } from "../core/operations.js"

export interface Server {
  readonly address: string
  readonly port: number
}

export const serverOf = (baseUrl: string): Server => {
  const url = new URL(baseUrl)
  const port = url.port !== "" ? Number(url.port) : url.protocol === "https:" ? 443 : 80
  // IPv6 literals come bracketed from URL; the attribute takes the bare address.
  return { address: url.hostname.replace(/^\[(.*)\]$/, "$1"), port }
}

/** OpenTelemetry's HTTP client conventions; `url.path` is the route template, never an id. */
const spanOptions = (operation: Request, server: Server) => ({
  kind: "client" as const,
  captureStackTrace: false,
  attributes: {
    "http.request.method": operation.method,
    "server.address": server.address,
    "server.port": server.port,
    "url.path": operation.route,
    "url.template": operation.route
  }
})

/**
 * A failure as a span records it: the error's tag, and its message with the session id replaced by
 * `{session_id}`, as `url.path` holds the route template. The caller's error keeps the id; an
 * exported span never does.
 */
class RecordedFailure extends Error {
  constructor(error: unknown, sessionId: string) {
    const message = (error instanceof Error ? error.message : String(error)).split(sessionId).join("{session_id}")
    super(message)
    this.name = Predicate.hasProperty(error, "_tag") && typeof error._tag === "string" ? error._tag : this.name
    // The frames are the engine's own; the message says what failed.
    this.stack = `${this.name}: ${message}`
  }
}

/** Ends the operation's span with its exit, a session id taken out of a failure. */
const end = (span: Tracer.Span, operation: Request, exit: Exit.Exit<unknown, unknown>): Effect.Effect<void> => {
  const { sessionId } = operation
  const recorded = sessionId === undefined || Exit.isSuccess(exit) ?
    exit :
    Exit.failCause(Cause.map(exit.cause, (error) => new RecordedFailure(error, sessionId)))
  // The unsafe reading, as Effect's own spans end: TestClock's `currentTimeNanos` effect dies on a
  // fractional virtual instant (a jittered backoff makes one), its unsafe reading floors it.
  return Effect.clockWith((clock) => Effect.sync(() => span.end(clock.currentTimeNanosUnsafe(), recorded)))
}

/** The span of a streamed operation, ended when the stream's scope closes. */
export const spanFor = (operation: Request, server: Server): Effect.Effect<Tracer.Span, never, Scope.Scope> =>
  Effect.acquireRelease(Effect.makeSpan(operation.name, spanOptions(operation, server)), (span, exit) => end(span, operation, exit))

/**
 * Runs `effect` with `span` as its parent and the span's name as its stack frame, in one update of
 * the fiber's context: what `Effect.withParentSpan(effect, span, { captureStackTrace: false })`
 * provides, which takes two (each one recomputes the fiber's cached references and restores them
 * at the end), a cost every call paid (docs/performance.md, "Effect 4 create, attributed"). No stack
 * trace is captured: the span was made without one (`spanOptions`), and a frame's trace would be an
 * `Error` per call. The frame keeps the operation's name in a rendered failure
 * (`at ChatService.create`).
 */
export const withParent = <A, E, R>(effect: Effect.Effect<A, E, R>, span: Tracer.Span): Effect.Effect<A, E, R> =>
  Effect.updateContext(effect, (context: Context.Context<R>) =>
    Context.add(
      Context.add(context, Tracer.ParentSpan, span),
      References.CurrentStackFrame,
      { name: span.name, stack: constUndefined, parent: Context.get(context, References.CurrentStackFrame) }
    ))

/** Runs `body` inside the operation's span. */
export const traced = <A, E>(
  operation: Request,
  server: Server,
  body: (span: Tracer.Span) => Effect.Effect<A, E>
): Effect.Effect<A, E> =>
  Effect.uninterruptibleMask((restore) =>
    Effect.flatMap(Effect.makeSpan(operation.name, spanOptions(operation, server)), (span) =>
      Effect.onExit(restore(withParent(body(span), span)), (exit) => end(span, operation, exit)))
  )
