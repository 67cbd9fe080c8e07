/**
 * The local server itself, started and stopped without Effect: a `node:http` server that routes each
 * request, meets it with the fault plan, answers it from the chat model and writes the answer, whole,
 * paced or mangled. Each edition's `LocalServer` runs it under a scope and gives it the few things
 * that are its Effect's: the clock, the random draws and the model's empty state.
 *
 * Over 300 lines and one concept, a request's way through the server: reading it, meeting the fault
 * plan, answering and writing (a fault acted out on the socket included) read best in one place;
 * the routes, faults, answers, turn framing and raw writer are modules of their own.
 *
 * @since 1.0.0
 */
import * as Crypto from "node:crypto"
import * as Http from "node:http"
import type * as ChatState from "../chatModel/state.js"
import * as Turns from "../chatModel/turns.js"
import { authenticate } from "./authentication.js"
import { trackConnections } from "./connections.js"
import { type EventFormat, type Pacing, streamHeaders, streamPlan } from "./eventStream.js"
import { aimedAt, type Fault, Fault as Faults, isStreamFault, type StreamFault } from "./faults.js"
import { handle, type Incoming, type Outcome } from "./handlers.js"
import { type FaultPlan, takeScripted } from "./plan.js"
import { byteByByte, half, once, padded, type Raw, type RawSend, resetSocket, sendRaw, waitUnlessClosed, whenClosed } from "./raw.js"
import type { CreatedSession, RecordedRequest } from "./records.js"
import { detail, faultReply, type Reply, withContentLength } from "./replies.js"
import { type Aim, match, type Route } from "./routes.js"

/**
 * Where and how the server runs: each edition's `LocalServer.Options`, which its `make` checks first.
 *
 * @since 1.0.0
 * @category models
 */
export interface ServerOptions {
  /** Default 0: the system picks a free port. */
  readonly port?: number
  /** Default `127.0.0.1`. */
  readonly host?: string
  /** The keys the server accepts. Default: any non-empty key. */
  readonly apiKeys?: ReadonlyArray<string>
  /** The fault plan to start with. Default: none. */
  readonly faults?: FaultPlan
  /**
   * How fast turns stream. Default: at once, one keep-alive comment before the first event.
   *
   * @since 0.2.0
   */
  readonly pacing?: Pacing
  /**
   * How turn events are framed. Default: `data:` lines only, `\n` line endings.
   *
   * @since 0.2.0
   */
  readonly eventFormat?: EventFormat
}

/**
 * What an edition gives the server: its Effect's clock (so that a test clock controls timestamps),
 * its random draws and the chat model's empty state (its sessions in the edition's `HashMap`).
 *
 * @since 1.0.0
 * @category models
 */
export interface Environment {
  /** No sessions. */
  readonly empty: ChatState.State
  /** Now, in milliseconds since the epoch: a request's `receivedAt`. */
  readonly currentTimeMillis: () => number
  /** Now, as a wire timestamp. */
  readonly timestamp: () => string
  /** The draws of a random fault plan, numbers from 0 (included) to 1: reproducible when `seed` is given. */
  readonly random: (seed: number | undefined) => () => number
}

/**
 * The running server, read and changed through plain functions.
 *
 * @since 1.0.0
 * @category models
 */
export interface RunningServer {
  /** `http://<host>:<port>`, no trailing slash. */
  readonly url: string
  readonly port: number
  /** Every request received in full since start (or the last `reset`), any path, oldest first. */
  readonly requests: () => ReadonlyArray<RecordedRequest>
  /** Every session actually created, oldest first. */
  readonly sessions: () => ReadonlyArray<CreatedSession>
  /** The resource as the server holds it now. */
  readonly model: () => ChatState.State
  /** Connections open now, and accepted since start (not cleared by `reset`). */
  readonly connections: () => { readonly open: number; readonly total: number }
  /** Replaces the fault plan; the script starts from its first fault. */
  readonly setFaults: (plan: FaultPlan) => void
  /** Clears recorded requests, sessions, the model and the fault plan. */
  readonly reset: () => void
  /** Calls `done` once no request is being handled; returns a canceller. */
  readonly whenIdle: (done: () => void) => () => void
  /** What request handlers threw: a bug in this double. Clients going away are not failures. */
  readonly handlerFailures: () => ReadonlyArray<unknown>
  /**
   * Stops listening, destroys every open socket (stalled ones included), and calls `done` once the
   * server has closed and every handler has finished.
   */
  readonly close: (done: () => void) => void
}

/** A plan being played: what is left of its script, and its random draws. */
interface PlanState {
  readonly script: ReadonlyArray<Fault>
  readonly route: Aim | ReadonlyArray<Aim> | undefined
  readonly random: { readonly rate: number; readonly fault: Fault; readonly draw: () => number } | undefined
}

const randomHex = (bytes: number): string => Crypto.randomBytes(bytes).toString("hex")

