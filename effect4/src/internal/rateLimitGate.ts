/**
 * Where the engine meets a rate limit policy. The policy itself (`effect-llamacloud/rate-limit`)
 * needs `effect/persistence`'s `RateLimiter`; the engine needs only this tag, so the main entry loads without it
 * and a program that never provides a policy never needs the package.
 */
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type { CallKind } from "../core/rateLimit.js"
import type { CallFacts, LlamaCloudError } from "../LlamaCloudError.js"

/** One attempt asking to go: which account it counts against, what it is, which call it belongs to. */
export interface Admission {
  /** The default key of the client (`accountKey`): a policy's own `key` wins over it. */
  readonly account: string
  readonly kind: CallKind
  readonly facts: CallFacts
}

/**
 * Provided by `RateLimitPolicy.layer`; read by the engine from the call's context.
 */
export class RateLimitGate extends Context.Service<RateLimitGate, {
  /** Takes the attempt's tokens: waits for them, or fails with a local `RateLimitError`, per the policy. */
  readonly admit: (admission: Admission) => Effect.Effect<void, LlamaCloudError>
  /** A `429` with a wait arrived: the wait is spent from the shared limit, so every replica waits it. Never fails. */
  readonly serverAsked: (account: string, wait: Duration.Duration) => Effect.Effect<void>
  /** Holds one of the process's open-turn permits until the scope closes (waits for one when all are held). */
  readonly openTurn: Effect.Effect<void, never, Scope.Scope>
}>()("effect-llamacloud/RateLimitPolicy") {}
