/**
 * The wait a server asks for (`retry-after-ms`, then `Retry-After`) as a `Duration`. The reading of
 * the headers is shared by both editions (`core/retryAfter.ts`); this is only its Effect face.
 */
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import { retryAfterMillis } from "../core/retryAfter.js"

/**
 * The wait requested by a response's headers, measured from `now` (epoch milliseconds, the call's
 * clock) for an HTTP-date; none when they ask for none.
 */
export const parseRetryAfter = (
  headers: Readonly<Record<string, string | undefined>>,
  now: number
): Option.Option<Duration.Duration> => {
  const ms = retryAfterMillis(headers, now)
  return ms === undefined ? Option.none() : Option.some(Duration.millis(ms))
}
