import type { MemoryReading } from "./protocol.js"

/**
 * Heap and RSS after collections with turns of the event loop between them, until a collection
 * frees nothing more: a finalizer (fetch registers one per request) runs in a task after the
 * collection that found its object dead, and what it held goes only at a later collection. Read
 * after a single turn, the heap still holds the last few thousand requests of a fetch-based client,
 * leak or no leak. Needs `node --expose-gc`.
 */
export const readMemory = async (): Promise<MemoryReading> => {
  const gc = globalThis.gc
  if (gc === undefined) throw new Error("memory readings need node --expose-gc")
  let previous = Number.POSITIVE_INFINITY
  for (let round = 0; round < 10; round++) {
    gc()
    await new Promise((resolve) => setTimeout(resolve, 20))
    const heap = process.memoryUsage().heapUsed
    if (heap >= previous) break
    previous = heap
  }
  gc()
  const usage = process.memoryUsage()
  return { heapUsedBytes: usage.heapUsed, rssBytes: usage.rss }
}
