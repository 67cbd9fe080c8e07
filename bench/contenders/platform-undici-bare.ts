/** `platform-bare.ts` over `NodeHttpClient.layerUndici`. */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { runChild } from "../child.js"
import { platformBare } from "./platform-bare.js"

runChild(platformBare(NodeHttpClient.layerUndici))
