/**
 * Wrong options for the policy layers, as plain JavaScript can pass them, for both editions'
 * test/internal/layerOptions.test.ts: each with the option it must be reported under and how the
 * value must be shown. What each Effect line reads as a duration differs (Effect 4 takes an object
 * of units): each edition adds the cases of its own line.
 */

/** `[options, the option named, the value as shown]`. */
export type OptionCase = readonly [unknown, string, string]

/** Wrong `TimeoutPolicy.layer` options that both Effect lines refuse. */
export const timeoutCases: ReadonlyArray<OptionCase> = [
  [{ perAttempt: -5 }, "perAttempt", "-5"],
  [{ perAttempt: 0 }, "perAttempt", "0"],
  [{ perAttempt: "-5 seconds" }, "perAttempt", "\"-5 seconds\""],
  [{ idle: "banana" }, "idle", "\"banana\""],
  [{ idle: "5 secs" }, "idle", "\"5 secs\""],
  [{ idle: null }, "idle", "null"],
  [{ total: Number.NaN }, "total", "NaN"],
  [{ total: [-1, 0] }, "total", "[-1,0]"],
  [{ total: [1, Number.NaN] }, "total", "[1,NaN]"],
  [{ total: BigInt(-1) }, "total", "-1n"],
  [{ perAtempt: "5 seconds" }, "perAtempt", "perAttempt, idle, total"],
  ["5 seconds", "options", "\"5 seconds\""]
]

/** Wrong `RetryPolicy.layer` options. */
export const retryCases: ReadonlyArray<OptionCase> = [
  [{ maxRetries: "3" }, "maxRetries", "\"3\""],
  [{ maxRetries: -1 }, "maxRetries", "-1"],
  [{ maxRetries: 1.5 }, "maxRetries", "1.5"],
  [{ maxRetries: 101 }, "maxRetries", "101"],
  [{ maxRetries: Number.NaN }, "maxRetries", "NaN"],
  [{ maxRetries: Number.POSITIVE_INFINITY }, "maxRetries", "Infinity"],
  [{ jitter: 2 }, "jitter", "2"],
  [{ jitter: -0.1 }, "jitter", "-0.1"],
  [{ jitter: "0.5" }, "jitter", "\"0.5\""],
  [{ baseDelay: Number.POSITIVE_INFINITY }, "baseDelay", "Infinity"],
  [{ maxDelay: "forever" }, "maxDelay", "\"forever\""],
  [{ maxDelay: -1 }, "maxDelay", "-1"],
  [{ maxRetryAfter: "-1 minutes" }, "maxRetryAfter", "\"-1 minutes\""],
  [{ retryAmbiguous: "yes" }, "retryAmbiguous", "\"yes\""],
  [{ retries: 3 }, "retries", "maxRetries, baseDelay"],
  [[], "options", "[]"]
]
