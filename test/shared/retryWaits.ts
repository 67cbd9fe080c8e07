/**
 * The waits the `Retry-After` headers ask for, for both editions' `internal/retryAfter.test.ts`
 * (the `Duration` face of the shared reading that test/core/retryAfter.test.ts tests): each case is
 * the headers, the clock, and the wait in milliseconds (`null`: none), which each edition reads
 * as its own `Option<Duration>`.
 */

const NOW = Date.UTC(2026, 3, 22, 12, 0, 0)
const HTTP_DATE_AT = Date.UTC(1994, 10, 6, 8, 49, 37)

export const retryWaits: ReadonlyArray<{
  readonly name: string
  readonly headers: Readonly<Record<string, string>>
  readonly now: number
  readonly waitMs: number | null
}> = [
  { name: "retry-after-ms comes first", headers: { "retry-after-ms": "1500", "retry-after": "10" }, now: NOW, waitMs: 1500 },
  { name: "Retry-After in seconds", headers: { "retry-after": "2" }, now: NOW, waitMs: 2000 },
  {
    name: "an HTTP-date is dated from the given clock",
    headers: { "retry-after": "Sun, 06 Nov 1994 08:49:37 GMT" },
    now: HTTP_DATE_AT - 5000,
    waitMs: 5000
  },
  { name: "300 digits are a day", headers: { "retry-after": "9".repeat(300) }, now: NOW, waitMs: 24 * 60 * 60 * 1000 },
  { name: "no header asks for none", headers: {}, now: NOW, waitMs: null },
  { name: "a Retry-After that is not a wait asks for none", headers: { "retry-after": "soon" }, now: NOW, waitMs: null },
  { name: "a negative retry-after-ms asks for none", headers: { "retry-after-ms": "-1" }, now: NOW, waitMs: null }
]
