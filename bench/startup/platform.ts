/**
 * Start-up: what `platform-undici-bare` (the create floor through `@effect/platform`'s HttpClient
 * over undici) imports, deep imports, and nothing run. Spawn to exit, beside `library.ts`.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"

// Built and dropped: the program's values exist, as they would before its first call.
const create = Effect.flatMap(HttpClient.HttpClient, (client) =>
  Effect.flatMap(
    HttpClient.withTracerDisabledWhen(client, () => true).execute(
      HttpClientRequest.post("http://127.0.0.1/api/v1/chat", {
        headers: { authorization: "Bearer llx-bench", accept: "application/json" },
        body: HttpBody.text(JSON.stringify({ index_ids: ["idx-abc123"] }), "application/json")
      })
    ),
    (response) => Effect.map(response.text, JSON.parse)
  ))
void Effect.provide(create, NodeHttpClient.layerUndici)
