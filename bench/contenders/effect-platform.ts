/**
 * Not the library: `@effect/platform`'s HttpClient over `NodeHttpClient.layerUndici`, a POST and
 * `HttpClientResponse.schemaBodyJson` with a Schema struct, no retry, no timeout. The floor for any
 * Effect client: what effect-llamacloud costs above it is the library's own.
 */
import { HttpBody, HttpClient, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Redacted } from "effect"
import { runChild } from "../child.js"
import { apiKey, createPath, indexIds } from "../fixture.js"
import { PlainSession } from "../plainSession.js"
import { fiberRunner } from "./fibers.js"

runChild((baseUrl) =>
  fiberRunner(
    NodeHttpClient.layerUndici,
    Effect.map(HttpClient.HttpClient, (client) => {
      const authorized = client.pipe(
        HttpClient.mapRequest((request) =>
          request.pipe(
            HttpClientRequest.prependUrl(baseUrl),
            HttpClientRequest.bearerToken(Redacted.make(apiKey)),
            HttpClientRequest.acceptJson
          )
        ),
        HttpClient.filterStatusOk
      )
      return authorized.post(createPath, { body: HttpBody.unsafeJson({ index_ids: indexIds }) }).pipe(
        Effect.flatMap(HttpClientResponse.schemaBodyJson(PlainSession)),
        Effect.scoped
      )
    })
  )
)
