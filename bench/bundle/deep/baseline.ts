/** Bundle program: the baseline alone. */
import * as Effect from "effect/Effect"
import { createWithHttpClient } from "./createWithHttpClient.js"

Effect.runPromise(createWithHttpClient).then(console.log, console.error)
