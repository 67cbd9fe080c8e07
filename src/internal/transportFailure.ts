/**
 * A transport failure turned into a `NetworkError`, classified by what is known of it: whether the
 * request can have reached the server decides whether it may be retried.
 */
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as Option from "effect/Option"
import { type CallFacts, NetworkError } from "../LlamaCloudError.js"
import type { Scrub } from "./redact.js"
import { type Failure, failure } from "./retry.js"
import { show } from "./show.js"

// Codes after which the request cannot have reached the server.
const neverConnected = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT"
])

// Runtimes without Node's error codes (Deno, workerd) say the same in words.
const refusedInWords = /connection refused|os error 111|failed to lookup address|dns error|name or service not known|no such host/i

// Codes that mean the request was never sent because something local is wrong: an invalid header,
// a TLS handshake that could not succeed (TLS spoken to a plain-HTTP port, an untrusted
// certificate). Trying again cannot help.
const invalidBeforeSending = (code: string): boolean =>
  code === "ERR_INVALID_CHAR" || code === "ERR_INVALID_HTTP_TOKEN" || code === "UND_ERR_INVALID_ARG" ||
  code === "ERR_INVALID_URL" || code === "EPROTO" || code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_") ||
  code.startsWith("CERT_") || code === "DEPTH_ZERO_SELF_SIGNED_CERT" || code === "SELF_SIGNED_CERT_IN_CHAIN" ||
  code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE" || code === "UNABLE_TO_GET_ISSUER_CERT_LOCALLY"

/**
 * A cause that no socket produced: a TypeError or ReferenceError with no code and no cause of its
 * own is the transport failing to run (the undici client under Bun: `dispatcher.request is not a
 * function`), not a network failure. fetch's own "fetch failed" TypeError always wraps a cause.
 */
const isProgrammingError = (root: unknown): boolean =>
  (root instanceof TypeError || root instanceof ReferenceError) && codeOf(root) === undefined &&
  (root as { readonly cause?: unknown }).cause === undefined && !/fetch failed|network|socket|connect/i.test(root.message)

/** A runtime that refused the request before it left (Deno without `--allow-net` or `--allow-env`). */
const refusedByRuntime = (root: unknown): boolean =>
  root instanceof Error && (/^(PermissionDenied|NotCapable)$/.test(root.name) || /requires \S+ access|permission denied/i.test(root.message))

/** A failure before or while the response headers arrived. */
export const transportFailure = (error: HttpClientError.HttpClientError, facts: CallFacts, scrub: Scrub): Failure => {
  const root = rootCause(error.cause)
  const code = codeOf(root)
  const detail = scrub(describeCause(root, error.reason))
  const cause = sanitise(root, scrub)
  const connectFailed = (what: string, safety: "safe" | "never") =>
    failure(new NetworkError({ ...facts, reason: "ConnectFailed", detail: `${what}${detail}`, timeout: Option.none(), cause }), safety)
  if (error._tag === "RequestError" && error.reason !== "Transport") {
    // The request could not even be built: nothing was sent, and trying again cannot help.
    return connectFailed("the request could not be built: ", "never")
  }
  if (error._tag === "RequestError") {
    if (code !== undefined && neverConnected.has(code)) return connectFailed("", "safe")
    if (code !== undefined && invalidBeforeSending(code)) return connectFailed("the request could not be sent: ", "never")
    if (code === undefined && refusedInWords.test(messageOf(root))) return connectFailed("", "safe")
    if (refusedByRuntime(root)) return connectFailed("the runtime refused to send the request: ", "never")
    if (isProgrammingError(root)) {
      return connectFailed("the HTTP client failed before sending (is this transport supported on this runtime?): ", "never")
    }
  }
  return failure(
    new NetworkError({ ...facts, reason: "ConnectionLost", detail, timeout: Option.none(), cause }),
    "ambiguous"
  )
}

/** The connection failed while a success body was being read: the server has acted. */
export const bodyBrokeOff = (error: HttpClientError.ResponseError, facts: CallFacts, scrub: Scrub, what = "the response body"): Failure => {
  const root = rootCause(error.cause)
  return failure(
    new NetworkError({
      ...facts,
      reason: "ConnectionLost",
      detail: `${what} broke off: ${scrub(describeCause(root, error.reason))}`,
      timeout: Option.none(),
      cause: sanitise(root, scrub)
    }),
    "ambiguous"
  )
}

/**
 * What an error keeps of a transport's cause: its name, code and scrubbed message. The cause itself
 * may hold anything (undici's parser errors keep the unparsed response bytes, which may quote the key).
 */
const sanitise = (root: unknown, scrub: Scrub): unknown => {
  if (root === undefined) return undefined
  const name = root instanceof Error ? root.name : typeof root
  const copy = new Error(scrub(messageOf(root)))
  copy.name = name
  const code = codeOf(root)
  return code === undefined ? copy : Object.assign(copy, { code })
}

/** The innermost cause (fetch wraps the socket error in a TypeError; happy eyeballs in an AggregateError). */
const rootCause = (cause: unknown): unknown => {
  let current = cause
  for (let depth = 0; depth < 8; depth++) {
    if (typeof current !== "object" || current === null) return current
    if (codeOf(current) !== undefined) return current
    if ("cause" in current && current.cause !== undefined) {
      current = current.cause
    } else if ("errors" in current && Array.isArray(current.errors) && current.errors.length > 0) {
      current = current.errors[0]
    } else {
      return current
    }
  }
  return current
}

const describeCause = (root: unknown, fallback: string): string => {
  if (root === undefined) return fallback
  const message = messageOf(root)
  const code = codeOf(root)
  return code === undefined || message.includes(code) ? message : `${message} (${code})`
}

const codeOf = (u: unknown): string | undefined =>
  typeof u === "object" && u !== null && "code" in u && typeof u.code === "string" ? u.code : undefined

export const messageOf = (u: unknown): string => {
  try {
    return u instanceof Error ? String(u.message) : typeof u === "string" ? u : show(u)
  } catch {
    return "(unprintable error)"
  }
}
