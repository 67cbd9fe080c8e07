/** Node's global `fetch`, body read as text and `JSON.parse`d. */
import { runChild } from "../child.js"
import { apiKey, createPath, indexIds } from "../fixture.js"
import { poolRunner } from "./pool.js"

runChild(async (baseUrl) => {
  const url = `${baseUrl}${createPath}`
  const headers = {
    authorization: `Bearer ${apiKey}`,
    accept: "application/json",
    "content-type": "application/json"
  }
  return poolRunner(async () => {
    const response = await fetch(url, { method: "POST", headers, body: JSON.stringify({ index_ids: indexIds }) })
    const text = await response.text()
    if (response.status !== 200) throw new Error(`status ${response.status}: ${text}`)
    return JSON.parse(text)
  }, async () => {})
})
