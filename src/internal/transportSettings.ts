/**
 * What every LlamaCloud request needs from the transport, whoever sends it: no redirects followed,
 * no transport span. Set in the fiber's context and fiber refs, where the transports read them.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import { constTrue } from "effect/Function"
import * as Option from "effect/Option"

/**
 * fetch follows redirects, turning a create into a GET (302) or failing to re-send its body (307);
 * undici never follows them. With `redirect: "manual"` both hand a 3xx back as it came. A
 * `RequestInit` of the user's is kept, `redirect` included if they set one.
 */
export const withManualRedirect = <S>(context: Context.Context<S>): Context.Context<S> =>
  Context.add(context, FetchHttpClient.RequestInit, {
    redirect: "manual",
    ...Option.getOrUndefined(Context.getOption(context, FetchHttpClient.RequestInit))
  })

const redirectChosen = (context: Context.Context<never>): boolean =>
  Option.match(Context.getOption(context, FetchHttpClient.RequestInit), {
    onNone: () => false,
    onSome: (init) => init.redirect !== undefined
  })

/**
 * Applies the settings around one request. The transport's own span is off: it records every
 * header as an attribute on every attempt, and the services' spans carry the same facts once per
 * call. With it off no trace header is propagated either, so the app's trace ids never reach a
 * third party. Each wrapping costs a copy of the fiber's refs per request, hence one wrapper.
 */
export const transportSettings = <A, E, R>(request: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.locally(
    Effect.contextWithEffect((context: Context.Context<never>) =>
      redirectChosen(context) ? request : Effect.locallyWith(request, FiberRef.currentContext, withManualRedirect)
    ),
    HttpClient.currentTracerDisabledWhen,
    constTrue
  )
