/**
 * A hand-over of one value at a time from one fiber to another: a turn's reading fiber to its
 * consumer. Effect's `Queue` does the same with a deferred per take and a queue of takers; a turn
 * hands over a value per body chunk (per event when the model writes slowly), and with hundreds of
 * turns open at once that bookkeeping shows in every turn's latency.
 *
 * Both sides register inside `Effect.async`, so no other fiber can act between looking at the slot
 * and waiting on it.
 */
import * as Effect from "effect/Effect"

export interface Handoff<A> {
  /** Fills the slot, waiting while it is full. */
  readonly offer: (value: A) => Effect.Effect<void>
  /** Hands the value to a waiting taker or fills an empty slot; false when the slot is full. */
  readonly unsafeOffer: (value: A) => boolean
  /** Empties the slot, waiting while it is empty. */
  readonly take: Effect.Effect<A>
  readonly isEmpty: () => boolean
}

export const make = <A>(): Handoff<A> => {
  let full = false
  let slot: A | undefined
  let taker: ((effect: Effect.Effect<A>) => void) | undefined
  let offerer: { readonly value: A; readonly resume: (effect: Effect.Effect<void>) => void } | undefined

  const unsafeOffer = (value: A): boolean => {
    if (taker !== undefined) {
      const resume = taker
      taker = undefined
      resume(Effect.succeed(value))
      return true
    }
    if (full) return false
    full = true
    slot = value
    return true
  }

  const offer = (value: A): Effect.Effect<void> =>
    Effect.async<void>((resume) => {
      if (unsafeOffer(value)) return resume(Effect.void)
      const waiting = { value, resume }
      offerer = waiting
      return Effect.sync(() => {
        if (offerer === waiting) offerer = undefined
      })
    })

  const take: Effect.Effect<A> = Effect.async<A>((resume) => {
    if (!full) {
      taker = resume
      return Effect.sync(() => {
        if (taker === resume) taker = undefined
      })
    }
    const value = slot as A
    full = false
    slot = undefined
    if (offerer !== undefined) {
      const waiting = offerer
      offerer = undefined
      full = true
      slot = waiting.value
      waiting.resume(Effect.void)
    }
    resume(Effect.succeed(value))
  })

  return { offer, unsafeOffer, take, isEmpty: () => !full }
}
