/**
 * The authenticated transport to LlamaCloud: the user's `HttpClient` with the base URL, the bearer
 * token and the default headers applied, plus the default organization and project.
 *
 * @since 0.1.0
 */
import type * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import { headerFiller } from "./internal/clientHeaders.js"
import { resolve, transformWith } from "./internal/clientOptions.js"
import { optionsFromConfig } from "./internal/environment.js"
import { transportSettings } from "./internal/transportSettings.js"

export { DEFAULT_BASE_URL } from "./internal/clientOptions.js"
export { parseCustomHeaders } from "./internal/environment.js"

/**
 * The authenticated transport that every LlamaCloud service sends through.
 *
 * @since 0.1.0
 * @category tags
 */
export class LlamaCloudClient extends Context.Service<LlamaCloudClient, LlamaCloudClient.Service>()(
  "effect-llamacloud/LlamaCloudClient"
) {
  /**
   * Builds the client from explicit options. The transport (`HttpClient`) stays a requirement: provide
   * `NodeHttpClient.layerUndici`, `FetchHttpClient.layer` or your own.
   *
   * Every request gets the client's `Authorization`; the other defaults (`Accept: application/json`,
   * `Accept-Encoding: identity`, the custom headers, `User-Agent`) fill only what the request left
   * unset.
   *
   * Fails with a `ConfigError` naming the option when the key is missing, empty or not sendable in a
   * header, the base URL is not an http(s) URL, or a header is not valid. Checked at run time too,
   * for callers from plain JavaScript: a key given as a plain string is accepted and kept redacted.
   */
  static readonly make = (
    options: LlamaCloudClient.Options
  ): Effect.Effect<LlamaCloudClient.Service, Config.ConfigError, HttpClient.HttpClient> =>
    Effect.gen(function*() {
      const settings = yield* Effect.fromResult(resolve(options))
      const transport = yield* HttpClient.HttpClient
      const fill = headerFiller(settings.headers, `Bearer ${Redacted.value(settings.apiKey)}`)
      const authenticated = HttpClient.mapRequest(
        transport,
        (request) => HttpClientRequest.setHeaders(HttpClientRequest.prependUrl(request, settings.baseUrl), fill(request.headers))
      )
      const transformed = yield* Effect.fromResult(Option.match(settings.transformClient, {
        onNone: () => Result.succeed(authenticated),
        onSome: (transform) => transformWith(transform, authenticated)
      }))
      // Outside the user's transformClient, so that a setting of theirs (a transport span turned back
      // on with `withTracerDisabledWhen`, a `redirect` of their own) wins.
      return {
        httpClient: HttpClient.transformResponse(transformed, transportSettings),
        apiKey: settings.apiKey,
        baseUrl: settings.baseUrl,
        organizationId: settings.organizationId,
        projectId: settings.projectId
      }
    })

  /**
   * Provides the client from explicit options.
   *
   * @example
   * ```ts
   * LlamaCloudClient.layer({ apiKey: Redacted.make(keyFromYourVault), projectId: "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f" })
   * ```
   */
  static readonly layer = (
    options: LlamaCloudClient.Options
  ): Layer.Layer<LlamaCloudClient, Config.ConfigError, HttpClient.HttpClient> =>
    Layer.effect(LlamaCloudClient, LlamaCloudClient.make(options))

  /**
   * Provides the client from configuration, by default the environment variables the official SDKs
   * read: `LLAMA_CLOUD_API_KEY` (falling back to `LLAMA_PARSE_API_KEY`), `LLAMA_CLOUD_BASE_URL`,
   * `LLAMA_CLOUD_ORGANIZATION_ID`, `LLAMA_CLOUD_PROJECT_ID` and `LLAMA_CLOUD_CUSTOM_HEADERS` (one
   * `Name: value` per line). Each can be replaced by a `Config` of your own.
   *
   * @example
   * ```ts
   * ChatService.layer.pipe(Layer.provide(LlamaCloudClient.layerConfig()), Layer.provide(FetchHttpClient.layer))
   * ```
   *
   * A missing or empty key fails the layer, naming the variables: no unauthenticated request is sent.
   * A value that is wrong is reported under the variable it came from; one that cannot be read at all
   * (Deno without `--allow-env`) as `SourceUnavailable` under it.
   */
  static readonly layerConfig = (
    options: LlamaCloudClient.ConfigOptions = {}
  ): Layer.Layer<LlamaCloudClient, Config.ConfigError, HttpClient.HttpClient> =>
    Layer.effect(
      LlamaCloudClient,
      Effect.flatMap(optionsFromConfig(options), LlamaCloudClient.make)
    )
}

/**
 * @since 0.1.0
 */
export declare namespace LlamaCloudClient {
  /**
   * @since 0.1.0
   * @category models
   */
  export interface Service {
    /** The user's transport with base URL, bearer token and default headers applied. */
    readonly httpClient: HttpClient.HttpClient
    /** The API key, kept redacted; services use it only to scrub it from text a server sends back. */
    readonly apiKey: Redacted.Redacted<string>
    /** The base URL without a trailing slash. */
    readonly baseUrl: string
    /** Sent as `organization_id` when a call does not give its own. */
    readonly organizationId: Option.Option<string>
    /** Sent as `project_id` when a call does not give its own. */
    readonly projectId: Option.Option<string>
  }

  /**
   * @since 0.1.0
   * @category models
   */
  export interface Options {
    readonly apiKey: Redacted.Redacted<string>
    /** Defaults to `https://api.cloud.llamaindex.ai`. */
    readonly baseUrl?: string | undefined
    readonly organizationId?: string | undefined
    readonly projectId?: string | undefined
    /**
     * Extra headers on every request. They cannot replace `Authorization`, `Accept` or
     * `Accept-Encoding`, nor set the transport's own (`Content-Length`, `Host`, `Connection`…).
     */
    readonly headers?: Readonly<Record<string, string>> | undefined
    /** A last say over the authenticated client, e.g. to add tracing or a proxy. */
    readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
  }

  /**
   * @since 0.1.0
   * @category models
   */
  export interface ConfigOptions {
    readonly apiKey?: Config.Config<Redacted.Redacted<string>> | undefined
    readonly baseUrl?: Config.Config<string> | undefined
    readonly organizationId?: Config.Config<Option.Option<string>> | undefined
    readonly projectId?: Config.Config<Option.Option<string>> | undefined
    readonly headers?: Config.Config<Readonly<Record<string, string>>> | undefined
    readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
  }
}

