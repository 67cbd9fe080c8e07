/** effect-llamacloud over `FetchHttpClient.layer`, deep imports (cold start only). */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { runChild } from "../child.js"
import { effectContender } from "./effect-deep.js"

runChild(effectContender(FetchHttpClient.layer))
