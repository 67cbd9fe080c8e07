/**
 * A turn as LlamaCloud streams it, for the tests of both editions: its wire events, and the
 * Server-Sent Events body that carries them. Plain data: no Effect.
 */

/** A turn's wire events, as LlamaCloud would stream them. */
export const turnEvents: ReadonlyArray<{ readonly type: string } & Record<string, unknown>> = [
  { type: "thinking_delta", content: "Looking" },
  { type: "thinking", content: "Looking it up" },
  { type: "tool_call", call_id: "call-1", name: "search", arguments: { query: "q" } },
  { type: "tool_result", call_id: "call-1", name: "search", result: [{ text: "passage" }] },
  { type: "text_delta", content: "Hello" },
  { type: "text_delta", content: " world" },
  { type: "text", content: "Hello world" },
  { type: "stop", error: null, is_error: false, usage: { duration_ms: 12, total_input_tokens: 3, total_output_tokens: 2, turns: 1 } }
]

/** Events as a Server-Sent Events body. */
export const sseBody = (events: ReadonlyArray<unknown>): string => events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("")
