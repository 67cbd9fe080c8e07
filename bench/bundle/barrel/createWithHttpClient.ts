/**
 * What an app that already talks HTTP with Effect has: a POST through `@effect/platform`'s
 * HttpClient, the body decoded with an `effect/Schema` struct. Barrel imports.
 */
import { FetchHttpClient, HttpClient, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { Effect, Schema } from "effect"

const Session = Schema.Struct({
  session_id: Schema.String,
  last_updated_at: Schema.String,
  generated_title: Schema.NullOr(Schema.String),
  index_ids: Schema.NullOr(Schema.Array(Schema.String))
})

export const createWithHttpClient = Effect.gen(function*() {
  const client = HttpClient.filterStatusOk(yield* HttpClient.HttpClient)
  const response = yield* client.execute(
    HttpClientRequest.post("https://api.cloud.llamaindex.ai/api/v1/chat").pipe(
      HttpClientRequest.bearerToken(process.env["LLAMA_CLOUD_API_KEY"] ?? ""),
      HttpClientRequest.bodyUnsafeJson({ index_ids: ["idx-abc123"] })
    )
  )
  return yield* HttpClientResponse.schemaBodyJson(Session)(response)
}).pipe(Effect.scoped, Effect.provide(FetchHttpClient.layer))
