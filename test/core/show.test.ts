/**
 * `show` renders anything a user or a server hands over into a bounded piece of text without ever
 * throwing; `boundedDepth` refuses a deeply nested parsed body without recursing.
 */
import { assert, describe, it } from "@effect/vitest"
import * as FastCheck from "effect/FastCheck"
import * as Redacted from "effect/Redacted"
import { boundedDepth, show, SHOW_DEPTH } from "../../src/core/show.js"

/** `[[[…]]]` `depth` deep, built without recursion. */
const nestedArrays = (depth: number): unknown => {
  let value: unknown = []
  for (let i = 1; i < depth; i++) value = [value]
  return value
}

/** `{"a":{"a":…}}` `depth` deep. */
const nestedObjects = (depth: number): unknown => {
  let value: unknown = {}
  for (let i = 1; i < depth; i++) value = { a: value }
  return value
}

describe("show", () => {
  it("renders JSON values as JSON", () => {
    assert.strictEqual(show("org-123"), `"org-123"`)
    assert.strictEqual(show(11), "11")
    assert.strictEqual(show(null), "null")
    assert.strictEqual(show(true), "true")
    assert.strictEqual(show({ detail: [{ loc: ["body", 0], msg: "bad" }] }), `{"detail":[{"loc":["body",0],"msg":"bad"}]}`)
  })

  it("renders what JSON cannot", () => {
    assert.strictEqual(show(undefined), "undefined")
    assert.strictEqual(show(10n), "10n")
    assert.strictEqual(show(Number.NaN), "NaN")
    assert.strictEqual(show(Symbol("s")), "Symbol(s)")
    assert.strictEqual(show(() => 1), "[Function]")
    assert.strictEqual(show(new Date(Date.UTC(2026, 0, 2))), "2026-01-02T00:00:00.000Z")
    assert.strictEqual(show(new Date(Number.NaN)), "Invalid Date")
    assert.strictEqual(show(new TypeError("boom")), "TypeError: boom")
    assert.strictEqual(show([1, undefined, 2n]), "[1,undefined,2n]")
  })

  it("shows a Redacted as JSON.stringify does, never its value", () => {
    assert.strictEqual(show({ key: Redacted.make("llx-secret") }), `{"key":"<redacted>"}`)
  })

  it("cuts at the limit with an ellipsis", () => {
    assert.strictEqual(show("x".repeat(100), 10), `"xxxxxxxxx…`)
    assert.strictEqual(show([1, 2, 3, 4, 5, 6], 6), "[1,2,3…")
    assert.strictEqual(show("abc", 5), `"abc"`)
    assert.strictEqual(show("abcd", 5), `"abcd…`)
    assert.strictEqual(show("anything", 0), "…")
  })

  it("does not cut a character in half", () => {
    assert.strictEqual(show("😀😀😀", 4), `"😀…`)
  })

  it("reads no more of a huge string or array than it shows", () => {
    const huge = "y".repeat(50_000_000)
    assert.strictEqual(show(huge, 5), `"yyyy…`)
    const sparse: Array<unknown> = []
    sparse.length = 2 ** 32 - 1
    assert.strictEqual(show(sparse, 12), "[undefined,u…")
  })

  it("elides containers below the depth limit", () => {
    assert.strictEqual(show(nestedArrays(20), 1000), `${"[".repeat(SHOW_DEPTH)}[…]${"]".repeat(SHOW_DEPTH)}`)
    assert.strictEqual(show(nestedObjects(3), 1000), `{"a":{"a":{}}}`)
  })

  it("renders arrays nested 10 000 and 1 000 000 deep without overflowing the stack", () => {
    for (const depth of [10_000, 1_000_000]) {
      const text = show(nestedArrays(depth), 300)
      assert.isTrue(text.startsWith("[[[[[[[[[…]"))
    }
    const parsed: unknown = JSON.parse(`${"[".repeat(10_000)}${"]".repeat(10_000)}`)
    assert.isTrue(show(parsed, 300).startsWith("[[[[[[[["))
  })

  it("marks a cycle instead of following it", () => {
    const a: Record<string, unknown> = { name: "a" }
    a["self"] = a
    assert.strictEqual(show(a), `{"name":"a","self":[Circular]}`)
    const list: Array<unknown> = [1]
    list.push(list)
    assert.strictEqual(show(list), "[1,[Circular]]")
  })

  it("shows a value seen twice, not in a cycle, twice", () => {
    const shared = { x: 1 }
    assert.strictEqual(show([shared, shared]), `[{"x":1},{"x":1}]`)
  })

  it("survives a getter that throws", () => {
    const hostile = {
      ok: 1,
      get bad(): number {
        throw new Error("no")
      }
    }
    assert.strictEqual(show(hostile), `{"ok":1,"bad":<unreadable>`)
  })

  it("survives a toJSON that throws, or returns a fresh object for ever", () => {
    assert.strictEqual(show({ toJSON: () => { throw new Error("no") } }), "<unreadable>")
    const endless = (): unknown => ({ toJSON: endless })
    assert.isString(show(endless()))
  })

  it("survives hostile and revoked proxies", () => {
    const throwing = new Proxy({}, {
      ownKeys: () => {
        throw new Error("no keys")
      },
      get: () => {
        throw new Error("no")
      },
      has: () => {
        throw new Error("no")
      }
    })
    assert.isString(show(throwing))
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    assert.isString(show(proxy))
    assert.isString(show([1, proxy]))
  })

  it("survives an Error whose name and message are getters that throw", () => {
    const error = new Error("x")
    Object.defineProperty(error, "message", {
      get: () => {
        throw new Error("no")
      }
    })
    assert.isString(show(error))
  })

  it("survives objects without a prototype and with a toString that throws", () => {
    const bare: Record<string, unknown> = Object.create(null)
    bare["a"] = 1
    assert.strictEqual(show(bare), `{"a":1}`)
    assert.strictEqual(show({ toString: () => { throw new Error("no") } }), `{"toString":[Function]}`)
  })

  it.prop("never throws and never exceeds its limit plus the ellipsis", {
    value: FastCheck.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true, maxDepth: 12 }),
    max: FastCheck.integer({ min: 0, max: 400 })
  }, ({ max, value }) => {
    const text = show(value, max)
    assert.isAtMost(text.length, max + 1)
  })

  it.prop("shows a JSON value that fits exactly as JSON.stringify does", {
    value: FastCheck.jsonValue({ maxDepth: SHOW_DEPTH - 1 })
  }, ({ value }) => {
    assert.strictEqual(show(value, 100_000), JSON.stringify(value))
  })
})

