/**
 * How the Effect contenders run turns, as an Effect program would: one `ManagedRuntime` built from
 * their layer, one `runPromise` per batch, the batch's turns as fibers under
 * `Effect.forEach(…, { concurrency })`, each turn consumed with `Stream.runForEach`.
 */
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Stream from "effect/Stream"
import { makeConsumer } from "../consumer.js"
import type { TurnHooks, TurnRunner } from "../protocol.js"
import type { TurnTally } from "../turns.js"

/** `makeTurn` runs once per batch (where a program would `yield*` its service) and gives the turn. */
export const turnFibers = async <R, LE, A>(
  layer: Layer.Layer<R, LE>,
  makeTurn: Effect.Effect<(sessionId: string) => Stream.Stream<A, unknown>, never, R>,
  textOf: (event: A) => string | undefined
): Promise<TurnRunner> => {
  const runtime = ManagedRuntime.make(layer)
  await runtime.runtime()
  const consume = (events: Stream.Stream<A, unknown>, hooks: TurnHooks): Effect.Effect<TurnTally, unknown> =>
    Effect.suspend(() => {
      const consumer = makeConsumer(hooks)
      return Stream.runForEach(events, (event) => {
        const wait = consumer.take(textOf(event))
        return wait === undefined ? Effect.void : Effect.promise(() => wait)
      }).pipe(Effect.map(consumer.tally))
    })
  return {
    run: (sessionId, turns, concurrency, staggerMs, firstEventMs, turnMs) =>
      runtime.runPromise(Effect.flatMap(makeTurn, (turn) => {
        let events = 0
        let textChars = 0
        const timedTurn = (i: number) =>
          Effect.suspend(() => {
            const start = performance.now()
            return Effect.map(consume(turn(sessionId), { first: () => (firstEventMs[i] = performance.now() - start) }), (tally) => {
              turnMs[i] = performance.now() - start
              events += tally.events
              textChars += tally.textChars
            })
          })
        // The first `concurrency` turns start `staggerMs` apart, as the promise contenders' workers do.
        const staggered = (i: number) =>
          i > 0 && i < concurrency && staggerMs > 0 ? Effect.zipRight(Effect.sleep(i * staggerMs), timedTurn(i)) : timedTurn(i)
        return Effect.forEach(Array.from({ length: turns }, (_, i) => i), staggered, { concurrency, discard: true }).pipe(
          Effect.map(() => ({ events, textChars }))
        )
      })),
    runOne: (sessionId, hooks) => runtime.runPromise(Effect.flatMap(makeTurn, (turn) => consume(turn(sessionId), hooks))),
    buffered: false,
    close: () => runtime.dispose()
  }
}
