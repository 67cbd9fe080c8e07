/**
 * What a transport's error says about a call, read the same by both editions: whether the request
 * can have reached the server (the retry rule's question), and what the error may show of its cause.
 * The edition only says how far the request got, from its HTTP client's error.
 */
import type { Scrub } from "./redact.js"
import type { Safety } from "./retrySafety.js"
import { show } from "./show.js"

/**
 * How far the request got by the transport's account:
 * - `unbuilt`: it could not be built (a body that does not encode, an invalid URL);
 * - `sending`: the transport failed to send it or to receive its answer;
 * - `answered`: an answer had begun (its body broke off).
 */
export type Phase = "unbuilt" | "sending" | "answered"

/** A transport failure as the caller's `NetworkError` and the retry rule see it. */
export interface TransportVerdict {
  readonly reason: "ConnectFailed" | "ConnectionLost"
  readonly detail: string
  /** `safe`: the request cannot have reached the server; `ambiguous`: it may have; `never`: retrying cannot help. */
  readonly safety: Safety
  /** The cause as an error keeps it: name, code and scrubbed message only. */
  readonly cause: unknown
}

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

/**
 * Classifies a failure before or while the response headers arrived. `cause` is the transport's
 * error (its innermost cause is read), `fallback` what to say when it has none.
 */
export const classifyTransport = (
  cause: unknown,
  phase: Phase,
  fallback: string,
  scrub: Scrub
): TransportVerdict => {
  const root = rootCause(cause)
  const code = codeOf(root)
  const detail = scrub(describeCause(root, fallback))
  const kept = sanitise(root, scrub)
  const connectFailed = (what: string, safety: "safe" | "never"): TransportVerdict => ({
    reason: "ConnectFailed",
    detail: `${what}${detail}`,
    safety,
    cause: kept
  })
  // The request could not even be built: nothing was sent, and trying again cannot help.
  if (phase === "unbuilt") return connectFailed("the request could not be built: ", "never")
  if (phase === "sending") {
    if (code !== undefined && neverConnected.has(code)) return connectFailed("", "safe")
    if (code !== undefined && invalidBeforeSending(code)) return connectFailed("the request could not be sent: ", "never")
    if (code === undefined && refusedInWords.test(messageOf(root))) return connectFailed("", "safe")
    if (refusedByRuntime(root)) return connectFailed("the runtime refused to send the request: ", "never")
    if (isProgrammingError(root)) {
      return connectFailed("the HTTP client failed before sending (is this transport supported on this runtime?): ", "never")
    }
  }
  return { reason: "ConnectionLost", detail, safety: "ambiguous", cause: kept }
}

/** The connection failed while a body was being read (`what`): the server has acted. */
export const brokeOff = (cause: unknown, fallback: string, scrub: Scrub, what: string): TransportVerdict => {
  const root = rootCause(cause)
  return {
    reason: "ConnectionLost",
    detail: `${what} broke off: ${scrub(describeCause(root, fallback))}`,
    safety: "ambiguous",
    cause: sanitise(root, scrub)
  }
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

/** Any thrown value's message, never throwing itself. */
export const messageOf = (u: unknown): string => {
  try {
    return u instanceof Error ? String(u.message) : typeof u === "string" ? u : show(u)
  } catch {
    return "(unprintable error)"
  }
}
