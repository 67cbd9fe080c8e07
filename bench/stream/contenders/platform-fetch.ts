/** `platform.ts` over `FetchHttpClient.layer`. */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { runStreamChild } from "../child.js"
import { platformTurns } from "./platform.js"

runStreamChild(platformTurns(FetchHttpClient.layer))
