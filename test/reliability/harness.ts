/**
 * What the Effect 3 edition's reliability files share: a distinctive API key, the two transports, a
 * client built for one local server, recorders for logs and spans, the checks run after every
 * scenario (leaked sockets, timers, unhandled rejections, the key), and the JSON rows the report is
 * rendered from (the Effect-free parts re-exported from test/shared/reliability/).
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HashMap from "effect/HashMap"
import * as Layer from "effect/Layer"
import * as List from "effect/List"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Redacted from "effect/Redacted"
import * as Tracer from "effect/Tracer"
import { inspect } from "node:util"
import { ChatService } from "../../src/ChatService.js"
import type { CreateSessionParams } from "../../src/ChatParams.js"
import { LlamaCloudClient } from "../../src/LlamaCloudClient.js"
import { isLlamaCloudError, type LlamaCloudError } from "../../src/LlamaCloudError.js"

import { API_KEY } from "../shared/reliability/key.js"
import { closedPort as freePort } from "../shared/reliability/runner.js"
import { type handleCounts, settled } from "../shared/reliability/resources.js"

export { API_KEY, keyLeaks } from "../shared/reliability/key.js"
export { handleCounts, resourceMark, resourcesSince, trackResources, unhandled } from "../shared/reliability/resources.js"
export { record, type Row } from "../shared/reliability/rows.js"

// -------------------------------------------------------------------------------------------------
// transports and the client

export interface Transport {
  /** Short name, used in rows and test names. */
  readonly name: "undici" | "fetch"
  /** What a user provides. */
  readonly label: string
  readonly layer: Layer.Layer<HttpClient.HttpClient>
  /**
   * Whether the transport's connection pool lives and dies with the layer. `layerUndici` builds an
   * `Agent` per layer; `FetchHttpClient.layer` uses the process-wide pool of Node's `fetch`.
   */
  readonly ownsPool: boolean
}

export const undici: Transport = {
  name: "undici",
  label: "NodeHttpClient.layerUndici",
  layer: NodeHttpClient.layerUndici,
  ownsPool: true
}

export const fetch: Transport = {
  name: "fetch",
  label: "FetchHttpClient.layer",
  layer: FetchHttpClient.layer,
  ownsPool: false
}

export const transports: ReadonlyArray<Transport> = [undici, fetch]

/** `ChatService` for `baseUrl` over `transport`, built with `policies`. */
export const clientLayer = (
  baseUrl: string,
  transport: Layer.Layer<HttpClient.HttpClient, ConfigError.ConfigError>,
  policies: Layer.Layer<never, ConfigError.ConfigError> = Layer.empty
): Layer.Layer<ChatService> =>
  ChatService.layer.pipe(
    Layer.provide(policies),
    Layer.provide(LlamaCloudClient.layer({ apiKey: Redacted.make(API_KEY), baseUrl })),
    Layer.provide(transport),
    // Every scenario passes valid options: a ConfigError here is a bug in the suite.
    Layer.orDie
  )

export const create = (params?: CreateSessionParams) => Effect.flatMap(ChatService, (chat) => chat.create(params))

/** A port on 127.0.0.1 with nothing listening: a server was started on it and closed. */
export const closedPort: Effect.Effect<number> = Effect.promise(freePort)

// -------------------------------------------------------------------------------------------------
// outcomes

/** What a call ended in, as one label: `success`, `ServerError(503)`, `NetworkError(AttemptTimeout)`… */
export type Outcome =
  | { readonly _tag: "Success"; readonly label: "success" }
  | { readonly _tag: "Failure"; readonly label: string; readonly error: LlamaCloudError }
  /** Anything else — a defect, an interruption, several failures — is a bug. */
  | { readonly _tag: "Bug"; readonly label: string; readonly cause: Cause.Cause<unknown> }

export const labelOf = (error: LlamaCloudError): string => {
  switch (error._tag) {
    case "NetworkError":
      return `NetworkError(${error.reason})`
    case "ValidationError":
      return error.status._tag === "Some" ? `ValidationError(${error.status.value})` : "ValidationError"
    case "TurnError":
      return error._tag
    default:
      return `${error._tag}(${error.status})`
  }
}

export const outcomeOf = (exit: Exit.Exit<unknown, unknown>): Outcome =>
  Exit.match(exit, {
    onSuccess: (): Outcome => ({ _tag: "Success", label: "success" }),
    onFailure: (cause): Outcome => {
      const failures = Chunk.toReadonlyArray(Cause.failures(cause))
      const [error] = failures
      if (failures.length === 1 && error !== undefined && Chunk.isEmpty(Cause.defects(cause)) && isLlamaCloudError(error)) {
        return { _tag: "Failure", label: labelOf(error), error }
      }
      const what = Cause.isInterruptedOnly(cause)
        ? "interrupted"
        : Chunk.isNonEmpty(Cause.defects(cause))
        ? "defect"
        : "not a LlamaCloudError"
      return { _tag: "Bug", label: `${what}: ${Cause.pretty(cause).split("\n")[0] ?? ""}`, cause }
    }
  })

