/**
 * The engine every operation runs through: one request built from its description, attempts under
 * the timeout policy, failures classified, retries under the retry policy and the operation's
 * idempotency, one span per call (`span.ts`). Every HTTP detail of the project lives in `src/internal`, so a
 * move to another HTTP stack touches these modules only.
 *
 * Over 300 lines and one concept, the call: its two readings of an answer (a body, an event stream)
 * share the request, the attempt, the retry loop and the span, and read best side by side.
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Headers from "effect/http/Headers"
import * as HttpBody from "effect/http/HttpBody"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as Tracer from "effect/Tracer"
import type { ChatEvent } from "../ChatEvent.js"
import { accountKey, sharedWaitMillis } from "../core/rateLimit.js"
import type { LlamaCloudClient } from "../LlamaCloudClient.js"
import type { LlamaCloudError } from "../LlamaCloudError.js"
import { RetryPolicy } from "../RetryPolicy.js"
import { TimeoutPolicy } from "../TimeoutPolicy.js"
import { type Progress, timed } from "./attempt.js"
import { decodeBody, MAX_BODY_BYTES, MAX_ERROR_BODY_BYTES, readBody } from "./body.js"
import {
  bodyBrokeOff,
  deadlineExceeded,
  type Facts,
  factsOf,
  failure as failed,
  type Failure,
  requestIdOf,
  statusFailure,
  transportFailure
} from "./failure.js"
import { readTurn } from "./eventStream.js"
import type { Operation, StreamOperation } from "./operation.js"
import { RateLimitGate } from "./rateLimitGate.js"
import { scrubber } from "./redact.js"
import { nextWait, reasonOf } from "./retry.js"
import { serverOf, spanFor, traced, withParent } from "./span.js"
import { withManualRedirect } from "./transportSettings.js"

/** The policies a service was built with; a policy in the caller's context wins over them. */
export interface Policies {
  readonly retry: RetryPolicy.Settings
  readonly timeout: TimeoutPolicy.Settings
  readonly rateLimit: Option.Option<(typeof RateLimitGate)["Service"]>
}

/** What an attempt that reached a 2xx status hands on. */
interface Answered {
  readonly response: HttpClientResponse.HttpClientResponse
  readonly headers: Headers.Headers
  readonly requestId: Option.Option<string>
}

/**
 * Builds the engine over one authenticated client:
 * - `run` for operations answered by a JSON body or by a status alone;
 * - `stream` for operations answered by an event stream.
 */
