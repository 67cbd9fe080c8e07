/**
 * Answers as data, the way LlamaCloud's FastAPI shapes them (`{"detail": ...}` errors, JSON bodies),
 * kept as data so that a fault can rewrite or mangle one before it goes out. Each edition writes a
 * reply out through its own platform's response.
 */
import * as Http from "node:http"
import type { Fault } from "./faults.js"

/** An answer, still as data. */
export interface Reply {
  readonly status: number
  /** Without `content-length`, which is derived from `body`. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

export const jsonReply = (status: number, value: unknown, headers: Readonly<Record<string, string>> = {}): Reply => ({
  status,
  headers: { ...headers, "content-type": "application/json" },
  body: JSON.stringify(value)
})

/** FastAPI's `{"detail": "<message>"}`. */
export const detail = (status: number, message: string, headers?: Readonly<Record<string, string>>): Reply =>
  jsonReply(status, { detail: message }, headers)

/** The chat model's 404, 409 or 422, as FastAPI sends it. */
export const problemReply = (problem: { readonly status: number; readonly detail: unknown }): Reply => jsonReply(problem.status, { detail: problem.detail })

/** Delete's 204: no body, no content type. */
export const noContent: Reply = { status: 204, headers: {}, body: "" }

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

/** What a `Status` or `Body200` fault answers instead. */
export const faultReply = (fault: Fault.Status | Fault.Body200): Reply => {
  const status = fault._tag === "Status" ? fault.status : 200
  // Lower case, so that a `Content-Type` given here is the one that counts.
  const headers: Record<string, string> = Object.fromEntries(
    Object.entries(fault._tag === "Status" ? fault.headers ?? {} : {}).map(([name, value]) => [name.toLowerCase(), value])
  )
  const body = fault.body ?? JSON.stringify({ detail: Http.STATUS_CODES[status] ?? "Error" })
  const contentType = fault.contentType ?? headers["content-type"] ?? guessContentType(body)
  return { status, headers: contentType === undefined ? headers : { ...headers, "content-type": contentType }, body }
}

/** The headers with a `content-length` (none on a 204 or 304, which must not carry one). */
export const withContentLength = (
  reply: Reply,
  length: number = Buffer.byteLength(reply.body)
): Readonly<Record<string, string>> =>
  reply.status === 204 || reply.status === 304 ? reply.headers : { ...reply.headers, "content-length": String(length) }
