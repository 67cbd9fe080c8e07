/** Node's global `fetch`, body read as text and `JSON.parse`d. */
import { runChild } from "../child.js"
import { apiKey, requestOf } from "../fixture.js"
import { poolRunner } from "./pool.js"

runChild(async (baseUrl, operation) => {
  const { body, method, url } = requestOf(operation, baseUrl)
  const headers = {
    authorization: `Bearer ${apiKey}`,
    accept: "application/json",
    ...(body === undefined ? {} : { "content-type": "application/json" })
  }
  return poolRunner(async () => {
    const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) })
    const text = await response.text()
    if (response.status !== 200) throw new Error(`status ${response.status}: ${text}`)
    return JSON.parse(text)
  }, async () => {})
})
