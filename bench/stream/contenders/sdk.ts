/**
 * The official SDK: `client.beta.chat.stream`, its defaults. It resolves with the whole body as text
 * once the turn has ended; the events are then read from it with the floors' SSE reader, a slice at
 * a time, as a user of the SDK would have to.
 */
import { LlamaCloud } from "@llamaindex/llama-cloud"
import { apiKey, indexIds } from "../../fixture.js"
import { runStreamChild } from "../child.js"
import { consumeChunks, promiseRunner } from "../consumer.js"
import { prompt } from "../turns.js"

const sliceChars = 64 * 1024

function* slices(text: string): Iterable<string> {
  for (let offset = 0; offset < text.length; offset += sliceChars) yield text.slice(offset, offset + sliceChars)
}

runStreamChild(async (baseUrl) => {
  const client = new LlamaCloud({ apiKey, baseURL: baseUrl })
  return promiseRunner(async (sessionId, hooks) => {
    const text = await client.beta.chat.stream(sessionId, { index_ids: [...indexIds], prompt })
    if (typeof text !== "string") throw new Error(`expected the turn's text, got ${typeof text}`)
    return consumeChunks(slices(text), hooks)
  }, { buffered: true })
})
