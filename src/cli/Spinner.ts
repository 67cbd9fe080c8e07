/**
 * The spinner shown while a turn waits for its first event. Only on a terminal: piped or redirected
 * output gets no control characters.
 *
 * @since 0.2.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"

const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

/**
 * A running spinner: `stop` erases it (at most once), and the scope's end stops it if nothing did.
 *
 * @since 0.2.0
 * @category models
 */
export interface Spinner {
  readonly stop: Effect.Effect<void>
}

/**
 * Starts a spinner with `label` on standard output when it is a terminal; a spinner that does
 * nothing otherwise.
 *
 * @since 0.2.0
 * @category constructors
 */
export const start = (label: string): Effect.Effect<Spinner, never, Scope.Scope> => {
  if (process.stdout.isTTY !== true) return Effect.succeed({ stop: Effect.void })
  let frame = 0
  let stopped = false
  const draw = Effect.sync(() => {
    process.stdout.write(`\r${frames[frame++ % frames.length]} ${label}`)
  })
  return Effect.gen(function*() {
    const fiber = yield* Effect.forkScoped(
      Effect.repeat(draw, Schedule.spaced(Duration.millis(80)))
    )
    const stop = Effect.suspend(() => {
      if (stopped) return Effect.void
      stopped = true
      return Fiber.interrupt(fiber).pipe(Effect.zipRight(Effect.sync(() => process.stdout.write("\r\x1b[K"))))
    })
    yield* Effect.addFinalizer(() => stop)
    return { stop }
  })
}
