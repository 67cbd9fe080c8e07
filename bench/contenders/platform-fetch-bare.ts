/** `platform-bare.ts` over `FetchHttpClient.layer`. */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { runChild } from "../child.js"
import { platformBare } from "./platform-bare.js"

runChild(platformBare(FetchHttpClient.layer))
