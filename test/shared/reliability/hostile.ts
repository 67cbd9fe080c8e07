/**
 * A generated hostile server: fast-check generates the answer to each request as a recipe (status
 * line, header set, body, encoding, framing, how the connection ends), `plan` renders it to the bytes
 * a raw TCP server writes, and `documented` says which outcomes the client may end in. The recipe is
 * small JSON, so that a failing case prints as its own reproduction. `problemsOf` judges what a
 * call ended in, as each edition's adapter reports it. Plain data and Node: no Effect, so that both
 * editions meet the same cases and the same judge. Long: the generator, the rendering and the
 * oracle are read together, each written against the others.
 */
import * as fc from "fast-check"
import * as Net from "node:net"
import * as Zlib from "node:zlib"
import { type Name, names } from "../../../src/core/operations.js"
import { type Answer, calling } from "../operations.js"
import { sseBody, turnEvents } from "../turn.js"
import { API_KEY, aroundKey, keyCutsIn, keyLeaks } from "./key.js"
import type { CallReport, Outcome } from "./outcome.js"

/** The generator's seed: the same cases on every run, and the same for both transports. */
export const SEED = 0x1ab5c10d
/** Generated cases per operation and transport. */
export const CASES_PER_OPERATION = 48

// -------------------------------------------------------------------------------------------------
// the key, as a server might echo it

/**
 * The characters always escaped when the key is partly escaped: the first, so that the text never
 * starts like the key (a cut of it would pass for a cut key), and one inside every part of the key
 * the harness searches for, so that no part survives literally on the wire.
 */
const ALWAYS_ESCAPED = [0, Math.max(0, API_KEY.indexOf("5e3") + 1)]

const hex = (code: number, width: number) => code.toString(16).padStart(width, "0")
const escapeChar = (c: string) => `\\u${hex(c.charCodeAt(0), 4)}`

/** How the key is written inside a JSON string literal: the client sees the key itself once it parses the JSON. */
export type JsonKeyForm =
  | { readonly _tag: "Verbatim" }
  | { readonly _tag: "Escaped" }
  | { readonly _tag: "PartlyEscaped"; readonly indices: ReadonlyArray<number> }

const jsonKey = (form: JsonKeyForm): string => {
  switch (form._tag) {
    case "Verbatim":
      return API_KEY
    case "Escaped":
      return [...API_KEY].map(escapeChar).join("")
    case "PartlyEscaped": {
      const escaped = new Set([...ALWAYS_ESCAPED, ...form.indices])
      return [...API_KEY].map((c, i) => escaped.has(i) ? escapeChar(c) : c).join("")
    }
  }
}

/** How the key is written in a header value or in text that is not JSON. */
export type TextKeyForm = "verbatim" | "json-escaped" | "percent-encoded" | "bearer" | "quoted"

const textKey = (form: TextKeyForm): string => {
  switch (form) {
    case "verbatim":
      return API_KEY
    case "json-escaped":
      return [...API_KEY].map(escapeChar).join("")
    case "percent-encoded":
      return [...API_KEY].map((c) => `%${hex(c.charCodeAt(0), 2).toUpperCase()}`).join("")
    case "bearer":
      return `Bearer ${API_KEY}`
    case "quoted":
      return `realm="llamacloud", error="invalid_token", error_description="${API_KEY} is not valid"`
  }
}

// -------------------------------------------------------------------------------------------------
// recipes

export type StatusLine =
  | { readonly _tag: "Standard"; readonly version: "1.1" | "1.0"; readonly reason: Reason }
  | { readonly _tag: "Malformed"; readonly text: string }

export type Reason = "standard" | "empty" | "long" | "latin1" | { readonly key: TextKeyForm }

export type Header =
  /** The key in a header the client reads or might copy. */
  | { readonly _tag: "Echo"; readonly name: string; readonly form: TextKeyForm; readonly before: string; readonly after: string }
  /** A valid header with a generated value (Retry-After forms, flags, ids). */
  | { readonly _tag: "Value"; readonly name: string; readonly value: string }
  /** A line no parser should accept (`latin1` text, may hold the key). */
  | { readonly _tag: "Invalid"; readonly line: string }
  /** One header larger than any transport's header limit. */
  | { readonly _tag: "Huge"; readonly name: string; readonly size: number; readonly withKey: boolean }
  /** The same header many times over. */
  | { readonly _tag: "Many"; readonly name: string; readonly count: number; readonly withKey: boolean }

export type Literal = string

export type Deep = { readonly depth: number; readonly shape: "array" | "object" | "mixed" }

export type Body =
  /** The operation's documented answer. */
  | { readonly _tag: "Valid" }
  /** The documented answer with one string field holding the key (`slot` picks which). */
  | { readonly _tag: "ValidWithKey"; readonly slot: number; readonly form: JsonKeyForm }
  /** FastAPI's `{"detail": ...}`. */
  | { readonly _tag: "Detail"; readonly detail: Detail }
  | { readonly _tag: "Deep"; readonly deep: Deep; readonly at: "top" | "detail" | "field" | "event" }
  | { readonly _tag: "HugeNumber"; readonly literal: Literal; readonly at: "top" | "detail" | "field" | "items" | "event" }
  /** A long string, with the key at `keyAt` (a character offset) when set. */
  | {
    readonly _tag: "HugeString"
    readonly size: number
    readonly keyAt: number | null
    readonly form: JsonKeyForm
    readonly at: "top" | "detail" | "field" | "event"
  }
  | { readonly _tag: "RandomBytes"; readonly hex: string }
  | { readonly _tag: "RandomJson"; readonly json: fc.JsonValue }
  | { readonly _tag: "Html"; readonly titleKey: TextKeyForm | null }
  | { readonly _tag: "Text"; readonly text: string; readonly key: TextKeyForm | null }
  /** Events, then the turn's stop (or none). */
  | {
    readonly _tag: "Sse"
    readonly items: ReadonlyArray<SseItem>
    readonly end: "stop" | "error-stop" | "none"
    readonly lineEnd: "\n" | "\r\n" | "\r"
  }
  | { readonly _tag: "Empty" }

export type Detail =
  | { readonly _tag: "Message"; readonly form: JsonKeyForm; readonly before: string }
  | { readonly _tag: "Issues"; readonly count: number; readonly form: JsonKeyForm; readonly keyInLoc: boolean }
  | { readonly _tag: "Json"; readonly json: fc.JsonValue }
  | { readonly _tag: "Number"; readonly literal: Literal }
  | { readonly _tag: "Object"; readonly form: JsonKeyForm }

export type SseItem =
  /** One of the turn's documented events (not its stop). */
  | { readonly _tag: "Event"; readonly index: number }
  | { readonly _tag: "KeyEvent"; readonly index: number; readonly slot: number; readonly form: JsonKeyForm }
  | { readonly _tag: "Stop"; readonly isError: boolean; readonly error: JsonKeyForm | "text" | "huge" | null }
  | { readonly _tag: "Json"; readonly json: fc.JsonValue }
  | { readonly _tag: "Corrupt"; readonly text: string }
  | { readonly _tag: "Comment"; readonly key: boolean }
  | { readonly _tag: "Field"; readonly name: "event" | "id" | "retry" | "x-unknown"; readonly key: boolean }
  | { readonly _tag: "Multiline"; readonly index: number }
  | { readonly _tag: "Big"; readonly size: number }
  | { readonly _tag: "Unknown"; readonly form: JsonKeyForm }
  | { readonly _tag: "Deep"; readonly deep: Deep }
  | { readonly _tag: "HugeNumber"; readonly literal: Literal }

