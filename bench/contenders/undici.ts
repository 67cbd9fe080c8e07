/** The floor: `undici.request` on its global keep-alive pool, body read as text and `JSON.parse`d. */
import { request } from "undici"
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
    const response = await request(url, { method, headers, ...(body === undefined ? {} : { body }) })
    const text = await response.body.text()
    if (response.statusCode !== 200) throw new Error(`status ${response.statusCode}: ${text}`)
    return JSON.parse(text)
  }, async () => {})
})
