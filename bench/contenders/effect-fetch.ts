/** effect-llamacloud over `FetchHttpClient.layer` (Node's global fetch). */
import { FetchHttpClient } from "@effect/platform"
import { runChild } from "../child.js"
import { effectContender } from "./effect.js"

runChild(effectContender(FetchHttpClient.layer))