/** How the body's bytes are encoded, and whether the headers say so truthfully. */
export type Encoding =
  | "identity"
  | "bom"
  | "utf16le"
  | "utf16be"
  | "latin1"
  | { readonly invalidUtf8: ReadonlyArray<number> }
  | "gzip"
  | "deflate"
  | "br"
  | "gzip-gzip"
  | "gzip-unlabelled"
  | "br-lie"
  | "gzip-lie"
  | "gzip-cut"
  | "compress-label"

export type Framing =
  | "length"
  | "chunked"
  | "eof"
  | "none"
  | { readonly _tag: "LengthOver"; readonly by: number }
  | { readonly _tag: "LengthUnder"; readonly by: number }
  | { readonly _tag: "Chunked"; readonly how: "bad-size" | "no-terminator" | "short-chunk" | "trailer-key" | "extension" | "huge-size" }
  | { readonly _tag: "DoubleLength"; readonly delta: number }
  | "length-and-chunked"
  | { readonly _tag: "LengthJunk"; readonly value: string }

export type Ending =
  | { readonly _tag: "Complete"; readonly after: "close" | "keep" }
  /** The body stops at `at` (a fraction of it); then the server holds, closes or resets. */
  | { readonly _tag: "CutBody"; readonly at: number; readonly then: "stall" | "fin" | "reset" }
  | { readonly _tag: "CutHead"; readonly at: number; readonly then: "stall" | "fin" | "reset" }
  | { readonly _tag: "NoAnswer"; readonly then: "stall" | "fin" | "reset" }

export interface HostileCase {
  readonly status: number
  readonly statusLine: StatusLine
  /** A 1xx sent before the final answer. */
  readonly informational: 100 | 102 | 103 | null
  readonly contentType: string | null
  readonly connection: "close" | "keep-alive" | "upgrade" | null
  readonly headers: ReadonlyArray<Header>
  readonly body: Body
  readonly encoding: Encoding
  readonly framing: Framing
  readonly ending: Ending
  /** Where the bytes are split into separate writes, as fractions of the answer. */
  readonly pieces: ReadonlyArray<number>
}

// -------------------------------------------------------------------------------------------------
// arbitraries

const jsonKeyForm: fc.Arbitrary<JsonKeyForm> = fc.oneof(
  fc.constant({ _tag: "Verbatim" } as const),
  fc.constant({ _tag: "Escaped" } as const),
  fc.array(fc.nat({ max: API_KEY.length - 1 }), { maxLength: 6 }).map((indices) => ({ _tag: "PartlyEscaped", indices } as const))
)

const textKeyForm: fc.Arbitrary<TextKeyForm> = fc.constantFrom("verbatim", "json-escaped", "percent-encoded", "bearer", "quoted")

const digits = (n: number) => `9${"8".repeat(n - 1)}`

const hugeLiteral: fc.Arbitrary<Literal> = fc.constantFrom(
  "1e400",
  "-1e400",
  "1e-400",
  digits(300),
  `-${digits(310)}`,
  "123456789012345678901234567890.5e308",
  "-0",
  "9007199254740993",
  "0.0000000000000000000000000000000000000000001"
)

const shortText = fc.string({ maxLength: 40 })

const deep: fc.Arbitrary<Deep> = fc.record({
  depth: fc.oneof(fc.integer({ min: 65, max: 2_000 }), fc.integer({ min: 10_000, max: 60_000 })),
  shape: fc.constantFrom("array", "object", "mixed")
})

const statusCode: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(200, 200, 200, 201, 204) },
  { weight: 5, arbitrary: fc.constantFrom(200, 201, 204, 400, 401, 403, 404, 405, 408, 409, 422, 429, 500, 502, 503, 504) },
  { weight: 4, arbitrary: fc.integer({ min: 200, max: 599 }) },
  { weight: 1, arbitrary: fc.constantFrom(301, 302, 303, 304, 307, 308) },
  { weight: 1, arbitrary: fc.oneof(fc.integer({ min: 100, max: 199 }), fc.integer({ min: 300, max: 399 })) }
)

const statusLine: fc.Arbitrary<StatusLine> = fc.oneof(
  {
    weight: 40,
    arbitrary: fc.record({
      _tag: fc.constant("Standard" as const),
      version: fc.oneof({ weight: 5, arbitrary: fc.constant("1.1" as const) }, { weight: 1, arbitrary: fc.constant("1.0" as const) }),
      reason: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom<Reason>("standard", "empty", "long", "latin1") },
        { weight: 1, arbitrary: textKeyForm.map((key): Reason => ({ key })) }
      )
    })
  },
  {
    weight: 1,
    arbitrary: fc.record({
      _tag: fc.constant("Malformed" as const),
      text: fc.constantFrom("HTTP/1.1 20 OK", "HTTP/1.1 2000 OK", "HTTP/9.9 200 OK", "ICY 200 OK", "HTTP/1.1 OK 200", "garbage", "", `HTTP/1.1 200 ${API_KEY}\u0000`)
    })
  }
)

const retryAfterValue = fc.constantFrom(
  "0",
  "1",
  "-1",
  "+5",
  "abc 12",
  "1, 1",
  "1e303",
  digits(300),
  "NaN",
  "Infinity",
  "0.05",
  " 1 ",
  "",
  "Wed, 21 Oct 2015 07:28:00 GMT",
  "Sunday, 06-Nov-94 08:49:37 GMT",
  "Sun Nov  6 08:49:37 1994",
  "Fri, 31 Dec 9999 23:59:59 GMT"
)
const retryAfterMsValue = fc.constantFrom("0", "50", "99", "100", "101", "1e303", "-5", "NaN", digits(300), "0x10", "5e1")
const shouldRetryValue = fc.constantFrom("true", "false", "TRUE", " true ", "1", "yes", "")

const echoName = fc.constantFrom(
  "x-request-id",
  "retry-after",
  "retry-after-ms",
  "x-should-retry",
  "www-authenticate",
  "set-cookie",
  "location",
  "x-error-detail",
  "request-id",
  "link",
  "warning",
  "server"
)

const invalidLine = fc.oneof(
  fc.constantFrom(
    "x-bad: a\u0000b",
    "x bad: v",
    "no-colon-line",
    " folded continuation",
    "x-bad: a\rb",
    ": empty-name",
    "x-bad\t: v",
    "x-bad: \u007f",
    "x-b@d: v",
    "x-bad: a\nb"
  ),
  fc.constantFrom(`x-bad: ${API_KEY}\u0000`, `x-key ${API_KEY}`, `${API_KEY}: v`, `x-bad: ${API_KEY}\r`)
)

