/**
 * Turns in `InMemoryChat`: which answer a turn gets (the model's agent, or a scripted one), and its
 * events streamed one at a time, ending after the turn's `Stop` and failing where the real client's
 * stream fails (an event that does not decode, a stream that ends before its `Stop`, a scripted cut).
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"
import * as ChatEvent from "../../ChatEvent.js"
import * as Scripts from "../../core/inMemoryChat/scripts.js"
import { endedBeforeStop } from "../../internal/failure.js"
import { show } from "../../core/show.js"
import { eventProblem } from "../../internal/sse.js"
import { type CallFacts, DecodeError, type LlamaCloudError } from "../../LlamaCloudError.js"
import * as ChatModel from "../ChatModel.js"
import type { WireEvent } from "../MockTransport.js"

/**
 * An event of a turn: a `ChatEvent`, or a wire object as the server would send it
 * (`{ type: "text_delta", content: "…" }`), decoded as the real client decodes it: an unknown
 * `type` is an `UnknownEvent`, a malformed event fails the turn with `DecodeError`.
 *
 * @since 0.2.0
 * @category models
 */
export type TurnItem = ChatEvent.ChatEvent | WireEvent

/**
 * Where a turn breaks off: once `after` events were emitted, with `error`.
 *
 * @since 0.2.0
 * @category models
 */
export interface Cut {
  readonly after: number
  readonly error: LlamaCloudError
}

/**
 * What a scripted turn does.
 *
 * @since 0.2.0
 * @category models
 */
export interface TurnScript {
  /**
   * The events to emit; the agent's answer when absent. The turn ends after its first `Stop`; a
   * turn without one fails as the real stream does, with `NetworkError` (`ConnectionLost`).
   */
  readonly events?: ReadonlyArray<TurnItem> | undefined
  /** Fail with `error` once `after` events were emitted (unless the turn's `Stop` came first). */
  readonly failAfter?: Cut | undefined
}

/**
 * A turn the model accepted: what to emit, where to break off, and the agent's turn to record once
 * the stream ends.
 *
 * @since 0.2.0
 * @category models
 */
export interface Started {
  readonly events: ReadonlyArray<TurnItem>
  readonly cut: Cut | undefined
  readonly recorded: ChatModel.Turn | undefined
}

/**
 * Starts a turn on the model with the next script, if any, and returns the scripts left (see
 * `core/inMemoryChat/scripts.ts`): the model's verdict as this Effect line's value.
 *
 * @since 0.2.0
 * @category turns
 */
export const start = (
  state: ChatModel.State,
  scripts: ReadonlyArray<TurnScript>,
  request: ChatModel.TurnRequest
): readonly [Result.Result<Started, ChatModel.Problem>, ChatModel.State, ReadonlyArray<TurnScript>] => {
  const [started, next, rest] = Scripts.startTurn(state, scripts, request)
  return [started.ok ? Result.succeed(started.value) : Result.fail(started.problem), next, rest]
}

/** The item at `position` (1-based) as a `ChatEvent`, or the `DecodeError` the real stream fails with. */
const decodeItem = (item: TurnItem, position: number, facts: CallFacts): Result.Result<ChatEvent.ChatEvent, DecodeError> =>
  item._tag !== undefined ? Result.succeed(item) : Result.mapError(ChatEvent.decode(item), (problem) =>
    new DecodeError({
      ...facts,
      status: 200,
      problem: eventProblem(position, problem),
      bodyExcerpt: show(item, 200),
      requestId: Option.none()
    }))

/**
 * The events of one turn, emitted one by one as they are pulled. The stream ends after the first
 * `Stop`; without one it fails as a lost connection, or with the cut's error once `cut.after`
 * events were emitted.
 *
 * @since 0.2.0
 * @category turns
 */
export const turnEvents = (
  items: ReadonlyArray<TurnItem>,
  facts: CallFacts,
  cut: Cut | undefined
): Stream.Stream<ChatEvent.ChatEvent, LlamaCloudError> =>
  Stream.suspend(() => {
    let emitted = 0
    let stopped = false
    const all = Stream.fromIterable(items).pipe(Stream.rechunk(1))
    const events = (cut === undefined ? all : Stream.take(all, Math.max(0, cut.after))).pipe(
      Stream.mapEffect((item) => Effect.fromResult(decodeItem(item, emitted + 1, facts))),
      Stream.tap((event) =>
        Effect.sync(() => {
          emitted++
          if (event._tag === "Stop") stopped = true
        })
      ),
      Stream.takeUntil((event) => event._tag === "Stop")
    )
    const ending = Stream.suspend(() =>
      stopped ? Stream.empty : Stream.fail(cut !== undefined && emitted >= cut.after ? cut.error : endedBeforeStop(facts, emitted))
    )
    return Stream.concat(events, ending)
  })
