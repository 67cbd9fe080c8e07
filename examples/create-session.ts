/**
 * The main job: create a LlamaCloud chat session and print it.
 *
 * - With LLAMA_CLOUD_API_KEY (or LLAMA_PARSE_API_KEY) set, it talks to LLAMA_CLOUD_BASE_URL, or to
 *   the real API when that is unset.
 * - Otherwise it starts the embedded local LlamaCloud server in-process and creates the session there.
 *
 * Index ids may be given as arguments: `npm start -- idx-abc123 idx-def456`.
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Config, Console, DateTime, Effect, Layer, Option, Redacted } from "effect"
import { ChatService, type ChatSession, LlamaCloudClient } from "../src/index.js"
import { LocalServer } from "../src/testing/node.js"

const indexIds = process.argv.slice(2)

const createAndPrint = Effect.gen(function*() {
  const chat = yield* ChatService
  const session = yield* chat.create(indexIds.length > 0 ? { indexIds } : {})
  yield* Console.log(render(session))
})

const render = (session: ChatSession): string =>
  [
    `session id:      ${session.sessionId}`,
    `last updated at: ${DateTime.formatIso(session.lastUpdatedAt)}`,
    `index ids:       ${Option.match(session.indexIds, { onNone: () => "(unbound)", onSome: (ids) => ids.join(", ") })}`,
    `title:           ${Option.getOrElse(session.generatedTitle, () => "(none yet)")}`
  ].join("\n")

const hasKey = Config.option(Config.nonEmptyString("LLAMA_CLOUD_API_KEY")).pipe(
  Config.zipWith(Config.option(Config.nonEmptyString("LLAMA_PARSE_API_KEY")), (a, b) => Option.isSome(a) || Option.isSome(b))
)

const againstLlamaCloud = Effect.gen(function*() {
  const client = yield* LlamaCloudClient
  yield* Console.log(`Using LlamaCloud at ${client.baseUrl} (API key from the environment)`)
  yield* createAndPrint
}).pipe(
  Effect.provide(ChatService.layer.pipe(Layer.provideMerge(LlamaCloudClient.layerConfig()))),
  Effect.provide(NodeHttpClient.layerUndici)
)

const againstLocalServer = Effect.gen(function*() {
  const server = yield* LocalServer.LocalServer
  yield* Console.log(`No LLAMA_CLOUD_API_KEY set: using the embedded local LlamaCloud server at ${server.url}`)
  yield* createAndPrint.pipe(
    Effect.provide(ChatService.layer.pipe(
      Layer.provide(LlamaCloudClient.layer({ apiKey: Redacted.make("llx-local-demo"), baseUrl: server.url })),
      Layer.provide(NodeHttpClient.layerUndici)
    ))
  )
}).pipe(Effect.provide(LocalServer.layer()))

const main = Effect.gen(function*() {
  yield* (yield* hasKey) ? againstLlamaCloud : againstLocalServer
}).pipe(
  Effect.catchAll((error) =>
    Console.error(`Could not create a session: ${error.message}`).pipe(
      Effect.zipRight(Effect.sync(() => {
        process.exitCode = 1
      }))
    )
  )
)

NodeRuntime.runMain(main)
