/**
 * An error status turned into the project's error: FastAPI's bodies read, the server's retry
 * advice (`Retry-After`, `x-should-retry`) kept, and every server-sent text scrubbed of the key
 * after it is decoded (a key spelled with JSON escapes is only visible then).
 */
import type * as Headers from "@effect/platform/Headers"
import * as Option from "effect/Option"
import {
  ApiError,
  AuthError,
  type CallFacts,
  type LlamaCloudError,
  NotFoundError,
  RateLimitError,
  ServerError,
  ValidationError,
  type ValidationIssue
} from "../LlamaCloudError.js"
import { type Scrub, truncate } from "./redact.js"
import type { Failure, Safety } from "./retry.js"
import { parseRetryAfter } from "./retryAfter.js"
import { show } from "./show.js"

/** What an error names about its call and its answer, all of it safe to show. */
export interface Facts extends CallFacts {
  readonly requestId: Option.Option<string>
}

/** The request id the server gave, scrubbed and bounded: it is server text like any other. */
export const requestIdOf = (headers: Headers.Headers, scrub: Scrub): Option.Option<string> => {
  const id = headers["x-request-id"]
  return id === undefined ? Option.none() : Option.some(truncate(scrub(id), 200))
}

export const statusFailure = (
  status: number,
  headers: Headers.Headers,
  text: string,
  facts: Facts,
  scrub: Scrub,
  now: number
): Failure => {
  const parsed = parseErrorBody(text, status, headers, scrub)
  const retryAfter = parseRetryAfter(headers, now)
  const serverSays = parseShouldRetry(headers["x-should-retry"])
  const fields = { ...facts, status, detail: parsed.detail }
  const failure = (error: LlamaCloudError, safety: Safety): Failure => ({ error, safety, serverSays, retryAfter, status })
  if (status === 401 || status === 403) return failure(new AuthError(fields), "never")
  if (status === 400 || status === 422) {
    return failure(
      new ValidationError({
        ...facts,
        status: Option.some(status),
        issues: parsed.issues.length > 0 ? parsed.issues : [{ path: [], message: parsed.detail }]
      }),
      "never"
    )
  }
  if (status === 404) return failure(new NotFoundError(fields), "never")
  if (status === 429) return failure(new RateLimitError({ ...fields, retryAfter }), "safe")
  if (status >= 500) {
    return failure(new ServerError({ ...fields, retryAfter }), status === 503 ? "safe" : "ambiguous")
  }
  return failure(new ApiError(fields), status === 408 ? "safe" : "never")
}

interface ErrorBody {
  readonly detail: string
  readonly issues: ReadonlyArray<ValidationIssue>
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

export const looksLikeHtml = (text: string, headers: Headers.Headers): boolean =>
  (headers["content-type"] ?? "").includes("html") || /^\s*<(!doctype|html|head|body)/i.test(text)

/** FastAPI's `{"detail": "..."}` or `{"detail": [{loc, msg, type}]}`, or whatever else came. */
const parseErrorBody = (text: string, status: number, headers: Headers.Headers, scrub: Scrub): ErrorBody => {
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

const toIssue = (item: unknown, scrub: Scrub): ValidationIssue => {
  if (typeof item !== "object" || item === null) return { path: [], message: scrub(show(item)) }
  const loc = "loc" in item && Array.isArray(item.loc) ?
    item.loc.slice(0, 10).flatMap((k): Array<string | number> =>
      typeof k === "string" ? [truncate(scrub(k), 100)] : typeof k === "number" ? [k] : []
    ) :
    []
  const message = "msg" in item && typeof item.msg === "string" ? item.msg : show(item)
  return { path: loc, message: truncate(scrub(message)) }
}

const parseShouldRetry = (header: string | undefined): Option.Option<boolean> => {
  const value = header?.trim().toLowerCase()
  return value === "true" ? Option.some(true) : value === "false" ? Option.some(false) : Option.none()
}
