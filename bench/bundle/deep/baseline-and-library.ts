/** Bundle program: the baseline app plus effect-llamacloud; minus `baseline.ts`, the library's marginal size. */
import * as Effect from "effect/Effect"
import { createWithHttpClient } from "./createWithHttpClient.js"
import { createWithLibrary } from "./createWithLibrary.js"

Effect.runPromise(Effect.all([createWithHttpClient, createWithLibrary])).then(console.log, console.error)
