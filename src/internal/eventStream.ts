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
 *
 * Just over 300 lines and one concept: one turn's reading, its consumer's step and its watchdog,
 * which share the turn's state; the limits' arithmetic is `core/turnLimits.ts`.
 */
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type * as Chunk from "effect/Chunk"
import * as ChunkNs from "effect/Chunk"
import type * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"
import type * as Scope from "effect/Scope"
import type * as Tracer from "effect/Tracer"
import type { ChatEvent } from "../ChatEvent.js"
import { hasLimit, isEventStream, limitDue } from "../core/turnLimits.js"
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

/** One read of the turn: a chunk of events, or its end (`None`) or failure (`Some`). */
type Read = Exit.Exit<Chunk.Chunk<ChatEvent>, Option.Option<LlamaCloudError>>

/** The end of the events, as `Stream.repeatEffectChunkOption` reads it. */
const done = Effect.fail(Option.none())

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
    const pull = yield* Stream.toPull(response.stream)
    // The reading fiber's hand-over: one read waits in it while the consumer handles the previous
    // one, so a consumer that stops asking stops the reading of the body.
    const handoff = yield* Queue.bounded<Read>(1)
    const turn = new Turn(options, pull, handoff)
    turn.limits = yield* watchdog(options, turn.reader.count, handoff)
    yield* Effect.forkScoped(turn.produce)
    yield* Effect.addFinalizer(() => Effect.sync(() => turn.recordEnding()))
    return Stream.repeatEffectChunkOption(turn.next)
  })

/**
 * One turn's reading: its state and the steps of the reading fiber (`produce`) and of the consumer
 * (`next`). A class rather than closures over the turn's variables: a held turn keeps one object
 * with its methods on the prototype instead of a closure per step.
 */
class Turn {
  readonly reader = makeEventReader()
  limits: Limits | undefined = undefined
  /** Reads handed over and not yet taken (one in the queue, one more waiting to enter it). */
  ahead = 0
  stopped = false
  seenFirst = false
  ending: Ending = "cancelled"
  // A bad event may share its chunk with good ones before it: those are delivered first, and the
  // failure is raised on the next read (unless one of them was the turn's `Stop`).
  bad: EventFailure | undefined = undefined
  /**
   * Reads body chunks until one completes an event: chunks that complete none (keep-alives, a piece
   * of an event) do not end the consumer's wait, so the idle limit keeps counting through them.
   */
  readonly readEvents: Effect.Effect<Chunk.Chunk<ChatEvent>, Option.Option<LlamaCloudError>>
  /** The reading fiber: reads until the turn ends or fails, handing over each read. */
  readonly produce: Effect.Effect<void>
  /** A read as the consumer gets it (`Stream.repeatEffectChunkOption`'s pull). */
  readonly next: Effect.Effect<Chunk.Chunk<ChatEvent>, Option.Option<LlamaCloudError>>

  constructor(
    readonly options: TurnOptions,
    pull: Effect.Effect<Chunk.Chunk<Uint8Array>, Option.Option<HttpClientError.ResponseError>>,
    readonly handoff: Queue.Queue<Read>
  ) {
    this.readEvents = Effect.matchEffect(pull, {
      onFailure: (error) => this.broke(error),
      onSuccess: (chunks) => this.arrived(chunks)
    })
    this.produce = Effect.suspend(() => this.readNext())
    this.next = Effect.suspend(() => this.take())
  }

  /** Where the events end once the body has: the turn's `Stop`, a bad event, or a cut. */
  end(): Effect.Effect<never, Option.Option<LlamaCloudError>> {
    const { contentType, facts, scrub, status } = this.options
    const count = this.reader.count()
    if (this.stopped) return done
    if (this.bad !== undefined) return failed(undecodableEvent(facts, status, scrub, this.bad))
    if (count === 0 && !isEventStream(contentType)) return failed(notEventStream(facts, status, scrub, contentType))
    return failed(endedBeforeStop(facts, count))
  }

  /** What the span records of the turn's `Stop`: how it ended and its usage. */
  observeStop(event: Extract<ChatEvent, { readonly _tag: "Stop" }>): void {
    this.stopped = true
    this.ending = event.isError ? "error_stop" : "stop"
    const span = this.options.span
    if (span === undefined) return
    span.attribute("llamacloud.turn.is_error", event.isError)
    Option.map(event.usage.totalInputTokens, (n) => span.attribute("gen_ai.usage.input_tokens", n))
    Option.map(event.usage.totalOutputTokens, (n) => span.attribute("gen_ai.usage.output_tokens", n))
  }

  /** The events a body chunk completes, cut after a `Stop`; a bad event is kept for the next read. */
  eventsOf(chunks: Chunk.Chunk<Uint8Array>): Array<ChatEvent> {
    let events: Array<ChatEvent> | undefined
    for (const bytes of chunks) {
      const pushed = this.reader.push(bytes)
      const batch = Either.isRight(pushed) ? pushed.right : pushed.left.preceding
      if (Either.isLeft(pushed)) this.bad = pushed.left
      for (let i = 0; i < batch.length; i++) {
        if (batch[i]!._tag !== "Stop") continue
        this.observeStop(batch[i] as Extract<ChatEvent, { readonly _tag: "Stop" }>)
        const upToStop = batch.slice(0, i + 1)
        return events === undefined ? upToStop : events.concat(upToStop)
      }
      if (batch.length > 0) events = events === undefined ? batch as Array<ChatEvent> : events.concat(batch)
      if (this.bad !== undefined) break
    }
    return events ?? []
  }

