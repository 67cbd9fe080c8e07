/** `../barrel/createWithLibrary.ts` with deep imports. */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { ChatService, LlamaCloudClient } from "../../../src/index.js"

const Live = ChatService.layer.pipe(
  Layer.provide(LlamaCloudClient.layer({ apiKey: Redacted.make(process.env["LLAMA_CLOUD_API_KEY"] ?? "") })),
  Layer.provide(FetchHttpClient.layer)
)

export const createWithLibrary = Effect.gen(function*() {
  const chat = yield* ChatService
  return yield* chat.create({ indexIds: ["idx-abc123"] })
}).pipe(Effect.provide(Live))
