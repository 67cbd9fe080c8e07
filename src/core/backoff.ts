/**
 * The retry policy's backoff as arithmetic on milliseconds, shared by both editions'
 * `RetryPolicy.backoff` (each turns it into its own `Duration`).
 */

/**
 * The backoff before retry number `retry` (0 for the first retry), for a random draw `random` in
 * [0, 1): `min(baseMillis × 2^retry, maxMillis)` minus `random × jitter` of it.
 */
export const backoffMillis = (baseMillis: number, maxMillis: number, jitter: number, retry: number, random: number): number =>
  Math.min(baseMillis * 2 ** retry, maxMillis) * (1 - jitter * random)