const header: fc.Arbitrary<Header> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      _tag: fc.constant("Echo" as const),
      name: echoName,
      form: textKeyForm,
      before: fc.constantFrom("", "req-", "Bearer ", "1, ", "id=\""),
      after: fc.constantFrom("", "-x", "\"", ", 1", "; Path=/")
    })
  },
  {
    weight: 6,
    arbitrary: fc.oneof(
      fc.record({ _tag: fc.constant("Value" as const), name: fc.constant("retry-after"), value: retryAfterValue }),
      fc.record({ _tag: fc.constant("Value" as const), name: fc.constant("retry-after-ms"), value: retryAfterMsValue }),
      fc.record({ _tag: fc.constant("Value" as const), name: fc.constant("x-should-retry"), value: shouldRetryValue }),
      fc.record({
        _tag: fc.constant("Value" as const),
        name: fc.constant("x-request-id"),
        value: fc.oneof(fc.string({ unit: "binary-ascii", maxLength: 300 }).map((s) => s.replace(/[\x00-\x1f\x7f]/g, "")), fc.constant("\u00e9t\u00e9"))
      })
    )
  },
  {
    weight: 1,
    arbitrary: fc.record({
      _tag: fc.constant("Many" as const),
      name: fc.constantFrom("x-request-id", "retry-after", "x-should-retry", "set-cookie"),
      count: fc.integer({ min: 2, max: 300 }),
      withKey: fc.boolean()
    })
  }
)

/** A header that makes the head one no strict parser accepts. */
const headBreaker: fc.Arbitrary<Header> = fc.oneof(
  invalidLine.map((line) => ({ _tag: "Invalid", line } as const)),
  fc.record({
    _tag: fc.constant("Huge" as const),
    name: fc.constantFrom("x-request-id", "x-padding", "set-cookie"),
    size: fc.integer({ min: 40_000, max: 120_000 }),
    withKey: fc.boolean()
  })
)

const detail: fc.Arbitrary<Detail> = fc.oneof(
  fc.record({ _tag: fc.constant("Message" as const), form: jsonKeyForm, before: fc.constantFrom("", "invalid key ", "x".repeat(480)) }),
  fc.record({ _tag: fc.constant("Issues" as const), count: fc.integer({ min: 0, max: 40 }), form: jsonKeyForm, keyInLoc: fc.boolean() }),
  fc.record({ _tag: fc.constant("Json" as const), json: fc.jsonValue({ maxDepth: 4 }) }),
  fc.record({ _tag: fc.constant("Number" as const), literal: hugeLiteral }),
  fc.record({ _tag: fc.constant("Object" as const), form: jsonKeyForm })
)

const sseItem: fc.Arbitrary<SseItem> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ _tag: fc.constant("Event" as const), index: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ _tag: fc.constant("KeyEvent" as const), index: fc.nat(), slot: fc.nat(), form: jsonKeyForm }) },
  {
    weight: 3,
    arbitrary: fc.record({
      _tag: fc.constant("Stop" as const),
      isError: fc.boolean(),
      error: fc.oneof(fc.constant(null), fc.constant("text" as const), fc.constant("huge" as const), jsonKeyForm)
    })
  },
  { weight: 1, arbitrary: fc.record({ _tag: fc.constant("Json" as const), json: fc.jsonValue({ maxDepth: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ _tag: fc.constant("Corrupt" as const), text: shortText }) },
  { weight: 1, arbitrary: fc.record({ _tag: fc.constant("Comment" as const), key: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({ _tag: fc.constant("Field" as const), name: fc.constantFrom("event", "id", "retry", "x-unknown"), key: fc.boolean() })
  },
  { weight: 1, arbitrary: fc.record({ _tag: fc.constant("Multiline" as const), index: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ _tag: fc.constant("Big" as const), size: fc.integer({ min: 10_000, max: 300_000 }) }) },
  { weight: 1, arbitrary: fc.record({ _tag: fc.constant("Unknown" as const), form: jsonKeyForm }) },
  { weight: 1, arbitrary: fc.record({ _tag: fc.constant("Deep" as const), deep }) },
  { weight: 1, arbitrary: fc.record({ _tag: fc.constant("HugeNumber" as const), literal: hugeLiteral }) }
)

const sse: fc.Arbitrary<Body> = fc.record({
  _tag: fc.constant("Sse" as const),
  items: fc.array(sseItem, { maxLength: 12 }),
  end: fc.oneof({ weight: 3, arbitrary: fc.constant("stop" as const) }, { weight: 1, arbitrary: fc.constantFrom("error-stop" as const, "none" as const) }),
  lineEnd: fc.constantFrom("\n" as const, "\r\n" as const, "\r" as const)
})

const hugeStringSize = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 100, max: 1_400 }) },
  { weight: 2, arbitrary: fc.integer({ min: 1_400, max: 70_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(300_000, 1_000_000) }
)

const hugeString: fc.Arbitrary<Body> = hugeStringSize.chain((size) =>
  fc.record({
    _tag: fc.constant("HugeString" as const),
    size: fc.constant(size),
    // Offsets near the lengths the client cuts server text to (200, 500, 1000, 1200) are the interesting ones.
    keyAt: fc.oneof(
      fc.constant(null),
      fc.integer({ min: 0, max: Math.min(size, 1_300) }),
      fc.integer({ min: 140, max: 200 }),
      fc.integer({ min: 440, max: 500 }),
      fc.integer({ min: 880, max: 1_000 }),
      fc.integer({ min: 1_140, max: 1_200 }),
      fc.integer({ min: 0, max: size })
    ),
    form: jsonKeyForm,
    at: fc.constantFrom("top" as const, "detail" as const, "field" as const, "event" as const)
  })
)

const body = (streamed: boolean): fc.Arbitrary<Body> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant({ _tag: "Valid" } as const) },
    { weight: 4, arbitrary: fc.record({ _tag: fc.constant("ValidWithKey" as const), slot: fc.nat(), form: jsonKeyForm }) },
    { weight: 5, arbitrary: fc.record({ _tag: fc.constant("Detail" as const), detail }) },
    {
      weight: 2,
      arbitrary: fc.record({ _tag: fc.constant("Deep" as const), deep, at: fc.constantFrom("top" as const, "detail" as const, "field" as const, "event" as const) })
    },
    {
      weight: 2,
      arbitrary: fc.record({
        _tag: fc.constant("HugeNumber" as const),
        literal: hugeLiteral,
        at: fc.constantFrom("top" as const, "detail" as const, "field" as const, "items" as const, "event" as const)
      })
    },
    { weight: 3, arbitrary: hugeString },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 2_048 }).map((bytes) => ({ _tag: "RandomBytes", hex: Buffer.from(bytes).toString("hex") } as const)) },
    { weight: 2, arbitrary: fc.record({ _tag: fc.constant("RandomJson" as const), json: fc.jsonValue({ maxDepth: 5 }) }) },
    { weight: 2, arbitrary: fc.record({ _tag: fc.constant("Html" as const), titleKey: fc.option(textKeyForm, { nil: null }) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        _tag: fc.constant("Text" as const),
        text: fc.string({ unit: "binary", maxLength: 200 }),
        key: fc.option(textKeyForm, { nil: null })
      })
    },
    { weight: streamed ? 12 : 2, arbitrary: sse },
    { weight: 1, arbitrary: fc.constant({ _tag: "Empty" } as const) }
  )

/** A point in a body or an answer, in [0, 1): spread evenly (fast-check's doubles crowd near 0). */
const fraction = fc.integer({ min: 0, max: 9_999 }).map((n) => n / 10_000)

