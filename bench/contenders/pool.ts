import type { Runner } from "../lib/protocol.js"

/**
 * A Runner for a promise-returning create: `concurrency` workers each take the next call until
 * `calls` are done, which is what `Effect.forEach(…, { concurrency })` does for the Effect contenders.
 */
export const poolRunner = (create: () => Promise<unknown>, close: () => Promise<void>): Runner => ({
  run: async (calls, concurrency, latencies) => {
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < calls) {
        const i = next++
        const start = performance.now()
        await create()
        latencies[i] = performance.now() - start
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, calls) }, worker))
  },
  close
})
