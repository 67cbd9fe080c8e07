/**
 * How the Effect 4 contenders run, as an Effect 4 program runs them: one `ManagedRuntime` built from
 * their layer, one `runPromise` per batch, the batch's calls or turns as fibers under
 * `Effect.forEach(…, { concurrency })`, each turn consumed with `Stream.runForEach`. The same driver
 * as the Effect 3 contenders' (`bench/contenders/fibers.ts`, `bench/stream/contenders/fibers.ts`), on
 * Effect 4: this directory resolves `effect` from effect4/node_modules, never the top's.
 */
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Stream from "effect/Stream"
import type { Runner } from "../../bench/lib/protocol.js"
import { makeConsumer } from "../../bench/stream/consumer.js"
import type { TurnHooks, TurnRunner } from "../../bench/stream/protocol.js"
import type { TurnTally } from "../../bench/stream/turns.js"

/** `makeCreate` runs once per batch (where a program would `yield*` its service) and gives the call. */
export const fiberRunner = async <R, E>(
  layer: Layer.Layer<R, E>,
  makeCreate: Effect.Effect<Effect.Effect<unknown, unknown>, never, R>
): Promise<Runner> => {
  const runtime = ManagedRuntime.make(layer)
  await runtime.context()
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

/** `makeTurn` runs once per batch and gives the turn. */
export const turnFibers = async <R, LE, A>(
  layer: Layer.Layer<R, LE>,
  makeTurn: Effect.Effect<(sessionId: string) => Stream.Stream<A, unknown>, never, R>,
  textOf: (event: A) => string | undefined
): Promise<TurnRunner> => {
  const runtime = ManagedRuntime.make(layer)
  await runtime.context()
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
          i > 0 && i < concurrency && staggerMs > 0 ? Effect.andThen(Effect.sleep(i * staggerMs), timedTurn(i)) : timedTurn(i)
        return Effect.forEach(Array.from({ length: turns }, (_, i) => i), staggered, { concurrency, discard: true }).pipe(
          Effect.map(() => ({ events, textChars }))
        )
      })),
    runOne: (sessionId, hooks) => runtime.runPromise(Effect.flatMap(makeTurn, (turn) => consume(turn(sessionId), hooks))),
    buffered: false,
    close: () => runtime.dispose()
  }
}
