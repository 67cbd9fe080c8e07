/**
 * The effect-llamacloud contenders as its README shows them: barrel imports, `ChatService.layer`
 * over `LlamaCloudClient.layer` with the default policies, over the transport a user picks.
 * `effect-deep.ts` is the same program with deep imports.
 */
import type { HttpClient } from "@effect/platform"
import { Effect, Layer, Redacted } from "effect"
import { ChatService, LlamaCloudClient } from "../../src/index.js"
import type { Contender } from "../lib/protocol.js"
import { apiKey, historySessionId, indexIds, pageSize } from "../fixture.js"
import { fiberRunner } from "./fibers.js"

export const effectContender = (transport: Layer.Layer<HttpClient.HttpClient>): Contender => (baseUrl, operation) =>
  fiberRunner(
    ChatService.layer.pipe(
      Layer.provide(LlamaCloudClient.layer({ apiKey: Redacted.make(apiKey), baseUrl })),
      Layer.provide(transport)
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
