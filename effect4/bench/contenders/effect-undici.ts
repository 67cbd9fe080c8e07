/**
 * The Effect 4 edition as its README shows a create: `ChatService.layer` over `LlamaCloudClient.layer`
 * with the default policies, over `NodeHttpClient.layerUndici`. The same program as
 * `bench/contenders/effect.ts` on Effect 3.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { runChild } from "../../../bench/child.js"
import { apiKey, historySessionId, indexIds, pageSize } from "../../../bench/fixture.js"
import { ChatService, LlamaCloudClient } from "../../src/index.js"
import { fiberRunner } from "../fibers.js"

runChild((baseUrl, operation) =>
  fiberRunner(
    ChatService.layer.pipe(
      Layer.provide(LlamaCloudClient.layer({ apiKey: Redacted.make(apiKey), baseUrl })),
      Layer.provide(NodeHttpClient.layerUndici)
    ),
    Effect.map(ChatService, (chat): Effect.Effect<unknown, unknown> => {
      switch (operation) {
        case "create":
          return chat.create({ indexIds: [...indexIds] })
        case "listPage":
          return chat.listPage({ pageSize })
        case "retrieve":
          return chat.retrieve(historySessionId)
      }
    })
  )
)
