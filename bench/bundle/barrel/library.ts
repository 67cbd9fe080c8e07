/** Bundle program: effect-llamacloud alone (the absolute size). */
import { Effect } from "effect"
import { createWithLibrary } from "./createWithLibrary.js"

Effect.runPromise(createWithLibrary).then(console.log, console.error)
