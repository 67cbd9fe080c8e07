/**
 * Error answers as data (status, body, headers), for both editions' tests: each edition replays
 * them with its own `MockTransport`. What each answer becomes is in `callFailures.ts`.
 */

export const REQUEST_ID = "req-7f3a"

/** An answer as the server sends it: `json` is sent as JSON, `text` as it is. */
export type Answer =
  | { readonly status: number; readonly json: unknown; readonly headers?: Readonly<Record<string, string>> }
  | { readonly status: number; readonly text: string; readonly headers?: Readonly<Record<string, string>> }

/** A FastAPI-style error answer with a request id. */
export const answer = (status: number, detail: unknown = "it went wrong", headers: Record<string, string> = {}): Answer => ({
  status,
  json: { detail },
  headers: { "x-request-id": REQUEST_ID, ...headers }
})

/** 2xx answers that are not a session, and what the `DecodeError`'s problem says. */
export const notASession: ReadonlyArray<{
  readonly name: string
  readonly answer: Answer
  readonly problemSays: ReadonlyArray<string>
  readonly bodyExcerpt?: string
}> = [
  { name: "when it is not JSON", answer: { status: 200, text: "session created" }, problemSays: ["not JSON"], bodyExcerpt: "session created" },
  { name: "when the JSON is truncated", answer: { status: 200, text: `{"session_id": "ses-1", "last_upd` }, problemSays: ["not JSON"] },
  {
    name: "when it is an HTML page",
    answer: { status: 200, text: "<!DOCTYPE html><html><body>Sign in</body></html>", headers: { "content-type": "text/html" } },
    problemSays: ["an HTML page"]
  },
  {
    name: "when it is an HTML page served as JSON",
    answer: { status: 200, text: "<html><body>Sign in</body></html>", headers: { "content-type": "application/json" } },
    problemSays: ["an HTML page"]
  },
  { name: "when it is empty", answer: { status: 200, text: "" }, problemSays: ["empty"] },
  { name: "when it is 204 No Content", answer: { status: 204, text: "" }, problemSays: ["empty"] },
  {
    name: "when it has the wrong shape, naming every missing or wrong field",
    answer: { status: 200, json: { id: "ses-1", index_ids: "idx-a" } },
    problemSays: ["not the documented shape", "session_id", "last_updated_at", "index_ids"]
  },
  {
    name: "when it is null",
    answer: { status: 200, text: "null", headers: { "content-type": "application/json" } },
    problemSays: ["not the documented shape", "null"]
  },
  {
    name: "when it is an array",
    answer: { status: 200, json: [{ session_id: "ses-1", last_updated_at: "2026-04-22T12:34:41.342245" }] },
    problemSays: ["not the documented shape"]
  }
]
