/** `../barrel/createWithHttpClient.ts` with deep imports (`effect/Effect`, `@effect/platform/HttpClient`). */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

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
