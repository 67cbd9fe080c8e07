/**
 * The Effect 4 edition as its README shows a turn: `ChatService.sendMessage` over
 * `LlamaCloudClient.layer` with the default policies, over `NodeHttpClient.layerUndici`, consumed
 * with `Stream.runForEach`. The same program as `bench/stream/contenders/effect.ts` on Effect 3.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { apiKey, indexIds } from "../../../bench/fixture.js"
import { runStreamChild } from "../../../bench/stream/child.js"
import { prompt } from "../../../bench/stream/turns.js"
import { ChatService, LlamaCloudClient } from "../../src/index.js"
import { turnFibers } from "../fibers.js"

runStreamChild((baseUrl) =>
  turnFibers(
    ChatService.layer.pipe(
      Layer.provide(LlamaCloudClient.layer({ apiKey: Redacted.make(apiKey), baseUrl })),
      Layer.provide(NodeHttpClient.layerUndici)
    ),
    Effect.map(ChatService, (chat) => (sessionId: string) => chat.sendMessage(sessionId, { prompt, indexIds: [...indexIds] })),
    (event) => (event._tag === "TextDelta" ? event.content : undefined)
  )
)
