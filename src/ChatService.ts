/**
 * The LlamaCloud Chat API as an Effect service. Today: creating a session.
 *
 * @since 0.1.0
 */
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { ChatSession } from "./ChatSession.js"
import { CreateSessionBody, type CreateSessionParams, ScopeQuery, validate } from "./CreateSessionParams.js"
import { makeCall, scrubber } from "./internal/call.js"
import { LlamaCloudClient } from "./LlamaCloudClient.js"
import { type LlamaCloudError, ValidationError } from "./LlamaCloudError.js"
import { RetryPolicy } from "./RetryPolicy.js"
import { TimeoutPolicy } from "./TimeoutPolicy.js"

/**
 * Chat sessions on LlamaCloud.
 *
 * @since 0.1.0
 * @category tags
 */
export class ChatService extends Context.Tag("effect-llamacloud/ChatService")<ChatService, ChatService.Service>() {
  /**
   * Builds the service over a `LlamaCloudClient`. The retry and timeout policies in context are
   * used (their defaults when none is provided); a policy provided around a single call wins.
   */
  static readonly make: Effect.Effect<ChatService.Service, never, LlamaCloudClient> = Effect.gen(function*() {
    const client = yield* LlamaCloudClient
    const call = makeCall(
      client,
      {
        retry: Option.getOrElse(yield* Effect.serviceOption(RetryPolicy), () => RetryPolicy.defaults),
        timeout: Option.getOrElse(yield* Effect.serviceOption(TimeoutPolicy), () => TimeoutPolicy.defaults)
      },
      describeParseError
    )

    const scrub = scrubber(client.apiKey)
    const create = (params?: CreateSessionParams): Effect.Effect<ChatSession, LlamaCloudError> => {
      const checked = validate(params)
      if (Either.isLeft(checked)) {
        // The issues quote what was passed: a key passed by mistake as an id must not be quoted back.
        const error = checked.left
        return Effect.fail(
          new ValidationError({
            status: error.status,
            issues: error.issues.map((issue) => ({ path: issue.path, message: scrub(issue.message) })),
            requestId: error.requestId
          })
        )
      }
      const valid = checked.right
      // The call's own ids win over the client's defaults; an id set nowhere is not sent at all.
      const organizationId = valid.organizationId ?? Option.getOrUndefined(client.organizationId)
      const projectId = valid.projectId ?? Option.getOrUndefined(client.projectId)
      const indexIds = valid.indexIds ?? null
      const request = HttpClientRequest.post("/api/v1/chat", {
        urlParams: organizationId === undefined && projectId === undefined ? undefined : encodeQuery({
          ...(organizationId === undefined ? {} : { organizationId }),
          ...(projectId === undefined ? {} : { projectId })
        }),
        body: HttpBody.unsafeJson(encodeBody(
          valid.sharedAccess === undefined ? { indexIds } : { indexIds, sharedAccess: valid.sharedAccess }
        ))
      })
      return call("ChatService.create", request, decodeSession)
    }

    return ChatService.of({ create })
  })

  /** The service, needing a `LlamaCloudClient` (and, through it, an `HttpClient`). */
  static readonly layer: Layer.Layer<ChatService, never, LlamaCloudClient> = Layer.effect(ChatService, ChatService.make)
}

/**
 * @since 0.1.0
 */
export declare namespace ChatService {
  /**
   * @since 0.1.0
   * @category models
   */
  export interface Service {
    /**
     * Creates a chat session, optionally bound to at most 10 indexes. The parameters are validated
     * before anything is sent. Retried only where no duplicate session can result, unless the retry
     * policy opts in.
     */
    readonly create: (params?: CreateSessionParams) => Effect.Effect<ChatSession, LlamaCloudError>
  }
}

const encodeBody = Schema.encodeSync(CreateSessionBody)
const encodeQuery = Schema.encodeSync(ScopeQuery)
// The first issue is enough to know a body is bad and costs half as much; the error then lists all.
const decodeFirstIssue = Schema.decodeUnknownEither(ChatSession)
const decodeAllIssues = Schema.decodeUnknownEither(ChatSession, { errors: "all" })
const decodeSession = (json: unknown) => {
  const result = decodeFirstIssue(json)
  return Either.isRight(result) ? result : decodeAllIssues(json)
}

const describeParseError = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error)
    .map((issue) => `${issue.path.length > 0 ? `${issue.path.join(".")}: ` : ""}${issue.message}`)
    .join("; ")
