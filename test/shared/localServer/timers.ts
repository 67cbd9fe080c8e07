/**
 * The timers the local server's hand-written responses set (`src/core/localServer/raw.ts`, in
 * either edition), watched from creation to the moment they fire or are cleared: what a test of "no
 * timer left behind" counts, blind to the timers of the client, the test and the runtime.
 */
import { createHook } from "node:async_hooks"

const setBy = "/core/localServer/raw."

/**
 * Starts watching: `set()` counts the server's timers set since, `pending()` those of them neither
 * fired nor cleared.
 */
export const watchServerTimers = (): {
  readonly set: () => number
  readonly pending: () => number
  readonly stop: () => void
} => {
  const live = new Set<number>()
  let set = 0
  const hook = createHook({
    init: (id, type) => {
      if (type === "Timeout" && (new Error().stack ?? "").includes(setBy)) {
        set++
        live.add(id)
      }
    },
    destroy: (id) => {
      live.delete(id)
    }
  }).enable()
  return { set: () => set, pending: () => live.size, stop: () => hook.disable() }
}
