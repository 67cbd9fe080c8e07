/**
 * What `llamacloud-chat` prints: a session on one line, a history as a transcript, a turn's events as
 * they arrive (steps, answer, usage), events and failures as JSON.
 */
import { assert, describe, it } from "@effect/vitest"
import * as ConfigError from "effect/ConfigError"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as ExitCode from "../../src/cli/ExitCode.js"
import * as Render from "../../src/cli/Render.js"
import { AuthError, ChatEvent, ChatSession, ChatSessionDetail } from "../../src/index.js"

/** Events from their wire form, as the stream carries them. */
const events = (...wire: ReadonlyArray<Record<string, unknown>>): ReadonlyArray<ChatEvent.ChatEvent> =>
  wire.map((json) => Either.getOrThrow(ChatEvent.decode(json)))

const turn = [
  { type: "thinking_delta", content: "The question is" },
  { type: "thinking_delta", content: " about llamas." },
  { type: "tool_call", call_id: "c1", name: "search", arguments: { query: "llamas eat" } },
  {
    type: "tool_result",
    call_id: "c1",
    name: "search",
    result: {
      passages: [
        { index_id: "idx-handbook", node_id: "node-1", text: "hay" },
        { metadata: { file_name: "feeding.pdf" }, text: "grass" }
      ]
    }
  },
  { type: "text_delta", content: "Llamas eat " },
  { type: "text_delta", content: "hay. [1]" },
  { type: "text", content: "Llamas eat hay. [1]" },
  { type: "stop", usage: { duration_ms: 2400, total_input_tokens: 812, total_output_tokens: 164 } }
]

const rendered = (all: ReadonlyArray<ChatEvent.ChatEvent>) => {
  const render = Render.turnRenderer()
  return all.map(render).join("")
}

const session = (fields: Record<string, unknown> = {}) =>
  Schema.decodeUnknownSync(ChatSession)({ session_id: "ses-1", last_updated_at: "2026-04-22T12:34:41.342245", ...fields })

describe("a turn as text", () => {
  it("shows the steps on lines of their own, then the answer as it streams, its sources, then the usage", () => {
    assert.strictEqual(
      rendered(events(...turn)),
      "· thinking…\n· search: \"llamas eat\"\n· search: 2 passages found\n\nLlamas eat hay. [1]\n\n" +
        "[1] node-1 (idx-handbook)\n[2] feeding.pdf\n\n— 812 in, 164 out tokens · 2.4 s\n\n"
    )
  })

  it("names a source by its title first, else its id, else the start of its text", () => {
    const text = rendered(events(
      {
        type: "tool_result",
        call_id: "c1",
        name: "search",
        result: { passages: [{ title: "Feeding", node_id: "node-1" }, { id: "p-2" }, { text: "Llamas graze." }, {}] }
      },
      { type: "stop" }
    ))
    assert.include(text, "[1] Feeding\n[2] p-2\n[3] \"Llamas graze.\"\n[4] (a passage with no title, id or text)\n")
  })

  it("sets the steps, the sources and the usage apart with colour only when the style has colour", () => {
    const coloured = Render.turnRenderer({ colour: true, width: 80 })
    const text = events(...turn).map(coloured).join("")
    assert.include(text, "\x1b[2m· thinking…\x1b[22m")
    assert.include(text, "\x1b[36m[1] node-1 (idx-handbook)\x1b[39m")
    assert.include(text, "Llamas eat hay. [1]")
    // eslint-disable-next-line no-control-regex
    assert.notMatch(rendered(events(...turn)), /\x1b/)
  })

  it("shows the whole text when no deltas came", () => {
    assert.strictEqual(
      rendered(events({ type: "text", content: "Hay." }, { type: "stop" })),
      "Hay.\n\n— usage not reported · 0 ms\n\n"
    )
  })

  it("says what failed and which indexes could not be searched", () => {
    const [stop] = events({ type: "stop", is_error: true, error: "index offline", skipped_index_ids: ["idx-faq"] })
    assert.strictEqual(
      Render.usageLine(stop as ChatEvent.Stop),
      "— usage not reported · 0 ms · could not search idx-faq · failed: index offline"
    )
  })

  it("shows each event as JSON in its wire form", () => {
    for (const event of events(...turn)) {
      assert.deepStrictEqual(Either.getOrThrow(ChatEvent.decode(Render.eventJson(event))), event)
    }
    assert.deepStrictEqual(Render.eventJson(events({ type: "text_delta", content: "Hay" })[0]!), { type: "text_delta", content: "Hay" })
  })
})

describe("sessions as text", () => {
  it("one line per session: id, last update, title, indexes", () => {
    assert.strictEqual(
      Render.sessionLine(session({ generated_title: "Llamas", index_ids: ["idx-a", "idx-b"] })),
      "ses-1  2026-04-22T12:34:41.342Z  Llamas  [idx-a, idx-b]\n"
    )
    assert.strictEqual(Render.sessionLine(session()), "ses-1  2026-04-22T12:34:41.342Z  (untitled)  [no indexes]\n")
  })

  it("a session's history as a transcript, each turn after its prompt", () => {
    const detail = Schema.decodeUnknownSync(ChatSessionDetail)({
      session_id: "ses-1",
      last_updated_at: "2026-04-22T12:34:41.342245",
      index_ids: ["idx-a"],
      events: [{ type: "user_input", content: "What do llamas eat?" }, ...turn, { type: "user_input", content: "And alpacas?" }, {
        type: "text",
        content: "Grass."
      }, { type: "stop" }]
    })
    const text = Render.sessionDetail(detail)
    assert.match(text, /^session  ses-1\ntitle    \(untitled\)\nupdated  2026-04-22T12:34:41\.342Z\nindexes  idx-a\n\n> What do llamas eat\?\n\n· thinking…/)
    assert.include(text, "> And alpacas?\n\nGrass.\n")
    assert.include(Render.sessionDetail(Schema.decodeUnknownSync(ChatSessionDetail)({ session_id: "s", last_updated_at: "2026-04-22T12:34:41" })), "(no messages yet)")
  })

  it("JSON in the wire form", () => {
    assert.deepStrictEqual(Render.sessionJson(session({ index_ids: ["idx-a"] })), {
      session_id: "ses-1",
      last_updated_at: "2026-04-22T12:34:41.342Z",
      index_ids: ["idx-a"]
    })
  })
})

describe("failures", () => {
  it("as JSON: the tag, the message, the exit code and the facts", () => {
    const error = new AuthError({ operation: "ChatService.list", status: 401, detail: "Invalid authentication token", requestId: Option.some("req-1") })
    assert.deepStrictEqual(Render.failureJson(error, ExitCode.auth), {
      error: { tag: "AuthError", message: error.message, exit_code: 3, status: 401, request_id: "req-1" }
    })
  })

  it("a configuration error by its own message", () => {
    const error = ConfigError.MissingData(["LLAMA_CLOUD_API_KEY"], "No LlamaCloud API key: set LLAMA_CLOUD_API_KEY")
    assert.strictEqual(Render.failureMessage(error), "No LlamaCloud API key: set LLAMA_CLOUD_API_KEY")
    assert.deepInclude(Render.failureJson(error, ExitCode.usage), { error: { tag: "ConfigError", message: "No LlamaCloud API key: set LLAMA_CLOUD_API_KEY", exit_code: 2 } })
  })
})