const encoding: fc.Arbitrary<Encoding> = fc.oneof(
  { weight: 16, arbitrary: fc.constant("identity" as const) },
  {
    weight: 8,
    arbitrary: fc.constantFrom<Encoding>(
      "bom",
      "utf16le",
      "utf16be",
      "latin1",
      "gzip",
      "deflate",
      "br",
      "gzip-gzip",
      "gzip-unlabelled",
      "br-lie",
      "gzip-lie",
      "gzip-cut",
      "compress-label"
    )
  },
  { weight: 2, arbitrary: fc.array(fraction, { minLength: 1, maxLength: 4 }).map((at) => ({ invalidUtf8: at })) }
)

const framing: fc.Arbitrary<Framing> = fc.oneof(
  { weight: 10, arbitrary: fc.constant("length" as const) },
  { weight: 6, arbitrary: fc.constant("chunked" as const) },
  { weight: 2, arbitrary: fc.constantFrom("eof" as const, "none" as const) },
  { weight: 1, arbitrary: fc.record({ _tag: fc.constant("LengthOver" as const), by: fc.integer({ min: 1, max: 5_000 }) }) },
  { weight: 1, arbitrary: fc.record({ _tag: fc.constant("LengthUnder" as const), by: fc.integer({ min: 1, max: 5_000 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      _tag: fc.constant("Chunked" as const),
      how: fc.constantFrom("bad-size" as const, "no-terminator" as const, "short-chunk" as const, "trailer-key" as const, "extension" as const, "huge-size" as const)
    })
  },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.record({ _tag: fc.constant("DoubleLength" as const), delta: fc.integer({ min: -3, max: 3 }) }),
      fc.constant("length-and-chunked" as const),
      fc.record({ _tag: fc.constant("LengthJunk" as const), value: fc.constantFrom("abc", "-1", "1e3", "0x10", " 5", "5 5", digits(40)) })
    )
  }
)

const then = fc.constantFrom("stall" as const, "fin" as const, "reset" as const)

const ending: fc.Arbitrary<Ending> = fc.oneof(
  { weight: 36, arbitrary: fc.record({ _tag: fc.constant("Complete" as const), after: fc.constantFrom("close" as const, "keep" as const) }) },
  { weight: 7, arbitrary: fc.record({ _tag: fc.constant("CutBody" as const), at: fraction, then }) },
  { weight: 2, arbitrary: fc.record({ _tag: fc.constant("CutHead" as const), at: fraction, then }) },
  { weight: 2, arbitrary: fc.record({ _tag: fc.constant("NoAnswer" as const), then }) }
)

const contentType = fc.oneof(
  { weight: 4, arbitrary: fc.constant(null) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "application/json",
      "application/json; charset=utf-8",
      "text/event-stream",
      "text/html; charset=utf-8",
      "text/plain",
      "application/problem+json",
      "application/json; charset=utf-16",
      "",
      `application/json; x-key=${API_KEY}`
    )
  }
)

/** A hostile answer, for an operation answered by an event stream (`streamed`) or not. */
export const hostileCase = (streamed: boolean): fc.Arbitrary<HostileCase> =>
  fc.record({
    status: statusCode,
    statusLine,
    informational: fc.oneof({ weight: 12, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(100 as const, 102 as const, 103 as const) }),
    contentType,
    connection: fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom("close" as const, "keep-alive" as const, "upgrade" as const) }),
    headers: fc.tuple(fc.array(header, { maxLength: 5 }), fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: headBreaker })).map(([valid, breaker]) =>
      breaker === null ? valid : [...valid, breaker]
    ),
    body: body(streamed),
    encoding,
    framing,
    ending,
    pieces: fc.array(fraction, { maxLength: 6 })
  })

/** `count` cases from `seed`: the same list on every run. */
export const sampleCases = (streamed: boolean, seed: number, count: number): ReadonlyArray<HostileCase> =>
  fc.sample(hostileCase(streamed), { seed, numRuns: count })

// -------------------------------------------------------------------------------------------------
// rendering a recipe to bytes

/** What one operation documents as its answer, which `Valid` bodies start from. */
export interface Route {
  /** The documented answer's body. */
  readonly valid: string
  readonly streamed: boolean
  /** Answered by a status alone (a delete). */
  readonly empty: boolean
}

/** The body of a valid answer, as a server writes it. */
const validBody = (answer: Answer): string => {
  switch (answer._tag) {
    case "Json":
      return JSON.stringify(answer.body)
    case "Status":
      return ""
    case "Events":
      return sseBody(answer.events)
  }
}

/** Each operation's documented answer (test/shared/operations.ts), the same for both editions. */
export const routes: { readonly [K in Name]: Route } = Object.fromEntries(
  names.map((name) => {
    const { ok } = calling[name]
    return [name, { valid: validBody(ok), streamed: ok._tag === "Events", empty: ok._tag === "Status" }]
  })
) as { readonly [K in Name]: Route }

const SLOT = "@@SLOT@@"
const SLOT_LITERAL = JSON.stringify(SLOT)

/** `text` (JSON) with `literal` (raw JSON text) in place of the slot. */
const fill = (json: unknown, literal: string): string => JSON.stringify(json).replace(SLOT_LITERAL, literal)

/** Every path to a string in `json`. */
const stringPaths = (json: unknown, path: ReadonlyArray<string | number> = []): Array<ReadonlyArray<string | number>> => {
  if (typeof json === "string") return [path]
  if (Array.isArray(json)) return json.flatMap((item, i) => stringPaths(item, [...path, i]))
  if (typeof json === "object" && json !== null) {
    return Object.entries(json).flatMap(([key, value]) => stringPaths(value, [...path, key]))
  }
  return []
}

/** A copy of `json` with the value at `path` replaced. */
const setAt = (json: unknown, path: ReadonlyArray<string | number>, value: unknown): unknown => {
  const [head, ...rest] = path
  if (head === undefined) return value
  if (Array.isArray(json)) return json.map((item, i) => (i === head ? setAt(item, rest, value) : item))
  if (typeof json === "object" && json !== null) {
    return Object.fromEntries(Object.entries(json).map(([key, item]) => [key, key === head ? setAt(item, rest, value) : item]))
  }
  return json
}

/** `json` with one of its strings (`slot` picks which) written as `literal`. */
const withLiteralAt = (json: unknown, slot: number, literal: string): string => {
  const paths = stringPaths(json)
  const path = paths[slot % Math.max(1, paths.length)]
  return path === undefined ? fill(SLOT, literal) : fill(setAt(json, path, SLOT), literal)
}

/** The session that a field-level body is written into: the answer itself, or its first listed session. */
const withField = (valid: string, field: string, literal: string): string => {
  const json: unknown = JSON.parse(valid === "" ? "{}" : valid)
  const record = typeof json === "object" && json !== null && !Array.isArray(json) ? json as Record<string, unknown> : {}
  const items = record["items"]
  if (Array.isArray(items)) {
    const first: unknown = items[0]
    const session = typeof first === "object" && first !== null ? first : {}
    return fill({ ...record, items: [{ ...session, [field]: SLOT }, ...items.slice(1)] }, literal)
  }
  return fill({ ...record, [field]: SLOT }, literal)
}

const nested = ({ depth, shape }: Deep): string => {
  switch (shape) {
    case "array":
      return `${"[".repeat(depth)}${"]".repeat(depth)}`
    case "object":
      return `${"{\"a\":".repeat(depth)}1${"}".repeat(depth)}`
    case "mixed":
      return `${"[{\"a\":".repeat(depth >> 1)}0${"}]".repeat(depth >> 1)}`
  }
}

