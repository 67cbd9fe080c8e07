/** The floor: `undici.request` on its global pool, the body through the floors' SSE reader, `JSON.parse`. */
import { request } from "undici"
import { apiKey, indexIds } from "../../fixture.js"
import { runStreamChild } from "../child.js"
import { consumeChunks, promiseRunner } from "../consumer.js"
import { prompt, turnPath } from "../turns.js"

runStreamChild(async (baseUrl) => {
  const headers = { authorization: `Bearer ${apiKey}`, accept: "text/event-stream", "content-type": "application/json" }
  const body = JSON.stringify({ index_ids: indexIds, prompt })
  return promiseRunner(async (sessionId, hooks) => {
    const response = await request(`${baseUrl}${turnPath(sessionId)}`, { method: "POST", headers, body })
    if (response.statusCode !== 200) throw new Error(`status ${response.statusCode}: ${await response.body.text()}`)
    return consumeChunks(response.body, hooks)
  }, { buffered: false })
})
