/**
 * A turn's events read from its response body as they arrive: parsed (`sse.ts`), ended after the
 * turn's `Stop`, and watched by the idle and total limits. Nothing here retries: once a turn's
 * answer has begun, posting it again would run the turn twice.
 *
 * The body is read by one fiber per turn, which turns each body chunk into one chunk of events and
 * hands it over through a one-place `Queue` (at most one read ahead of the consumer), rather than
 * through a chain of stream operators: every operator an event passes through costs per event
 * (`Stream.tap` even re-chunks the stream one event at a time), and a turn is tens of thousands of
 * events. Reading in a fiber of its own is also what lets a limit end a read the transport leaves
 * pending (see `watchdog`) without racing every read, which forks fibers per chunk.
 */
import * as Arr from "effect/Array"
import * as Cause from "effect/Cause"
import type * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Option from "effect/Option"
import type * as Pull from "effect/Pull"
import * as Queue from "effect/Queue"
import * as Result from "effect/Result"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as Tracer from "effect/Tracer"
import type { ChatEvent } from "../ChatEvent.js"
import type { LlamaCloudError } from "../LlamaCloudError.js"
import type { Scrub } from "./redact.js"
import { type EventFailure, makeEventReader } from "./sse.js"
import {
  bodyBrokeOff,
  endedBeforeStop,
  type Facts,
  idleTimeout,
  notEventStream,
  turnDeadlineExceeded,
  undecodableEvent
} from "./failure.js"

export interface TurnOptions {
  readonly facts: Facts
  readonly status: number
  readonly scrub: Scrub
  /** The longest wait for the next event; keep-alive comments do not reset it. */
  readonly idle: Duration.Duration
  /** When the whole call must have ended, in the clock's milliseconds, and the total it was set from. */
  readonly deadline: Option.Option<{ readonly at: number; readonly total: Duration.Duration }>
  /** The response's content type: a 200 that is not an event stream is told apart from a cut one. */
  readonly contentType: string | undefined
  readonly span: Tracer.Span | undefined
  /** The call's clock (TestClock in tests): dates the first event and keeps the limits. */
  readonly clock: Clock.Clock
  /** Aborts the request (closes its scope): how a limit stops a read in progress. */
  readonly abort: Effect.Effect<void>
}

/** How a turn's stream ended, for its span. */
type Ending = "stop" | "error_stop" | "failed" | "cancelled"

/** One read of the turn: a chunk of events, or its end (`Cause.Done`) or failure. */
type Read = Exit.Exit<Arr.NonEmptyReadonlyArray<ChatEvent>, LlamaCloudError | Cause.Done>

/** The end of the events, as `Stream.fromPull` reads it. */
const done = Cause.done()

/**
 * The most bytes handed to the reader at once. Node's readable hands over everything it buffered
 * since the last read as one buffer, which grows while the consumer works through the previous read
 * (the reading fiber waits on the hand-over meanwhile); decoded whole, a buffer that large makes one
 * string of V8's large-object size, and its events cost several times more to read (measured in
 * docs/performance.md, "The Effect 4 turn's plumbing"). A piece is a view: cutting copies nothing.
 */
export const MAX_PIECE_BYTES = 32 * 1024

/**
 * The events of one turn, ending after its `Stop`, read under the caller's scope (the request
 * stream's, which saves every chunk a stream layer). What follows a `Stop` is never read: the
 * stream ends, and closing the request's scope (the caller's finalizer) discards it with the socket.
 */