// -------------------------------------------------------------------------------------------------
// observing logs and spans

export interface Observed {
  /** Every log line, every level, rendered in full (message, annotations, cause, spans). */
  readonly logs: Array<string>
  readonly spans: Array<Tracer.Span>
  /** Installs the capturing logger (all levels) and the recording tracer. */
  readonly layer: Layer.Layer<never, ConfigError.ConfigError>
}

/** A logger that keeps every line at every level, and a tracer that keeps every span. */
export const observe = (): Observed => {
  const logs: Array<string> = []
  const spans: Array<Tracer.Span> = []
  const logger = Logger.make(({ annotations, cause, logLevel, message, spans: logSpans }) => {
    logs.push(inspect({
      level: logLevel.label,
      message,
      annotations: Object.fromEntries(HashMap.toEntries(annotations)),
      cause: Cause.isEmpty(cause) ? undefined : Cause.pretty(cause, { renderErrorCause: true }),
      spans: List.toArray(logSpans).map((span) => span.label)
    }, { depth: 10 }))
  })
  const base = Tracer.make({
    span: (name, parent, context, links, startTime, kind, options) => {
      const span = nativeTracer.span(name, parent, context, links, startTime, kind, options)
      spans.push(span)
      return span
    },
    context: (f) => f()
  })
  const layer = Layer.mergeAll(
    Logger.replace(Logger.defaultLogger, logger),
    Logger.minimumLogLevel(LogLevel.All),
    Layer.setTracer(base)
  )
  return { logs, spans, layer }
}

// The default tracer, to create real spans with; read once from a fresh runtime.
const nativeTracer: Tracer.Tracer = Effect.runSync(Effect.tracer)

/** The attribute `name` of the first span called `spanName`, if any. */
export const spanAttribute = (spans: ReadonlyArray<Tracer.Span>, spanName: string, name: string): unknown =>
  spans.find((span) => span.name === spanName)?.attributes.get(name)

/**
 * The numeric attribute `name` summed over every span called `spanName` (a listing makes one span
 * per page); `undefined` when no such span carries it.
 */
export const spanAttributeSum = (spans: ReadonlyArray<Tracer.Span>, spanName: string, name: string): number | undefined => {
  const values = spans.filter((span) => span.name === spanName).map((span) => span.attributes.get(name))
  const numbers = values.filter((value): value is number => typeof value === "number")
  return numbers.length === 0 ? undefined : numbers.reduce((sum, n) => sum + n, 0)
}

const renderSpan = (span: Tracer.Span): string =>
  inspect({
    name: span.name,
    attributes: Object.fromEntries(span.attributes),
    events: "events" in span ? span.events : undefined,
    links: span.links
  }, { depth: 10 })

/**
 * Every place the key could surface, as text: the error (message, `String`, `JSON.stringify`,
 * `inspect`), the whole cause pretty-printed, each log line and each span.
 */
export const renderings = (
  exit: Exit.Exit<unknown, unknown>,
  observed: Pick<Observed, "logs" | "spans">
): Readonly<Record<string, string>> => {
  const texts: Record<string, string> = {}
  if (Exit.isFailure(exit)) {
    texts["Cause.pretty"] = Cause.pretty(exit.cause, { renderErrorCause: true })
    Chunk.toReadonlyArray(Cause.failures(exit.cause)).forEach((error, i) => {
      texts[`error[${i}].message`] = error instanceof Error ? error.message : ""
      texts[`String(error[${i}])`] = String(error)
      texts[`JSON.stringify(error[${i}])`] = JSON.stringify(error)
      texts[`inspect(error[${i}])`] = inspect(error, { depth: 10 })
    })
  }
  observed.logs.forEach((line, i) => (texts[`log[${i}]`] = line))
  observed.spans.forEach((span, i) => (texts[`span[${i}] ${span.name}`] = renderSpan(span)))
  return texts
}


// -------------------------------------------------------------------------------------------------
// handles, rejections

/**
 * Waits (up to `ms`) until the scenario's handles are gone: nothing it created is left (when
 * tracking) and Node's socket and server counts are back to `baseline`. Returns what remains.
 */
export const settledHandles = (mark: number, baseline: ReturnType<typeof handleCounts>, ms = 3_000) =>
  Effect.promise(() => settled(mark, baseline, ms))

/**
 * Polls `check` every 5 ms for up to `ms`; returns its last value. A wait for a state, which returns
 * as soon as it holds: the limit only gives up on it. By default just under the local server's idle
 * keep-alive timeout (Node's 5 s), so that what the client left open is still seen open.
 */
export const pollUntil = <A, R>(check: Effect.Effect<A, never, R>, done: (a: A) => boolean, ms = 4_500) =>
  Effect.gen(function*() {
    const deadline = Date.now() + ms
    for (;;) {
      const value = yield* check
      if (done(value) || Date.now() > deadline) return value
      yield* Effect.sleep("5 millis")
    }
  })
