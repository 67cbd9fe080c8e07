/** `platform.ts` over `NodeHttpClient.layerUndici`. */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { runStreamChild } from "../child.js"
import { platformTurns } from "./platform.js"

runStreamChild(platformTurns(NodeHttpClient.layerUndici))
