/**
 * Not the library: `@effect/platform`'s HttpClient over `NodeHttpClient.layerUndici`, a POST and
 * `HttpClientResponse.schemaBodyJson` with a Schema struct, no retry, no timeout. The floor for any
 * Effect client: what effect-llamacloud costs above it is the library's own.
 */
import { HttpBody, HttpClient, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Redacted, Schema } from "effect"
import { runChild } from "../child.js"
import { apiKey, createPath, indexIds } from "../fixture.js"
import { fiberRunner } from "./fibers.js"

const Session = Schema.Struct({
  session_id: Schema.String,
  last_updated_at: Schema.String,
  generated_title: Schema.NullOr(Schema.String),
  index_ids: Schema.NullOr(Schema.Array(Schema.String)),
  job_metadata: Schema.NullOr(Schema.Unknown)
})

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
        Effect.flatMap(HttpClientResponse.schemaBodyJson(Session)),
        Effect.scoped
      )
    })
  )
)
