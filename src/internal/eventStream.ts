/**
 * A turn's events read from its response body as they arrive: parsed (`sse.ts`), ended after the
 * turn's `Stop`, and watched by the idle and total limits. Nothing here retries: once a turn's
 * answer has begun, posting it again would run the turn twice.
 */
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type * as Tracer from "effect/Tracer"
import type { ChatEvent } from "../ChatEvent.js"
import { type CallFacts, DecodeError, type LlamaCloudError, NetworkError } from "../LlamaCloudError.js"
import { detach, type Scrub } from "./redact.js"
import { type EventFailure, makeEventReader } from "./sse.js"
import { bodyBrokeOff } from "./transportFailure.js"

export interface TurnOptions {
  readonly facts: CallFacts & { readonly requestId: Option.Option<string> }
  readonly status: number
  readonly scrub: Scrub
  /** The longest wait for the next event; keep-alive comments do not reset it. */
  readonly idle: Duration.Duration
  /** When the whole call must have ended, in the clock's milliseconds, and the total it was set from. */
  readonly deadline: Option.Option<{ readonly at: number; readonly total: Duration.Duration }>
  /** The response's content type: a 200 that is not an event stream is told apart from a cut one. */
  readonly contentType: string | undefined
  readonly span: Tracer.Span | undefined
  /** Aborts the request (closes its scope): how a limit stops a read in progress. */
  readonly abort: Effect.Effect<void>
}

/** How a turn's stream ended, for its span. */
type Ending = "stop" | "error_stop" | "failed" | "cancelled"

/**
 * The events of one turn, ending after its `Stop`. What follows a `Stop` is never read: the stream
 * ends, and closing the request's scope (the caller's finalizer) discards it with the socket.
 */
export const readTurn = (
  response: HttpClientResponse.HttpClientResponse,
  options: TurnOptions
): Stream.Stream<ChatEvent, LlamaCloudError> =>
  Stream.suspend(() => {
    const reader = makeEventReader()
    const { facts, scrub, span } = options
    let stopped = false
    let seenFirst = false
    let ending: Ending = "cancelled"

    const badEvent = (failure: EventFailure): LlamaCloudError =>
      new DecodeError({
        ...facts,
        status: options.status,
        problem: detach(scrub(failure.problem)),
        bodyExcerpt: detach(scrub(failure.excerpt).slice(0, 200)),
        requestId: facts.requestId
      })

    // A bad event may share its chunk with good ones before it: those are emitted, then the failure
    // is raised where the stream would otherwise end (unless one of them was the turn's `Stop`).
    let bad: EventFailure | undefined
    const batches = response.stream.pipe(
      Stream.mapError((error): LlamaCloudError =>
        bodyBrokeOff(error, facts, scrub, `the event stream (after ${reader.count()} events)`).error
      ),
      Stream.map((chunk) => reader.push(chunk)),
      Stream.takeUntil(Either.isLeft),
      Stream.map(Either.getOrElse((failure) => {
        bad = failure
        return failure.preceding
      })),
      // Chunks that complete no event (keep-alives, a piece of an event) do not reach the idle
      // limit below: only an event ends its wait.
      Stream.filter((events) => events.length > 0 || bad !== undefined)
    )

    const limited = withLimits(batches, options, reader.count)

    /** What the span records of each event: when the first came, how the turn ended, its usage. */
    const observe = (event: ChatEvent): Effect.Effect<void> => {
      if (event._tag === "Stop") {
        stopped = true
        ending = event.isError ? "error_stop" : "stop"
        if (span !== undefined) {
          span.attribute("llamacloud.turn.is_error", event.isError)
          Option.map(event.usage.totalInputTokens, (n) => span.attribute("gen_ai.usage.input_tokens", n))
          Option.map(event.usage.totalOutputTokens, (n) => span.attribute("gen_ai.usage.output_tokens", n))
        }
      }
      if (span === undefined || seenFirst || span.status._tag !== "Started") return Effect.void
      seenFirst = true
      const started = span.status.startTime
      return Effect.map(Clock.currentTimeNanos, (now) => {
        span.attribute("llamacloud.turn.time_to_first_event_ms", Number(now - started) / 1e6)
      })
    }

    const events = limited.pipe(
      Stream.flattenIterables,
      Stream.takeUntil((event) => event._tag === "Stop"),
      Stream.tap(observe)
    )

    const ended = Stream.concat(
      events,
      Stream.suspend(() =>
        stopped ? Stream.empty : Stream.fail(
          bad !== undefined ? badEvent(bad) : reader.count() === 0 && !isEventStream(options.contentType)
            ? notAnEventStream(options.contentType)
            : endedBeforeStop(facts, reader.count())
        )
      )
    )

    // A proxy's sign-in page, a JSON body or nothing at all: the server answered, not with a turn.
    const notAnEventStream = (contentType: string | undefined): LlamaCloudError =>
      new DecodeError({
        ...facts,
        status: options.status,
        problem: `the answer is not an event stream (content type ${contentType === undefined ? "none" : JSON.stringify(scrub(contentType).slice(0, 100))}) and holds no event`,
        bodyExcerpt: "",
        requestId: facts.requestId
      })

    return ended.pipe(
      Stream.tapError(() =>
        Effect.sync(() => {
          ending = "failed"
        })
      ),
      Stream.ensuring(Effect.sync(() => {
        if (span === undefined) return
        span.attribute("llamacloud.turn.events", reader.count())
        span.attribute("llamacloud.turn.ended", ending)
      }))
    )
  })

