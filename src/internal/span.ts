/**
 * One span per operation call, after OpenTelemetry's HTTP client conventions. None under Effect's
 * own tracer, which keeps spans that nothing exports or reads back.
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type * as Tracer from "effect/Tracer"
import type { Request } from "./operation.js"

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

/** The span of a streamed operation, ended when the stream's scope closes; none under Effect's own tracer. */
export const spanFor = (operation: Request, server: Server): Effect.Effect<Tracer.Span | undefined, never, Scope.Scope> =>
  Effect.tracerWith((tracer) =>
    tracer === defaultTracer() ? Effect.succeed(undefined) : Effect.makeSpanScoped(operation.name, spanOptions(operation, server))
  )

let nativeTracer: Tracer.Tracer | undefined
/**
 * The tracer a program has when none is provided. It keeps spans that nothing exports or reads
 * back, and making one cost a sixth of a call's CPU against an instant transport: under it a call
 * has no span.
 */
const defaultTracer = (): Tracer.Tracer => nativeTracer ??= Effect.runSync(Effect.tracer)

/** Runs `body` inside the operation's span, when the program has a tracer that keeps spans. */
export const traced = <A, E>(
  operation: Request,
  server: Server,
  body: (span: Tracer.Span | undefined) => Effect.Effect<A, E>
): Effect.Effect<A, E> =>
  Effect.tracerWith((tracer) =>
    tracer === defaultTracer()
      ? body(undefined)
      : Effect.useSpan(operation.name, spanOptions(operation, server), (span) => Effect.withParentSpan(body(span), span))
  )
