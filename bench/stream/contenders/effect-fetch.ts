/** effect-llamacloud's `sendMessage` over `FetchHttpClient.layer`. */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { runStreamChild } from "../child.js"
import { libraryTurns } from "./effect.js"

runStreamChild(libraryTurns(FetchHttpClient.layer))
