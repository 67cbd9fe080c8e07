/** effect-llamacloud over `NodeHttpClient.layerUndici`. */
import { NodeHttpClient } from "@effect/platform-node"
import { runChild } from "../child.js"
import { effectContender } from "./effect.js"

runChild(effectContender(NodeHttpClient.layerUndici))
