/**
 * The headers the client lays over every request: its `Authorization` always, its other defaults
 * only where the request set none of its own.
 */
import type * as Headers from "effect/http/Headers"
import { VERSION } from "../version.js"

/** The headers to lay over a request: `authorization` always, each other default only where the request has none of its own. */
export const headerFiller = (
  defaults: Readonly<Record<string, string>>,
  authorization: string
): (own: Headers.Headers) => Readonly<Record<string, string>> => {
  const entries = Object.entries(defaults)
  return (own) => {
    const fill: Record<string, string> = {}
    for (const [name, value] of entries) {
      if (!(name in own)) fill[name] = value
    }
    fill["authorization"] = authorization
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
