/** Small helpers the suites share. */

export const log = (message: string): void => {
  process.stderr.write(`[bench] ${message}\n`)
}

export const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** Round-robin, starting one further each time, so no contender always runs first or last. */
export const rotate = <A>(items: ReadonlyArray<A>, by: number): ReadonlyArray<A> =>
  items.length === 0 ? items : [...items.slice(by % items.length), ...items.slice(0, by % items.length)]

/** Seconds since the last lap, as text. */
export const stopwatch = () => {
  let start = performance.now()
  return () => {
    const seconds = (performance.now() - start) / 1000
    start = performance.now()
    return `${seconds.toFixed(1)} s`
  }
}

/** Runs `work` over `items`, `parallel` at a time (the smoke run only: measuring runs go one by one). */
export const forEachParallel = async <A>(
  items: ReadonlyArray<A>,
  parallel: number,
  work: (item: A) => Promise<void>
): Promise<void> => {
  let next = 0
  const worker = async () => {
    while (next < items.length) await work(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, items.length)) }, worker))
}

/** Errors a contender gathered; a failure becomes an error line, not the end of the run. */
export class Attempts {
  readonly errors: Array<string> = []
  constructor(readonly name: string) {}

  async attempt<A>(what: string, run: () => Promise<A>): Promise<A | undefined> {
    try {
      return await run()
    } catch (error) {
      this.errors.push(`${what}: ${describe(error)}`)
      log(`${this.name} failed (${what}): ${describe(error)}`)
      return undefined
    }
  }
}
