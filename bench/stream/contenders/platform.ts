/**
 * Not the library: the least a program can do to read a turn through `@effect/platform`'s
 * HttpClient, which effect-llamacloud must send through. The transport's span off, the body's
 * `response.stream` through the floors' SSE reader (`Stream.mapConcat`), `JSON.parse`: no schema,
 * no limit, no policy. `platform-undici` and `platform-fetch` run it over the two transports.
 */
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { apiKey, indexIds } from "../../fixture.js"
import { makeFloorReader, wireText } from "../consumer.js"
import type { StreamContender } from "../protocol.js"
import { prompt, turnPath } from "../turns.js"
import { turnFibers } from "./fibers.js"

export const platformTurns = (transport: Layer.Layer<HttpClient.HttpClient>): StreamContender => (baseUrl) =>
  turnFibers(
    transport,
    Effect.map(HttpClient.HttpClient, (client) => {
      const bare = HttpClient.withTracerDisabledWhen(client, () => true)
      const body = HttpBody.text(JSON.stringify({ index_ids: indexIds, prompt }), "application/json")
      return (sessionId: string) =>
        Stream.unwrapScoped(Effect.map(
          bare.execute(HttpClientRequest.post(`${baseUrl}${turnPath(sessionId)}`, {
            headers: { authorization: `Bearer ${apiKey}`, accept: "text/event-stream" },
            body
          })),
          (response) => Stream.suspend(() => Stream.mapConcat(response.stream, makeFloorReader()))
        ))
    }),
    wireText
  )