const splitUrl = (url: string): { readonly path: string; readonly query: Readonly<Record<string, string>> } => {
  const at = url.indexOf("?")
  return at === -1 ?
    { path: url, query: {} } :
    { path: url.slice(0, at), query: Object.fromEntries(new URLSearchParams(url.slice(at + 1))) }
}

const headersOf = (request: Http.IncomingMessage): Readonly<Record<string, string>> =>
  Object.fromEntries(
    Object.entries(request.headers).flatMap(([name, value]) =>
      value === undefined ? [] : [[name, Array.isArray(value) ? value.join(", ") : value]]
    )
  )

/** Writes a reply whole. */
const writeReply = (response: Http.ServerResponse, reply: Reply): void => {
  if (response.writableEnded || response.destroyed) return
  response.writeHead(reply.status, { ...withContentLength(reply) })
  response.end(reply.status === 204 ? undefined : reply.body)
}

/** Reads a request's body whole; `undefined` when it never arrives in full (the client has gone). */
const readBody = (request: Http.IncomingMessage, done: (body: string | undefined) => void): void => {
  const chunks: Array<Buffer> = []
  let finished = false
  const finish = (body: string | undefined) => {
    if (finished) return
    finished = true
    done(body)
  }
  request.on("data", (chunk: Buffer) => chunks.push(chunk))
  request.once("end", () => finish(Buffer.concat(chunks).toString("utf8")))
  request.once("error", () => finish(undefined))
  request.once("close", () => finish(request.complete ? Buffer.concat(chunks).toString("utf8") : undefined))
}

function* asPieces(chunks: Iterable<Uint8Array>): Generator<{ readonly bytes: Uint8Array; readonly delayMs: number }> {
  for (const bytes of chunks) yield { bytes, delayMs: 0 }
}

/**
 * Acts out a fault that is not a stream fault, given the answer the server would have sent; calls
 * `done` when the connection closes (or the reply is written).
 */
const actOut = (raw: Raw, fault: Exclude<Fault, StreamFault>, outcome: Outcome, done: () => void): void => {
  const { reply } = outcome
  const send = (plan: RawSend) => {
    sendRaw(raw, plan, done)
  }
  const whole = (then: RawSend["then"], pieces: RawSend["pieces"]) =>
    send({ status: reply.status, headers: withContentLength(reply), pieces, then })
  const answer = (value: Reply) => {
    writeReply(raw.response, value)
    done()
  }
  switch (fault._tag) {
    case "Status":
    case "Body200":
      return answer(faultReply(fault))
    case "ResetBeforeResponse":
      resetSocket(raw.request.socket)
      whenClosed(raw, done)
      return
    case "ResetMidBody":
      return whole("reset", once(half(reply.body)))
    case "CloseAfterHeaders":
      return whole("close", once(new Uint8Array()))
    case "StallBody":
      return whole("stall", once(half(reply.body)))
    case "DripBody":
      return whole("end", byteByByte(Buffer.from(reply.body), Math.max(1, fault.intervalMs)))
    case "DelayHeaders":
      waitUnlessClosed(raw, fault.delayMs, (waited) => waited === "closed" ? done() : answer(reply))
      return
    case "LargeBody": {
      // Only a session grows: errors, lists, deletes and streams go out as they are.
      if (outcome.growable === undefined) return answer(reply)
      const large = padded(outcome.growable, "generated_title", fault.bytes)
      return send({
        status: 200,
        headers: withContentLength(reply, large.length),
        pieces: asPieces(large.chunks()),
        then: "end"
      })
    }
  }
}

/**
 * Starts the server on `options.host` (default `127.0.0.1`) and `options.port` (default 0: a free
 * port); calls `done` with it once it listens, or with the error that kept it from listening.
 * Options are taken as they are: each edition's `LocalServer` checks them first.
 *
 * @since 1.0.0
 * @category constructors
 */
