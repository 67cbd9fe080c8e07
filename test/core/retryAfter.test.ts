/**
 * `retryAfterMillis`: `retry-after-ms`, then `Retry-After` as a number (read as the official SDKs
 * read it, but unsigned and alone) or an HTTP-date in one of the three forms of RFC 9110 §5.6.7;
 * anything else is absent, never "retry now";
 * absurd waits are clamped so that they stay printable. Shared by both editions; each edition's
 * `internal/retryAfter.test.ts` checks its `Duration` face.
 */
import { assert, describe, it } from "@effect/vitest"
import * as FastCheck from "effect/FastCheck"
import { MAX_RETRY_AFTER_MS, parseHttpDate, retryAfterMillis } from "../../src/core/retryAfter.js"

const NOW = Date.UTC(2026, 3, 22, 12, 0, 0)

/** The wait in milliseconds, or undefined when the headers ask for none. */
const waitMs = (headers: Record<string, string | undefined>, now = NOW): number | undefined => retryAfterMillis(headers, now)

const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const
const longDays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const
const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const
const two = (n: number) => String(n).padStart(2, "0")
const clock = (d: Date) => `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`

/** The three forms, written independently of the parser (and of `toUTCString`). */
const imf = (d: Date) =>
  `${days[d.getUTCDay()]}, ${two(d.getUTCDate())} ${months[d.getUTCMonth()]} ${String(d.getUTCFullYear()).padStart(4, "0")} ${clock(d)} GMT`
const rfc850 = (d: Date) =>
  `${longDays[d.getUTCDay()]}, ${two(d.getUTCDate())}-${months[d.getUTCMonth()]}-${two(d.getUTCFullYear() % 100)} ${clock(d)} GMT`
const asctime = (d: Date) =>
  `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${clock(d)} ${d.getUTCFullYear()}`

describe("retry-after-ms", () => {
  it("is a number of milliseconds", () => {
    assert.strictEqual(waitMs({ "retry-after-ms": "1500" }), 1500)
    assert.strictEqual(waitMs({ "retry-after-ms": "0" }), 0)
    assert.strictEqual(waitMs({ "retry-after-ms": "007" }), 7)
  })

  it("may have a fraction", () => {
    assert.strictEqual(waitMs({ "retry-after-ms": "2.5" }), 2.5)
  })

  it("is read as a JavaScript number, as the official SDKs read it: a fraction, an exponent", () => {
    assert.strictEqual(waitMs({ "retry-after-ms": "1e3" }), 1000)
    assert.strictEqual(waitMs({ "retry-after-ms": ".5" }), 0.5)
    assert.strictEqual(waitMs({ "retry-after-ms": "1." }), 1)
    assert.strictEqual(waitMs({ "retry-after-ms": "1E-3" }), 0.001)
  })

  it("asks for a wait beyond any cap when it is astronomically long, instead of being ignored", () => {
    assert.strictEqual(waitMs({ "retry-after-ms": "1e303", "retry-after": "1" }), MAX_RETRY_AFTER_MS)
    assert.strictEqual(waitMs({ "retry-after-ms": "1e400" }), MAX_RETRY_AFTER_MS)
  })

  it("may have whitespace around it, not inside", () => {
    assert.strictEqual(waitMs({ "retry-after-ms": " \t250 " }), 250)
    assert.isUndefined(waitMs({ "retry-after-ms": "2 50" }))
  })

  it("wins over Retry-After", () => {
    assert.strictEqual(waitMs({ "retry-after-ms": "300", "retry-after": "10" }), 300)
  })

  for (const bad of ["-1", "+5", "-0", "-1e3", "1e", "e3", ".", "1.2.3", "0x10", "Infinity", "NaN", "abc", "1, 1", "", " ", "１２", "1_000"]) {
    it(`${JSON.stringify(bad)} is absent, so Retry-After decides`, () => {
      assert.isUndefined(waitMs({ "retry-after-ms": bad }))
      assert.strictEqual(waitMs({ "retry-after-ms": bad, "retry-after": "3" }), 3000)
    })
  }

  it("past a day is a day, even past the largest double", () => {
    assert.strictEqual(waitMs({ "retry-after-ms": "86400001" }), MAX_RETRY_AFTER_MS)
    assert.strictEqual(waitMs({ "retry-after-ms": `1${"0".repeat(303)}` }), MAX_RETRY_AFTER_MS)
    assert.strictEqual(waitMs({ "retry-after-ms": "9".repeat(400) }), MAX_RETRY_AFTER_MS)
  })
})