export const makeEngine = (client: LlamaCloudClient.Service, built: Policies) => {
  // withScope hands the transport the AbortController of a scope that each attempt owns: closing
  // that scope aborts the request, so a timeout or an interruption closes the socket at once instead
  // of when the response is garbage collected.
  const http = HttpClient.withScope(client.httpClient)
  const scrub = scrubber(client.apiKey)
  const server = serverOf(client.baseUrl)
  const account = accountKey(client.baseUrl, Option.getOrUndefined(client.projectId), Redacted.value(client.apiKey))

  const policies = (context: Context.Context<never>): Policies => ({
    retry: Option.getOrElse(Context.getOption(context, RetryPolicy), () => built.retry),
    timeout: Option.getOrElse(Context.getOption(context, TimeoutPolicy), () => built.timeout),
    rateLimit: Option.orElse(Context.getOption(context, RateLimitGate), () => built.rateLimit)
  })

  /**
   * Sends the request and waits for its status: a 2xx is handed on unread, any other status is read
   * (a bounded prefix) into its error. Runs under the attempt's scope.
   */
  const exchange = (
    request: HttpClientRequest.HttpClientRequest,
    facts: Facts,
    scope: Scope.Scope,
    span: Tracer.Span | undefined,
    progress: Progress
  ): Effect.Effect<Answered, Failure> =>
    http.execute(request).pipe(
      // One update of the context for the scope and the redirect setting, which the client's own
      // settings then find in place.
      Effect.updateContext((context: Context.Context<never>) => withManualRedirect(Context.add(context, Scope.Scope, scope))),
      Effect.matchEffect({
        onFailure: (error) => Effect.fail(transportFailure(error, facts, scrub)),
        onSuccess: (response) => {
          // Each read of `headers` converts them anew on some transports: read them once.
          const headers = response.headers
          const requestId = requestIdOf(headers, scrub)
          if (span !== undefined) {
            span.attribute("http.response.status_code", response.status)
            if (Option.isSome(requestId)) span.attribute("llamacloud.request_id", requestId.value)
          }
          if (response.status >= 200 && response.status < 300) return Effect.succeed({ response, headers, requestId })
          progress.errorStatus = true
          return readErrorBody(response, headers, scope).pipe(
            // The clock (not Date.now) dates a Retry-After given as an HTTP date, so TestClock governs it too.
            Effect.zipWith(
              Clock.currentTimeMillis,
              (body, now) => statusFailure(response.status, headers, body.text, { ...facts, requestId }, scrub, now)
            ),
            Effect.flatMap(Effect.fail)
          )
        }
      })
    )

  /** The retry loop around `attempt`, with the total deadline when one is set. */
  const withRetries = <X>(
    operation: Operation<unknown> | StreamOperation,
    facts: Facts,
    context: Context.Context<never>,
    span: Tracer.Span | undefined,
    attempt: (scope: Scope.Closeable, policy: Policies) => Effect.Effect<X, Failure>,
    goneMeansDone: Option.Option<X>
  ): Effect.Effect<X, LlamaCloudError> => {
    const policy = policies(context)
    let attempts = 0
    const one = Effect.flatMap(Scope.make(), (scope) => {
      span?.attribute("llamacloud.attempts", ++attempts)
      return attempt(scope, policy)
    })
    // Rate limit (RateLimitPolicy, when provided): every attempt first takes its tokens, and a 429's
    // wait is shared with every replica of the limit. Inside the total deadline, like the retry waits.
    const gate = policy.rateLimit
    const kind = operation.answer._tag === "EventStream" ? "turn" : "call"
    const admitted: Effect.Effect<X, Failure> = Option.match(gate, {
      onNone: () => one,
      onSome: (gate) => Effect.andThen(Effect.mapError(gate.admit({ account, kind, facts }), (error) => failed(error, "never")), one)
    })
    const shareWait = (failure: Failure): Effect.Effect<void> => {
      if (Option.isNone(gate) || failure.status !== 429) return Effect.void
      const wait = sharedWaitMillis(
        Option.getOrUndefined(Option.map(failure.retryAfter, Duration.toMillis)),
        Duration.toMillis(policy.retry.maxRetryAfter)
      )
      return wait === undefined ? Effect.void : gate.value.serverAsked(account, Duration.millis(wait))
    }
    const loop = (retries: number, started: number, mayHaveActed: boolean): Effect.Effect<X, LlamaCloudError> =>
      Effect.catch(admitted, (failure) =>
        Effect.gen(function*() {
          yield* shareWait(failure)
          // A delete whose earlier attempt may have gone through finds nothing on its retry: done.
          if (mayHaveActed && failure.status === 404 && Option.isSome(goneMeansDone)) return goneMeansDone.value
          const wait = yield* nextWait(failure, retries, operation.idempotent, policy.retry, policy.timeout, started)
          if (Option.isNone(wait)) return yield* Effect.fail(failure.error)
          yield* Effect.logDebug(`${operation.name}: attempt ${retries + 1} failed, retrying`).pipe(
            Effect.annotateLogs({
              operation: operation.name,
              attempt: retries + 1,
              reason: reasonOf(failure.error),
              delayMs: Math.round(Duration.toMillis(wait.value))
            })
          )
          yield* Effect.sleep(wait.value)
          return yield* loop(retries + 1, started, mayHaveActed || failure.safety === "ambiguous")
        }))
    const calls = Effect.flatMap(Clock.currentTimeMillis, (started) => loop(0, started, false))
    return Option.match(policy.timeout.total, {
      onNone: () => calls,
      onSome: (total) => Effect.timeoutOrElse(calls, { duration: total, orElse: () => Effect.fail(deadlineExceeded(total, facts)) })
    })
  }

  /** Runs an operation answered by a JSON body or by a status alone. */
  const run = <A>(operation: Operation<A>): Effect.Effect<A, LlamaCloudError> => {
    const request = toRequest(operation)
    const facts = factsOf(operation, scrub)
    const answer = operation.answer
    const goneMeansDone = answer._tag === "Empty" && operation.notFoundAfterAmbiguousIsSuccess === true
      ? Option.some(answer.value)
      : Option.none()
    const read = (answered: Answered, scope: Scope.Closeable): Effect.Effect<A, Failure> => {
      if (answer._tag === "Empty") {
        // Nothing to read, but a body may have come anyway: a short one is read to its end, which
        // frees the socket; a longer one (or a read that fails) is cut off by aborting the request.
        return readBody(answered.response, answered.headers, MAX_ERROR_BODY_BYTES, "whole").pipe(
          Effect.matchEffect({
            onFailure: () => Scope.close(scope, Exit.void),
            onSuccess: (body) => body.tooLarge ? Scope.close(scope, Exit.void) : Effect.void
          }),
          Effect.as(answer.value)
        )
      }
      const body = Effect.mapError(
        readBody(answered.response, answered.headers, MAX_BODY_BYTES, "whole"),
        (error) => bodyBrokeOff(error, facts, scrub)
      )
      return Effect.flatMap(body, (body) =>
        Effect.fromResult(decodeBody(body, answer.decode, {
          status: answered.response.status,
          headers: answered.headers,
          facts: { ...facts, requestId: answered.requestId },
          scrub
        })))
    }
    return traced(operation, server, (span) =>
      Effect.contextWith((context: Context.Context<never>) =>
        withRetries(operation, facts, context, span, (scope, policy) => {
          const progress = { errorStatus: false }
          return timed(Effect.flatMap(exchange(request, facts, scope, span, progress), (answered) => read(answered, scope)), scope, {
            progress,
            limit: policy.timeout.perAttempt,
            facts,
            what: "complete answer"
          })
        }, goneMeansDone)
      ))
  }

  /**
   * Runs an operation answered by an event stream. Attempts end at the response headers: the
   * per-attempt limit covers them, and a turn is retried only before them (by the failure's safety,
   * never by idempotency: a turn is not idempotent). Once a 2xx has arrived nothing is retried; the
   * events are read under the idle and total limits.
   */
  const stream = (operation: StreamOperation): Stream.Stream<ChatEvent, LlamaCloudError> =>
    Stream.unwrap(
      Effect.gen(function*() {
        const request = toRequest(operation)
        const facts = factsOf(operation, scrub)
        const context = yield* Effect.context<never>()
        const clock = yield* Effect.clockWith(Effect.succeed)
        const policy = policies(context)
        const started = yield* Clock.currentTimeMillis
        const span = yield* spanFor(operation, server)
        // A turn holds one of the process's open-turn permits (RateLimitPolicy) until its stream ends.
        const gate = policy.rateLimit
        if (Option.isSome(gate)) {
          yield* Option.match(policy.timeout.total, {
            onNone: () => gate.value.openTurn,
            onSome: (total) =>
              Effect.timeoutOrElse(gate.value.openTurn, { duration: total, orElse: () => Effect.fail(deadlineExceeded(total, facts)) })
          })
        }
        const opened = withRetries(operation, facts, context, span, (scope, policy) => {
          const progress = { errorStatus: false }
          return Effect.map(
            timed(exchange(request, facts, scope, span, progress), scope, {
              progress,
              limit: policy.timeout.perAttempt,
              facts,
              what: "response headers"
            }),
            (answered) => ({ ...answered, scope })
          )
        }, Option.none())
        // The request stays open while the events are read: its scope closes with the stream's. The
        // finalizer is added in the same uninterruptible step that ends the opening, so no
        // interruption can fall between them and leave the request open.
        const answered = yield* Effect.uninterruptibleMask((restore) =>
          Effect.tap(
            restore(withParent(opened, span)),
            (answered) => Effect.addFinalizer(() => Scope.close(answered.scope, Exit.void))
          )
        )
        return yield* readTurn(answered.response, {
          facts: { ...facts, requestId: answered.requestId },
          status: answered.response.status,
          scrub,
          idle: policy.timeout.idle,
          deadline: Option.map(policy.timeout.total, (total) => ({ at: started + Duration.toMillis(total), total })),
          contentType: answered.headers["content-type"],
          span,
          clock,
          abort: Scope.close(answered.scope, Exit.void)
        })
      })
    )

  return { run, stream }
}

