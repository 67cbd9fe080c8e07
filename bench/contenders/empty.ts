/** Not a contender: an empty Node process, the floor under every cold start. */
import { runChild } from "../child.js"

runChild(async () => ({ run: async () => {}, close: async () => {} }))
