/**
 * Rendering arbitrary values (a user's bad input, a server's JSON) into error messages, and a depth
 * check for parsed bodies. Both are bounded: nothing here recurses deeper than a fixed limit, reads
 * more of a value than the text needs, or lets an exception out.
 */

/** Containers nested deeper than this are shown as `[…]` / `{…}`. */
export const SHOW_DEPTH = 8

const ellipsis = "…"

/**
 * A short, JSON-like rendering of any value for an error message: at most `max` characters (then
 * `…`), containers below {@link SHOW_DEPTH} elided, cycles shown as `[Circular]`. Never throws,
 * whatever the value does (throwing getters, hostile proxies, `toJSON` that throws or recurses).
 */
export const show = (u: unknown, max = 80): string => {
  const limit = Number.isFinite(max) ? Math.max(0, Math.floor(max)) : 80
  const out = new Writer(limit)
  try {
    render(u, out, 0, [])
  } catch {
    // A proxy trap or a getter threw in the middle: what was written so far is still true.
    out.write(out.full ? "" : "<unreadable>")
  }
  return out.text()
}

/** Accumulates text up to a limit; once past it every write is dropped. */
class Writer {
  private parts = ""
  full = false
  constructor(private readonly limit: number) {}

  /** Room left before the limit, plus one so that a write that needs it is seen to overflow. */
  room(): number {
    return this.limit - this.parts.length + 1
  }

  write(s: string): void {
    if (this.full) return
    if (this.parts.length + s.length > this.limit) {
      this.parts += s.slice(0, this.limit - this.parts.length)
      this.full = true
    } else {
      this.parts += s
    }
  }

  text(): string {
    return this.full ? `${withoutLoneHighSurrogate(this.parts)}${ellipsis}` : this.parts
  }
}

// A cut between the two halves of a surrogate pair would leave half a character.
const withoutLoneHighSurrogate = (s: string): string => {
  const last = s.charCodeAt(s.length - 1)
  return last >= 0xd800 && last <= 0xdbff ? s.slice(0, -1) : s
}

const render = (u: unknown, out: Writer, depth: number, ancestors: Array<object>): void => {
  if (out.full) return
  switch (typeof u) {
    case "string":
      return quote(u, out)
    case "number":
      return out.write(String(u))
    case "bigint":
      return out.write(`${u}n`)
    case "boolean":
    case "undefined":
      return out.write(String(u))
    case "symbol":
      return out.write(u.description === undefined ? "Symbol()" : `Symbol(${u.description.slice(0, out.room())})`)
    case "function":
      return out.write("[Function]")
  }
  if (typeof u !== "object" || u === null) return out.write("null")
  if (ancestors.includes(u)) return out.write("[Circular]")
  if (u instanceof Date) return out.write(Number.isNaN(u.getTime()) ? "Invalid Date" : u.toISOString())
  if (u instanceof Error) {
    out.write(typeof u.name === "string" ? u.name.slice(0, out.room()) : "Error")
    out.write(": ")
    return typeof u.message === "string" ? out.write(u.message.slice(0, out.room())) : undefined
  }
  const isArray = Array.isArray(u)
  if (depth >= SHOW_DEPTH) return out.write(isArray ? "[…]" : "{…}")
  const toJSON = "toJSON" in u ? u.toJSON : undefined
  if (typeof toJSON === "function") {
    // As JSON.stringify does: Redacted shows "<redacted>", DateTime its ISO string. It counts as a
    // level, so that a toJSON returning a fresh object each time ends at the depth limit.
    const replaced: unknown = toJSON.call(u)
    if (replaced !== u) return render(replaced, out, depth + 1, [...ancestors, u])
  }
  const inner = [...ancestors, u]
  if (isArray) {
    out.write("[")
    for (let i = 0; i < u.length && !out.full; i++) {
      if (i > 0) out.write(",")
      const item: unknown = u[i]
      render(item, out, depth + 1, inner)
    }
    return out.write("]")
  }
  out.write("{")
  let first = true
  for (const key in u) {
    if (out.full) return
    if (!Object.prototype.hasOwnProperty.call(u, key)) continue
    if (!first) out.write(",")
    first = false
    quote(key, out)
    out.write(":")
    const value: unknown = Reflect.get(u, key)
    render(value, out, depth + 1, inner)
  }
  out.write("}")
}

/** A JSON string literal of `s`, escaping only as much of it as can still be shown. */
const quote = (s: string, out: Writer): void => {
  const room = out.room()
  if (s.length <= room) return out.write(JSON.stringify(s))
  // Without its closing quote: the text is cut there anyway.
  out.write(JSON.stringify(s.slice(0, room)).slice(0, -1))
}

/**
 * Whether `json` (a parsed body) nests arrays and objects at most `maxDepth` deep: a scalar is depth
 * 0, `[]` and `{}` depth 1. Iterative, so a body nested a million deep is refused without a stack
 * overflow, before anything recursive (a Schema decode, a renderer) walks it.
 */
export const boundedDepth = (json: unknown, maxDepth: number): boolean => {
  if (typeof json !== "object" || json === null) return maxDepth >= 0
  if (!(maxDepth >= 1)) return false
  const pending: Array<{ readonly value: object; readonly depth: number }> = [{ value: json, depth: 1 }]
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const children: Array<unknown> = Array.isArray(next.value) ? next.value : Object.values(next.value)
    for (const child of children) {
      if (typeof child !== "object" || child === null) continue
      // A cycle is never shallow, so following one ends here too.
      if (next.depth + 1 > maxDepth) return false
      pending.push({ value: child, depth: next.depth + 1 })
    }
  }
  return true
}