const wireEvents = turnEvents.filter((event) => event.type !== "stop")
const stopEvent = turnEvents.find((event) => event.type === "stop")

const eventAt = (index: number): unknown => wireEvents[index % wireEvents.length]

/** A JSON string literal of `size` characters with the key written at `keyAt`. */
const longString = (size: number, keyAt: number | null, form: JsonKeyForm): string => {
  const pad = (n: number, c: string) => c.repeat(Math.max(0, n))
  if (keyAt === null) return `"${pad(size, "a")}"`
  const at = Math.min(keyAt, size)
  return `"${pad(at, "a")}${jsonKey(form)}${pad(size - at, "b")}"`
}

const sseData = (data: string, lineEnd: string) => `data: ${data}${lineEnd}${lineEnd}`

const sseItemText = (item: SseItem, lineEnd: string): string => {
  switch (item._tag) {
    case "Event":
      return sseData(JSON.stringify(eventAt(item.index)), lineEnd)
    case "KeyEvent":
      return sseData(withLiteralAt(eventAt(item.index), item.slot, `"${jsonKey(item.form)}"`), lineEnd)
    case "Stop": {
      const base = { ...(stopEvent ?? { type: "stop" }), is_error: item.isError }
      if (item.error === null) return sseData(JSON.stringify({ ...base, error: null }), lineEnd)
      if (item.error === "text") return sseData(JSON.stringify({ ...base, error: "the agent failed" }), lineEnd)
      if (item.error === "huge") return sseData(JSON.stringify({ ...base, error: "E".repeat(200_000) }), lineEnd)
      return sseData(fill({ ...base, error: SLOT }, `"agent failed for ${jsonKey(item.error)}"`), lineEnd)
    }
    case "Json":
      return sseData(JSON.stringify(item.json), lineEnd)
    case "Corrupt":
      return sseData(`{"type":"text","content":${item.text}`, lineEnd)
    case "Comment":
      return `: ${item.key ? API_KEY : "keep-alive"}${lineEnd}`
    case "Field":
      return `${item.name}: ${item.key ? API_KEY : "7"}${lineEnd}`
    case "Multiline": {
      const text = JSON.stringify(eventAt(item.index))
      const cut = text.length >> 1
      return `data: ${text.slice(0, cut)}${lineEnd}data: ${text.slice(cut)}${lineEnd}${lineEnd}`
    }
    case "Big":
      return sseData(JSON.stringify({ type: "text_delta", content: "z".repeat(item.size) }), lineEnd)
    case "Unknown":
      return sseData(`{"type":"mystery","content":"${jsonKey(item.form)}"}`, lineEnd)
    case "Deep":
      return sseData(`{"type":"text","content":${nested(item.deep)}}`, lineEnd)
    case "HugeNumber":
      return sseData(fill({ ...(stopEvent ?? { type: "stop" }), usage: { duration_ms: SLOT, turns: 1 } }, item.literal), lineEnd)
  }
}

const issues = (count: number, form: JsonKeyForm, keyInLoc: boolean): string =>
  `[${
    Array.from({ length: count }, (_, i) =>
      `{"loc":["body",${keyInLoc ? `"${jsonKey(form)}"` : `"index_ids",${i}`}],"msg":"value ${jsonKey(form)} is not valid","type":"value_error"}`)
      .join(",")
  }]`

const detailText = (d: Detail): string => {
  switch (d._tag) {
    case "Message":
      return `"${d.before}${jsonKey(d.form)}"`
    case "Issues":
      return issues(d.count, d.form, d.keyInLoc)
    case "Json":
      return JSON.stringify(d.json)
    case "Number":
      return d.literal
    case "Object":
      return `{"error":{"message":"${jsonKey(d.form)}","code":401}}`
  }
}

const html = (title: TextKeyForm | null) =>
  `<!DOCTYPE html>\n<html><head><title>${title === null ? "502 Bad Gateway" : `Denied: ${textKey(title)}`}</title></head>` +
  `<body><h1>Bad Gateway</h1><p>nginx</p></body></html>\n`

/** The body's text before any encoding, and the content type that would go with it. */
const bodyText = (b: Body, route: Route): { readonly text: string; readonly type: string } => {
  const json = (text: string) => ({ text, type: "application/json" })
  switch (b._tag) {
    case "Valid":
      return { text: route.valid, type: route.streamed ? "text/event-stream" : "application/json" }
    case "ValidWithKey": {
      const literal = `"${jsonKey(b.form)}"`
      if (route.streamed) {
        const lines = route.valid.split("\n\n").filter((chunk) => chunk.startsWith("data: "))
        const events = lines.map((line) => line.slice("data: ".length))
        const target = b.slot % Math.max(1, events.length)
        const text = events.map((event, i) =>
          i === target ? withLiteralAt(JSON.parse(event), Math.floor(b.slot / events.length), literal) : event
        ).map((data) => sseData(data, "\n")).join("")
        return { text, type: "text/event-stream" }
      }
      return json(route.valid === "" ? fill(SLOT, literal) : withLiteralAt(JSON.parse(route.valid), b.slot, literal))
    }
    case "Detail":
      return json(`{"detail":${detailText(b.detail)}}`)
    case "Deep":
      switch (b.at) {
        case "top":
          return json(nested(b.deep))
        case "detail":
          return json(`{"detail":${nested(b.deep)}}`)
        case "field":
          return json(route.streamed ? `{"detail":${nested(b.deep)}}` : withField(route.valid, "job_metadata", nested(b.deep)))
        case "event":
          return { text: sseItemText({ _tag: "Deep", deep: b.deep }, "\n"), type: "text/event-stream" }
      }
    case "HugeNumber":
      switch (b.at) {
        case "top":
          return json(b.literal)
        case "detail":
          return json(`{"detail":${b.literal}}`)
        case "field":
          return json(route.streamed ? `{"session_id":${b.literal}}` : withField(route.valid, "session_id", b.literal))
        case "items":
          return json(`{"items":[${b.literal}],"next_page_token":${b.literal}}`)
        case "event":
          return { text: sseItemText({ _tag: "HugeNumber", literal: b.literal }, "\n"), type: "text/event-stream" }
      }
    case "HugeString": {
      const literal = longString(b.size, b.keyAt, b.form)
      switch (b.at) {
        case "top":
          return json(literal)
        case "detail":
          return json(`{"detail":${literal}}`)
        case "field":
          return json(route.streamed ? `{"detail":${literal}}` : withField(route.valid, "last_updated_at", literal))
        case "event":
          return { text: sseData(`{"type":"text","content":${literal}}`, "\n"), type: "text/event-stream" }
      }
    }
    case "RandomBytes":
      return { text: "", type: "application/octet-stream" }
    case "RandomJson":
      return json(JSON.stringify(b.json))
    case "Html":
      return { text: html(b.titleKey), type: "text/html" }
    case "Text":
      return { text: b.key === null ? b.text : `${b.text} ${textKey(b.key)} ${b.text}`, type: "text/plain" }
    case "Sse":
      return {
        text: [
          ...b.items,
          ...(b.end === "none" ? [] : [{ _tag: "Stop", isError: b.end === "error-stop", error: "text" } as const])
        ].map((item) => sseItemText(item, b.lineEnd)).join(""),
        type: "text/event-stream"
      }
    case "Empty":
      return { text: "", type: "application/json" }
  }
}

