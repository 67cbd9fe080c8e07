/**
 * How the Effect contenders run, as an Effect program runs them: one `ManagedRuntime` built from
 * their layer, one `runPromise` per batch, and the batch's creates as fibers under
 * `Effect.forEach(…, { concurrency })`. Deep imports, so that what a contender loads at start-up is
 * decided by the contender's own imports.
 */
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import type { Runner } from "../lib/protocol.js"

/** `makeCreate` runs once per batch (where a program would `yield*` its service) and gives the create. */
export const fiberRunner = async <R, E>(
  layer: Layer.Layer<R, E>,
  makeCreate: Effect.Effect<Effect.Effect<unknown, unknown>, never, R>
): Promise<Runner> => {
  const runtime = ManagedRuntime.make(layer)
  await runtime.runtime()
  return {
    run: (calls, concurrency, latencies) =>
      runtime.runPromise(Effect.flatMap(makeCreate, (create) => {
        const timedCreate = (i: number) =>
          Effect.suspend(() => {
            const start = performance.now()
            return Effect.map(create, () => {
              latencies[i] = performance.now() - start
            })
          })
        return Effect.forEach(Array.from({ length: calls }, (_, i) => i), timedCreate, { concurrency, discard: true })
      })),
    close: () => runtime.dispose()
  }
}
