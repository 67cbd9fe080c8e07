/** The smallest program that creates one session with the official SDK. */
import { LlamaCloud } from "@llamaindex/llama-cloud"

const client = new LlamaCloud({ apiKey: process.env["LLAMA_CLOUD_API_KEY"] ?? "" })

client.beta.chat.create({ index_ids: ["idx-abc123"] }).then(console.log, console.error)
