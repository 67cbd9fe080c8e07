/**
 * Error answers and what each becomes: one table for both editions' error tests. An answer is data
 * (status, body, headers); each edition replays it with its own `MockTransport`.
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

const nginx503 = `<html>
<head><title>503 Service Temporarily Unavailable</title></head>
<body><center><h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body>
</html>`

export interface Case {
  readonly name: string
  readonly answer: Answer
  /** The error it becomes: one with the answer's status and a `detail`. */
  readonly tag: "AuthError" | "NotFoundError" | "ServerError" | "ApiError"
  /** The error's `detail`, exactly, when it has one to check. */
  readonly detail?: string
  /** What the error's `detail` must contain. */
  readonly detailSays?: string
  /** What the error's message must contain. */
  readonly says?: ReadonlyArray<string>
  /** What the error's message must not contain. */
  readonly never?: ReadonlyArray<string>
}

/** Error bodies that are not FastAPI JSON, and how each is read. */
export const oddBodies: ReadonlyArray<Case> = [
  {
    name: "an nginx HTML page with 503 is a ServerError quoting the page title",
    answer: { status: 503, text: nginx503, headers: { "content-type": "text/html" } },
    tag: "ServerError",
    detail: "Service Unavailable (an HTML page: 503 Service Temporarily Unavailable)",
    never: ["<html>"]
  },
  { name: "an empty 401 is an AuthError", answer: { status: 401, text: "" }, tag: "AuthError", detail: "Unauthorized (empty body)" },
  { name: "an empty 404 is a NotFoundError", answer: { status: 404, text: "" }, tag: "NotFoundError", detail: "Not Found (empty body)" },
  {
    name: "an HTML 502 from a gateway is a ServerError",
    answer: { status: 502, text: "<html><body>Bad gateway</body></html>", headers: { "content-type": "text/html" } },
    tag: "ServerError",
    detailSays: "an HTML page"
  },
  {
    name: "plain text is kept as the detail",
    answer: { status: 409, text: "session already exists" },
    tag: "ApiError",
    detail: "session already exists"
  },
  {
    name: "JSON without a detail field is shown as the detail",
    answer: { status: 500, json: { error: "boom", code: 17 } },
    tag: "ServerError",
    detailSays: `"error":"boom"`
  },
  { name: "an unlisted status is named by its number", answer: { status: 418, text: "" }, tag: "ApiError", detail: "HTTP 418 (empty body)" }
]

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
