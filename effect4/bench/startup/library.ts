/**
 * Start-up: what a program that creates a session with the Effect 4 edition over undici imports,
 * and nothing run. Spawn to exit, beside `platform.ts` and the Effect 3 edition's
 * `bench/startup/library.ts` (the same program).
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { ChatService, LlamaCloudClient } from "../../src/index.js"

// Built and dropped: the program's values exist, as they would before its first call.
const live = ChatService.layer.pipe(
  Layer.provide(LlamaCloudClient.layer({ apiKey: Redacted.make("llx-bench") })),
  Layer.provide(NodeHttpClient.layerUndici)
)
const create = Effect.flatMap(ChatService, (chat) => chat.create({ indexIds: ["idx-abc123"] }))
void Effect.provide(create, live)
