/**
 * Not the library: the Effect 4 platform floor of a create, the least a program can do through
 * `effect/http`'s HttpClient over `NodeHttpClient.layerUndici`. The client span off, the body read
 * as text and `JSON.parse`d: no schema, no policy, no scope. The same program as
 * `bench/contenders/platform-bare.ts` on Effect 3.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as HttpBody from "effect/http/HttpBody"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import { runChild } from "../../../bench/child.js"
import { apiKey, requestOf } from "../../../bench/fixture.js"
import { fiberRunner } from "../fibers.js"

runChild((baseUrl, operation) =>
  fiberRunner(
    NodeHttpClient.layerUndici,
    Effect.map(HttpClient.HttpClient, (client) => {
      const { body, method, url } = requestOf(operation, baseUrl)
      const request = HttpClientRequest.make(method)(url, {
        headers: { authorization: `Bearer ${apiKey}`, accept: "application/json" },
        ...(body === undefined ? {} : { body: HttpBody.text(body, "application/json") })
      })
      return Effect.flatMap(client.execute(request), (response) => Effect.map(response.text, JSON.parse)).pipe(
        Effect.provideService(HttpClient.TracerDisabledWhen, () => true)
      )
    })
  )
)
