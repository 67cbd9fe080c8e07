/**
 * Test doubles for programs that use effect-llamacloud: an in-memory `ChatService`, a recording
 * mock transport, and the embedded local LlamaCloud server.
 *
 * @since 0.1.0
 */

export { InMemoryChat } from "./testing/InMemoryChat.js"
export * as LocalServer from "./testing/LocalServer.js"
export { type MockReply, MockTransport, queryOf, type RecordedRequest } from "./testing/MockTransport.js"
