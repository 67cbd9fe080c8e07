/**
 * A streamed turn's two limits as plain arithmetic, shared by both editions' readers. The idle limit
 * counts only while the consumer waits for the server (a consumer taking its time between reads does
 * not make the turn idle); the total deadline counts from the call's start. Each edition's watchdog
 * sleeps on its own `Clock` until the instant this names, and builds the limit's error.
 */

/** What is due at an instant: a limit that has passed, or the instant to look again. */
export type LimitDue = "deadline" | "idle" | number

/**
 * What is due at `now` for a turn whose consumer has waited since `waitingSince` (`undefined`: it is
 * not waiting), with the idle limit `idleMillis` and the deadline at `deadline` (either may be
 * `Infinity`). The deadline wins when both have passed: it is the call's own limit.
 */
export const limitDue = (
  now: number,
  waitingSince: number | undefined,
  idleMillis: number,
  deadline: number
): LimitDue => {
  if (now >= deadline) return "deadline"
  const idleDue = (waitingSince ?? now) + idleMillis
  if (waitingSince !== undefined && now >= idleDue) return "idle"
  return Math.min(idleDue, deadline)
}

/** Whether a turn has a limit at all: with neither, no watchdog is needed. */
export const hasLimit = (idleMillis: number, deadline: number): boolean =>
  Number.isFinite(idleMillis) || Number.isFinite(deadline)

/**
 * Whether a response's content type admits an event stream (an absent one does): a 200 that ends
 * before any event is a cut turn when it does, and an answer that is not a turn when it does not.
 */
export const isEventStream = (contentType: string | undefined): boolean =>
  contentType === undefined || contentType.toLowerCase().includes("event-stream")