/** Moves `at` out of any occurrence of the key in `bytes`, so that a cut never leaves part of it. */
const outsideKey = (bytes: Buffer, at: number): number => {
  const key = Buffer.from(API_KEY)
  for (let start = bytes.indexOf(key); start >= 0; start = bytes.indexOf(key, start + 1)) {
    if (at > start && at < start + key.length) return start
  }
  return at
}

/**
 * The nearest point at or before `at` that follows a structural character (`{}[],:` or a line end):
 * bytes spliced there never split the key in any of its spellings (a split escaped key decodes to
 * two parts of the key, which no client can recognise).
 */
const atBoundary = (bytes: Buffer, at: number): number => {
  let point = at
  while (point > 0 && !"{}[],:\n".includes(String.fromCharCode(bytes[point - 1] ?? 0))) point--
  return point
}

const utf16be = (text: string): Buffer => {
  const le = Buffer.from(`\ufeff${text}`, "utf16le")
  return le.swap16()
}

/** Whether the headers tell the truth about the encoding. */
const honest = (e: Encoding): boolean =>
  typeof e !== "string" || !["br-lie", "gzip-lie", "gzip-cut", "compress-label"].includes(e)

const encode = (text: Buffer, e: Encoding): { readonly bytes: Buffer; readonly label: string | null } => {
  if (typeof e !== "string") {
    let bytes = text
    for (const f of e.invalidUtf8) {
      const at = atBoundary(bytes, Math.floor(f * bytes.length))
      bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80]), bytes.subarray(at)])
    }
    return { bytes, label: null }
  }
  switch (e) {
    case "identity":
      return { bytes: text, label: null }
    case "bom":
      return { bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text]), label: null }
    case "utf16le":
      return { bytes: Buffer.from(`\ufeff${text.toString("utf8")}`, "utf16le"), label: null }
    case "utf16be":
      return { bytes: utf16be(text.toString("utf8")), label: null }
    case "latin1":
      return { bytes: Buffer.from(text.toString("utf8"), "latin1"), label: null }
    case "gzip":
      return { bytes: Zlib.gzipSync(text), label: "gzip" }
    case "deflate":
      return { bytes: Zlib.deflateSync(text), label: "deflate" }
    case "br":
      // Brotli's default quality takes seconds on a megabyte, and the case is rendered on the test's thread.
      return { bytes: Zlib.brotliCompressSync(text, { params: { [Zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }), label: "br" }
    case "gzip-gzip":
      return { bytes: Zlib.gzipSync(Zlib.gzipSync(text)), label: "gzip, gzip" }
    case "gzip-unlabelled":
      return { bytes: Zlib.gzipSync(text), label: null }
    case "br-lie":
      return { bytes: text, label: "br" }
    case "gzip-lie":
      return { bytes: text, label: "gzip" }
    case "gzip-cut": {
      const zipped = Zlib.gzipSync(text)
      return { bytes: zipped.subarray(0, Math.max(1, zipped.length >> 1)), label: "gzip" }
    }
    case "compress-label":
      return { bytes: text, label: "compress" }
  }
}

const reasons: Record<number, string> = { 200: "OK", 201: "Created", 204: "No Content", 404: "Not Found", 500: "Internal Server Error" }

const statusLineText = (c: HostileCase): string => {
  if (c.statusLine._tag === "Malformed") return c.statusLine.text
  const reason = c.statusLine.reason
  const text = typeof reason === "object"
    ? textKey(reason.key)
    : reason === "standard"
    ? reasons[c.status] ?? "Whatever"
    : reason === "empty"
    ? ""
    : reason === "long"
    ? "R".repeat(1_000)
    : "\u00c7a va tr\u00e8s bien"
  return `HTTP/${c.statusLine.version} ${c.status} ${reason === "empty" ? "" : text}`.trimEnd()
}

const headerLines = (h: Header): ReadonlyArray<string> => {
  switch (h._tag) {
    case "Echo":
      return [`${h.name}: ${h.before}${textKey(h.form)}${h.after}`]
    case "Value":
      return [`${h.name}: ${h.value}`]
    case "Invalid":
      return [h.line]
    case "Huge":
      return [`${h.name}: ${"h".repeat(h.size)}${h.withKey ? API_KEY : ""}`]
    case "Many":
      return Array.from({ length: h.count }, (_, i) => `${h.name}: ${h.withKey && i % 7 === 3 ? API_KEY : String(i)}`)
  }
}

/** What the server writes for one request, and what it does after. */
export interface Plan {
  /** The answer's bytes, head and body. */
  readonly wire: Buffer
  /** Where the server stops writing; the whole wire when the answer is complete. */
  readonly stopAt: number
  /** Offsets (below `stopAt`) where one write ends and the next begins. */
  readonly splits: ReadonlyArray<number>
  /** What the server does once it stopped writing. */
  readonly then: "close" | "keep" | "stall" | "fin" | "reset"
  /** Whether the client may hold the connection as an idle, pooled one although the server stalls. */
  readonly mayBePooled: boolean
  /**
   * Whether the client may be left waiting for bytes that never come: only a limit ends such a
   * call, so it runs under short ones; any other call gets limits no loaded machine reaches.
   */
  readonly waits: boolean
}

/** What the oracle needs to know about a rendered case. */
export interface Shape {
  /** The final status line and headers are ones a strict HTTP/1.1 parser accepts. */
  readonly headOk: boolean
  /** The whole head reaches the client. */
  readonly headDelivered: boolean
  /** A complete, well-framed answer, truthfully encoded, that leaves nothing behind. */
  readonly clean: boolean}

const CRLF = "\r\n"
const bodyless = (status: number) => status < 200 || status === 204 || status === 304

const chunked = (bytes: Buffer, pieces: ReadonlyArray<number>, how: Framing): Buffer => {
  const cuts = [...new Set(pieces.map((f) => Math.floor(f * bytes.length)))].filter((n) => n > 0).sort((a, b) => a - b)
  const bounds = [0, ...cuts, bytes.length]
  const chunks: Array<Buffer> = []
  for (let i = 0; i + 1 < bounds.length; i++) {
    const part = bytes.subarray(bounds[i], bounds[i + 1])
    if (part.length === 0) continue
    const ext = typeof how === "object" && how._tag === "Chunked" && how.how === "extension" ? ";name=\"value\"" : ""
    chunks.push(Buffer.from(`${part.length.toString(16)}${ext}${CRLF}`), part, Buffer.from(CRLF))
  }
  const body = Buffer.concat(chunks)
  if (typeof how !== "object" || how._tag !== "Chunked") return Buffer.concat([body, Buffer.from(`0${CRLF}${CRLF}`)])
  switch (how.how) {
    case "bad-size":
      return Buffer.concat([Buffer.from(`zz${CRLF}`), bytes, Buffer.from(`${CRLF}0${CRLF}${CRLF}`)])
    case "no-terminator":
      return body
    case "short-chunk":
      return Buffer.concat([Buffer.from(`${(bytes.length + 10).toString(16)}${CRLF}`), bytes, Buffer.from(`${CRLF}0${CRLF}${CRLF}`)])
    case "trailer-key":
      return Buffer.concat([body, Buffer.from(`0${CRLF}x-trailer: ${API_KEY}${CRLF}${CRLF}`)])
    case "extension":
      return Buffer.concat([body, Buffer.from(`0${CRLF}${CRLF}`)])
    case "huge-size":
      return Buffer.concat([Buffer.from(`${"f".repeat(20)}${CRLF}`), bytes])
  }
}

