/** The official SDK with its defaults (retries, timeout), as its README shows it. */
import { LlamaCloud } from "@llamaindex/llama-cloud"
import { runChild } from "../child.js"
import { apiKey, indexIds } from "../fixture.js"
import { poolRunner } from "./pool.js"

runChild(async (baseUrl) => {
  const client = new LlamaCloud({ apiKey, baseURL: baseUrl })
  return poolRunner(() => client.beta.chat.create({ index_ids: [...indexIds] }), async () => {})
})
