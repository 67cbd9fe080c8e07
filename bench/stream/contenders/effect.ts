/**
 * effect-llamacloud as its README shows a turn: `ChatService.sendMessage` over `LlamaCloudClient.layer`
 * with the default policies, over the transport a user picks, consumed with `Stream.runForEach`.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { ChatService, LlamaCloudClient } from "../../../src/index.js"
import { apiKey, indexIds } from "../../fixture.js"
import type { StreamContender } from "../protocol.js"
import { prompt } from "../turns.js"
import { turnFibers } from "./fibers.js"

export const libraryTurns = (transport: Layer.Layer<HttpClient.HttpClient>): StreamContender => (baseUrl) =>
  turnFibers(
    ChatService.layer.pipe(
      Layer.provide(LlamaCloudClient.layer({ apiKey: Redacted.make(apiKey), baseUrl })),
      Layer.provide(transport)
    ),
    Effect.map(ChatService, (chat) => (sessionId: string) => chat.sendMessage(sessionId, { prompt, indexIds: [...indexIds] })),
    (event) => (event._tag === "TextDelta" ? event.content : undefined)
  )
