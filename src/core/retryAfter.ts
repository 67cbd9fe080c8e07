/**
 * The wait a server asks for: `retry-after-ms`, then `Retry-After` (RFC 9110 §10.2.3). A number is
 * read as the official SDKs read it (decimal seconds for `Retry-After`, milliseconds for
 * `retry-after-ms`, a fraction or an exponent allowed), but strictly: unsigned, nothing before or
 * after it. A value that is neither such a number nor an HTTP-date in one of the three forms of
 * RFC 9110 §5.6.7 is treated as absent, never as "retry now". The arithmetic is in milliseconds,
 * free of Effect: each edition's `internal/retryAfter.ts` turns it into a `Duration`.
 */

/**
 * The longest wait a header can ask for: one day. A longer (or astronomically long) value is clamped
 * to it so that the error carrying it stays finite and printable; `RetryPolicy.maxRetryAfter`
 * decides whether it is slept.
 */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000

/**
 * The wait in milliseconds (0 to {@link MAX_RETRY_AFTER_MS}) requested by a response's headers
 * (names in lower case, as Effect's HTTP clients keep them), measured from `now` (epoch milliseconds)
 * for an HTTP-date, or `undefined` when they ask for none. A date in the past is a wait of zero.
 */
export const retryAfterMillis = (
  headers: Readonly<Record<string, string | undefined>>,
  now: number
): number | undefined => {
  const ms = numberIn(headers["retry-after-ms"])
  if (ms !== undefined) return clamped(ms)
  const seconds = numberIn(headers["retry-after"])
  if (seconds !== undefined) return clamped(seconds * 1000)
  const after = headers["retry-after"]
  if (typeof after !== "string") return undefined
  const date = parseHttpDate(trimOws(after), now)
  // A NaN clock would make any date a NaN wait: no usable answer.
  return date === undefined || Number.isNaN(date - now) ? undefined : clamped(date - now)
}

// RFC 9110 has `delay-seconds = 1*DIGIT`; the official SDKs read both headers as JavaScript numbers
// (`1.5` seconds, `1e303` milliseconds), and servers write them so. Unsigned: a negative wait, or
// a list (`1, 1`), is not an answer.
const unsignedNumber = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/

const numberIn = (header: string | undefined): number | undefined => {
  if (typeof header !== "string") return undefined
  const value = trimOws(header)
  return unsignedNumber.test(value) ? Number(value) : undefined
}

// Infinity (a numeral past 1.8e308) and anything above a day become a day: a wait beyond any cap,
// which `RetryPolicy.maxRetryAfter` then refuses to sleep.
const clamped = (ms: number): number => Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms))

// Optional whitespace around a field value (SP / HTAB); transports usually strip it already.
const trimOws = (value: string): string => value.replace(/^[ \t]+|[ \t]+$/g, "")

// ---------------------------------------------------------------------------------------------
// HTTP-date, RFC 9110 §5.6.7: names are case-sensitive and spacing is exact.

const dayNames = "Mon|Tue|Wed|Thu|Fri|Sat|Sun"
const longDayNames = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
const monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const
const month = monthNames.join("|")
const time = "([0-9]{2}):([0-9]{2}):([0-9]{2})"

/** `Sun, 06 Nov 1994 08:49:37 GMT` */
const imfFixdate = new RegExp(`^(?:${dayNames}), ([0-9]{2}) (${month}) ([0-9]{4}) ${time} GMT$`)
/** `Sunday, 06-Nov-94 08:49:37 GMT` */
const rfc850Date = new RegExp(`^(?:${longDayNames}), ([0-9]{2})-(${month})-([0-9]{2}) ${time} GMT$`)
/** `Sun Nov  6 08:49:37 1994` */
const asctimeDate = new RegExp(`^(?:${dayNames}) (${month}) ([0-9]{2}| [0-9]) ${time} ([0-9]{4})$`)

/**
 * An HTTP-date as epoch milliseconds, or undefined when `text` is not one. The day name is not
 * checked against the date: it is redundant, and a wrong one does not make the date unreadable.
 */
export const parseHttpDate = (text: string, now: number): number | undefined => {
  let match = imfFixdate.exec(text)
  if (match !== null) {
    const [, day, mon, year, h, m, s] = match
    return timestamp(Number(year), mon, Number(day), h, m, s)
  }
  match = rfc850Date.exec(text)
  if (match !== null) {
    const [, day, mon, yy, h, m, s] = match
    return timestamp(fullYear(Number(yy), now), mon, Number(day), h, m, s)
  }
  match = asctimeDate.exec(text)
  if (match !== null) {
    const [, mon, day, h, m, s, year] = match
    return timestamp(Number(year), mon, Number(day), h, m, s)
  }
  return undefined
}

/**
 * RFC 9110: a two-digit year that "appears to be more than 50 years in the future" is the most
 * recent past year with those digits; so the year lies within 50 years after `now`'s year and 49 before.
 */
const fullYear = (yy: number, now: number): number => {
  const current = Number.isFinite(now) ? new Date(now).getUTCFullYear() : 1970
  const candidate = current - (current % 100) + yy
  return candidate > current + 50 ? candidate - 100 : candidate <= current - 50 ? candidate + 100 : candidate
}

const timestamp = (
  year: number,
  mon: string | undefined,
  day: number,
  hour: string | undefined,
  minute: string | undefined,
  second: string | undefined
): number | undefined => {
  const monthIndex = monthNames.findIndex((name) => name === mon)
  const h = Number(hour)
  const m = Number(minute)
  const s = Number(second)
  // 60 is a leap second (RFC 9110's time-of-day runs to 23:59:60).
  if (monthIndex < 0 || day < 1 || day > daysIn(year, monthIndex) || h > 23 || m > 59 || s > 60) return undefined
  // Date.UTC reads years 0-99 as 1900-1999; 400 Gregorian years are exactly 146097 days.
  return Date.UTC(year + 400, monthIndex, day, h, m, s) - 146097 * 86_400_000
}

const daysIn = (year: number, monthIndex: number): number =>
  monthIndex === 1 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) :
  [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][monthIndex] ?? 0
