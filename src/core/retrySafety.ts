/**
 * Whether a failed attempt may be tried again, as plain rules shared by both editions: which error
 * an error status becomes and how safe repeating its request is, and the rule that weighs that
 * safety against the operation's idempotency, the policy and the server's own word. Each edition's
 * `internal/failure.ts` builds the error, and `internal/retry.ts` decides the wait.
 */

/**
 * Whether retrying a failure can repeat an effect on the server:
 * - `safe`: the server cannot have acted (no connection, 408, 429, 503);
 * - `ambiguous`: it may have (connection lost or timed out after sending, 500, 502, 504);
 * - `never`: retrying cannot help (4xx, undecodable success).
 */
export type Safety = "safe" | "ambiguous" | "never"

/** The `LlamaCloudError` an error status becomes. */
export type StatusError = "AuthError" | "ValidationError" | "NotFoundError" | "RateLimitError" | "ServerError" | "ApiError"

/** Which error an error status becomes, and how safe retrying it is. */
export const classifyStatus = (status: number): { readonly error: StatusError; readonly safety: Safety } => {
  if (status === 401 || status === 403) return { error: "AuthError", safety: "never" }
  if (status === 400 || status === 422) return { error: "ValidationError", safety: "never" }
  if (status === 404) return { error: "NotFoundError", safety: "never" }
  if (status === 429) return { error: "RateLimitError", safety: "safe" }
  if (status >= 500) return { error: "ServerError", safety: status === 503 ? "safe" : "ambiguous" }
  return { error: "ApiError", safety: status === 408 ? "safe" : "never" }
}

/**
 * Whether a failure may be retried at all. The server's `x-should-retry` (`serverSays`) decides
 * when it gave one; otherwise an ambiguous failure is retried when repeating the operation is
 * harmless (it is idempotent) or the policy accepts the risk (`retryAmbiguous`).
 */
export const mayRetry = (
  failure: { readonly safety: Safety; readonly serverSays: boolean | undefined },
  idempotent: boolean,
  retryAmbiguous: boolean
): boolean =>
  failure.serverSays ?? (failure.safety === "safe" || (failure.safety === "ambiguous" && (idempotent || retryAmbiguous)))
