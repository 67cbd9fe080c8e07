/** Bundle program: the baseline alone. */
import { Effect } from "effect"
import { createWithHttpClient } from "./createWithHttpClient.js"

Effect.runPromise(createWithHttpClient).then(console.log, console.error)