export const listen = (
  options: ServerOptions,
  environment: Environment,
  done: (result: { readonly _tag: "Listening"; readonly server: RunningServer } | { readonly _tag: "Failed"; readonly cause: unknown }) => void
): void => {
  const host = options.host ?? "127.0.0.1"
  const pacing = options.pacing ?? {}
  const format = options.eventFormat ?? {}
  const planState = (plan: FaultPlan | undefined): PlanState => ({
    script: plan?.script ?? [],
    route: plan?.route,
    random: plan?.random === undefined ? undefined : {
      rate: plan.random.rate,
      fault: plan.random.fault,
      draw: environment.random(plan.random.seed)
    }
  })

  let requests: ReadonlyArray<RecordedRequest> = []
  let sessions: ReadonlyArray<CreatedSession> = []
  let model = environment.empty
  let plan = planState(options.faults)
  let failures: ReadonlyArray<unknown> = []
  let handling = 0
  const idleWaiters = new Set<() => void>()

  /** The fault the request meets, if any, consuming it from the script. */
  const nextFault = (route: Route, sessionId: string | undefined): Fault | undefined => {
    const taken = takeScripted(plan.script, plan.route, route, sessionId)
    if (taken !== undefined) {
      plan = { ...plan, script: taken.rest }
      return taken.fault
    }
    const { random } = plan
    if (random === undefined || !aimedAt(random.fault, plan.route, route, sessionId)) return undefined
    return random.draw() < random.rate ? random.fault : undefined
  }

  /** Answers a routed request: the fault it meets, the model's verdict, then the reply, mangled or not. */
  const serve = (
    raw: Raw,
    incoming: Omit<Incoming, "now" | "newSessionId">,
    finished: () => void
  ): void => {
    const fault = nextFault(incoming.route, incoming.sessionId)
    const performs = fault === undefined || Faults.performs(fault)
    const unauthorized = authenticate(incoming.headers, options.apiKeys)
    const now = environment.timestamp()
    const newSessionId = incoming.route === "create" ? `ses-${randomHex(12)}` : ""
    let outcome: Outcome
    if (unauthorized !== undefined) {
      outcome = { reply: unauthorized }
    } else {
      const [answer, next] = handle(model, { ...incoming, now, newSessionId }, format)
      outcome = answer
      if (performs) model = next
    }
    const { created, turn } = outcome
    if (performs && created !== undefined) sessions = [...sessions, created]
    // Idempotent: a turn is recorded once, and only while it is the one running.
    const finish = () => {
      if (turn !== undefined && performs) model = Turns.finishTurn(model, turn, environment.timestamp())
    }

    if (turn !== undefined && (fault === undefined || isStreamFault(fault))) {
      const streamed = streamPlan(turn.events, { fault, pacing, format, onStop: finish })
      sendRaw(raw, { status: 200, headers: streamHeaders, ...streamed }, () => {
        finish()
        finished()
      })
      return
    }
    finish()
    if (fault === undefined || isStreamFault(fault)) {
      writeReply(raw.response, outcome.reply)
      return finished()
    }
    actOut(raw, fault, outcome, finished)
  }

  const onRequest = (request: Http.IncomingMessage, response: Http.ServerResponse): void => {
    handling++
    let ended = false
    // A handler ends when its answer is written and its response closed (or its connection gone).
    const handled = () => {
      if (ended) return
      ended = true
      whenClosed({ request, response }, () => {
        handling--
        if (handling === 0) {
          for (const waiter of [...idleWaiters]) waiter()
        }
      })
    }
    const guarded = (run: () => void) => {
      try {
        run()
      } catch (error) {
        failures = [...failures, error]
        if (!response.headersSent) writeReply(response, detail(500, "Internal Server Error"))
        else response.destroy()
        handled()
      }
    }
    guarded(() => {
      const requestId = `req-${randomHex(12)}`
      // Before anything is written, so hand-written fault responses carry it as well.
      response.setHeader("x-request-id", requestId)
      const { path, query } = splitUrl(request.url ?? "/")
      const method = request.method ?? "GET"
      const headers = headersOf(request)
      readBody(request, (body) =>
        guarded(() => {
          // The body never arrived in full: the client has gone, so whatever is answered is not read.
          if (body === undefined) {
            writeReply(response, detail(400, "There was an error parsing the body"))
            return handled()
          }
          requests = [...requests, {
            requestId,
            method,
            path,
            query,
            headers: { ...headers },
            body,
            receivedAt: environment.currentTimeMillis()
          }]
          const found = match(method, path)
          switch (found._tag) {
            case "NotFound":
              writeReply(response, detail(404, "Not Found"))
              return handled()
            case "MethodNotAllowed":
              writeReply(response, detail(405, "Method Not Allowed", { allow: found.allow }))
              return handled()
            case "Route":
              return serve(
                { request, response },
                { requestId, route: found.route, sessionId: found.sessionId, query, headers, body },
                handled
              )
          }
        })
      )
    })
  }

  const nodeServer = Http.createServer(onRequest)
  const connections = trackConnections(nodeServer)
  const whenIdle = (waiter: () => void): () => void => {
    if (handling === 0) {
      waiter()
      return () => {}
    }
    const once = () => {
      idleWaiters.delete(once)
      waiter()
    }
    idleWaiters.add(once)
    return () => idleWaiters.delete(once)
  }

  const onError = (cause: unknown) => done({ _tag: "Failed", cause })
  nodeServer.once("error", onError)
  nodeServer.listen({ port: options.port ?? 0, host }, () => {
    nodeServer.off("error", onError)
    const address = nodeServer.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    done({
      _tag: "Listening",
      server: {
        url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
        port,
        requests: () => requests,
        sessions: () => sessions,
        model: () => model,
        connections: connections.count,
        setFaults: (next) => {
          plan = planState(next)
        },
        reset: () => {
          requests = []
          sessions = []
          model = environment.empty
          plan = planState(undefined)
        },
        whenIdle,
        handlerFailures: () => failures,
        // Every handler ends once its socket is gone, so waiting for them to finish is bounded.
        close: (closed) => connections.closeAll(() => whenIdle(closed))
      }
    })
  })
}
