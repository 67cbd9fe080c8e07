/** effect-llamacloud's `sendMessage` over `NodeHttpClient.layerUndici`. */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { runStreamChild } from "../child.js"
import { libraryTurns } from "./effect.js"

runStreamChild(libraryTurns(NodeHttpClient.layerUndici))
