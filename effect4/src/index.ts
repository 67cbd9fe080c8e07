/**
 * effect-llamacloud: an Effect-native client for LlamaCloud's Chat API.
 *
 * @since 0.1.0
 */

/** The events of a conversation: the `ChatEvent` union (`ChatEvent.ChatEvent`), its members and schemas. */
export * as ChatEvent from "./ChatEvent.js"
export {
  CreateSessionParams,
  ListPageParams,
  ListSessionsParams,
  MAX_INDEX_IDS,
  MAX_PROMPT_LENGTH,
  SendMessageParams,
  SessionParams
} from "./ChatParams.js"
/** A turn collected by `ChatService.ask` (`ChatReply.ChatReply`), and how events are collected. */
export * as ChatReply from "./ChatReply.js"
export { ChatService } from "./ChatService.js"
export { ChatSession, ChatSessionDetail, ChatSessionPage, JobMetadata, SharedAccess, Timestamp } from "./ChatSession.js"
export { DEFAULT_BASE_URL, LlamaCloudClient, parseCustomHeaders } from "./LlamaCloudClient.js"
export {
  ApiError,
  AuthError,
  type CallFacts,
  DecodeError,
  isLlamaCloudError,
  type LlamaCloudError,
  NetworkError,
  type NetworkFailure,
  NotFoundError,
  RateLimitError,
  ServerError,
  TurnError,
  TypeId as LlamaCloudErrorTypeId,
  ValidationError,
  type ValidationIssue
} from "./LlamaCloudError.js"
export { RetryPolicy } from "./RetryPolicy.js"
export { TimeoutPolicy } from "./TimeoutPolicy.js"
export { VERSION } from "./version.js"
