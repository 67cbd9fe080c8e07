/**
 * What every LlamaCloud request needs from the transport, whoever sends it: no redirects followed,
 * no transport span. Set in the request's context, where the transports read them.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import { constTrue } from "effect/Function"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"

/**
 * fetch follows redirects, turning a create into a GET (302) or failing to re-send its body (307);
 * undici never follows them. With `redirect: "manual"` both hand a 3xx back as it came. A
 * `RequestInit` of the user's is kept, `redirect` included if they set one.
 */
export const withManualRedirect = <S>(context: Context.Context<S>): Context.Context<S> => {
  const own = Context.getOrUndefined(context, FetchHttpClient.RequestInit)
  return own?.redirect !== undefined ? context : Context.add(context, FetchHttpClient.RequestInit, { redirect: "manual", ...own })
}

/**
 * Applies the settings around one request. The transport's own span is off: it records every
 * header as an attribute on every attempt, and the services' spans carry the same facts once per
 * call. With it off no trace header is propagated either, so the app's trace ids never reach a
 * third party. A setting of the user's made closer to the request (in `transformClient`) wins.
 */
export const transportSettings = <A, E, R>(request: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.updateContext(request, (context: Context.Context<R>) =>
    Context.add(withManualRedirect(context), HttpClient.TracerDisabledWhen, constTrue))
