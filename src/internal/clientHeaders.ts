/**
 * The headers the client lays over every request: its `Authorization` always, its other defaults
 * only where the request set none of its own.
 */
import * as Headers from "@effect/platform/Headers"
import { VERSION } from "../version.js"

/**
 * The headers to lay over a request: `authorization` always, each other default only where the
 * request has none of its own. This runs on every request, so the record for each combination of
 * defaults a request overrides is built once and reused (one or two combinations in practice).
 */
export const headerFiller = (
  defaults: Readonly<Record<string, string>>,
  authorization: string
): (own: Headers.Headers) => Readonly<Record<string, string>> => {
  const entries = Object.entries(defaults)
  const bit = new Map(entries.map(([name], i) => [name, i]))
  const cache = new Map<number, Readonly<Record<string, string>>>()
  const missingFrom = (own: Headers.Headers): Readonly<Record<string, string>> => {
    const fill: Record<string, string> = {}
    for (const [name, value] of entries) {
      if (!(name in own)) fill[name] = value
    }
    fill["authorization"] = authorization
    return fill
  }
  return (own) => {
    let overridden = 0
    for (const name in own) {
      const i = bit.get(name)
      // Past 30 defaults a bit mask no longer fits in a small integer: build without the cache.
      if (i !== undefined) overridden = i < 30 ? overridden | (1 << i) : -1
      if (overridden < 0) return missingFrom(own)
    }
    const cached = cache.get(overridden)
    if (cached !== undefined) return cached
    const fill = missingFrom(own)
    if (cache.size < 64) cache.set(overridden, fill)
    return fill
  }
}

/**
 * The client's default headers, lowest precedence first. `identity`: the undici transport does not
 * decompress, fetch does; asking for no encoding makes both read the same bytes (the bodies are small
 * JSON, and a compressed event stream would be buffered by the compressor).
 */
export const defaultHeaders = (custom: Readonly<Record<string, string>>): Readonly<Record<string, string>> => ({
  "user-agent": `effect-llamacloud/${VERSION}`,
  ...custom,
  accept: "application/json",
  "accept-encoding": "identity"
})
