/**
 * The arithmetic of a rate limit shared by a fleet of replica processes, for both editions'
 * test/rateLimitRedis.test.ts: what a replica reports when it ends, and the calls the server saw
 * counted per window of the limiter.
 */

/** What a replica process reports when it ends. */
export interface Outcome {
  readonly completed: number
  readonly failed: ReadonlyArray<string>
  /** What the replica logged. */
  readonly logs: ReadonlyArray<string>
}

/**
 * How many calls arrived in each window. The limiter's windows start when its first token is taken,
 * which the server cannot see, and the first window's calls leave while the replicas are busiest:
 * so windows are told apart by the silence between them (more than half a window without a call),
 * not by the clock since the first arrival.
 */
export const perWindow = (instants: ReadonlyArray<number>, windowMillis: number): ReadonlyArray<number> => {
  const sorted = [...instants].sort((a, b) => a - b)
  const counts: Array<number> = []
  sorted.forEach((at, i) => {
    if (i === 0 || at - sorted[i - 1]! > windowMillis / 2) counts.push(0)
    counts[counts.length - 1]! += 1
  })
  return counts
}

/** The calls the fleet completed, all replicas together. */
export const sumCompleted = (outcomes: ReadonlyArray<Outcome>): number => outcomes.reduce((sum, o) => sum + o.completed, 0)
