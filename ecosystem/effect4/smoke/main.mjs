// Entry for Node, Bun and Deno: `<runtime> main.mjs <server-url> <fetch|undici>`.
// Prints one JSON line {ok, detail} and exits 0 on success, 1 on failure.
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import { smoke } from "./smoke.mjs"

const [url, transportName] = typeof Deno !== "undefined" ? Deno.args : process.argv.slice(2)

const transport = async () => {
  if (transportName === "fetch") return FetchHttpClient.layer
  if (transportName === "undici") return (await import("@effect/platform-node/NodeHttpClient")).layerUndici
  throw new Error(`unknown transport ${transportName}`)
}

const exit = (code) => typeof Deno !== "undefined" ? Deno.exit(code) : process.exit(code)

try {
  const detail = await Effect.runPromise(smoke(url, await transport()))
  console.log(JSON.stringify({ ok: true, detail }))
  exit(0)
} catch (error) {
  console.log(JSON.stringify({ ok: false, detail: error?.message ?? String(error), stack: String(error?.stack ?? "") }))
  exit(1)
}
