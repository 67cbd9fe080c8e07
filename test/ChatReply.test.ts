/**
 * How a turn's events become a reply: the final text wins over the deltas, tool calls meet their
 * results by call id, and a failed turn is a `TurnError` carrying what the server said. The cases
 * are test/shared/chatReplies.ts, run by both editions; this file reads `fromEvents`' `Either`.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as ChatEvent from "../src/ChatEvent.js"
import * as ChatReply from "../src/ChatReply.js"
import { TurnError } from "../src/LlamaCloudError.js"
import * as Replies from "./shared/chatReplies.js"

const decoded = (events: ReadonlyArray<unknown>): ReadonlyArray<ChatEvent.ChatEvent> =>
  events.map((json) => Either.getOrElse(ChatEvent.decode(json), (problem) => assert.fail(`not an event: ${problem.issue}`)))

/** What `fromEvents` gave, handed to the shared table as it is. */
const seen = (events: ReadonlyArray<ChatEvent.ChatEvent>, facts?: Replies.Case["facts"]): Replies.Seen =>
  Either.match(ChatReply.fromEvents(events, facts), {
    onRight: (reply) => ({ reply }),
    onLeft: (error) => ({ turnError: error, isTurnError: error instanceof TurnError })
  })

describe("ChatReply.fromEvents", () => {
  for (const [what, cases] of Replies.chatReplies) {
    describe(what, () => {
      for (const { events, facts, name, outcome } of cases) {
        it(name, () => {
          const turn = decoded(events)
          assert.deepStrictEqual(Replies.checkedOf(seen(turn, facts), turn, outcome), Replies.expectedOf(outcome))
        })
      }
    })
  }

  it("gives a turn whose Stop never came the usage noUsage", () => {
    const reply = Either.getOrThrow(ChatReply.fromEvents(decoded([Replies.call("a")])))
    assert.deepStrictEqual(reply.usage, ChatReply.noUsage)
  })

  describe("collector", () => {
    it("gives, event by event, what fromEvents gives for the list", () => {
      const { call, result, stop, textDelta, thinkingDelta } = Replies
      const events = decoded([thinkingDelta("hm"), call("a"), result("a"), textDelta("x"), textDelta("y"), stop({ skipped_index_ids: ["i"] })])
      const turn = ChatReply.collector()
      for (const event of events) turn.add(event)
      assert.deepStrictEqual(turn.done(), ChatReply.fromEvents(events))
    })

    it("gives the turn so far at any point, and a reply that later events do not change", () => {
      const turn = ChatReply.collector()
      turn.add({ _tag: "TextDelta", content: "a" })
      const early = turn.done()
      turn.add({ _tag: "TextDelta", content: "b" })
      assert.deepStrictEqual(Either.map(early, (reply) => [reply.text, reply.events.length]), Either.right(["a", 1]))
      assert.deepStrictEqual(Either.map(turn.done(), (reply) => reply.text), Either.right("ab"))
    })
  })
})
