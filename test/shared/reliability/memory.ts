/**
 * Bodies far beyond the 16 MiB limit, for both editions: the servers that send them (chunked, or
 * through the local server's faults), the heap measured around a call, and the cases — each plays a
 * create through an edition's adapter and says what broke a promise: the call fails with a clear
 * `DecodeError` (or reads what is under the limit), and the heap grows by a bounded amount whatever
 * the body's size. Node and plain data: no Effect.
 */
import * as Http from "node:http"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { Fault } from "../../../src/core/localServer/faults.js"
import { createParams, defaultTurn, LIST_PAGE_SIZE, type Policies } from "./matrix.js"
import type { CallReport } from "./outcome.js"
import type { Row } from "./rows.js"
import type { Edition, TransportInfo } from "./runner.js"

export const MiB = 1024 * 1024
const LIMIT = 16 * MiB

// A collectable heap makes "growth" mean what is still held, not garbage awaiting collection.
setFlagsFromString("--expose-gc")
const gc = runInNewContext("gc") as () => void

/** Heap and array buffers (where sockets' chunks live), after a full collection. */
export const settledMemory = (): number => {
  gc()
  gc()
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

/**
 * Runs `f`, sampling heap + array buffers every 2 ms; returns the largest growth over the starting
 * point (taken after a full collection), including whatever is held right at the end.
 */
const peakGrowth = async <A>(f: () => Promise<A>) => {
  const start = settledMemory()
  let peak = 0
  const sample = () => {
    const m = process.memoryUsage()
    peak = Math.max(peak, m.heapUsed + m.arrayBuffers - start)
  }
  const timer = setInterval(sample, 2)
  try {
    const result = await f()
    sample()
    return { result, peakBytes: peak, heldBytes: settledMemory() - start }
  } finally {
    clearInterval(timer)
  }
}

interface Served {
  readonly url: string
  /** Bytes of body written so far. */
  readonly written: () => number
  readonly close: () => Promise<void>
}

const listen = (server: Http.Server, written: () => number): Promise<Served> =>
  new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      resolve({
        url: `http://127.0.0.1:${port}`,
        written,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections()
            server.close(() => done())
          })
      })
    })
  })

/**
 * A server answering every request with a 200 of `bytes` bytes, chunked (no content-length): a
 * session whose title is padded, written 64 KiB at a time as the socket drains.
 */
const chunkedServer = (bytes: number): Promise<Served> => {
  let written = 0
  const head = Buffer.from(`{"session_id":"ses-chunked","last_updated_at":"2026-04-22T12:34:41.342245","generated_title":"`)
  const tail = Buffer.from(`"}`)
  const block = Buffer.alloc(64 * 1024, "x")
  const server = Http.createServer((request, response) => {
    request.resume()
    request.on("end", () => {
      response.writeHead(200, { "content-type": "application/json" })
      let left = bytes - head.length - tail.length
      const write = (chunk: Buffer) => {
        written += chunk.length
        return response.write(chunk)
      }
      const pump = () => {
        while (left > 0) {
          const chunk = left >= block.length ? block : block.subarray(0, left)
          left -= chunk.length
          if (!write(chunk)) return void response.once("drain", pump)
        }
        write(tail)
        response.end()
      }
      response.on("close", () => (left = 0))
      write(head)
      pump()
    })
  })
  return listen(server, () => written)
}

/** A server answering every request with a 503 HTML page, chunked (no content-length). */
const chunkedErrorServer = (page: string): Promise<Served> => {
  const server = Http.createServer((request, response) => {
    request.resume()
    request.on("end", () => {
      response.writeHead(503, { "content-type": "text/html" })
      for (let at = 0; at < page.length; at += 16 * 1024) response.write(page.slice(at, at + 16 * 1024))
      response.end()
    })
  })
  return listen(server, () => 0)
}

/** A local server of the edition's with `faults`, as a `Served`. */
const localServer = async (edition: Edition, faults: ReadonlyArray<Fault>): Promise<Served & { requests: () => Promise<number> }> => {
  const server = await edition.startServer({})
  await server.setFaults({ script: faults })
  return { url: server.url, written: () => 0, close: server.close, requests: server.requests }
}

const waitsLong: Policies = { retryAmbiguous: false, perAttemptMs: 20_000, idleMs: 20_000 }
const noRetry: Policies = { ...waitsLong, maxRetries: 0 }