export const readTurn = (
  response: HttpClientResponse.HttpClientResponse,
  options: TurnOptions
): Effect.Effect<Stream.Stream<ChatEvent, LlamaCloudError>, never, Scope.Scope> =>
  Effect.gen(function*() {
    const { clock, facts, scrub, span } = options
    const reader = makeEventReader()
    const pull = yield* Stream.toPull(response.stream)
    // The reading fiber's hand-over: one read waits in it while the consumer handles the previous
    // one, so a consumer that stops asking stops the reading of the body.
    const handoff = yield* Queue.bounded<Read>(1)
    // Reads handed over and not yet taken (one in the queue, one more waiting to enter it).
    let ahead = 0
    const limits = yield* watchdog(options, reader.count, handoff)
    let stopped = false
    let seenFirst = false
    let ending: Ending = "cancelled"
    // A bad event may share its chunk with good ones before it: those are delivered first, and the
    // failure is raised on the next read (unless one of them was the turn's `Stop`).
    let bad: EventFailure | undefined

    const failed = (error: LlamaCloudError) => Effect.fail(error)

    /** Where the events end once the body has: the turn's `Stop`, a bad event, or a cut. */
    const end = (): Effect.Effect<never, LlamaCloudError | Cause.Done> => {
      if (stopped) return done
      if (bad !== undefined) return failed(badEvent(bad))
      if (reader.count() === 0 && !isEventStream(options.contentType)) return failed(notAnEventStream())
      return failed(endedBeforeStop(facts, reader.count()))
    }

    const badEvent = (failure: EventFailure): LlamaCloudError => undecodableEvent(facts, options.status, scrub, failure)
    const notAnEventStream = (): LlamaCloudError =>
      notEventStream(facts, options.status, scrub, options.contentType)

    /** What the span records of the turn's `Stop`: how it ended and its usage. */
    const observeStop = (event: Extract<ChatEvent, { readonly _tag: "Stop" }>) => {
      stopped = true
      ending = event.isError ? "error_stop" : "stop"
      if (span === undefined) return
      span.attribute("llamacloud.turn.is_error", event.isError)
      Option.map(event.usage.totalInputTokens, (n) => span.attribute("gen_ai.usage.input_tokens", n))
      Option.map(event.usage.totalOutputTokens, (n) => span.attribute("gen_ai.usage.output_tokens", n))
    }

    /** The events a body chunk completes, cut after a `Stop`; a bad event is kept for the next read. */
    const eventsOf = (chunks: Arr.NonEmptyReadonlyArray<Uint8Array>): Array<ChatEvent> => {
      let events: Array<ChatEvent> | undefined
      for (const chunk of chunks) {
        for (let start = 0; start < chunk.length; start += MAX_PIECE_BYTES) {
          const pushed = reader.push(
            chunk.length <= MAX_PIECE_BYTES ? chunk : chunk.subarray(start, start + MAX_PIECE_BYTES)
          )
          const batch = Result.isSuccess(pushed) ? pushed.success : pushed.failure.preceding
          if (Result.isFailure(pushed)) bad = pushed.failure
          for (let i = 0; i < batch.length; i++) {
            if (batch[i]!._tag !== "Stop") continue
            observeStop(batch[i] as Extract<ChatEvent, { readonly _tag: "Stop" }>)
            const upToStop = batch.slice(0, i + 1)
            return events === undefined ? upToStop : events.concat(upToStop)
          }
          if (batch.length > 0) events = events === undefined ? batch as Array<ChatEvent> : events.concat(batch)
          if (bad !== undefined) return events ?? []
        }
      }
      return events ?? []
    }

    const broke = (error: HttpClientError.HttpClientError | Cause.Done) =>
      Cause.isDone(error) ? end() : failed(
        // The read a limit interrupted fails with a broken body: the limit is the reason.
        limits?.expired() ?? bodyBrokeOff(error, facts, scrub, `the event stream (after ${reader.count()} events)`).error
      )

    // Reads body chunks until one completes an event: chunks that complete none (keep-alives, a piece
    // of an event) do not end the consumer's wait, so the idle limit keeps counting through them.
    const readEvents: Effect.Effect<Arr.NonEmptyReadonlyArray<ChatEvent>, LlamaCloudError | Cause.Done> = Effect.matchEffect(pull, {
      onFailure: broke,
      onSuccess: (chunks) => {
        const events = eventsOf(chunks)
        if (!Arr.isArrayNonEmpty(events)) return stopped || bad !== undefined ? end() : readEvents
        limits?.eventArrived()
        if (!seenFirst && span !== undefined) {
          seenFirst = true
          if (span.status._tag === "Started") {
            span.attribute(
              "llamacloud.turn.time_to_first_event_ms",
              Number(clock.currentTimeNanosUnsafe() - span.status.startTime) / 1e6
            )
          }
        }
        return Effect.succeed(events)
      }
    })

    const handOver = (read: Read) =>
      Effect.suspend(() => {
        ahead++
        return Queue.offer(handoff, read)
      })

    // The reading fiber: reads until the turn ends or fails, handing over each read.
    const produce: Effect.Effect<void> = Effect.suspend(() => {
      if (stopped || bad !== undefined) return Effect.flatMap(Effect.exit(end()), handOver)
      return Effect.flatMap(
        Effect.exit(readEvents),
        (read) => Effect.andThen(handOver(read), Exit.isSuccess(read) ? produce : Effect.void)
      )
    })
    yield* Effect.forkScoped(produce)

    /** A read as the consumer gets it; any failure but the end after the `Stop` fails the turn. */
    const delivered = (read: Read): Read => {
      if (Exit.isFailure(read) && !stopped) ending = "failed"
      return read
    }
    const next: Pull.Pull<Arr.NonEmptyReadonlyArray<ChatEvent>, LlamaCloudError> = Effect.suspend(() => {
      const expired = limits?.expired()
      if (expired !== undefined) return delivered(Exit.fail(expired))
      // The consumer waits for the server only when no read is waiting for it.
      if (ahead === 0) limits?.waiting()
      return Effect.flatMap(Queue.take(handoff), (read) => {
        if (ahead > 0) ahead--
        return delivered(read)
      })
    })

    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        if (span === undefined) return
        span.attribute("llamacloud.turn.events", reader.count())
        span.attribute("llamacloud.turn.ended", ending)
      })
    )
    return Stream.fromPull(Effect.succeed(next))
  })

