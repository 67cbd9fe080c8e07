/** Creating a session with effect-llamacloud, as its README shows it. Barrel imports. */
import { FetchHttpClient } from "@effect/platform"
import { Effect, Layer, Redacted } from "effect"
import { ChatService, LlamaCloudClient } from "../../../src/index.js"

const Live = ChatService.layer.pipe(
  Layer.provide(LlamaCloudClient.layer({ apiKey: Redacted.make(process.env["LLAMA_CLOUD_API_KEY"] ?? "") })),
  Layer.provide(FetchHttpClient.layer)
)

export const createWithLibrary = Effect.gen(function*() {
  const chat = yield* ChatService
  return yield* chat.create({ indexIds: ["idx-abc123"] })
}).pipe(Effect.provide(Live))