/** A create against `url`; the report, and the call's result kept alive while `whileHeld` runs. */
const create = (edition: Edition, url: string, transport: TransportInfo["name"], policies: Policies) =>
  edition.call({
    url,
    transport,
    policies,
    operation: "create",
    sessionId: "ses-missing",
    turn: defaultTurn,
    createParams,
    listPageSize: LIST_PAGE_SIZE,
    hangMs: 60_000,
    delivered: { events: [], items: [] },
    whileClientLives: () => Promise.resolve()
  })

const tooLarge = (report: CallReport): ReadonlyArray<string> => {
  const o = report.outcome
  if (o._tag !== "Failure" || o.error.tag !== "DecodeError") return [`expected a DecodeError, got ${o.label}`]
  return [
    ...(o.error.problem === `the body is larger than the ${LIMIT} byte limit` ? [] : [`problem: ${o.error.problem}`]),
    ...(o.error.bodyExcerpt === "" ? [] : [`bodyExcerpt: ${o.error.bodyExcerpt?.slice(0, 200)}`])
  ]
}

const mib = (bytes: number) => Math.round((bytes / MiB) * 10) / 10

export interface MemoryCase {
  readonly name: string
  /** Over each transport, or over undici only. */
  readonly everyTransport: boolean
  readonly run: (
    edition: Edition,
    transport: TransportInfo
  ) => Promise<{ readonly problems: ReadonlyArray<string>; readonly row?: Row }>
}

const row = (
  transport: TransportInfo,
  id: string,
  fault: string,
  outcome: string,
  elapsedMs: number,
  figures: Row["figures"],
  requests: number | null,
  sessions: number | null
): Row => ({
  table: "memory",
  id: `${transport.name}-${id}`,
  group: "memory",
  fault,
  transport: transport.label,
  policy: "default",
  outcome,
  attempts: null,
  serverRequests: requests,
  sessions,
  elapsedMs: Math.round(elapsedMs),
  ...(figures === undefined ? {} : { figures })
})

/** What a failed call leaves in memory while its error is kept: the error's fields, not the body. */
const heldByError = async (edition: Edition, served: Served) => {
  const before = settledMemory()
  const result = await create(edition, served.url, "undici", waitsLong)
  // `result` (the error's facts in it, and the edition's own exit it was read from) is alive here,
  // as it would be in a caller's hands.
  const held = settledMemory() - before
  return { result, held }
}

const page = (padding: number) =>
  `<html><head><title>503 Service Temporarily Unavailable</title></head><body>${"x".repeat(padding)}</body></html>`

const htmlDetail = "Service Unavailable (an HTML page: 503 Service Temporarily Unavailable)"

const served503 = (report: CallReport): ReadonlyArray<string> => {
  const o = report.outcome
  if (o.label !== "ServerError(503)") return [`expected ServerError(503), got ${o.label}`]
  return o._tag === "Failure" && o.error.detail === htmlDetail ? [] : [`detail: ${o._tag === "Failure" ? o.error.detail : ""}`]
}

