// Entry for workerd (bundled by esbuild): GET /smoke?url=<server-url> runs the smoke over fetch and
// answers {ok, detail} as JSON; GET /ready answers once the worker is up.
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import { smoke } from "./smoke.mjs"

export default {
  async fetch(request) {
    const { pathname, searchParams } = new URL(request.url)
    if (pathname === "/ready") return new Response("ok")
    const url = searchParams.get("url") ?? ""
    try {
      const detail = await Effect.runPromise(smoke(url, FetchHttpClient.layer))
      return Response.json({ ok: true, detail })
    } catch (error) {
      return Response.json({ ok: false, detail: error?.message ?? String(error), stack: String(error?.stack ?? "") })
    }
  }
}
