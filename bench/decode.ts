/**
 * The decoders in isolation, in one process: microseconds per call of each response schema and of
 * `ChatEvent.decode`, beside `JSON.parse` of the same text and a Schema struct of plain strings.
 * Run by `npm run bench` (suite `decode`) in a child; prints one result line.
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { ChatEvent, ChatSession, ChatSessionDetail, ChatSessionPage } from "../src/index.js"
import { historyBody, pageBody, resultMarker, sessionBody } from "./fixture.js"
import { PlainSession } from "./plainSession.js"
import type { DecodeResults } from "./lib/results.js"
import { eventAt } from "./stream/turns.js"

const smoke = process.argv[2] === "smoke"

/** µs per call: the best of three runs of at least `ms` each, after a warm-up. */
const measure = (run: () => unknown, ms: number): number => {
  const batch = (n: number) => {
    const start = performance.now()
    for (let i = 0; i < n; i++) run()
    return performance.now() - start
  }
  let n = 1
  while (batch(n) < ms / 10) n *= 2
  let best = Number.POSITIVE_INFINITY
  for (let i = 0; i < 3; i++) {
    let calls = 0
    let spent = 0
    while (spent < ms) {
      spent += batch(n)
      calls += n
    }
    best = Math.min(best, (spent * 1000) / calls)
  }
  return best
}

const must = <A, E>(result: Either.Either<A, E>): A => {
  if (Either.isLeft(result)) throw new Error(`the fixture does not decode: ${String(result.left)}`)
  return result.right
}

const session = JSON.parse(sessionBody(1))
const page = JSON.parse(pageBody(0))
const history = JSON.parse(historyBody())
const delta = JSON.stringify(eventAt(0, 1_000))
const deltaJson = JSON.parse(delta)
const toolResult = eventAt(11, 1_000)
const stop = eventAt(999, 1_000)

const decodeSession = Schema.decodeUnknownEither(ChatSession)
const decodePlain = Schema.decodeUnknownEither(PlainSession)
const decodePage = Schema.decodeUnknownEither(ChatSessionPage)
const decodeDetail = Schema.decodeUnknownEither(ChatSessionDetail)

must(decodeSession(session))
must(decodePage(page))
must(decodeDetail(history))
must(ChatEvent.decode(deltaJson))

const ms = smoke ? 5 : 300
const rows: DecodeResults["rows"] = [
  { name: "JSON.parse, create body", microseconds: measure(() => JSON.parse(sessionBody(1)), ms), note: "for scale" },
  { name: "ChatSession (create)", microseconds: measure(() => decodeSession(session), ms), note: "the library's decoder" },
  { name: "plain-string struct (create)", microseconds: measure(() => decodePlain(session), ms), note: "wire names, no Option, no timestamp" },
  { name: "ChatSessionPage (20 sessions)", microseconds: measure(() => decodePage(page), ms), note: "listPage" },
  {
    name: `ChatSessionDetail (${history.events.length} events)`,
    microseconds: measure(() => decodeDetail(history), ms),
    note: "retrieve"
  },
  { name: "JSON.parse, text_delta event", microseconds: measure(() => JSON.parse(delta), ms), note: "for scale" },
  { name: "ChatEvent.decode, text_delta", microseconds: measure(() => ChatEvent.decode(deltaJson), ms), note: "per streamed event" },
  { name: "ChatEvent.decode, tool_result", microseconds: measure(() => ChatEvent.decode(toolResult), ms), note: "" },
  { name: "ChatEvent.decode, stop", microseconds: measure(() => ChatEvent.decode(stop), ms), note: "" }
]

process.stdout.write(`${resultMarker}${JSON.stringify({ rows } satisfies DecodeResults)}\n`, () => process.exit(0))
