/**
 * Start-up: what the Effect 4 create floor (`contenders/platform-undici-bare.ts`: `effect/http`'s
 * HttpClient over undici) imports, and nothing run. Spawn to exit, beside `library.ts`.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as HttpBody from "effect/http/HttpBody"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"

// Built and dropped: the program's values exist, as they would before its first call.
const create = Effect.flatMap(HttpClient.HttpClient, (client) =>
  Effect.flatMap(
    client.execute(
      HttpClientRequest.post("http://127.0.0.1/api/v1/chat", {
        headers: { authorization: "Bearer llx-bench", accept: "application/json" },
        body: HttpBody.text(JSON.stringify({ index_ids: ["idx-abc123"] }), "application/json")
      })
    ),
    (response) => Effect.map(response.text, JSON.parse)
  )).pipe(Effect.provideService(HttpClient.TracerDisabledWhen, () => true))
void Effect.provide(create, NodeHttpClient.layerUndici)
