/**
 * Side by side with the official SDK: for each operation both clients send the same method, path,
 * query, body and Accept (the SDK's `key=` for an unset id aside, which is its bug, not a contract).
 * The SDK is given a fetch that records its request and answers as LlamaCloud would.
 */
import { LlamaCloud } from "@llamaindex/llama-cloud"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { ChatService } from "../src/ChatService.js"
import { MockTransport, type RecordedRequest } from "../src/testing.js"
import { BASE_URL, chatLayer, ORG_ID, PROJECT_ID, requests } from "./fixtures/harness.js"
import { callRow, type OperationRow, operations, SESSION_ID } from "./fixtures/operations.js"

interface Sent {
  readonly method: string
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  readonly body: unknown
  readonly accept: string | null
  readonly contentType: string | null
}

/** The query with the SDK's empty `key=` for unset ids dropped. */
const setParams = (url: URL): Record<string, string> =>
  Object.fromEntries([...url.searchParams].filter(([, value]) => value !== ""))

const fromOurs = (request: RecordedRequest): Sent => {
  const url = new URL(request.url)
  return {
    method: request.method,
    path: url.pathname,
    query: setParams(url),
    body: request.body === "" ? undefined : JSON.parse(request.body),
    accept: request.headers["accept"] ?? null,
    contentType: request.body === "" ? null : request.headers["content-type"] ?? null
  }
}

/** What the SDK sends for the same call as `row`, with the same scope. */
const fromSdk = (row: OperationRow): Effect.Effect<Sent> =>
  Effect.promise(async () => {
    let sent: Sent | undefined
    const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const request = new Request(input, init)
      const url = new URL(request.url)
      const text = await request.text()
      sent = {
        method: request.method,
        path: url.pathname,
        query: setParams(url),
        body: text === "" ? undefined : JSON.parse(text),
        accept: request.headers.get("accept"),
        contentType: text === "" ? null : request.headers.get("content-type")
      }
      return row.ok._tag === "Reply"
        ? new Response(row.ok.status === 204 ? null : row.ok.body, { status: row.ok.status, headers: row.ok.headers })
        : new Response("", { status: 200 })
    }
    const client = new LlamaCloud({ apiKey: "llx-sdk", baseURL: BASE_URL, fetch, maxRetries: 0 })
    const chat = client.beta.chat
    const scope = { organization_id: ORG_ID, project_id: PROJECT_ID }
    const turn = { index_ids: ["idx-1"], prompt: "What is in the index?", ...scope }
    switch (row.name) {
      case "create":
        await chat.create({ index_ids: ["idx-1"], ...scope })
        break
      case "list":
      case "listPage":
        await chat.list({ ...scope })
        break
      case "retrieve":
        await chat.retrieve(SESSION_ID, scope)
        break
      case "getSummary":
        await chat.getSummary(SESSION_ID, scope)
        break
      case "delete":
        await chat.delete(SESSION_ID, scope)
        break
      case "sendMessage":
      case "ask":
        await chat.stream(SESSION_ID, turn)
        break
    }
    if (sent === undefined) throw new Error("the SDK sent nothing")
    return sent
  })

describe.each(operations)("$operation against the official SDK's request", (row) => {
  it.effect("has the same method, path, query and body", () =>
    Effect.gen(function*() {
      yield* callRow(row, { organizationId: ORG_ID, projectId: PROJECT_ID })
      const ours = fromOurs((yield* requests)[0]!)
      const theirs = yield* fromSdk(row)
      assert.deepStrictEqual(
        { method: ours.method, path: ours.path, query: ours.query, body: ours.body, contentType: ours.contentType },
        { method: theirs.method, path: theirs.path, query: theirs.query, body: theirs.body, contentType: theirs.contentType }
      )
      // A turn asks for an event stream where the SDK, which buffers the answer, asks for JSON.
      if (!row.streamed) assert.strictEqual(ours.accept, theirs.accept)
    }).pipe(Effect.provide(chatLayer([row.ok]))))
})

describe("the session id in the path", () => {
  const summary = (body: string) =>
    new Response(body, { status: 200, headers: { "content-type": "application/json" } })
  const session = JSON.stringify({ session_id: "x", last_updated_at: "2026-01-01T00:00:00" })

  it.effect("is percent-encoded as the SDK encodes it", () =>
    Effect.gen(function*() {
      const id = "ses a/b?c#d%e\u00e9"
      yield* Effect.flatMap(ChatService, (chat) => chat.getSummary(id))
      const ours = new URL((yield* requests)[0]!.url).pathname
      const theirs = yield* Effect.promise(async () => {
        let path = ""
        const client = new LlamaCloud({
          apiKey: "llx-sdk",
          baseURL: BASE_URL,
          maxRetries: 0,
          fetch: async (input: string | URL | Request) => {
            path = new URL(input instanceof Request ? input.url : input).pathname
            return summary(session)
          }
        })
        await client.beta.chat.getSummary(id)
        return path
      })
      assert.strictEqual(ours, theirs)
    }).pipe(Effect.provide(chatLayer([MockTransport.json(200, JSON.parse(session))]))))
})
