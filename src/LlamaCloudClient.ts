/**
 * The authenticated transport to LlamaCloud: the user's `HttpClient` with the base URL, the bearer
 * token and the default headers applied, plus the default organization and project.
 *
 * @since 0.1.0
 */
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { transportSettings } from "./internal/transportSettings.js"
import { VERSION } from "./version.js"

/**
 * LlamaCloud's public API host (EU region: `https://api.cloud.eu.llamaindex.ai`).
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_BASE_URL = "https://api.cloud.llamaindex.ai"

/**
 * The authenticated transport that every LlamaCloud service sends through.
 *
 * @since 0.1.0
 * @category tags
 */
export class LlamaCloudClient extends Context.Tag("effect-llamacloud/LlamaCloudClient")<
  LlamaCloudClient,
  LlamaCloudClient.Service
>() {
  /**
   * Builds the client from explicit options. The transport (`HttpClient`) stays a requirement: provide
   * `NodeHttpClient.layerUndici`, `FetchHttpClient.layer` or your own.
   *
   * Fails with a `ConfigError` when the key is empty, the base URL is not an http(s) URL, or a header
   * is not valid.
   */
  static readonly make = (
    options: LlamaCloudClient.Options
  ): Effect.Effect<LlamaCloudClient.Service, ConfigError.ConfigError, HttpClient.HttpClient> =>
    Effect.gen(function*() {
      const settings = yield* resolve(options)
      const transport = yield* HttpClient.HttpClient
      const defaultHeaders = Headers.fromInput({
        "user-agent": `effect-llamacloud/${VERSION}`,
        ...options.headers,
        authorization: `Bearer ${Redacted.value(settings.apiKey)}`,
        accept: "application/json"
      })
      const addDefaults = (request: HttpClientRequest.HttpClientRequest) =>
        HttpClientRequest.setHeaders(HttpClientRequest.prependUrl(request, settings.baseUrl), defaultHeaders)
      const authenticated = HttpClient.mapRequest(transport, addDefaults)
      // Outside the user's transformClient, so that a setting of theirs (a transport span turned back
      // on with `withTracerDisabledWhen`, a `redirect` of their own) wins.
      return {
        httpClient: HttpClient.transformResponse(
          options.transformClient ? options.transformClient(authenticated) : authenticated,
          transportSettings
        ),
        ...settings
      }
    })

  /** Provides the client from explicit options. */
  static readonly layer = (
    options: LlamaCloudClient.Options
  ): Layer.Layer<LlamaCloudClient, ConfigError.ConfigError, HttpClient.HttpClient> =>
    Layer.effect(LlamaCloudClient, LlamaCloudClient.make(options))

  /**
   * Provides the client from configuration, by default the environment variables the official SDKs
   * read: `LLAMA_CLOUD_API_KEY` (falling back to `LLAMA_PARSE_API_KEY`), `LLAMA_CLOUD_BASE_URL`,
   * `LLAMA_CLOUD_ORGANIZATION_ID`, `LLAMA_CLOUD_PROJECT_ID` and `LLAMA_CLOUD_CUSTOM_HEADERS` (one
   * `Name: value` per line). Each can be replaced by a `Config` of your own.
   *
   * A missing or empty key fails the layer, naming the variables: no unauthenticated request is sent.
   */
  static readonly layerConfig = (
    options: LlamaCloudClient.ConfigOptions = {}
  ): Layer.Layer<LlamaCloudClient, ConfigError.ConfigError, HttpClient.HttpClient> =>
    Layer.effect(
      LlamaCloudClient,
      Effect.gen(function*() {
        const config = yield* Config.all({
          apiKey: options.apiKey ?? apiKeyFromEnv,
          baseUrl: options.baseUrl ?? Config.string("LLAMA_CLOUD_BASE_URL").pipe(Config.withDefault(DEFAULT_BASE_URL)),
          organizationId: options.organizationId ?? optionalNonEmpty("LLAMA_CLOUD_ORGANIZATION_ID"),
          projectId: options.projectId ?? optionalNonEmpty("LLAMA_CLOUD_PROJECT_ID"),
          headers: options.headers ?? customHeadersFromEnv
        })
        return yield* LlamaCloudClient.make({
          apiKey: config.apiKey,
          baseUrl: config.baseUrl,
          organizationId: Option.getOrUndefined(config.organizationId),
          projectId: Option.getOrUndefined(config.projectId),
          headers: config.headers,
          transformClient: options.transformClient
        })
      })
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
    /** Extra headers on every request. They cannot replace `Authorization` or `Accept`. */
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

const nonEmptyKey = (name: string): Config.Config<Redacted.Redacted<string>> =>
  Config.redacted(name).pipe(
    Config.validate({ message: `${name} is empty`, validation: (key) => Redacted.value(key).trim() !== "" })
  )

const apiKeyFromEnv: Config.Config<Redacted.Redacted<string>> = nonEmptyKey("LLAMA_CLOUD_API_KEY").pipe(
  Config.orElse(() => nonEmptyKey("LLAMA_PARSE_API_KEY")),
  Config.orElse(() =>
    Config.fail(
      "No LlamaCloud API key: set LLAMA_CLOUD_API_KEY (or LLAMA_PARSE_API_KEY) to a key from the LlamaCloud dashboard"
    )
  )
)

const optionalNonEmpty = (name: string): Config.Config<Option.Option<string>> =>
  Config.option(Config.string(name)).pipe(Config.map(Option.filter((s) => s.trim() !== "")))

const customHeadersFromEnv: Config.Config<Readonly<Record<string, string>>> = Config.option(
  Config.string("LLAMA_CLOUD_CUSTOM_HEADERS")
).pipe(
  Config.mapOrFail(Option.match({
    onNone: () => Either.right({}),
    onSome: parseCustomHeaders
  }))
)

const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/**
 * Parses `LLAMA_CLOUD_CUSTOM_HEADERS`: one `Name: value` per line, blank lines ignored.
 *
 * @since 0.1.0
 * @category config
 */
export function parseCustomHeaders(text: string): Either.Either<Readonly<Record<string, string>>, ConfigError.ConfigError> {
  const headers: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (line === "") continue
    const colon = line.indexOf(":")
    const name = colon > 0 ? line.slice(0, colon).trim() : ""
    if (!headerName.test(name)) {
      return Either.left(
        ConfigError.InvalidData(
          ["LLAMA_CLOUD_CUSTOM_HEADERS"],
          `line ${i + 1} is not a "Name: value" header`
        )
      )
    }
    headers[name.toLowerCase()] = line.slice(colon + 1).trim()
  }
  return Either.right(headers)
}

interface Settings {
  readonly apiKey: Redacted.Redacted<string>
  readonly baseUrl: string
  readonly organizationId: Option.Option<string>
  readonly projectId: Option.Option<string>
}

const resolve = (options: LlamaCloudClient.Options): Effect.Effect<Settings, ConfigError.ConfigError> =>
  Effect.suspend(() => {
    const key = Redacted.value(options.apiKey)
    if (key.trim() === "") {
      return Effect.fail(ConfigError.InvalidData(["apiKey"], "The LlamaCloud API key is empty: pass a key from the LlamaCloud dashboard"))
    }
    // A key with a line break would let a header be injected; no real key has one.
    if (/[\r\n]/.test(key)) {
      return Effect.fail(ConfigError.InvalidData(["apiKey"], "The LlamaCloud API key contains a line break"))
    }
    const raw = options.baseUrl ?? DEFAULT_BASE_URL
    const url = URL.canParse(raw) ? new URL(raw) : undefined
    if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
      return Effect.fail(ConfigError.InvalidData(["baseUrl"], `The base URL must be an http(s) URL, got ${JSON.stringify(raw)}`))
    }
    if (url.search !== "" || url.hash !== "") {
      return Effect.fail(ConfigError.InvalidData(["baseUrl"], `The base URL must not have a query or fragment, got ${JSON.stringify(raw)}`))
    }
    return Effect.succeed({
      apiKey: options.apiKey,
      baseUrl: url.toString().replace(/\/+$/, ""),
      organizationId: Option.fromNullable(options.organizationId).pipe(Option.filter((s) => s !== "")),
      projectId: Option.fromNullable(options.projectId).pipe(Option.filter((s) => s !== ""))
    })
  })
