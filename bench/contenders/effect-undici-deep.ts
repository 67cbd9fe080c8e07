/** effect-llamacloud over `NodeHttpClient.layerUndici`, deep imports (cold start only). */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { runChild } from "../child.js"
import { effectContender } from "./effect-deep.js"

runChild(effectContender(NodeHttpClient.layerUndici))
