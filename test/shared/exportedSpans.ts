/**
 * What the client's spans must say, for both editions' telemetry tests (test/telemetry.test.ts,
 * effect4/test/telemetry.test.ts): each operation's span and its HTTP client conventions, how a turn
 * went, and the secrets no span may hold. The spans are read as an OpenTelemetry exporter keeps
 * them (`ReadableSpan`, without Effect); each edition runs the calls and exports them its own way.
 */
import { SpanKind } from "@opentelemetry/api"

/** Each operation's span, in the order `everyOperation` calls them: its method, route and status. */
export const operationSpans = [
  { name: "ChatService.create", method: "POST", route: "/api/v1/chat", status: 200 },
  { name: "ChatService.list", method: "GET", route: "/api/v1/chat", status: 200 },
  { name: "ChatService.listPage", method: "GET", route: "/api/v1/chat", status: 200 },
  { name: "ChatService.sendMessage", method: "POST", route: "/api/v1/chat/{session_id}/messages/stream", status: 200 },
  { name: "ChatService.ask", method: "POST", route: "/api/v1/chat/{session_id}/messages/stream", status: 200 },
  { name: "ChatService.retrieve", method: "GET", route: "/api/v1/chat/{session_id}", status: 200 },
  { name: "ChatService.getSummary", method: "GET", route: "/api/v1/chat/{session_id}/summary", status: 200 },
  { name: "ChatService.delete", method: "DELETE", route: "/api/v1/chat/{session_id}", status: 204 }
] as const

/** A span as an exporter keeps it: the parts these tests read of a `ReadableSpan`. */
export interface ExportedSpan {
  readonly name: string
  readonly kind: SpanKind
  readonly attributes: Readonly<Record<string, unknown>>
  readonly events: ReadonlyArray<{ readonly name: string; readonly attributes?: Readonly<Record<string, unknown>> | undefined }>
  readonly status: unknown
  readonly links: unknown
}

/**
 * What each operation's exported span shows of the facts `clientSpan` names: compare with
 * `operationSpans.map(clientSpan(port))`.
 */
export const clientSpansSeen = (spans: ReadonlyArray<ExportedSpan>) =>
  operationSpans.map(({ name }) => {
    const span = spans.find((s) => s.name === name)
    if (span === undefined) return { name, missing: spans.map((s) => s.name) }
    const at = (key: string) => span.attributes[key]
    return {
      name,
      kind: span.kind,
      "http.request.method": at("http.request.method"),
      "server.address": at("server.address"),
      "server.port": at("server.port"),
      "url.path": at("url.path"),
      "http.response.status_code": at("http.response.status_code"),
      "llamacloud.attempts": at("llamacloud.attempts"),
      "llamacloud.request_id": /^req-/.test(String(at("llamacloud.request_id"))) ? "req-…" : at("llamacloud.request_id")
    }
  })

/** What one operation's exported span must say: a client span with the HTTP client conventions, one attempt, a request id. */
export const clientSpan = (port: number) => ({ method, name, route, status }: (typeof operationSpans)[number]) => ({
  name,
  kind: SpanKind.CLIENT,
  "http.request.method": method,
  "server.address": "127.0.0.1",
  "server.port": port,
  "url.path": route,
  "http.response.status_code": status,
  "llamacloud.attempts": 1,
  "llamacloud.request_id": "req-…"
})

/** How a turn went, as its span's attributes tell it; a turn that ended well reads as `turnWentWell`. */
export const turnSeen = (attributes: Readonly<Record<string, unknown>>) => ({
  ended: attributes["llamacloud.turn.ended"],
  isError: attributes["llamacloud.turn.is_error"],
  severalEvents: Number(attributes["llamacloud.turn.events"]) > 1,
  timeToFirstEventMs: Number(attributes["llamacloud.turn.time_to_first_event_ms"]) >= 0,
  inputTokens: Number(attributes["gen_ai.usage.input_tokens"]) > 0,
  outputTokens: Number(attributes["gen_ai.usage.output_tokens"]) > 0
})

export const turnWentWell = {
  ended: "stop",
  isError: false,
  severalEvents: true,
  timeToFirstEventMs: true,
  inputTokens: true,
  outputTokens: true
}

/** The turns' spans' endings and event counts, in order. */
export const turnEndings = (spans: ReadonlyArray<ExportedSpan>) =>
  spans.filter((span) => span.name === "ChatService.sendMessage").map((span) => ({
    ended: span.attributes["llamacloud.turn.ended"],
    events: span.attributes["llamacloud.turn.events"]
  }))

/** Every "span X holds Y" among `spans`' names, attributes, events, status and links: none is expected. */
export const secretsHeld = (spans: ReadonlyArray<ExportedSpan>, secrets: ReadonlyArray<string>): ReadonlyArray<string> =>
  spans.flatMap((span) => {
    const recorded = JSON.stringify({
      name: span.name,
      attributes: span.attributes,
      events: span.events.map((event) => ({ name: event.name, attributes: event.attributes })),
      status: span.status,
      links: span.links
    })
    return secrets.filter((secret) => recorded.includes(secret)).map((secret) => `span ${span.name} holds ${secret}`)
  })
