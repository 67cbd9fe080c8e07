/**
 * What the harness asks a stream contender's child process to do, and what it answers: a list of
 * tasks in argv, one line of JSON results after `resultMarker` on stdout (as for creates).
 */
import type { MemoryReading } from "../lib/protocol.js"
import type { TurnTally } from "./turns.js"

/**
 * How a consumer is told about a turn's events. Every contender's consumer does the same per event:
 * counts it and adds up the characters of `text_delta` content.
 */
export interface TurnHooks {
  /** When the turn's first event has been delivered to the consumer. */
  readonly first?: () => void
  /** Event counts (ascending) after which the consumer waits for `pause` before taking the next event. */
  readonly pauseAt?: ReadonlyArray<number>
  readonly pause?: (events: number) => Promise<void>
}

/** One contender's way of running turns. */
export interface TurnRunner {
  /**
   * `turns` turns of the session, `concurrency` at a time, the first `concurrency` of them started
   * `staggerMs` apart (so that turns of equal length do not start and end in waves). For turn `i`:
   * `firstEventMs[i]` is the time from the start of its request to its first event, `turnMs[i]` to
   * its end.
   */
  readonly run: (
    sessionId: string,
    turns: number,
    concurrency: number,
    staggerMs: number,
    firstEventMs: Float64Array,
    turnMs: Float64Array
  ) => Promise<TurnTally>
  /** One turn with hooks (memory readings). */
  readonly runOne: (sessionId: string, hooks: TurnHooks) => Promise<TurnTally>
  /** Whether events come only once the turn has ended (the official SDK). */
  readonly buffered: boolean
  readonly close: () => Promise<void>
}

/** Everything a contender does before its first turn: imports are done by then, this builds clients. */
export type StreamContender = (baseUrl: string) => Promise<TurnRunner>

export type StreamTask =
  /**
   * Turns of `events`: the process's first, measured on its own; `warmupTurns` read and not
   * measured; `steadyTurns` measured one by one (the steady state).
   */
  | { readonly mode: "turn"; readonly events: number; readonly warmupTurns: number; readonly steadyTurns: number }
  /** Paced turns: `aloneTurns` one at a time, then `concurrentTurns` at `concurrency`, staggered. */
  | {
    readonly mode: "firstEvent"
    readonly aloneTurns: number
    readonly aloneEvents: number
    readonly concurrentTurns: number
    readonly concurrentEvents: number
    readonly concurrency: number
  }
  /** One turn of `events`, heap read after `checkpoint` events and after `events - 1`. */
  | { readonly mode: "turnMemory"; readonly events: number; readonly checkpoint: number }
  /** `turns` turns held open after their first event; memory read before and while they are held. */
  | { readonly mode: "heldTurns"; readonly turns: number }

export interface TurnFigures {
  readonly events: number
  readonly textChars: number
  readonly wallMs: number
  readonly eventsPerSec: number
  readonly cpuUsPerEvent: number
}

/** Every turn's times, in milliseconds from the start of its request; the harness pools rounds. */
export interface FirstEventFigures {
  readonly turns: number
  readonly concurrency: number
  readonly eventsPerTurn: number
  readonly firstEventMs: ReadonlyArray<number>
  readonly turnMs: ReadonlyArray<number>
  readonly wallMs: number
}

export interface TurnMemoryFigures {
  readonly events: number
  readonly checkpoint: number
  readonly start: MemoryReading
  readonly atCheckpoint: MemoryReading
  /** After `events - 1` events: the turn is still open, its `stop` not yet read. */
  readonly beforeStop: MemoryReading
  readonly tally: TurnTally
}

export interface HeldFigures {
  readonly turns: number
  readonly before: MemoryReading
  readonly held: MemoryReading
  readonly tally: TurnTally
}

export type StreamResult =
  | { readonly mode: "turn"; readonly first: TurnFigures; readonly steady: ReadonlyArray<TurnFigures> }
  | {
    readonly mode: "firstEvent"
    readonly alone: FirstEventFigures
    readonly concurrent: FirstEventFigures
  }
  | { readonly mode: "turnMemory"; readonly memory: TurnMemoryFigures }
  | { readonly mode: "heldTurns"; readonly held: HeldFigures }
