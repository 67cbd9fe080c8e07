/**
 * effect-llamacloud: an Effect-native client for LlamaCloud's Chat API.
 *
 * @since 0.1.0
 */

export { ChatService } from "./ChatService.js"
export { ChatSession, JobMetadata, SharedAccess, Timestamp } from "./ChatSession.js"
export { CreateSessionParams, MAX_INDEX_IDS } from "./ChatParams.js"
export { DEFAULT_BASE_URL, LlamaCloudClient, parseCustomHeaders } from "./LlamaCloudClient.js"
export {
  ApiError,
  AuthError,
  DecodeError,
  isLlamaCloudError,
  type LlamaCloudError,
  NetworkError,
  type NetworkFailure,
  NotFoundError,
  RateLimitError,
  ServerError,
  ValidationError,
  type ValidationIssue
} from "./LlamaCloudError.js"
export { RetryPolicy } from "./RetryPolicy.js"
export { TimeoutPolicy } from "./TimeoutPolicy.js"
export { VERSION } from "./version.js"
