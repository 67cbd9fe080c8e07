/**
 * What the harness asks a contender's child process to do, and what the child answers: a list of
 * tasks as JSON in argv (one in a measuring run, all of a contender's in a smoke run), one line of
 * JSON results after `resultMarker` on stdout.
 */
import type { Operation } from "../fixture.js"

/** One call of the operation per call; `latencies[i]` gets the i-th call's latency in milliseconds. */
export interface Runner {
  readonly run: (calls: number, concurrency: number, latencies: Float64Array) => Promise<void>
  readonly close: () => Promise<void>
}

/** Everything a contender does before its first call: imports are done by then, this builds clients. */
export type Contender = (baseUrl: string, operation: Operation) => Promise<Runner>

export type ChildTask =
  | { readonly mode: "cold"; readonly baseUrl: string }
  | {
    readonly mode: "throughput"
    readonly baseUrl: string
    readonly operation: Operation
    readonly warmupCalls: number
    readonly sequentialCalls: number
    readonly concurrentCalls: number
    readonly concurrency: number
  }
  | {
    readonly mode: "memory"
    readonly baseUrl: string
    readonly checkpointCalls: number
    readonly totalCalls: number
    readonly concurrency: number
  }

/** One measured phase: wall clock, CPU of the client process, and the latency of each call. */
export interface PhaseFigures {
  readonly calls: number
  readonly wallMs: number
  readonly callsPerSec: number
  readonly cpuUsPerCall: number
  readonly p50Ms: number
  readonly p99Ms: number
}

/** Milliseconds since the process started (`performance.timeOrigin`). */
export interface ColdFigures {
  readonly importedMs: number
  readonly readyMs: number
  readonly firstCreateMs: number
}

export interface MemoryReading {
  readonly heapUsedBytes: number
  readonly rssBytes: number
}

export interface MemoryFigures {
  readonly start: MemoryReading
  readonly atCheckpoint: MemoryReading
  readonly atEnd: MemoryReading
  readonly checkpointCalls: number
  readonly totalCalls: number
}

export type ChildResult =
  | { readonly mode: "cold"; readonly cold: ColdFigures }
  | { readonly mode: "throughput"; readonly sequential: PhaseFigures; readonly concurrent: PhaseFigures }
  | { readonly mode: "memory"; readonly memory: MemoryFigures }
