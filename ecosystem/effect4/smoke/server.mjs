// The local LlamaCloud from the packed Effect 4 edition (effect-llamacloud/testing/node), under Node 22
// or later (@effect/platform-node 4 needs 22.19), on 127.0.0.1 and a free port. Prints {"url": ...} as
// its first line, then runs until SIGTERM.
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { LocalServer } from "effect-llamacloud/testing/node"
import { API_KEY } from "./smoke.mjs"

const announce = Layer.effectDiscard(
  Effect.flatMap(LocalServer.url, (url) => Effect.sync(() => console.log(JSON.stringify({ url }))))
)

NodeRuntime.runMain(
  Layer.launch(Layer.provide(announce, LocalServer.layer({ host: "127.0.0.1", port: 0, apiKeys: [API_KEY] })))
)
