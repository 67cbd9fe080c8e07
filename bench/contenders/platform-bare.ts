/**
 * Not the library: the least a program can do through `@effect/platform`'s HttpClient, which
 * effect-llamacloud must send through. The transport's span off, the body read as text and
 * `JSON.parse`d: no schema, no policy, no scope. `platform-undici-bare` and `platform-fetch-bare`
 * run it over the two transports a user picks.
 */
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import { apiKey, requestOf } from "../fixture.js"
import type { Contender } from "../lib/protocol.js"
import { fiberRunner } from "./fibers.js"

export const platformBare = (transport: Layer.Layer<HttpClient.HttpClient>): Contender => (baseUrl, operation) =>
  fiberRunner(
    transport,
    Effect.map(HttpClient.HttpClient, (client) => {
      const bare = HttpClient.withTracerDisabledWhen(client, () => true)
      const { body, method, url } = requestOf(operation, baseUrl)
      const request = HttpClientRequest.make(method)(url, {
        headers: { authorization: `Bearer ${apiKey}`, accept: "application/json" },
        ...(body === undefined ? {} : { body: HttpBody.text(body, "application/json") })
      })
      return Effect.flatMap(bare.execute(request), (response) => Effect.map(response.text, JSON.parse))
    })
  )
