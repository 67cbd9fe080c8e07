/**
 * Test doubles for programs that use effect-llamacloud: an in-memory `ChatService`, a recording
 * mock transport, and the model of the chat resource they share. Nothing here imports Node: the local server, which
 * does, is in `effect-llamacloud/testing/node`.
 *
 * @since 0.1.0
 */

export * as ChatModel from "./testing/ChatModel.js"
export { InMemoryChat } from "./testing/InMemoryChat.js"
export {
  type EventStreamItem,
  type EventStreamOptions,
  type MockPause,
  type MockReplies,
  type MockReply,
  type MockRoute,
  MockTransport,
  queryOf,
  type RecordedRequest,
  type RouteMatch,
  type WireEvent
} from "./testing/MockTransport.js"
