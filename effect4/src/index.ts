/**
 * effect-llamacloud: an Effect-native client for LlamaCloud's Chat API.
 *
 * @since 0.1.0
 */

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
