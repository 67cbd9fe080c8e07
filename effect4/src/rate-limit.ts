/**
 * A rate limit on LlamaCloud calls shared through Effect's `RateLimiter`: `RateLimitPolicy`. A
 * separate entry because it loads `effect/persistence` (and, for a fleet, Redis through
 * `@effect/platform-node`'s `NodeRedis` over the `redis` package), which the main entry never
 * loads: programs without a rate limit need neither.
 *
 * @since 0.3.0
 */

/** The rate limit policy: `RateLimitPolicy.layer({ limit, window, ... })`. */
export * as RateLimitPolicy from "./RateLimitPolicy.js"
