/** Bundle program: effect-llamacloud alone (the absolute size). */
import * as Effect from "effect/Effect"
import { createWithLibrary } from "./createWithLibrary.js"

Effect.runPromise(createWithLibrary).then(console.log, console.error)
