/**
 * A turn's reader measured alone, without a socket or the harness: the bench server's own turn
 * bytes, in its chunk sizes, fed to the floor's reader, to the shared framing with `JSON.parse`
 * only, to the framing with `ChatEvent.decode`, and to the library's reader (`makeEventReader`).
 * One process, µs of CPU per event, the median of the rounds after the warm-up ones.
 *
 *   npx tsx bench/stream/reader.ts [src dir]          # the Effect 3 edition (src/, Node 20)
 *   PATH=<node 22>:$PATH npx tsx bench/stream/reader.ts effect4/src   # after effect4's sync-core
 *
 * The optional argument points at another copy of src/ (e.g. an older commit's) to compare.
 */
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import { makeFloorReader } from "./consumer.js"
import { chunkSizes, eventAt, frame } from "./turns.js"

const srcDir = path.resolve(process.argv[2] ?? "src")
const load = (file: string) => import(pathToFileURL(path.join(srcDir, file)).href)
const { makeEventReader } = await load("internal/sse.ts")
const { makeFrameReader } = await load("core/eventFraming.ts")
const ChatEvent = await load("ChatEvent.ts")

const EVENTS = 50_000
const ROUNDS = 12
const WARMUP = 4

const body = Buffer.from(Array.from({ length: EVENTS }, (_, i) => frame(eventAt(i, EVENTS))).join(""))
const chunks: Array<Uint8Array> = []
for (let offset = 0, turn = 0; offset < body.length; turn++) {
  const size = chunkSizes[turn % chunkSizes.length]!
  chunks.push(body.subarray(offset, offset + size))
  offset += size
}

/** The events one push gave, whichever edition's result type (Either, Result, or the framing's). */
const countOf = (pushed: Record<string, unknown>): number => {
  const events = pushed["right"] ?? pushed["success"] ?? pushed["events"]
  return Array.isArray(events) ? events.length : 0
}

/** Whether `ChatEvent.decode` succeeded, whichever edition's result type. */
const decoded = (result: { readonly _tag: string }) => result._tag === "Right" || result._tag === "Success"

const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const measure = (name: string, make: () => (chunk: Uint8Array) => number) => {
  const rounds: Array<number> = []
  for (let round = 0; round < ROUNDS; round++) {
    const push = make()
    const start = process.cpuUsage()
    let events = 0
    for (const chunk of chunks) events += push(chunk)
    const used = process.cpuUsage(start)
    if (events !== EVENTS) throw new Error(`${name} read ${events} events of ${EVENTS}`)
    if (round >= WARMUP) rounds.push((used.user + used.system) / events)
  }
  console.log(`${name.padEnd(40)} ${median(rounds).toFixed(3).padStart(7)} µs/event`)
}

const contenders: Record<string, () => (chunk: Uint8Array) => number> = {
  "floor (eventsource-parser + JSON.parse)": () => {
    const read = makeFloorReader()
    return (chunk) => read(chunk).length
  },
  "framing + JSON.parse": () => {
    const frames = makeFrameReader((json: unknown) => ({ event: json }))
    return (chunk) => countOf(frames.push(chunk))
  },
  "framing + ChatEvent.decode": () => {
    const frames = makeFrameReader((json: unknown) => decoded(ChatEvent.decode(json)) ? { event: json } : { problem: "" })
    return (chunk) => countOf(frames.push(chunk))
  },
  "library reader (makeEventReader)": () => {
    const reader = makeEventReader()
    return (chunk) => countOf(reader.push(chunk))
  }
}

// Interleaved, twice: the first pass warms every path before any is compared.
for (const pass of [1, 2]) {
  console.log(`pass ${pass}`)
  for (const [name, make] of Object.entries(contenders)) measure(name, make)
}
