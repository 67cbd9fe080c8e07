/**
 * What the local server's tests in both editions read off the wire, free of Effect: the headers they
 * send, the shapes of ids and timestamps, a turn's text split into frames, and the deepest error code
 * a client reports.
 */

export const auth = { authorization: "Bearer llx-test" }
export const json = { ...auth, "content-type": "application/json" }

export const sessionIdPattern = /^ses-[0-9a-f]{24}$/
export const timestampPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/

/** The deepest `code` of an error and its causes. */
export const errorCode = (error: unknown): string | undefined => {
  if (typeof error !== "object" || error === null) return undefined
  const code = "code" in error ? error.code : undefined
  const cause = "cause" in error ? errorCode(error.cause) : undefined
  return cause ?? (typeof code === "string" ? code : undefined)
}

export const parse = (text: string): unknown => JSON.parse(text)

export interface WireSession {
  readonly session_id: string
  readonly last_updated_at: string
  readonly generated_title: string | null
  readonly index_ids: ReadonlyArray<string> | null
  readonly job_metadata: Readonly<Record<string, unknown>> | null
}

export const isSession = (u: unknown): u is WireSession =>
  typeof u === "object" && u !== null && "session_id" in u && typeof u.session_id === "string"

export const streamPath = (sessionId: string) => `/api/v1/chat/${encodeURIComponent(sessionId)}/messages/stream`

export const defaultTurn = { index_ids: ["idx-a", "idx-b"], prompt: "What is the refund policy for damaged items?" }

/** One Server-Sent Event as read off the wire. */
export interface Frame {
  readonly name?: string
  readonly data: string
}

/** A stream's text split into frames and comments (LF line endings only: what the server sends by default). */
export const framesOf = (text: string): { readonly frames: ReadonlyArray<Frame>; readonly comments: ReadonlyArray<string> } => {
  const frames: Array<Frame> = []
  const comments: Array<string> = []
  for (const block of text.split("\n\n")) {
    if (block === "") continue
    let name: string | undefined
    const data: Array<string> = []
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) comments.push(line.slice(1).trim())
      else if (line.startsWith("event: ")) name = line.slice(7)
      else if (line.startsWith("data: ")) data.push(line.slice(6))
    }
    if (data.length > 0) frames.push({ ...(name === undefined ? {} : { name }), data: data.join("\n") })
  }
  return { frames, comments }
}

/** The events of a stream's text, parsed. */
export const eventsOf = (text: string): ReadonlyArray<Readonly<Record<string, unknown>>> =>
  framesOf(text).frames.map((frame) => {
    const value = parse(frame.data)
    return typeof value === "object" && value !== null ? { ...value } : {}
  })

export const typesOf = (events: ReadonlyArray<Readonly<Record<string, unknown>>>) => events.map((event) => event["type"])