describe("boundedDepth", () => {
  it("counts a scalar as depth 0 and each array or object as one level", () => {
    assert.isTrue(boundedDepth("x", 0))
    assert.isTrue(boundedDepth(null, 0))
    assert.isFalse(boundedDepth([], 0))
    assert.isTrue(boundedDepth([], 1))
    assert.isTrue(boundedDepth({ a: [1, 2, { b: "c" }] }, 3))
    assert.isFalse(boundedDepth({ a: [1, 2, { b: "c" }] }, 2))
    assert.isFalse(boundedDepth({ a: [1, 2, { b: {} }] }, 3))
  })

  it("finds the deep branch among wide shallow ones", () => {
    const wide: Array<Record<string, unknown>> = Array.from({ length: 10_000 }, (_, i) => ({ i }))
    assert.isTrue(boundedDepth(wide, 2))
    wide.push({ i: 0, deep: nestedArrays(5) })
    assert.isFalse(boundedDepth(wide, 6))
    assert.isTrue(boundedDepth(wide, 7))
  })

  it("refuses arrays and objects nested 10 000 and 1 000 000 deep without overflowing", () => {
    for (const depth of [10_000, 1_000_000]) {
      assert.isFalse(boundedDepth(nestedArrays(depth), 64))
      assert.isTrue(boundedDepth(nestedArrays(depth), depth))
      assert.isFalse(boundedDepth(nestedObjects(depth), 64))
    }
  })

  it("ends on a cycle", () => {
    const a: Array<unknown> = []
    a.push(a)
    assert.isFalse(boundedDepth(a, 100))
  })

  it("refuses everything for a negative or NaN limit", () => {
    assert.isFalse(boundedDepth(1, -1))
    assert.isFalse(boundedDepth([], Number.NaN))
  })

  it.prop("agrees with a recursive depth on JSON values", {
    value: FastCheck.jsonValue({ maxDepth: 10 }),
    limit: FastCheck.integer({ min: 0, max: 12 })
  }, ({ limit, value }) => {
    const depth = (u: unknown): number =>
      typeof u !== "object" || u === null ? 0 : 1 + Math.max(0, ...Object.values(u).map(depth))
    assert.strictEqual(boundedDepth(value, limit), depth(value) <= limit)
  })
})

describe("JSON.parse on Node", () => {
  // V8's JSON.parse is iterative: depth is not what bounds it, so the engine must check depth itself.
  it("parses arrays and objects nested 10 000 deep", () => {
    const arrays: unknown = JSON.parse(`${"[".repeat(10_000)}${"]".repeat(10_000)}`)
    const objects: unknown = JSON.parse(`${`{"a":`.repeat(10_000)}1${"}".repeat(10_000)}`)
    assert.isTrue(Array.isArray(arrays))
    assert.isFalse(boundedDepth(objects, 64))
  })

  // How deep JSON.stringify gets before it overflows depends on the stack it runs on (a worker
  // thread's is larger than the main thread's): a 2 MB body is beyond any default one.
  it("parses arrays nested 1 000 000 deep (a 2 MB body); JSON.stringify of them overflows, catchably", () => {
    const parsed: unknown = JSON.parse(`${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}`)
    assert.isFalse(boundedDepth(parsed, 64))
    assert.throws(() => JSON.stringify(parsed), RangeError)
  })
})