export const cases: ReadonlyArray<MemoryCase> = [
  {
    name: "a declared 64 MiB body is refused before it is read: DecodeError, heap flat",
    everyTransport: true,
    run: async (edition, transport) => {
      const server = await localServer(edition, [Fault.largeBody(64 * MiB)])
      try {
        const started = performance.now()
        const run = await peakGrowth(() => create(edition, server.url, transport.name, waitsLong))
        const elapsedMs = performance.now() - started
        const problems = [...tooLarge(run.result.report)]
        // Reading it would take 64 MiB and more; what is left is sockets' buffers (the server's too).
        if (run.peakBytes >= 16 * MiB) problems.push(`the heap grew by ${mib(run.peakBytes)} MiB`)
        const figures = { bodyMiB: 64, peakGrowthMiB: mib(run.peakBytes), heldAfterMiB: mib(run.heldBytes) }
        const fault = "200, a 64 MiB session with `content-length`"
        const requests = await server.requests()
        return { problems, row: row(transport, "declared", fault, run.result.report.outcome.label, elapsedMs, figures, requests, null) }
      } finally {
        await server.close()
      }
    }
  },
  {
    name: "a chunked 1 GiB body is cut off at the limit: DecodeError, heap bounded by the limit",
    everyTransport: true,
    run: async (edition, transport) => {
      const server = await chunkedServer(1024 * MiB)
      try {
        const started = performance.now()
        const run = await peakGrowth(() => create(edition, server.url, transport.name, waitsLong))
        const elapsedMs = performance.now() - started
        const problems = [...tooLarge(run.result.report)]
        // What is read is the limit and what was in flight; the rest is never sent.
        if (server.written() >= LIMIT + 16 * MiB) problems.push(`the server wrote ${mib(server.written())} MiB`)
        // Bounded by the limit (the text read, its chunks, their decoding), not by the body.
        if (run.peakBytes >= 4 * LIMIT) problems.push(`the heap grew by ${mib(run.peakBytes)} MiB`)
        const figures = {
          bodyMiB: 1024,
          serverWroteMiB: mib(server.written()),
          peakGrowthMiB: mib(run.peakBytes),
          heldAfterMiB: mib(run.heldBytes)
        }
        const fault = "200, a 1 GiB session, chunked (no `content-length`)"
        return { problems, row: row(transport, "chunked", fault, run.result.report.outcome.label, elapsedMs, figures, 1, null) }
      } finally {
        await server.close()
      }
    }
  },
  {
    name: "a chunked 15 MiB body, under the limit, is read and decoded",
    everyTransport: true,
    run: async (edition, transport) => {
      const server = await chunkedServer(15 * MiB)
      try {
        const result = await create(edition, server.url, transport.name, waitsLong)
        return {
          problems: [
            ...(result.report.outcome.label === "success" ? [] : [`expected success, got ${result.report.outcome.label}`]),
            ...(server.written() === 15 * MiB ? [] : [`the server wrote ${server.written()} bytes`])
          ]
        }
      } finally {
        await server.close()
      }
    }
  },
  // Was a bug: the excerpt was a V8 sliced string whose parent is the whole body, and the error's
  // unrendered stack trace kept the frames (and the body) alive.
  {
    name: "a DecodeError kept after the call, quoting a 15 MiB body of the wrong shape, holds its excerpt, not the body",
    everyTransport: false,
    run: async (edition) => {
      const server = await localServer(edition, [Fault.body200(`{"id":"${"x".repeat(15 * MiB)}"}`)])
      try {
        const { held, result } = await heldByError(edition, server)
        // The body is 15 MiB: holding it would show at least that. What stays under half of it is
        // allocator and socket-buffer noise.
        return {
          problems: [
            ...(result.report.outcome.label === "DecodeError(200)" ? [] : [`got ${result.report.outcome.label}`]),
            ...(held < 8 * MiB ? [] : [`the kept error holds ${mib(held)} MiB`])
          ]
        }
      } finally {
        await server.close()
      }
    }
  },
  // Was a bug: past the limit the partial text (16 MiB) was still returned, and the DecodeError's
  // unrendered stack trace kept the closure holding it alive.
  {
    name: "a DecodeError kept after the call, for a chunked body cut off at the limit, holds none of the 16 MiB read",
    everyTransport: false,
    run: async (edition) => {
      const server = await chunkedServer(1024 * MiB)
      try {
        const { held, result } = await heldByError(edition, server)
        return {
          problems: [
            ...(result.report.outcome.label === "DecodeError(200)" ? [] : [`got ${result.report.outcome.label}`]),
            ...(held < 8 * MiB ? [] : [`the kept error holds ${mib(held)} MiB`])
          ]
        }
      } finally {
        await server.close()
      }
    }
  },
  {
    name: "an error body beyond 64 KiB, sent chunked: its first 64 KiB feed the detail (the page's title is quoted)",
    everyTransport: false,
    run: async (edition) => {
      const server = await chunkedErrorServer(page(100 * 1024))
      try {
        return { problems: served503((await create(edition, server.url, "undici", noRetry)).report) }
      } finally {
        await server.close()
      }
    }
  },
  // Was a bug: with a declared length over the limit nothing was read, and the detail said "(empty body)".
  {
    name: "an error body beyond 64 KiB, sent with its length: its first 64 KiB feed the detail too, not \"(empty body)\"",
    everyTransport: false,
    run: async (edition) => {
      const server = await localServer(edition, [Fault.status(503, { body: page(100 * 1024) })])
      try {
        return { problems: served503((await create(edition, server.url, "undici", noRetry)).report) }
      } finally {
        await server.close()
      }
    }
  }
]
