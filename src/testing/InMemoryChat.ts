/**
 * An in-memory `ChatService` for users' own tests: deterministic ids, stored sessions, and
 * scripted failures ("the next call fails with RateLimitError").
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import { ChatService } from "../ChatService.js"
import { ChatSession } from "../ChatSession.js"
import { type CreateSessionParams, validate } from "../ChatParams.js"
import type { LlamaCloudError } from "../LlamaCloudError.js"

/**
 * Controls and inspects the in-memory chat service.
 *
 * @since 0.1.0
 * @category tags
 */
export class InMemoryChat extends Context.Tag("effect-llamacloud/testing/InMemoryChat")<InMemoryChat, {
  /** The sessions created so far, oldest first. */
  readonly sessions: Effect.Effect<ReadonlyArray<ChatSession>>
  /** Every `create` call's parameters, failed ones included, oldest first. */
  readonly calls: Effect.Effect<ReadonlyArray<CreateSessionParams | undefined>>
  /** The next `times` calls (default 1) fail with `error` after validation, creating nothing. */
  readonly failNext: (error: LlamaCloudError, times?: number) => Effect.Effect<void>
}>() {
  /**
   * Provides `ChatService` and its `InMemoryChat` controls. Session ids are `ses-000001`,
   * `ses-000002`…; `lastUpdatedAt` comes from the `Clock`, so `TestClock` controls it. Parameters
   * are validated exactly as the real service does.
   */
  static readonly layer: Layer.Layer<ChatService | InMemoryChat> = Layer.unwrapEffect(Effect.gen(function*() {
    const sessions = yield* Ref.make<ReadonlyArray<ChatSession>>([])
    const calls = yield* Ref.make<ReadonlyArray<CreateSessionParams | undefined>>([])
    const failures = yield* Ref.make<ReadonlyArray<LlamaCloudError>>([])

    const create = (params?: CreateSessionParams): Effect.Effect<ChatSession, LlamaCloudError> =>
      Effect.gen(function*() {
        yield* Ref.update(calls, (all) => [...all, params])
        const valid = yield* validate(params)
        const scripted = yield* Ref.modify(failures, (queue) => [queue[0], queue.slice(1)])
        if (scripted !== undefined) return yield* Effect.fail(scripted)
        const now = yield* Clock.currentTimeMillis
        return yield* Ref.modify(sessions, (all) => {
          const session = new ChatSession({
            sessionId: `ses-${String(all.length + 1).padStart(6, "0")}`,
            lastUpdatedAt: DateTime.unsafeMake(now),
            generatedTitle: Option.none(),
            indexIds: Option.fromNullable(valid.indexIds),
            jobMetadata: Option.none(),
            sharedAccess: Option.fromNullable(valid.sharedAccess)
          })
          return [session, [...all, session]]
        })
      }).pipe(Effect.withSpan("ChatService.create"))

    return Layer.merge(
      Layer.succeed(ChatService, ChatService.of({ create })),
      Layer.succeed(InMemoryChat, {
        sessions: Ref.get(sessions),
        calls: Ref.get(calls),
        failNext: (error, times = 1) =>
          Ref.update(failures, (queue) => [...queue, ...Array.from({ length: Math.max(0, times) }, () => error)])
      })
    )
  }))
}
