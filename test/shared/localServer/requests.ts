/**
 * A client of the local server's tests, free of Effect: raw undici requests (no library code) as
 * promises, readers of their answers, and the resource's calls the tests make again and again. The
 * core's tests use them directly, each edition's through `Effect.promise`.
 */
import { Agent, request } from "undici"
import type { Dispatcher } from "undici"
import { defaultTurn, errorCode, isSession, json, parse, streamPath, type WireSession } from "./wire.js"

export interface Reply {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly text: string
}

export interface Call {
  readonly method?: Dispatcher.HttpMethod
  readonly path?: string
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string
}

/**
 * A client of its own for the test, so that connection counts are the test's alone. Without
 * timeouts of its own: undici keeps a timer a while after a request is aborted, which a test
 * counting the server's timers would take for the server's.
 */
export const newAgent = (): Agent => new Agent({ headersTimeout: 0, bodyTimeout: 0 })

const flatHeaders = (headers: Dispatcher.ResponseData["headers"]): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers).flatMap(([name, value]) =>
      value === undefined ? [] : [[name, Array.isArray(value) ? value.join(", ") : value]]
    )
  )

/** Sends a request; resolves with the response once its headers are in (the body still unread). */
export const open = (agent: Agent, base: string, call: Call = {}, signal?: AbortSignal): Promise<Dispatcher.ResponseData> =>
  request(`${base}${call.path ?? "/api/v1/chat"}`, {
    dispatcher: agent,
    method: call.method ?? "POST",
    headers: call.headers ?? json,
    body: call.body ?? (call.method === undefined || call.method === "POST" ? "{}" : null),
    ...(signal === undefined ? {} : { signal })
  })

/** Reads a response's body whole. */
export const readAll = async (response: Dispatcher.ResponseData): Promise<Reply> => ({
  status: response.statusCode,
  headers: flatHeaders(response.headers),
  text: await response.body.text()
})

/** Sends a request and reads the whole body. */
export const send = async (agent: Agent, base: string, call: Call = {}): Promise<Reply> => readAll(await open(agent, base, call))

/** What a promise failed with; fails itself if the promise succeeds. */
export const failureOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    (value) => Promise.reject(new Error(`expected a failure, got ${JSON.stringify(value)}`)),
    (error: unknown) => error
  )

/** Whether a promise is still pending after `millis`. */
export const stillPendingAfter = (promise: Promise<unknown>, millis: number): Promise<boolean> => {
  let timer: ReturnType<typeof setTimeout> | undefined
  const waited = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), millis)
  })
  return Promise.race([promise.then(() => false, () => false), waited]).finally(() => clearTimeout(timer))
}

export const sleep = (millis: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, millis))

/** How long a promise took to resolve, in milliseconds, and its value. */
export const timed = async <A>(promise: () => Promise<A>): Promise<readonly [number, A]> => {
  const start = performance.now()
  const value = await promise()
  return [performance.now() - start, value]
}

/** Runs `f` on each item, `concurrency` at a time (default one after the other); results in order. */
export const each = async <A, B>(
  items: ReadonlyArray<A>,
  f: (item: A) => Promise<B>,
  options: { readonly concurrency?: number } = {}
): Promise<ReadonlyArray<B>> => {
  const results: Array<B> = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const at = next++
      results[at] = await f(items[at] as A)
    }
  }
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 1, items.length) }, worker))
  return results
}

/** Retries `check` every 5 ms for up to 2 s: socket closes reach the server a moment after the client acts. */
export const eventually = async <A>(check: () => A | Promise<A>): Promise<A> => {
  for (let attempt = 0;; attempt++) {
    try {
      return await check()
    } catch (error) {
      if (attempt >= 400) throw error
      await sleep(5)
    }
  }
}

/** Fails unless `condition` holds: what `eventually` retries. */
export const ensure = (condition: boolean, otherwise: string): void => {
  if (!condition) throw new Error(otherwise)
}

// -------------------------------------------------------------------------------------------------
// the resource
// -------------------------------------------------------------------------------------------------

/** Creates a session over the wire; fails the test unless it is a 200. */
export const createSession = async (agent: Agent, base: string, body: unknown = {}, query = ""): Promise<WireSession> => {
  const reply = await send(agent, base, { path: `/api/v1/chat${query}`, body: JSON.stringify(body) })
  const session = parse(reply.text)
  if (reply.status === 200 && isSession(session)) return session
  throw new Error(`create answered ${reply.status}: ${reply.text}`)
}

/** Posts a turn. */
export const postTurn = (agent: Agent, base: string, sessionId: string, body: unknown = defaultTurn, signal?: AbortSignal) =>
  open(agent, base, { path: streamPath(sessionId), body: JSON.stringify(body) }, signal)

/** A session's summary; fails the test unless it is a 200. */
export const summaryOf = async (agent: Agent, base: string, sessionId: string): Promise<WireSession> => {
  const reply = await send(agent, base, { method: "GET", path: `/api/v1/chat/${encodeURIComponent(sessionId)}/summary` })
  const session = parse(reply.text)
  if (reply.status === 200 && isSession(session)) return session
  throw new Error(`summary answered ${reply.status}: ${reply.text}`)
}

/** A session's history, from retrieve; fails the test unless it is a 200. */
export const historyOf = async (
  agent: Agent,
  base: string,
  sessionId: string
): Promise<ReadonlyArray<Readonly<Record<string, unknown>>>> => {
  const reply = await send(agent, base, { method: "GET", path: `/api/v1/chat/${encodeURIComponent(sessionId)}` })
  const body = parse(reply.text)
  const events = typeof body === "object" && body !== null && "events" in body && Array.isArray(body.events) ?
    body.events.map((event: unknown) => typeof event === "object" && event !== null ? { ...event } : {}) :
    undefined
  if (reply.status === 200 && events !== undefined) return events
  throw new Error(`retrieve answered ${reply.status}: ${reply.text}`)
}

/** Posts a turn and reads its whole stream. */
export const runTurn = async (agent: Agent, base: string, sessionId: string, body: unknown = defaultTurn): Promise<Reply> =>
  readAll(await postTurn(agent, base, sessionId, body))

/** Reads a body chunk by chunk until it ends or fails; tells which, with what arrived. */
export const drain = async (
  response: Dispatcher.ResponseData
): Promise<{ readonly text: string; readonly error: string | undefined }> => {
  const decoder = new TextDecoder()
  let text = ""
  try {
    for await (const chunk of response.body) text += decoder.decode(chunk, { stream: true })
    return { text: text + decoder.decode(), error: undefined }
  } catch (error) {
    return { text, error: errorCode(error) ?? String(error) }
  }
}
