/**
 * How a turn's events become a reply: the final text wins over the deltas, tool calls meet their
 * results by call id, and a failed turn is a `TurnError` carrying what the server said.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import type * as ChatEvent from "../src/ChatEvent.js"
import * as ChatReply from "../src/ChatReply.js"
import { TurnError } from "../src/LlamaCloudError.js"

const usage: ChatEvent.Usage = { durationMs: 1200, totalInputTokens: Option.some(300), totalOutputTokens: Option.some(40), turns: 2 }
const stop = (fields: Partial<ChatEvent.Stop> = {}): ChatEvent.Stop => ({
  _tag: "Stop",
  error: Option.none(),
  isError: false,
  usage,
  skippedIndexIds: [],
  ...fields
})
const textDelta = (content: string): ChatEvent.ChatEvent => ({ _tag: "TextDelta", content })
const text = (content: string): ChatEvent.ChatEvent => ({ _tag: "Text", content })
const thinkingDelta = (content: string): ChatEvent.ChatEvent => ({ _tag: "ThinkingDelta", content })
const thinking = (content: string): ChatEvent.ChatEvent => ({ _tag: "Thinking", content })
const call = (callId: string, name = "search"): ChatEvent.ToolCall => ({ _tag: "ToolCall", callId, name, arguments: { query: callId } })
const result = (callId: string, value: unknown = `found for ${callId}`): ChatEvent.ToolResult => ({
  _tag: "ToolResult",
  callId,
  name: "search",
  result: value,
  imageAttachment: Option.none()
})

const replyOf = (events: ReadonlyArray<ChatEvent.ChatEvent>): ChatReply.ChatReply =>
  Result.getOrElse(ChatReply.fromEvents(events), (error) => assert.fail(`expected a reply, got ${error.message}`))

describe("ChatReply.fromEvents", () => {
  describe("text", () => {
    it("is the deltas joined when no Text came", () => {
      assert.strictEqual(replyOf([textDelta("Hel"), textDelta("lo"), textDelta(" 👋"), stop()]).text, "Hello 👋")
    })

    it("is the Text when one came, whatever the deltas said", () => {
      assert.strictEqual(replyOf([textDelta("draft"), text("Final answer"), stop()]).text, "Final answer")
    })

    it("is the last Text when several came", () => {
      assert.strictEqual(replyOf([text("first"), textDelta("x"), text("second"), stop()]).text, "second")
    })

    it("is empty when nothing was written", () => {
      assert.strictEqual(replyOf([stop()]).text, "")
    })
  })

  describe("thinking", () => {
    it("is the Thinking events joined by a blank line", () => {
      assert.strictEqual(replyOf([thinkingDelta("ignored"), thinking("step 1"), thinking("step 2"), stop()]).thinking, "step 1\n\nstep 2")
    })

    it("is the deltas joined when no Thinking came", () => {
      assert.strictEqual(replyOf([thinkingDelta("I should "), thinkingDelta("search."), stop()]).thinking, "I should search.")
    })
  })

  describe("tool calls", () => {
    it("pairs each call with the result of its call id, in the order the calls were made", () => {
      const reply = replyOf([call("a"), call("b"), result("b"), result("a"), stop()])
      assert.deepStrictEqual(reply.toolCalls, [
        { call: call("a"), result: Option.some(result("a")) },
        { call: call("b"), result: Option.some(result("b")) }
      ])
    })

    it("pairs a result that came before its call", () => {
      const reply = replyOf([result("a"), call("a"), stop()])
      assert.deepStrictEqual(reply.toolCalls, [{ call: call("a"), result: Option.some(result("a")) }])
    })

    it("leaves a call without a result as none", () => {
      const reply = replyOf([call("a"), call("b"), result("a"), stop()])
      assert.deepStrictEqual(reply.toolCalls.map((step) => step.result), [Option.some(result("a")), Option.none()])
    })

    it("gives calls sharing an id their results in turn", () => {
      const reply = replyOf([call("a"), result("a", 1), call("a"), result("a", 2), stop()])
      assert.deepStrictEqual(reply.toolCalls.map((step) => Option.map(step.result, (r) => r.result)), [Option.some(1), Option.some(2)])
    })

    it("keeps a result with no call in the events only", () => {
      const reply = replyOf([result("orphan"), stop()])
      assert.deepStrictEqual(reply.toolCalls, [])
      assert.strictEqual(reply.events.length, 2)
    })
  })

  describe("the stop", () => {
    it("gives the usage and the skipped indexes", () => {
      const reply = replyOf([textDelta("a"), stop({ skippedIndexIds: ["idx-2"] })])
      assert.deepStrictEqual(reply.usage, usage)
      assert.deepStrictEqual(reply.skippedIndexIds, ["idx-2"])
    })

    it("keeps every event of the turn, in order, Stop included", () => {
      const events = [thinking("t"), call("a"), result("a"), { _tag: "UnknownEvent", type: "citation", payload: {} } as const, text("x"), stop()]
      assert.deepStrictEqual(replyOf(events).events, events)
    })

    it("ends the turn: events after the first Stop are not part of it", () => {
      const reply = replyOf([text("answer"), stop(), text("stray"), stop({ isError: true })])
      assert.strictEqual(reply.text, "answer")
      assert.strictEqual(reply.events.length, 2)
    })

    it("with isError is a TurnError carrying the server's error and the usage", () => {
      const outcome = ChatReply.fromEvents([textDelta("partial"), stop({ isError: true, error: Option.some("index unavailable") })])
      if (Result.isSuccess(outcome)) return assert.fail("expected a TurnError")
      // Compared field by field: deep equality of errors looks at their message only.
      assert.instanceOf(outcome.failure, TurnError)
      assert.deepStrictEqual(outcome.failure.error, Option.some("index unavailable"))
      assert.deepStrictEqual(outcome.failure.usage, usage)
      assert.include(outcome.failure.message, "index unavailable")
    })

    it("with isError and no error text is a TurnError with none", () => {
      const outcome = ChatReply.fromEvents([stop({ isError: true })])
      assert.deepStrictEqual(Result.map(Result.flip(outcome), (error) => error.error), Result.succeed(Option.none()))
    })

    it("gives the TurnError the call's facts when told them", () => {
      const outcome = ChatReply.fromEvents([stop({ isError: true })], { operation: "ChatService.ask", sessionId: "ses-1" })
      assert.isTrue(Result.isFailure(outcome))
      if (Result.isFailure(outcome)) {
        assert.strictEqual(outcome.failure.sessionId, "ses-1")
        assert.match(outcome.failure.message, /^ChatService\.ask \(session "ses-1"\): /)
      }
    })

    it("missing: the events are the turn so far, with no usage", () => {
      const reply = replyOf([textDelta("cut "), textDelta("off"), call("a")])
      assert.strictEqual(reply.text, "cut off")
      assert.deepStrictEqual(reply.usage, ChatReply.noUsage)
      assert.deepStrictEqual(reply.usage, { durationMs: 0, totalInputTokens: Option.none(), totalOutputTokens: Option.none(), turns: 0 })
      assert.deepStrictEqual(reply.skippedIndexIds, [])
      assert.deepStrictEqual(reply.toolCalls, [{ call: call("a"), result: Option.none() }])
    })
  })

  describe("collector", () => {
    it("gives, event by event, what fromEvents gives for the list", () => {
      const events = [thinkingDelta("hm"), call("a"), result("a"), textDelta("x"), textDelta("y"), stop({ skippedIndexIds: ["i"] })]
      const turn = ChatReply.collector()
      for (const event of events) turn.add(event)
      assert.deepStrictEqual(turn.done(), ChatReply.fromEvents(events))
    })

    it("gives the turn so far at any point, and a reply that later events do not change", () => {
      const turn = ChatReply.collector()
      turn.add(textDelta("a"))
      const early = turn.done()
      turn.add(textDelta("b"))
      assert.deepStrictEqual(Result.map(early, (reply) => [reply.text, reply.events.length]), Result.succeed(["a", 1]))
      assert.deepStrictEqual(Result.map(turn.done(), (reply) => reply.text), Result.succeed("ab"))
    })
  })
})