describe("Retry-After as delay-seconds", () => {
  it("is a number of seconds", () => {
    assert.strictEqual(waitMs({ "retry-after": "120" }), 120_000)
    assert.strictEqual(waitMs({ "retry-after": "0" }), 0)
    assert.strictEqual(waitMs({ "retry-after": " 5\t" }), 5000)
  })

  it("may have a fraction or an exponent, as the official SDKs read it", () => {
    assert.strictEqual(waitMs({ "retry-after": "1.5" }), 1500)
    assert.strictEqual(waitMs({ "retry-after": "0.25" }), 250)
    assert.strictEqual(waitMs({ "retry-after": "1e2" }), 100_000)
  })

  for (const bad of ["-1", "+5", "-0.5", "abc 12", "12 abc", "1, 1", "5s", "", "0x1", "1.5.1", "Infinity", "\u0661"]) {
    it(`${JSON.stringify(bad)} is absent`, () => {
      assert.isUndefined(waitMs({ "retry-after": bad }))
    })
  }

  it("of 300 digits is a day", () => {
    assert.strictEqual(waitMs({ "retry-after": "9".repeat(300) }), MAX_RETRY_AFTER_MS)
  })

  it("absent when neither header is there", () => {
    assert.isUndefined(waitMs({}))
    assert.isUndefined(waitMs({ "retry-after": undefined }))
  })
})

describe("Retry-After as an HTTP-date", () => {
  const at = new Date(Date.UTC(1994, 10, 6, 8, 49, 37))
  const before = at.getTime() - 5000

  it("reads IMF-fixdate", () => {
    assert.strictEqual(waitMs({ "retry-after": "Sun, 06 Nov 1994 08:49:37 GMT" }, before), 5000)
  })

  it("reads the obsolete RFC 850 form", () => {
    assert.strictEqual(waitMs({ "retry-after": "Sunday, 06-Nov-94 08:49:37 GMT" }, before), 5000)
  })

  it("reads the obsolete asctime form, day padded with a space or a zero", () => {
    assert.strictEqual(waitMs({ "retry-after": "Sun Nov  6 08:49:37 1994" }, before), 5000)
    assert.strictEqual(waitMs({ "retry-after": "Sun Nov 06 08:49:37 1994" }, before), 5000)
  })

  it("in the past is a wait of zero", () => {
    assert.strictEqual(waitMs({ "retry-after": "Sun, 06 Nov 1994 08:49:37 GMT" }), 0)
  })

  it("far in the future is a day", () => {
    assert.strictEqual(waitMs({ "retry-after": "Fri, 31 Dec 9999 23:59:59 GMT" }), MAX_RETRY_AFTER_MS)
  })

  it("accepts a leap second and 29 February of a leap year", () => {
    assert.strictEqual(parseHttpDate("Sat, 31 Dec 2016 23:59:60 GMT", NOW), Date.UTC(2017, 0, 1))
    assert.strictEqual(parseHttpDate("Tue, 29 Feb 2000 00:00:00 GMT", NOW), Date.UTC(2000, 1, 29))
  })

  it("reads years below 100 as themselves, not as 19xx", () => {
    const year42 = new Date(0)
    year42.setUTCFullYear(42, 0, 1)
    assert.strictEqual(parseHttpDate("Thu, 01 Jan 0042 00:00:00 GMT", NOW), year42.getTime())
  })

  it("does not check the day name against the date", () => {
    assert.strictEqual(waitMs({ "retry-after": "Mon, 06 Nov 1994 08:49:37 GMT" }, before), 5000)
  })

  it("reads a two-digit year within 50 years after now, else the century before", () => {
    // now: 2026
    assert.strictEqual(parseHttpDate("Thursday, 01-Jan-76 00:00:00 GMT", NOW), Date.UTC(2076, 0, 1))
    assert.strictEqual(parseHttpDate("Saturday, 01-Jan-77 00:00:00 GMT", NOW), Date.UTC(1977, 0, 1))
    assert.strictEqual(parseHttpDate("Wednesday, 01-Jan-25 00:00:00 GMT", NOW), Date.UTC(2025, 0, 1))
    // now: 2099, "01" is two years on, not 98 back
    assert.strictEqual(parseHttpDate("Saturday, 01-Jan-01 00:00:00 GMT", Date.UTC(2099, 5, 1)), Date.UTC(2101, 0, 1))
  })

  const notDates = [
    "sun, 06 nov 1994 08:49:37 gmt",
    "Sun, 06 Nov 1994 08:49:37 UTC",
    "Sun, 06 Nov 1994 08:49:37 +0000",
    "Sun, 6 Nov 1994 08:49:37 GMT",
    "Sun, 06 Nov 94 08:49:37 GMT",
    "Sun,  06 Nov 1994 08:49:37 GMT",
    "Sun 06 Nov 1994 08:49:37 GMT",
    "Sunday, 06 Nov 1994 08:49:37 GMT",
    "Sun, 06-Nov-94 08:49:37 GMT",
    "Sunday, 06-Nov-1994 08:49:37 GMT",
    "Sun Nov 6 08:49:37 1994",
    "Sun Nov  6 08:49:37 1994 GMT",
    "Sun, 31 Feb 1994 08:49:37 GMT",
    "Mon, 29 Feb 1900 00:00:00 GMT",
    "Sun, 00 Nov 1994 08:49:37 GMT",
    "Sun, 06 Nov 1994 24:00:00 GMT",
    "Sun, 06 Nov 1994 08:60:00 GMT",
    "Sun, 06 Nov 1994 08:49:61 GMT",
    "Sun, 06 Nov 1994 8:49:37 GMT",
    "Sun, 06 Foo 1994 08:49:37 GMT",
    "Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT",
    "1994-11-06T08:49:37Z",
    "Sun Nov 06 1994",
    "November 6, 1994",
    "Sun, 06 Nov 1994 08:49:37 GMT\r\n"
  ]
  for (const bad of notDates) {
    it(`${JSON.stringify(bad)} is absent`, () => {
      assert.isUndefined(waitMs({ "retry-after": bad }, before))
    })
  }

  it("is absent when the clock is not a number", () => {
    assert.isUndefined(waitMs({ "retry-after": "Sun, 06 Nov 1994 08:49:37 GMT" }, Number.NaN))
  })
})