  broke(error: Option.Option<HttpClientError.ResponseError>): Effect.Effect<never, Option.Option<LlamaCloudError>> {
    if (Option.isNone(error)) return this.end()
    const { facts, scrub } = this.options
    // The read a limit interrupted fails with a broken body: the limit is the reason.
    return failed(
      this.limits?.expired ??
        bodyBrokeOff(error.value, facts, scrub, `the event stream (after ${this.reader.count()} events)`).error
    )
  }

  arrived(chunks: Chunk.Chunk<Uint8Array>): Effect.Effect<Chunk.Chunk<ChatEvent>, Option.Option<LlamaCloudError>> {
    const events = this.eventsOf(chunks)
    if (events.length === 0) return this.stopped || this.bad !== undefined ? this.end() : this.readEvents
    this.limits?.eventArrived()
    const { clock, span } = this.options
    if (!this.seenFirst && span !== undefined) {
      this.seenFirst = true
      if (span.status._tag === "Started") {
        span.attribute(
          "llamacloud.turn.time_to_first_event_ms",
          Number(clock.unsafeCurrentTimeNanos() - span.status.startTime) / 1e6
        )
      }
    }
    return Effect.succeed(ChunkNs.unsafeFromArray(events))
  }

  handOver(read: Read): Effect.Effect<boolean> {
    this.ahead++
    return Queue.offer(this.handoff, read)
  }

  readNext(): Effect.Effect<void> {
    if (this.stopped || this.bad !== undefined) {
      return Effect.flatMap(Effect.exit(this.end()), (read) => this.handOver(read))
    }
    return Effect.flatMap(
      Effect.exit(this.readEvents),
      (read) => Effect.zipRight(this.handOver(read), Exit.isSuccess(read) ? this.produce : Effect.void)
    )
  }

  /** A read as the consumer gets it; any failure but the end after the `Stop` fails the turn. */
  delivered(read: Read): Read {
    if (Exit.isFailure(read) && !this.stopped) this.ending = "failed"
    return read
  }

  take(): Effect.Effect<Chunk.Chunk<ChatEvent>, Option.Option<LlamaCloudError>> {
    const expired = this.limits?.expired
    if (expired !== undefined) return this.delivered(Exit.fail(Option.some(expired)))
    // The consumer waits for the server only when no read is waiting for it.
    if (this.ahead === 0) this.limits?.waiting()
    return Effect.flatMap(Queue.take(this.handoff), (read) => {
      if (this.ahead > 0) this.ahead--
      return this.delivered(read)
    })
  }

  recordEnding(): void {
    const span = this.options.span
    if (span === undefined) return
    span.attribute("llamacloud.turn.events", this.reader.count())
    span.attribute("llamacloud.turn.ended", this.ending)
  }
}

const failed = (error: LlamaCloudError) => Effect.fail(Option.some(error))

/**
 * The idle limit and the total deadline, kept by one fiber per turn sleeping on the call's clock
 * (the `TestClock` in tests, so they test this very code) rather than a timer per read. Idle time
 * is time spent waiting for the server while the consumer waits for an event: a consumer that takes
 * its time between reads does not make the turn idle. When a limit passes, the watchdog aborts the
 * request, which normally fails the read in progress, and hands the limit's error to the consumer
 * itself, which ends the turn even where a transport leaves that read pending after the abort
 * (Node 20's fetch does, on a body mislabelled as compressed).
 */
const watchdog = (options: TurnOptions, count: () => number, handoff: Queue.Enqueue<Read>) =>
  Effect.suspend(() => {
    const idleMillis = Duration.toMillis(options.idle)
    const deadline = Option.match(options.deadline, { onNone: () => Number.POSITIVE_INFINITY, onSome: (d) => d.at })
    if (!hasLimit(idleMillis, deadline)) return Effect.succeed(undefined)
    const limits = new Limits(options, idleMillis, deadline, count, handoff)
    return Effect.as(Effect.forkScoped(limits.watch), limits)
  })

/** The state of a turn's limits, and the watchdog's steps. */
class Limits {
  /** When the consumer began waiting for the server, if it waits. */
  waitingSince: number | undefined = undefined
  /** The limit that has passed, once one has. */
  expired: LlamaCloudError | undefined = undefined
  readonly watch: Effect.Effect<unknown>

  constructor(
    readonly options: TurnOptions,
    readonly idleMillis: number,
    readonly deadline: number,
    readonly count: () => number,
    readonly handoff: Queue.Enqueue<Read>
  ) {
    this.watch = Effect.flatMap(options.clock.currentTimeMillis, (now) => this.check(now))
  }

  /** The consumer asks for events: its wait counts from now, unless it already waits. */
  waiting(): void {
    this.waitingSince ??= this.options.clock.unsafeCurrentTimeMillis()
  }

  eventArrived(): void {
    this.waitingSince = undefined
  }

  /** What is due at `now`: the limit that has passed, or when to look again. */
  due(now: number): LlamaCloudError | number {
    const { deadline, facts, idle } = this.options
    const due = limitDue(now, this.waitingSince, this.idleMillis, this.deadline)
    if (due === "deadline") return turnDeadlineExceeded(facts, Option.map(deadline, (d) => d.total), this.count())
    if (due === "idle") return idleTimeout(facts, idle, this.count())
    return due
  }

  check(now: number): Effect.Effect<unknown> {
    const next = this.due(now)
    return typeof next === "number"
      ? Effect.zipRight(this.options.clock.sleep(Duration.millis(next - now)), this.watch)
      : this.expire(next)
  }

  // A consumer waiting on the empty queue gets the error now; one with a read waiting for it finds
  // the error when it asks next (see `Turn.take`), and this offer waits until the turn's scope closes.
  expire(error: LlamaCloudError): Effect.Effect<unknown> {
    this.expired = error
    return Effect.zipRight(this.options.abort, Queue.offer(this.handoff, Exit.fail(Option.some(error))))
  }
}

