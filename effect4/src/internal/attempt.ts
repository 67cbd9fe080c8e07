/**
 * One attempt under its per-attempt time limit. The limit aborts the request (closing the
 * attempt's scope) before it interrupts the attempt, so that whatever the attempt already knows
 * decides the outcome: once a status has arrived, the status's error stands even if its body was
 * cut short by the limit.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
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
 * The attempt runs in a fiber of its own, which the caller awaits, and the limit in another,
 * sleeping on the program's clock (the same code under Effect's live clock and under a `TestClock`).
 * When the limit passes, that fiber closes the scope, which aborts the request, then interrupts the
 * attempt, which ends it even where the transport leaves a read pending after the abort (a body that
 * ignores the abort signal; Node 20's fetch, on a body labelled compressed that is not). Neither is a
 * race (`Effect.raceFirst`, `Effect.timeout`): a race also wraps both sides' exits and hands the
 * winner's fiber state back to the caller, work that every attempt would pay for and none needs.
 */
export const timed = <A>(
  attempt: Effect.Effect<A, Failure>,
  scope: Scope.Closeable,
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
    /** The attempt's exit as the call sees it: failures after the limit fired are the limit's. */
    const settle = (exit: Exit.Exit<A, Failure>, callerInterrupted: boolean): Effect.Effect<A, Failure> => {
      if (Exit.isSuccess(exit)) return exit
      // A failure after the limit fired failed because of the abort (or the interruption that
      // followed it), unless a status had arrived.
      const result = timedOut && !callerInterrupted && !statusArrived(exit)
        ? Exit.fail(attemptTimeout(options.limit, options.facts, options.what))
        : exit
      return Effect.andThen(Scope.close(scope, exit), result)
    }
    if (!Duration.isFinite(options.limit)) return Effect.flatMap(Effect.exit(attempt), (exit) => settle(exit, false))
    // The limit aborts the request, then interrupts an attempt that the abort did not end, unless an
    // error status has arrived, whose body is then given another `limit` to be read.
    const watch = (running: Fiber.Fiber<Exit.Exit<A, Failure>>) =>
      Effect.sleep(options.limit).pipe(
        Effect.andThen(Effect.suspend(() => {
          timedOut = true
          return Scope.close(scope, Exit.void)
        })),
        Effect.andThen(Effect.suspend(() => options.progress.errorStatus ? Effect.sleep(options.limit) : Effect.void)),
        Effect.andThen(Fiber.interrupt(running))
      )
    return Effect.uninterruptibleMask((restore) =>
      // The attempt's fiber ends with the attempt's exit, never a failure of its own, which the
      // runtime would report as unhandled.
      Effect.flatMap(Effect.forkChild(Effect.exit(restore(attempt))), (running) =>
        // Interruptible whatever the caller is: the attempt's end interrupts it.
        Effect.flatMap(Effect.forkChild(Effect.interruptible(watch(running))), (watchdog) =>
          Effect.flatMap(Effect.exit(restore(Fiber.await(running))), (awaited) => {
            // The caller was interrupted while it waited: the attempt is interrupted with it.
            const ended = Exit.isSuccess(awaited)
              ? Effect.succeed(awaited.value)
              : Effect.andThen(Fiber.interrupt(running), Fiber.await(running))
            return Effect.flatMap(ended, (ended) => {
              // An attempt the limit interrupted ends in an interruption of its fiber.
              const exit: Exit.Exit<A, Failure> = Exit.isSuccess(ended) ? ended.value : Exit.failCause(ended.cause)
              return Effect.andThen(Fiber.interrupt(watchdog), settle(exit, Exit.isFailure(awaited)))
            })
          })))
    )
  })

const statusArrived = (exit: Exit.Exit<unknown, Failure>): boolean =>
  Option.match(Exit.findErrorOption(exit), { onNone: () => false, onSome: (f) => f.status !== undefined })
