/**
 * One attempt under its per-attempt time limit. The limit aborts the request (closing the
 * attempt's scope) instead of interrupting the attempt, so that whatever the attempt already knows
 * decides the outcome: once a status has arrived, the status's error stands even if its body was
 * cut short by the limit.
 */
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import { attemptTimeout, type Facts, type Failure } from "./failure.js"

/** How far an attempt got. */
export interface Progress {
  /** A status other than 2xx has arrived: its error decides the attempt, whatever the limit does. */
  errorStatus: boolean
}

/**
 * Runs `attempt` under `limit`, closing `scope` (which aborts the request and frees its socket)
 * when the attempt fails or is interrupted. A successful attempt leaves the scope open: a body read
 * to its end holds no socket, and a streamed body needs it until the stream ends.
 *
 * The limit is a fiber sleeping on the program's clock, raced against the attempt: the same code
 * under Effect's live clock and under a `TestClock`.
 */
export const timed = <A>(
  attempt: Effect.Effect<A, Failure>,
  scope: Scope.CloseableScope,
  options: {
    readonly limit: Duration.Duration
    readonly facts: Facts
    /** What did not arrive in time, for the message: "complete answer", "response headers". */
    readonly what: string
    /** Set by the attempt as it goes. */
    readonly progress: Progress
  }
): Effect.Effect<A, Failure> =>
  Effect.suspend(() => {
    let timedOut = false
    const fire = () => {
      timedOut = true
      return Scope.close(scope, Exit.void)
    }
    const settle = (exit: Exit.Exit<A, Failure>): Effect.Effect<A, Failure> => {
      if (Exit.isSuccess(exit)) return exit
      // A failure after the limit fired failed because of the abort, unless a status had arrived.
      const result = timedOut && !Exit.isInterrupted(exit) && !statusArrived(exit)
        ? Exit.fail(attemptTimeout(options.limit, options.facts, options.what))
        : exit
      return Effect.zipRight(Scope.close(scope, exit), result)
    }
    if (!Duration.isFinite(options.limit)) return Effect.flatMap(Effect.exit(attempt), settle)
    // The limit aborts the request; a transport that ignores the abort is interrupted with it, unless
    // an error status has arrived, whose body is then given another `limit` to be read.
    const watchdog = Effect.sleep(options.limit).pipe(
      Effect.zipRight(Effect.suspend(fire)),
      Effect.zipRight(Effect.suspend(() => options.progress.errorStatus ? Effect.sleep(options.limit) : Effect.void)),
      Effect.zipRight(Effect.fail(attemptTimeout(options.limit, options.facts, options.what)))
    )
    return Effect.uninterruptibleMask((restore) => Effect.flatMap(Effect.exit(restore(Effect.raceFirst(attempt, watchdog))), settle))
  })

const statusArrived = (exit: Exit.Exit<unknown, Failure>): boolean =>
  Exit.isFailure(exit) && Option.match(failureOf(exit), { onNone: () => false, onSome: (f) => f.status !== undefined })

const failureOf = <A>(exit: Exit.Exit<A, Failure>): Option.Option<Failure> =>
  Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()