/** Renders a case for an operation's route: the bytes to write and what the client may make of them. */
export const plan = (c: HostileCase, route: Route): { readonly plan: Plan; readonly shape: Shape } => {
  const { text, type } = bodyText(c.body, route)
  const raw = c.body._tag === "RandomBytes" ? Buffer.from(c.body.hex, "hex") : Buffer.from(text, "utf8")
  const encoded = encode(raw, c.encoding)
  const content = c.framing === "none" ? Buffer.alloc(0) : encoded.bytes

  const lines: Array<string> = []
  let framingOk = true
  let headOk = c.statusLine._tag === "Standard"
  const contentType = c.contentType ?? type
  if (contentType !== "") lines.push(`content-type: ${contentType}`)
  if (encoded.label !== null) lines.push(`content-encoding: ${encoded.label}`)
  if (c.connection !== null) lines.push(`connection: ${c.connection}`)

  let payload: Buffer
  const f = c.framing
  if (f === "length" || f === "none") {
    lines.push(`content-length: ${content.length}`)
    payload = content
  } else if (f === "chunked" || (typeof f === "object" && f._tag === "Chunked")) {
    lines.push("transfer-encoding: chunked")
    payload = chunked(content, c.pieces, f)
    framingOk = f === "chunked" || f.how === "trailer-key" || f.how === "extension"
  } else if (f === "eof") {
    payload = content
    framingOk = c.ending._tag === "Complete" && c.ending.after === "close"
  } else if (f === "length-and-chunked") {
    lines.push(`content-length: ${content.length}`, "transfer-encoding: chunked")
    payload = chunked(content, c.pieces, "chunked")
    headOk = false
  } else if (f._tag === "LengthOver") {
    lines.push(`content-length: ${content.length + f.by}`)
    payload = content
    framingOk = false
  } else if (f._tag === "LengthUnder") {
    lines.push(`content-length: ${Math.max(0, content.length - f.by)}`)
    payload = content
    framingOk = false
  } else if (f._tag === "DoubleLength") {
    lines.push(`content-length: ${content.length}`, `content-length: ${Math.max(0, content.length + f.delta)}`)
    payload = content
    headOk = false
  } else {
    lines.push(`content-length: ${f.value}`)
    payload = content
    headOk = false
  }

  for (const h of c.headers) {
    lines.push(...headerLines(h))
    if (h._tag === "Invalid" || h._tag === "Huge") headOk = false
  }
  const info = c.informational === null ? "" : `HTTP/1.1 ${c.informational} Informational${CRLF}link: </style.css>${CRLF}${CRLF}`
  const head = Buffer.from(`${info}${statusLineText(c)}${CRLF}${lines.map((line) => `${line}${CRLF}`).join("")}${CRLF}`, "latin1")
  const wire = Buffer.concat([head, payload])

  // Every transport limits the head to about 16 KiB.
  if (head.length > 12_000) headOk = false

  const e = c.ending
  let stopAt = wire.length
  let then: Plan["then"]
  if (e._tag === "Complete") {
    then = e.after
  } else if (e._tag === "NoAnswer") {
    stopAt = 0
    then = e.then
  } else if (e._tag === "CutHead") {
    stopAt = outsideKey(wire, Math.floor(e.at * head.length))
    then = e.then
  } else if (payload.length === 0) {
    then = "close"
  } else {
    stopAt = outsideKey(wire, head.length + Math.floor(e.at * payload.length))
    then = e.then
  }
  const headDelivered = stopAt >= head.length
  const cutInBody = headDelivered && stopAt < wire.length
  const declared = typeof f === "object" && f._tag === "LengthUnder" ? Math.max(0, content.length - f.by) : payload.length
  const splits = [...new Set(c.pieces.map((p) => Math.floor(p * stopAt)))].filter((n) => n > 0 && n < stopAt).sort((a, b) => a - b)
  const clean = headOk && c.status >= 200 && headDelivered && !cutInBody && (then === "close" || then === "keep") && framingOk &&
    honest(c.encoding) && !(bodyless(c.status) && payload.length > 0)
  return {
    plan: {
      wire,
      stopAt,
      splits,
      then,
      // The client may see a complete answer before the server stops writing, and pool the socket.
      mayBePooled: then === "stall" && headDelivered && (bodyless(c.status) || stopAt >= head.length + declared),
      waits: then === "stall" || (then === "keep" && !clean) || c.status < 200
    },
    shape: { headOk: headOk && c.status >= 200, headDelivered, clean }
  }
}

// -------------------------------------------------------------------------------------------------
// what the client may end in

/** The tag docs/errors.md documents for a status other than 2xx. */
const statusTag = (status: number): string => {
  if (status === 401 || status === 403) return "AuthError"
  if (status === 400 || status === 422) return "ValidationError"
  if (status === 404) return "NotFoundError"
  if (status === 429) return "RateLimitError"
  if (status >= 500) return "ServerError"
  return "ApiError"
}

/**
 * The outcomes (labels as `outcomeOf` gives them; `NetworkError(*)` for any reason) the client may
 * end in for a case on an operation:
 * - once a well-formed head has arrived with a status of 300 or more, that status decides: its
 *   documented tag, whatever the body, its encoding or the connection then do;
 * - a 2xx decodes to a success, or a `DecodeError`; a stream may also end before its stop
 *   (`ConnectionLost`) or in a failed turn (`TurnError`, `ask` only); a delete succeeds;
 * - anything that is not a complete, well-formed answer may also end in a `NetworkError`;
 * - a head no strict parser accepts may end in any tag the client reads from a server.
 */
export const documented = (c: HostileCase, shape: Shape, operation: { readonly name: string; readonly route: Route }): ReadonlyArray<string> => {
  const { route } = operation
  const s = c.status
  const ok = s >= 200 && s < 300
  const fromStatus = ok
    ? [
      "success",
      ...(route.empty ? [] : [`DecodeError(${s})`]),
      ...(route.streamed ? ["NetworkError(ConnectionLost)"] : []),
      ...(operation.name === "ask" ? ["TurnError"] : [])
    ]
    : [`${statusTag(s)}(${s})`]
  if (!shape.headDelivered) return ["NetworkError(*)"]
  if (!shape.headOk) {
    return c.statusLine._tag === "Malformed" ? ["*"] : [...fromStatus, "NetworkError(*)"]
  }
  // Both transports (undici) refuse an unsolicited 100 Continue as a bad response, although RFC 9110
  // §15.2 asks clients to skip any 1xx: a NetworkError, which is documented.
  if (c.informational === 100) return [...fromStatus, "NetworkError(*)"]
  if (!ok) return fromStatus
  return shape.clean ? fromStatus : [...fromStatus, "NetworkError(*)"]
}

