/**
 * The rules of a shared rate limit that do not depend on Effect: which account a limit counts
 * against, what a call costs, and how far a server's `Retry-After` is shared with the fleet.
 * `RateLimitPolicy` (the Effect 3 edition) applies them through Effect's `RateLimiter`.
 */

/** What a call is, for its cost: a turn holds the agent for minutes, any other call is one request. */
export type CallKind = "turn" | "call"

/**
 * The key every replica of one account shares, without the API key in it: the base URL and the
 * project when one is set; otherwise the base URL and a fingerprint of the key (FNV-1a, 64 bits),
 * which names the key without revealing it.
 */
export const accountKey = (baseUrl: string, projectId: string | undefined, apiKey: string): string =>
  projectId === undefined
    ? `effect-llamacloud:${baseUrl}:key-${fingerprint(apiKey)}`
    : `effect-llamacloud:${baseUrl}:project-${projectId}`

const FNV_OFFSET = 0xcbf29ce484222325n
const FNV_PRIME = 0x100000001b3n
const MASK_64 = 0xffffffffffffffffn

/** FNV-1a over the UTF-16 code units, as 16 hex digits. */
export const fingerprint = (text: string): string => {
  let hash = FNV_OFFSET
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i))
    hash = (hash * FNV_PRIME) & MASK_64
  }
  return hash.toString(16).padStart(16, "0")
}

/** The tokens a call takes: a turn's request costs `turnCost`, every other call (and retry) one. */
export const tokensFor = (kind: CallKind, turnCost: number): number => kind === "turn" ? turnCost : 1

/**
 * The wait a `429` shares with the fleet: what the server asked for, capped at the longest wait the
 * retry policy accepts (a longer one fails the call instead of being slept, and must not stall every
 * replica either). None when the server gave no wait: the fleet then learns nothing it can time.
 */
export const sharedWaitMillis = (retryAfterMillis: number | undefined, maxRetryAfterMillis: number): number | undefined =>
  retryAfterMillis === undefined || !(retryAfterMillis > 0) ? undefined : Math.min(retryAfterMillis, maxRetryAfterMillis)

/**
 * How many times a shared wait of `waitMillis` may take a whole window's tokens (`limit` at a time,
 * the most one take allows) before the limiter's own delay covers it: one window per take, plus the
 * probe that reads where the limit stands and one take for rounding.
 */
export const maxTakesToCover = (waitMillis: number, windowMillis: number): number =>
  windowMillis > 0 ? Math.ceil(waitMillis / windowMillis) + 2 : 1

/**
 * The window, made a whole number of milliseconds per token (rounded up, so the rate never rises):
 * Effect's Redis store sets each count's expiry in whole milliseconds (`PX`) and refuses a fraction,
 * so `limit: 7, window: "1 second"` would fail every call there. The memory store is indifferent.
 */
export const windowForWholeMillis = (windowMillis: number, limit: number): number =>
  limit * Math.max(1, Math.ceil(windowMillis / limit))

/** What the policy says of its store, in its logs and its errors (durations already worded by the edition). */
export const storeWording = {
  /** The store did not answer within the policy's `storeTimeout`. */
  noAnswer: (storeTimeout: string): string => `no answer within ${storeTimeout}`,
  /** The first failure of an outage, logged once. */
  failed: (message: string, onStoreFailure: "proceed" | "fail"): string =>
    `rate limit store failed (${message}): ${onStoreFailure === "proceed" ? "calls proceed unlimited" : "calls fail"} until it answers again`,
  /** The first answer after an outage. */
  answering: "rate limit store: answering again"
} as const

/** A local refusal's detail: the limit taken, over its window, for the key. */
export const limitTaken = (limit: number, window: string, key: string): string => `${limit} per ${window} for ${key} taken`
