/**
 * What both editions' `InMemoryChat` must answer as their real service does, as data: calls that
 * must fail validation exactly as the real client fails them, and LlamaCloud's answers that the
 * in-memory service must mirror. Each edition's test/InMemoryChat.test.ts runs a call on both
 * services (its `invoke` of test/fixtures/operations.ts) and compares what the caller sees.
 */
import type { Name } from "../../src/core/operations.js"

const tooMany = Array.from({ length: 11 }, (_, i) => `idx-${i}`)

/** A call as plain JavaScript may make it: the id and parameters are whatever a caller passes. */
export interface Call {
  readonly name: string
  readonly operation: Name
  /** The session id, for an operation on one session. */
  readonly sessionId?: unknown
  readonly params?: unknown
}

/** Calls that fail validation: the in-memory service must fail each exactly as the real one does. */
export const invalidCalls: ReadonlyArray<Call> = [
  { name: "create with 11 index ids", operation: "create", params: { indexIds: tooMany } },
  { name: "create with a bad organization", operation: "create", params: { organizationId: "org" } },
  { name: "list with a page size of 0", operation: "list", params: { pageSize: 0 } },
  { name: "listPage with an empty token and a fractional size", operation: "listPage", params: { pageToken: "", pageSize: 1.5 } },
  { name: "retrieve with an empty id and a bad project", operation: "retrieve", sessionId: "", params: { projectId: "p" } },
  { name: "getSummary with an id that is not a string", operation: "getSummary", sessionId: 42 },
  { name: "retrieve with the id \".\"", operation: "retrieve", sessionId: "." },
  { name: "delete with the id \"..\" percent-encoded", operation: "delete", sessionId: "%2E%2E" },
  { name: "getSummary with an id holding a lone surrogate", operation: "getSummary", sessionId: "ses-\uD800" },
  { name: "delete with parameters that are not an object", operation: "delete", sessionId: "ses-1", params: "all" },
  { name: "sendMessage with an empty prompt and no index", operation: "sendMessage", sessionId: "ses-1", params: { prompt: " ", indexIds: [] } },
  { name: "ask with a prompt of 1001 characters", operation: "ask", sessionId: "ses-1", params: { prompt: "x".repeat(1001), indexIds: ["idx-a"] } }
]

/** LlamaCloud's answers that the in-memory service mirrors: the status and the JSON body. */
export const llamaCloudSays = {
  /** No session with that id. */
  notFound: { status: 404, json: { detail: "Chat session not found" } },
  /** A second turn while one runs. */
  busy: { status: 409, json: { detail: "A message is already being processed in this chat session" } },
  /** A turn naming other indexes than the session's first. */
  locked: {
    status: 422,
    json: {
      detail: [{
        loc: ["body", "index_ids"],
        msg: "The session's indexes are locked to [idx-a] after its first message",
        type: "value_error",
        input: ["idx-b"]
      }]
    }
  }
} as const
