/** `effect.ts` with deep imports (`effect/Effect`): for the cold-start figure, which depends on them. */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { ChatService, LlamaCloudClient } from "../../src/index.js"
import type { Contender } from "../lib/protocol.js"
import { apiKey, indexIds } from "../fixture.js"
import { fiberRunner } from "./fibers.js"

// Cold start only: the first create.
export const effectContender = (transport: Layer.Layer<HttpClient.HttpClient>): Contender => (baseUrl) =>
  fiberRunner(
    ChatService.layer.pipe(
      Layer.provide(LlamaCloudClient.layer({ apiKey: Redacted.make(apiKey), baseUrl })),
      Layer.provide(transport)
    ),
    Effect.map(ChatService, (chat) => chat.create({ indexIds: [...indexIds] }))
  )