/**
 * The idle limit and the total deadline, kept by one watchdog fiber per turn rather than a timer per
 * read. Idle time is time spent waiting for the server while the consumer waits for an event: a
 * consumer that takes its time between reads does not make the turn idle. When a limit passes, the
 * watchdog aborts the request; the read it interrupts then fails with the limit's error.
 */
const withLimits = <A>(
  batches: Stream.Stream<A, LlamaCloudError>,
  options: TurnOptions,
  count: () => number
): Stream.Stream<A, LlamaCloudError> => {
  const idleMillis = Duration.toMillis(options.idle)
  if (!Number.isFinite(idleMillis) && Option.isNone(options.deadline)) return batches
  return Stream.unwrapScoped(Effect.gen(function*() {
    const pull = yield* Stream.toPull(batches)
    let waitingSince: number | undefined
    let expired: LlamaCloudError | undefined

    const idleError = () =>
      new NetworkError({
        ...options.facts,
        reason: "IdleTimeout",
        detail: `no event for ${Duration.format(options.idle)}, after ${count()} events`,
        timeout: Option.some(options.idle)
      })
    const deadlineError = () =>
      new NetworkError({
        ...options.facts,
        reason: "DeadlineExceeded",
        detail: `the turn did not end by its deadline, after ${count()} events`,
        timeout: Option.map(options.deadline, (deadline) => deadline.total)
      })

    // Aborting frees the socket and normally fails the read in progress; the deferred also ends the
    // stream when a transport leaves that read pending after the abort (Node 20's fetch does, on a
    // body mislabelled as compressed).
    const limit = yield* Deferred.make<never, LlamaCloudError>()
    const expire = (error: LlamaCloudError) => Effect.zipRight(options.abort, Deferred.fail(limit, error))
    const watch: Effect.Effect<unknown> = Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const idleDue = waitingSince === undefined ? now + idleMillis : waitingSince + idleMillis
      const deadline = Option.match(options.deadline, { onNone: () => Number.POSITIVE_INFINITY, onSome: (d) => d.at })
      if (now >= deadline) {
        expired = deadlineError()
        return expire(expired)
      }
      if (waitingSince !== undefined && now >= idleDue) {
        expired = idleError()
        return expire(expired)
      }
      return Effect.zipRight(Effect.sleep(Duration.millis(Math.min(idleDue, deadline) - now)), Effect.suspend(() => watch))
    })
    yield* Effect.forkScoped(watch)

    const read = Effect.flatMap(Clock.currentTimeMillis, (now) => {
      waitingSince ??= now
      return pull.pipe(
        Effect.tap((chunk) => {
          if (chunk.length > 0) waitingSince = undefined
        }),
        // The read a limit interrupted fails with a broken body: the limit is the reason.
        Effect.mapError((error) => expired === undefined ? error : Option.some(expired))
      )
    })
    return Stream.interruptWhen(Stream.repeatEffectChunkOption(read), Deferred.await(limit))
  }))
}

/** A turn's stream that ended without its `Stop`: the connection broke, after `events` events. */
const isEventStream = (contentType: string | undefined): boolean =>
  contentType === undefined || contentType.toLowerCase().includes("event-stream")

export const endedBeforeStop = (facts: CallFacts, events: number): NetworkError =>
  new NetworkError({
    ...facts,
    reason: "ConnectionLost",
    detail: `the event stream ended after ${events} events, before the turn's stop event`,
    timeout: Option.none()
  })
