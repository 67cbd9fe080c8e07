/**
 * Turns a server may send that the client must refuse, as wire events: both editions' in-memory
 * service, scripted with them, must fail as their real client fails the same stream from a server.
 */
export const brokenTurns = [
  ["ends before its Stop", "NetworkError", [{ type: "text_delta", content: "Hel" }, { type: "text_delta", content: "lo" }]],
  ["holds a malformed event", "DecodeError", [{ type: "text_delta", content: "Hi" }, { type: "tool_call", name: 42 }]]
] as const
