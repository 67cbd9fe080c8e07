/** The official SDK with its defaults (retries, timeout), as its README shows it. */
import { LlamaCloud } from "@llamaindex/llama-cloud"
import { runChild } from "../child.js"
import { apiKey, historySessionId, indexIds, pageSize } from "../fixture.js"
import { poolRunner } from "./pool.js"

runChild(async (baseUrl, operation) => {
  const client = new LlamaCloud({ apiKey, baseURL: baseUrl })
  const call = {
    create: () => client.beta.chat.create({ index_ids: [...indexIds] }),
    // The first page only: awaiting the list's promise gives one page.
    listPage: () => client.beta.chat.list({ page_size: pageSize }),
    retrieve: () => client.beta.chat.retrieve(historySessionId)
  }[operation]
  return poolRunner(call, async () => {})
})
