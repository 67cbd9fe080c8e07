/** Bundle program: the baseline app plus effect-llamacloud; minus `baseline.ts`, the library's marginal size. */
import { Effect } from "effect"
import { createWithHttpClient } from "./createWithHttpClient.js"
import { createWithLibrary } from "./createWithLibrary.js"

Effect.runPromise(Effect.all([createWithHttpClient, createWithLibrary])).then(console.log, console.error)
