/**
 * When a limit can be kept by the host's timer instead of a fiber. A fiber sleeping on the clock
 * costs a fiber per call (per attempt, per turn); a host timer costs a handle. Only Effect's own
 * live clock sleeps on the host's timers: a `TestClock`, or a clock of the user's making, moves only
 * when the program moves it, so under those a limit must sleep on the clock itself.
 */
import * as Clock from "effect/Clock"

/** Node's timers fire at once for delays past this (2^31 - 1 ms, about 24.8 days). */
export const MAX_TIMER_MILLIS = 2_147_483_647

// Every instance of Effect's own live clock shares this prototype.
const liveClockPrototype: unknown = Object.getPrototypeOf(Clock.make())

/** Whether `clock` is Effect's live clock, whose time the host's timers keep. */
export const sleepsOnHostTimers = (clock: Clock.Clock): boolean => Object.getPrototypeOf(clock) === liveClockPrototype
