/**
 * What an error status's body and headers say, read the same by both editions: FastAPI's
 * `{"detail": "..."}` or `{"detail": [{loc, msg, type}]}`, a proxy's HTML page, or any other text;
 * and the server's `x-should-retry`. Every server-sent text is scrubbed of the key after it is
 * decoded (a key spelled with JSON escapes is only visible then) and bounded.
 */
import { type Scrub, truncate } from "./redact.js"
import { show } from "./show.js"

/** Header names in lower case, as Effect's HTTP clients keep them. */
export type HeaderRecord = Readonly<Record<string, string | undefined>>

/** One thing the server found wrong with the request: where, and what. */
export interface ServerIssue {
  readonly path: ReadonlyArray<string | number>
  readonly message: string
}

/** An error body as a message (`detail`) and, for a validation error, its issues. */
export interface ErrorBody {
  readonly detail: string
  readonly issues: ReadonlyArray<ServerIssue>
}

const statusText: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout"
}

/** Whether a body is an HTML page (by its content type, or by how it starts). */
export const looksLikeHtml = (text: string, headers: HeaderRecord): boolean =>
  (headers["content-type"] ?? "").includes("html") || /^\s*<(!doctype|html|head|body)/i.test(text)

/** FastAPI's `{"detail": "..."}` or `{"detail": [{loc, msg, type}]}`, or whatever else came. */
export const parseErrorBody = (text: string, status: number, headers: HeaderRecord, scrub: Scrub): ErrorBody => {
  const fallback = statusText[status] ?? `HTTP ${status}`
  const trimmed = text.trim()
  if (trimmed === "") return { detail: `${fallback} (empty body)`, issues: [] }
  let json: unknown = undefined
  try {
    json = JSON.parse(trimmed)
  } catch {
    if (looksLikeHtml(trimmed, headers)) {
      const title = /<title[^>]*>([^<]*)<\/title>/i.exec(trimmed)?.[1]?.trim()
      return { detail: truncate(scrub(`${fallback} (an HTML page${title ? `: ${title}` : ""})`)), issues: [] }
    }
    return { detail: truncate(scrub(trimmed)), issues: [] }
  }
  const detail = typeof json === "object" && json !== null && "detail" in json ? json.detail : undefined
  if (typeof detail === "string") return { detail: truncate(scrub(detail)), issues: [] }
  if (Array.isArray(detail)) {
    // A list of thousands of issues only repeats itself: the first ones tell what to fix.
    const issues = detail.slice(0, 20).map((item) => toIssue(item, scrub))
    return { detail: truncate(issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")), issues }
  }
  return { detail: truncate(scrub(show(json, 300))), issues: [] }
}

const toIssue = (item: unknown, scrub: Scrub): ServerIssue => {
  if (typeof item !== "object" || item === null) return { path: [], message: scrub(show(item)) }
  const loc = "loc" in item && Array.isArray(item.loc) ?
    item.loc.slice(0, 10).flatMap((k): Array<string | number> =>
      typeof k === "string" ? [truncate(scrub(k), 100)] : typeof k === "number" ? [k] : []
    ) :
    []
  const message = "msg" in item && typeof item.msg === "string" ? item.msg : show(item)
  return { path: loc, message: truncate(scrub(message)) }
}

/** The server's `x-should-retry`: `true` or `false` (any case, spaces around), else no say. */
export const parseShouldRetry = (header: string | undefined): boolean | undefined => {
  const value = header?.trim().toLowerCase()
  return value === "true" ? true : value === "false" ? false : undefined
}
