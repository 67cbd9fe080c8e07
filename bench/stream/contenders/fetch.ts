/** Node's global `fetch`, the body's `ReadableStream` through the floors' SSE reader, `JSON.parse`. */
import { apiKey, indexIds } from "../../fixture.js"
import { runStreamChild } from "../child.js"
import { consumeChunks, promiseRunner } from "../consumer.js"
import { prompt, turnPath } from "../turns.js"

runStreamChild(async (baseUrl) => {
  const headers = { authorization: `Bearer ${apiKey}`, accept: "text/event-stream", "content-type": "application/json" }
  const body = JSON.stringify({ index_ids: indexIds, prompt })
  return promiseRunner(async (sessionId, hooks) => {
    const response = await fetch(`${baseUrl}${turnPath(sessionId)}`, { method: "POST", headers, body })
    if (response.status !== 200 || response.body === null) throw new Error(`status ${response.status}: ${await response.text()}`)
    // Node's web streams are async iterables; the DOM typings do not say so.
    return consumeChunks(response.body as unknown as AsyncIterable<Uint8Array>, hooks)
  }, { buffered: false })
})