/**
 * The idle limit and the total deadline, kept by one fiber per turn sleeping on the call's clock
 * (the `TestClock` in tests, so they test this very code) rather than a timer per read. Idle time
 * is time spent waiting for the server while the consumer waits for an event: a consumer that takes
 * its time between reads does not make the turn idle. When a limit passes, the watchdog aborts the
 * request, which normally fails the read in progress, and hands the limit's error to the consumer
 * itself, which ends the turn even where a transport leaves that read pending after the abort
 * (Node 20's fetch does, on a body mislabelled as compressed).
 */
const watchdog = (options: TurnOptions, count: () => number, handoff: Queue.Queue<Read>) =>
  Effect.gen(function*() {
    const { clock } = options
    const idleMillis = Duration.toMillis(options.idle)
    const deadline = Option.match(options.deadline, { onNone: () => Number.POSITIVE_INFINITY, onSome: (d) => d.at })
    if (!Number.isFinite(idleMillis) && !Number.isFinite(deadline)) return undefined
    let waitingSince: number | undefined
    let expired: LlamaCloudError | undefined

    const idleError = () => idleTimeout(options.facts, options.idle, count())
    const deadlineError = () =>
      turnDeadlineExceeded(options.facts, Option.map(options.deadline, (deadline) => deadline.total), count())

    // A consumer waiting on the empty queue gets the error now; one with a read waiting for it finds
    // the error when it asks next (see `next`), and this offer waits until the turn's scope closes.
    const expire = (error: LlamaCloudError) =>
      Effect.andThen(
        Effect.sync(() => {
          expired = error
        }),
        Effect.andThen(options.abort, Queue.offer(handoff, Exit.fail(error)))
      )
    /** What is due at `now`: the limit that has passed, or when to look again. */
    const due = (now: number): LlamaCloudError | number => {
      if (now >= deadline) return deadlineError()
      const idleDue = (waitingSince ?? now) + idleMillis
      if (waitingSince !== undefined && now >= idleDue) return idleError()
      return Math.min(idleDue, deadline)
    }
    const watch: Effect.Effect<unknown> = Effect.flatMap(clock.currentTimeMillis, (now) => {
      const next = due(now)
      return typeof next !== "number"
        ? expire(next)
        : Effect.andThen(clock.sleep(Duration.millis(next - now)), Effect.suspend(() => watch))
    })
    yield* Effect.forkScoped(watch)

    return {
      expired: () => expired,
      /** The consumer asks for events: its wait counts from now, unless it already waits. */
      waiting: () => {
        waitingSince ??= clock.currentTimeMillisUnsafe()
      },
      eventArrived: () => {
        waitingSince = undefined
      }
    }
  })

/** A turn's stream that ended without its `Stop`: the connection broke, after `events` events. */
const isEventStream = (contentType: string | undefined): boolean =>
  contentType === undefined || contentType.toLowerCase().includes("event-stream")