describe("properties", () => {
  const date = FastCheck.date({ min: new Date(Date.UTC(1000, 0, 1)), max: new Date(Date.UTC(9999, 11, 31, 23, 59, 59)) })
    .filter((d) => !Number.isNaN(d.getTime()))
    .map((d) => new Date(Math.floor(d.getTime() / 1000) * 1000))
  const now = FastCheck.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9999, 0, 1) })
  const expected = (d: Date, from: number) => Math.min(MAX_RETRY_AFTER_MS, Math.max(0, d.getTime() - from))

  it.prop("any string in either header gives no wait or a finite wait of 0 to 1 day", {
    ms: FastCheck.option(FastCheck.string({ unit: "binary" }), { nil: undefined }),
    after: FastCheck.option(FastCheck.string({ unit: "binary" }), { nil: undefined })
  }, ({ after, ms }) => {
    const millis = waitMs({ "retry-after-ms": ms, "retry-after": after })
    if (millis !== undefined) assert.isTrue(Number.isFinite(millis) && millis >= 0 && millis <= MAX_RETRY_AFTER_MS)
  })

  it.prop("delay-seconds of any length is its value, clamped to a day", {
    digits: FastCheck.stringMatching(/^[0-9]{1,400}$/)
  }, ({ digits }) => {
    assert.strictEqual(waitMs({ "retry-after": digits }), Math.min(MAX_RETRY_AFTER_MS, Number(digits) * 1000))
  })

  it.prop("a signed, merged or suffixed number is absent", {
    n: FastCheck.nat(),
    m: FastCheck.nat(),
    shape: FastCheck.constantFrom("-n", "+n", "n, m", "n,m", "n m", "n;", "n.m.", "ns", "0xn", "ne", "n_m", "-n.m")
  }, ({ m, n, shape }) => {
    const value = shape.replace("n", String(n)).replace("m", String(m))
    assert.isUndefined(waitMs({ "retry-after": value }))
    assert.isUndefined(waitMs({ "retry-after-ms": value }))
  })

  it.prop("a decimal number of seconds is its value in milliseconds, clamped to a day", {
    n: FastCheck.nat(),
    fraction: FastCheck.stringMatching(/^[0-9]{1,6}$/)
  }, ({ fraction, n }) => {
    const value = `${n}.${fraction}`
    // Within a nanosecond: each edition's Duration holds whole nanoseconds, so the float's last bits may round.
    assert.closeTo(waitMs({ "retry-after": value }) ?? NaN, Math.min(MAX_RETRY_AFTER_MS, Number(value) * 1000), 1e-6)
    assert.closeTo(waitMs({ "retry-after-ms": value }) ?? NaN, Math.min(MAX_RETRY_AFTER_MS, Number(value)), 1e-6)
  })

  it.prop("IMF-fixdate and asctime of one instant are the same wait", { d: date, from: now }, ({ d, from }) => {
    assert.strictEqual(waitMs({ "retry-after": imf(d) }, from), expected(d, from))
    assert.strictEqual(waitMs({ "retry-after": asctime(d) }, from), expected(d, from))
  })

  // A two-digit year is read as the year with those digits from 49 years before now's to 50 after.
  const nearNow = now.chain((from) => {
    const year = new Date(from).getUTCFullYear()
    return FastCheck.tuple(
      FastCheck.constant(from),
      FastCheck.integer({ min: Date.UTC(year - 49, 0, 1), max: Date.UTC(year + 51, 0, 1) - 1000 })
        .map((t) => new Date(Math.floor(t / 1000) * 1000))
    )
  })

  it.prop("RFC 850 of an instant within 50 years of now is that instant", { pair: nearNow }, ({ pair: [from, d] }) => {
    assert.strictEqual(parseHttpDate(rfc850(d), from), d.getTime())
    assert.strictEqual(waitMs({ "retry-after": rfc850(d) }, from), expected(d, from))
  })

  it.prop("matches toUTCString's IMF-fixdate", { d: date }, ({ d }) => {
    assert.strictEqual(parseHttpDate(d.toUTCString(), NOW), d.getTime())
  })
})
