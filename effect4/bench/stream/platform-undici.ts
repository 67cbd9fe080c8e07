/**
 * Not the library: the Effect 4 platform floor of a turn, the least a program can do to read one
 * through `effect/http`'s HttpClient over `NodeHttpClient.layerUndici` (what the Effect 4 edition
 * must send through). The client span off (`HttpClient.TracerDisabledWhen`), `response.stream`
 * through the floors' SSE reader (`Stream.map`, then
 * `Stream.flattenIterable`: Effect 3's `mapConcat`), `JSON.parse`: no schema, no limit, no policy.
 * The same program as the Effect 3 floor, `bench/stream/contenders/platform.ts`.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as HttpBody from "effect/http/HttpBody"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Stream from "effect/Stream"
import { apiKey, indexIds } from "../../../bench/fixture.js"
import { runStreamChild } from "../../../bench/stream/child.js"
import { makeFloorReader, wireText } from "../../../bench/stream/consumer.js"
import { prompt, turnPath } from "../../../bench/stream/turns.js"
import { turnFibers } from "../fibers.js"

runStreamChild((baseUrl) =>
  turnFibers(
    NodeHttpClient.layerUndici,
    Effect.map(HttpClient.HttpClient, (client) => {
      const body = HttpBody.text(JSON.stringify({ index_ids: indexIds, prompt }), "application/json")
      return (sessionId: string) =>
        Stream.unwrap(Effect.map(
          client.execute(HttpClientRequest.post(`${baseUrl}${turnPath(sessionId)}`, {
            headers: { authorization: `Bearer ${apiKey}`, accept: "text/event-stream" },
            body
          })),
          (response) => Stream.suspend(() => Stream.flattenIterable(Stream.map(response.stream, makeFloorReader())))
        )).pipe(Stream.provideService(HttpClient.TracerDisabledWhen, () => true))
    }),
    wireText
  )
)
