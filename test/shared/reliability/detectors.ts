/**
 * The suite's own detectors, shown to detect, for both editions' `harness.test.ts`: a key in a log
 * line or a span, a timer left running, a socket left open, a client that walks away from a stalled
 * body, unread bodies holding connections, a defect taken for an outcome. If these did not fail, a
 * green matrix would prove nothing. What the process watches (sockets, timers: resources.ts) and
 * the local server's counts are checked here once, against the edition's server; what an Effect
 * runtime renders (logs, spans, causes) and how an exit is read are the edition's, judged here.
 * Node and plain data: no Effect.
 */
import * as Net from "node:net"
import { Agent, request } from "undici"
import { Fault } from "../../../src/core/localServer/faults.js"
import { API_KEY, keyLeaks } from "./key.js"
import type { Outcome } from "./outcome.js"
import { handleCounts, resourceMark, settled } from "./resources.js"
import { type MatrixServer, pollUntil } from "./runner.js"

// -------------------------------------------------------------------------------------------------
// the key

/** What each edition logs, names a span with and puts in an error, all quoting the key. */
export const leaky = {
  logLine: `sending with ${API_KEY}`,
  spanName: "leaky",
  spanAttributes: { "http.request.header.authorization": `Bearer ${API_KEY}` },
  errorDetail: `echo ${API_KEY}`
} as const

/** Every place the key was put in, as the edition's renderings name them: each must be caught. */
const leakPlaces = ["log[0]", "span[0] leaky", "error[0].message", "String(error[0])", "JSON.stringify(error[0])", "Cause.pretty"]

/** The places the key was put in that the key check missed. */
export const missedLeaks = (texts: Readonly<Record<string, string>>): ReadonlyArray<string> => {
  const found = keyLeaks(texts)
  return leakPlaces.filter((place) => !found.includes(place)).map((place) => `the key in ${place} was not found`)
}

// -------------------------------------------------------------------------------------------------
// timers and sockets

/** A timer left running is seen (with where it was made), an unref'd one is not, and nothing once it is cleared. */
export const timerProblems = async (): Promise<ReadonlyArray<string>> => {
  const mark = resourceMark()
  const timer = setTimeout(() => {}, 5_000)
  const unrefd = setTimeout(() => {}, 5_000).unref()
  const after = await settled(mark, handleCounts(), 100)
  clearTimeout(timer)
  clearTimeout(unrefd)
  const cleared = await settled(mark, handleCounts(), 1_000)
  // The ref'd timer holds the process open: a leftover. The unref'd one does not.
  return [
    ...(after.left.length === 1 ? [] : [`${after.left.length} leftovers seen, the one ref'd timer expected: ${after.left.join("; ")}`]),
    ...(after.left.every((left) => /^Timeout created .*detectors\.ts/.test(left)) ? [] : [`not said where it was made: ${after.left.join("; ")}`]),
    ...cleared.left.map((left) => `left once cleared: ${left}`)
  ]
}

const portOf = (url: string) => Number(new URL(url).port)

/** A socket left open is seen, with the server's end of it, and nothing once it is closed. */
export const socketProblems = async (server: MatrixServer): Promise<ReadonlyArray<string>> => {
  const mark = resourceMark()
  const socket = Net.connect(portOf(server.url), "127.0.0.1")
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()))
  const open = await settled(mark, handleCounts(), 100)
  socket.destroy()
  const closed = await settled(mark, handleCounts(), 2_000)
  // The client's socket and the server's end of it.
  const tcp = open.left.filter((left) => left.startsWith("TCPWRAP")).length
  return [
    ...(tcp === 2 ? [] : [`${tcp} sockets seen open, 2 expected`]),
    ...closed.left.map((left) => `left once closed: ${left}`)
  ]
}

// -------------------------------------------------------------------------------------------------
// connections at the server

const post = (agent: Agent, url: string) =>
  request(`${url}/api/v1/chat`, {
    dispatcher: agent,
    method: "POST",
    headers: { authorization: "Bearer llx-test", "content-type": "application/json" },
    body: "{}"
  })

/** A client that walks away from a stalled body without closing it is caught: the server's handler cannot finish. */
export const walkAwayProblems = async (server: MatrixServer): Promise<ReadonlyArray<string>> => {
  await server.setFaults({ script: [Fault.stallBody()] })
  const agent = new Agent()
  const problems: Array<string> = []
  try {
    const response = await post(agent, server.url)
    if (response.statusCode !== 200) problems.push(`status ${response.statusCode}, 200 expected`)
    // The body is never read nor aborted: the handler cannot finish, the connection stays.
    if (await server.idle(300)) problems.push("the server was idle with a stalled body unread")
    const open = await server.openConnections()
    if (open !== 1) problems.push(`${open} connections open, 1 expected`)
  } finally {
    await agent.destroy()
  }
  if (!(await server.idle(2_000))) problems.push("the server was not idle once the client closed")
  return problems
}

/** One connection per unread body: the matrix allows one idle keep-alive connection, two unread bodies hold two. */
export const unreadBodiesProblems = async (server: MatrixServer): Promise<ReadonlyArray<string>> => {
  const agent = new Agent()
  try {
    await post(agent, server.url)
    await post(agent, server.url)
    const open = await pollUntil(server.openConnections, (n) => n === 2, 1_000)
    return open === 2 ? [] : [`${open} connections open, 2 expected`]
  } finally {
    await agent.destroy()
  }
}

// -------------------------------------------------------------------------------------------------
// outcomes

/** How the edition read a defect, an interruption, a failure that is not ours, and an `ApiError` 409. */
export interface Classified {
  readonly defect: Outcome
  readonly interruption: Outcome
  readonly foreignFailure: Outcome
  readonly apiError: Outcome
}

/** A defect, an interruption or a failure that is not a `LlamaCloudError` is a bug, not an outcome. */
export const classificationProblems = (c: Classified): ReadonlyArray<string> => [
  ...(["defect", "interruption", "foreignFailure"] as const).filter((name) => c[name]._tag !== "Bug")
    .map((name) => `a ${name} read as ${c[name].label}, not a bug`),
  ...(c.apiError.label === "ApiError(409)" ? [] : [`an ApiError(409) read as ${c.apiError.label}`])
]
