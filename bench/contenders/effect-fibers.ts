/**
 * Not the library, not even an HTTP client of Effect's: raw `undici.request` run as Effect fibers
 * (`Effect.tryPromise` under the same runner as the Effect contenders). What running creates as
 * fibers costs before any HTTP abstraction: the floor under every Effect contender.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { request } from "undici"
import { runChild } from "../child.js"
import { apiKey, createPath, indexIds } from "../fixture.js"
import { fiberRunner } from "./fibers.js"

runChild((baseUrl) => {
  const url = `${baseUrl}${createPath}`
  const headers = { authorization: `Bearer ${apiKey}`, accept: "application/json", "content-type": "application/json" }
  return fiberRunner(
    Layer.empty,
    Effect.succeed(Effect.tryPromise(async () => {
      const response = await request(url, { method: "POST", headers, body: JSON.stringify({ index_ids: indexIds }) })
      const text = await response.body.text()
      if (response.statusCode !== 200) throw new Error(`status ${response.statusCode}: ${text}`)
      return JSON.parse(text) as unknown
    }))
  )
})