/** Whether `outcome` is one of `allowed`. */
export const allows = (allowed: ReadonlyArray<string>, outcome: Pick<Outcome, "_tag" | "label">): boolean =>
  outcome._tag !== "Bug" &&
  allowed.some((label) =>
    label === "*" || label === outcome.label || (label === "NetworkError(*)" && outcome.label.startsWith("NetworkError("))
  )

/** The longest message an error may have: every server text in it is cut to a bounded excerpt. */
export const MAX_MESSAGE = 100_000

/** What is wrong with how a call ended: an undocumented outcome, an unbounded message, the key anywhere. */
export const problemsOf = (report: CallReport, allowed: ReadonlyArray<string>): ReadonlyArray<string> => {
  const problems: Array<string> = []
  const { outcome, texts } = report
  if (outcome._tag === "Bug") problems.push(`${outcome.label}\n${outcome.pretty.slice(0, 3_000)}`)
  else if (!allows(allowed, outcome)) problems.push(`${outcome.label}, documented: ${allowed.join(" | ")}`)
  for (const length of report.messageLengths) {
    if (length > MAX_MESSAGE) problems.push(`an error message of ${length} characters`)
  }
  const leaks = keyLeaks(texts)
  if (leaks.length > 0) problems.push(`the key is in ${leaks.join(", ")}: ${aroundKey(texts[leaks[0] ?? ""] ?? "")}`)
  const cut = keyCutsIn(texts)
  if (cut.length > 0) problems.push(`the start of the key, cut short, is in ${cut.join(", ")}`)
  return problems
}

/** A recipe answering `status` with `body`, complete and well framed: the findings' replays start from it. */
export const answering = (status: number, body: Body): HostileCase => ({
  status,
  statusLine: { _tag: "Standard", version: "1.1", reason: "standard" },
  informational: null,
  contentType: null,
  connection: null,
  headers: [],
  body,
  encoding: "identity",
  framing: "length",
  ending: { _tag: "Complete", after: "close" },
  pieces: []
})

/** A valid answer labelled gzip without being gzip, written in three pieces: a bug the generator found over fetch. */
export const mislabelled = (status: number): HostileCase => ({
  ...answering(status, { _tag: "Valid" }),
  encoding: "gzip-lie",
  ending: { _tag: "Complete", after: "keep" },
  pieces: [0.5, 0.7]
})

// -------------------------------------------------------------------------------------------------
// the raw server

/** Where one of the server's sockets stands. */
type SocketState = "waiting" | "responding" | "held" | "closing"

export interface Connections {
  readonly open: number
  /** Sockets in the middle of an answer, held, or closed by the server and not yet by the client. */
  readonly busy: number
  /** Sockets held by a stalled answer. */
  readonly held: number
}

/**
 * A TCP server that answers every request with the current plan, byte for byte. It reads requests
 * as HTTP/1.1 (a head, then `content-length` bytes or chunks), counts them and checks each carries
 * the key in `Authorization` only.
 */
export interface HostileServer {
  readonly url: string
  /** Answers every request from now on with `plan`; resets the request count. */
  readonly answerWith: (plan: Plan) => void
  readonly requests: () => number
  /** Requests that did not carry `Authorization: Bearer <key>`, or carried the key elsewhere. */
  readonly badRequests: () => ReadonlyArray<string>
  readonly connections: () => Connections
  /** Destroys every socket and resolves once all have closed. */
  readonly dropAll: () => Promise<void>
  readonly close: () => Promise<void>
}

/** A plain 204: what the server answers before it is given a plan. */
const noContent: Plan = (() => {
  const wire = Buffer.from("HTTP/1.1 204 No Content\r\n\r\n")
  return { wire, stopAt: wire.length, splits: [], then: "close", mayBePooled: false, waits: false }
})()

const headEnd = Buffer.from("\r\n\r\n")
const lastChunk = Buffer.from("\r\n0\r\n\r\n")

/** The length of the first complete request in `buffer`, if one is there. */
const requestLength = (buffer: Buffer): { readonly length: number; readonly head: string } | undefined => {
  const end = buffer.indexOf(headEnd)
  if (end < 0) return undefined
  const head = buffer.subarray(0, end).toString("latin1")
  const start = end + headEnd.length
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    const last = buffer.indexOf(lastChunk, start - 2)
    return last < 0 ? undefined : { length: last + lastChunk.length, head }
  }
  const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0)
  return buffer.length < start + length ? undefined : { length: start + length, head }
}

export const startHostileServer = (): Promise<HostileServer> =>
  new Promise((resolve, reject) => {
    const sockets = new Map<Net.Socket, SocketState>()
    let current: Plan = noContent
    let requests = 0
    const bad: Array<string> = []

    const respond = (socket: Net.Socket, answer: Plan, onDone: () => void) => {
      sockets.set(socket, "responding")
      const bounds = [0, ...answer.splits, answer.stopAt]
      let i = 0
      const next = () => {
        if (socket.destroyed) return
        if (i + 1 < bounds.length) {
          socket.write(answer.wire.subarray(bounds[i], bounds[i + 1]))
          i++
          // Each piece in its own turn of the event loop, so that the client reads them apart.
          return void setImmediate(next)
        }
        switch (answer.then) {
          case "keep":
            sockets.set(socket, "waiting")
            return onDone()
          case "close":
          case "fin":
            sockets.set(socket, "closing")
            return void socket.end()
          case "stall":
            return void sockets.set(socket, "held")
          case "reset":
            sockets.set(socket, "closing")
            return void socket.resetAndDestroy()
        }
      }
      next()
    }

    const server = Net.createServer((socket) => {
      sockets.set(socket, "waiting")
      let buffered = Buffer.alloc(0)
      socket.on("error", () => {})
      socket.on("close", () => sockets.delete(socket))
      const serve = () => {
        // A held socket may still be asked again: a client that read its answer as complete (the
        // length said so) reuses the connection, and the new request gets an answer of its own.
        const state = sockets.get(socket)
        if (state !== "waiting" && state !== "held") return
        const request = requestLength(buffered)
        if (request === undefined) return
        buffered = buffered.subarray(request.length)
        requests++
        const auth = /\r\nauthorization: ([^\r]*)/i.exec(request.head)?.[1]
        const elsewhere = request.head.replace(/\r\nauthorization: [^\r]*/i, "").includes(API_KEY)
        if (auth !== `Bearer ${API_KEY}` || elsewhere) bad.push(request.head.split("\r\n")[0] ?? "")
        respond(socket, current, serve)
      }
      socket.on("data", (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk])
        serve()
      })
    })
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      const dropAll = () =>
        new Promise<void>((done) => {
          const check = () => (sockets.size === 0 ? done() : setImmediate(check))
          for (const socket of sockets.keys()) socket.destroy()
          check()
        })
      resolve({
        url: `http://127.0.0.1:${port}`,
        answerWith: (next) => {
          current = next
          requests = 0
        },
        requests: () => requests,
        badRequests: () => bad,
        connections: () => {
          const states = [...sockets.values()]
          return {
            open: states.length,
            busy: states.filter((s) => s !== "waiting").length,
            held: states.filter((s) => s === "held").length
          }
        },
        dropAll,
        close: () => dropAll().then(() => new Promise<void>((done) => server.close(() => done())))
      })
    })
  })

/** A case as one line of JSON: its reproduction. */
export const describeCase = (c: HostileCase): string => JSON.stringify(c)
