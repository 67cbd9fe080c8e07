/**
 * One attempt under its per-attempt time limit. The limit aborts the request (closing the
 * attempt's scope) instead of interrupting the attempt, so that whatever the attempt already knows
 * decides the outcome: once a status has arrived, the status's error stands even if its body was
 * cut short by the limit.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import { attemptTimeout, type Facts, type Failure } from "./failure.js"

/**
 * Runs `attempt` under `limit`, closing `scope` (which aborts the request and frees its socket)
 * when the attempt fails or is interrupted. A successful attempt leaves the scope open: a body read
 * to its end holds no socket, and a streamed body needs it until the stream ends.
 *
 * The attempt runs in the caller's fiber; only the limit is forked, into the attempt's own scope,
 * as a fiber sleeping on the program's clock (the same code under Effect's live clock and under a
 * `TestClock`). Whichever way the attempt ends, closing its scope interrupts that fiber. When the
 * limit passes first, the fiber closes the scope: the transport aborts the request, the attempt
 * fails, and the failure is read as the limit's. The attempt is not raced against the limit: a
 * race forks a fiber for each side per attempt. A transport may leave a body's read pending after
 * the abort (Node 20's fetch does, on a body labelled compressed that is not): the engine bounds
 * those reads by the scope's closing (`untilClosed` in engine.ts), and a turn's watchdog its reads.
 */
export const timed = <A>(
  attempt: Effect.Effect<A, Failure>,
  scope: Scope.Closeable,
  options: {
    readonly limit: Duration.Duration
    readonly facts: Facts
    /** What did not arrive in time, for the message: "complete answer", "response headers". */
    readonly what: string
  }
): Effect.Effect<A, Failure> =>
  Effect.suspend(() => {
    let timedOut = false
    const settle = (exit: Exit.Exit<A, Failure>): Effect.Effect<A, Failure> => {
      if (Exit.isSuccess(exit)) return exit
      // A failure after the limit fired failed because of the abort, unless a status had arrived.
      const result = timedOut && !Exit.hasInterrupts(exit) && !statusArrived(exit)
        ? Exit.fail(attemptTimeout(options.limit, options.facts, options.what))
        : exit
      return Effect.andThen(Scope.close(scope, exit), result)
    }
    if (!Duration.isFinite(options.limit)) return Effect.flatMap(Effect.exit(attempt), settle)
    const limit = Effect.andThen(
      Effect.sleep(options.limit),
      Effect.suspend(() => {
        timedOut = true
        return Scope.close(scope, Exit.void)
      })
    )
    return Effect.uninterruptibleMask((restore) =>
      Effect.andThen(
        Effect.forkIn(limit, scope),
        Effect.flatMap(Effect.exit(restore(attempt)), settle)
      )
    )
  })

const statusArrived = (exit: Exit.Exit<unknown, Failure>): boolean =>
  Option.match(Exit.findErrorOption(exit), { onNone: () => false, onSome: (f) => f.status !== undefined })