const emptyBody = { text: "", tooLarge: false }

/**
 * An error status's body, as much as arrives before the attempt's scope closes. The status already
 * says what happened: a body that breaks off, or that a limit cuts short, still yields its error.
 * Racing the read against the scope ends it even where a transport leaves a read pending after the
 * abort (Node 20's fetch does, on a body mislabelled as compressed); only error statuses pay for it.
 */
const readErrorBody = (response: HttpClientResponse.HttpClientResponse, headers: Headers.Headers, scope: Scope.Scope) =>
  Effect.flatMap(Deferred.make<void>(), (released) =>
    Effect.andThen(
      Scope.addFinalizer(scope, Deferred.succeed(released, undefined)),
      Effect.raceFirst(
        Effect.orElseSucceed(readBody(response, headers, MAX_ERROR_BODY_BYTES, "prefix"), () => emptyBody),
        Effect.as(Deferred.await(released), emptyBody)
      )
    ))

const defaultAccept = (operation: Operation<unknown> | StreamOperation): string => {
  switch (operation.answer._tag) {
    case "Json":
      return "application/json"
    case "Empty":
      return "*/*"
    case "EventStream":
      return "text/event-stream"
  }
}

const toRequest = (operation: Operation<unknown> | StreamOperation): HttpClientRequest.HttpClientRequest =>
  HttpClientRequest.make(operation.method)(operation.path, {
    urlParams: operation.query,
    headers: { accept: defaultAccept(operation) },
    ...(operation.body === undefined ? {} : { body: HttpBody.jsonUnsafe(operation.body) })
  })
