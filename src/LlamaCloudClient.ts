/**
 * The authenticated transport to LlamaCloud: the user's `HttpClient` with the base URL, the bearer
 * token and the default headers applied, plus the default organization and project.
 *
 * @since 0.1.0
 */
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import { invalidHeaderValue, isHeaderName, transportHeaders, trimHeaderValue } from "./internal/headerValue.js"
import { show } from "./internal/show.js"
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
  ): Effect.Effect<LlamaCloudClient.Service, ConfigError.ConfigError, HttpClient.HttpClient> =>
    Effect.gen(function*() {
      const settings = yield* resolve(options)
      const transport = yield* HttpClient.HttpClient
      const fill = headerFiller(settings.headers, `Bearer ${Redacted.value(settings.apiKey)}`)
      const authenticated = HttpClient.mapRequest(
        transport,
        (request) => HttpClientRequest.setHeaders(HttpClientRequest.prependUrl(request, settings.baseUrl), fill(request.headers))
      )
      const transformed = yield* Option.match(settings.transformClient, {
        onNone: () => Either.right(authenticated),
        onSome: (transform) => transformWith(transform, authenticated)
      })
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
   * A value that is wrong is reported under the variable it came from; one that cannot be read at all
   * (Deno without `--allow-env`) as `SourceUnavailable` under it.
   */
  static readonly layerConfig = (
    options: LlamaCloudClient.ConfigOptions = {}
  ): Layer.Layer<LlamaCloudClient, ConfigError.ConfigError, HttpClient.HttpClient> =>
    Layer.effect(
      LlamaCloudClient,
      Effect.gen(function*() {
        const given = yield* configOptions(options)
        const apiKey = yield* Option.match(given.apiKey, {
          onNone: () => load(apiKeyFromEnv, API_KEY_VARIABLE, noKeyInEnvironment),
          onSome: (config) => load(config, "apiKey")
        })
        const baseUrl = yield* Option.match(given.baseUrl, {
          onNone: () => load(baseUrlFromEnv, BASE_URL_VARIABLE),
          onSome: (config) => load(config, "baseUrl")
        })
        const organizationId = yield* Option.match(given.organizationId, {
          onNone: () => load(optionalNonEmpty(ORGANIZATION_VARIABLE), ORGANIZATION_VARIABLE),
          onSome: (config) => load(config, "organizationId")
        })
        const projectId = yield* Option.match(given.projectId, {
          onNone: () => load(optionalNonEmpty(PROJECT_VARIABLE), PROJECT_VARIABLE),
          onSome: (config) => load(config, "projectId")
        })
        const headers = yield* Option.match(given.headers, {
          onNone: () => load(customHeadersFromEnv, HEADERS_VARIABLE),
          onSome: (config) => load(config, "headers")
        })
        return yield* LlamaCloudClient.make({
          apiKey,
          baseUrl,
          organizationId: Option.getOrUndefined(organizationId),
          projectId: Option.getOrUndefined(projectId),
          headers,
          transformClient: options?.transformClient
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

// ---------------------------------------------------------------------------------------------
// Default headers

/**
 * The headers to lay over a request: `authorization` always, each other default only where the
 * request has none of its own. This runs on every request, so the record for each combination of
 * defaults a request overrides is built once and reused (one or two combinations in practice).
 */
const headerFiller = (
  defaults: Readonly<Record<string, string>>,
  authorization: string
): (own: Headers.Headers) => Readonly<Record<string, string>> => {
  const entries = Object.entries(defaults)
  const bit = new Map(entries.map(([name], i) => [name, i]))
  const cache = new Map<number, Readonly<Record<string, string>>>()
  const missingFrom = (own: Headers.Headers): Readonly<Record<string, string>> => {
    const fill: Record<string, string> = {}
    for (const [name, value] of entries) {
      if (!(name in own)) fill[name] = value
    }
    fill["authorization"] = authorization
    return fill
  }
  return (own) => {
    let overridden = 0
    for (const name in own) {
      const i = bit.get(name)
      // Past 30 defaults a bit mask no longer fits in a small integer: build without the cache.
      if (i !== undefined) overridden = i < 30 ? overridden | (1 << i) : -1
      if (overridden < 0) return missingFrom(own)
    }
    const cached = cache.get(overridden)
    if (cached !== undefined) return cached
    const fill = missingFrom(own)
    if (cache.size < 64) cache.set(overridden, fill)
    return fill
  }
}

/**
 * The client's default headers, lowest precedence first. `identity`: the undici transport does not
 * decompress, fetch does; asking for no encoding makes both read the same bytes (the bodies are small
 * JSON, and a compressed event stream would be buffered by the compressor).
 */
const defaultHeaders = (custom: Readonly<Record<string, string>>): Readonly<Record<string, string>> => ({
  "user-agent": `effect-llamacloud/${VERSION}`,
  ...custom,
  accept: "application/json",
  "accept-encoding": "identity"
})

// ---------------------------------------------------------------------------------------------
// Options, checked at run time: callers from plain JavaScript bypass the types

interface Settings {
  readonly apiKey: Redacted.Redacted<string>
  readonly baseUrl: string
  readonly organizationId: Option.Option<string>
  readonly projectId: Option.Option<string>
  readonly headers: Readonly<Record<string, string>>
  readonly transformClient: Option.Option<(client: HttpClient.HttpClient) => unknown>
}

const resolve = (options: unknown): Either.Either<Settings, ConfigError.ConfigError> =>
  Either.gen(function*() {
    if (options === undefined || options === null) {
      return yield* Either.left(ConfigError.MissingData(["apiKey"], noKeyGiven))
    }
    if (typeof options !== "object") {
      return yield* Either.left(
        ConfigError.InvalidData(["options"], `LlamaCloudClient takes an object of options such as { apiKey }, got ${kind(options)}`)
      )
    }
    const apiKey = yield* checkApiKeyOption("apiKey" in options ? options.apiKey : undefined)
    const baseUrl = yield* optionalString(options, "baseUrl", "a string such as \"https://api.cloud.llamaindex.ai\"")
    const organizationId = yield* optionalString(options, "organizationId", "a string")
    const projectId = yield* optionalString(options, "projectId", "a string")
    const custom = yield* checkHeaders("headers" in options ? options.headers : undefined)
    const transformClient = yield* checkTransformClient("transformClient" in options ? options.transformClient : undefined)
    return {
      apiKey,
      baseUrl: yield* checkBaseUrl(Option.getOrElse(baseUrl, () => DEFAULT_BASE_URL), ["baseUrl"]),
      organizationId: Option.filter(organizationId, (s) => s !== ""),
      projectId: Option.filter(projectId, (s) => s !== ""),
      headers: defaultHeaders(custom),
      transformClient
    }
  })

const noKeyGiven =
  "No LlamaCloud API key: pass apiKey (a key from the LlamaCloud dashboard), or use LlamaCloudClient.layerConfig() to read LLAMA_CLOUD_API_KEY"

/** What a value is, for a message: never the value itself, which may be a misplaced key. */
const kind = (u: unknown): string =>
  u === null || u === undefined ?
    String(u) :
    Array.isArray(u) ? "an array" : typeof u === "object" ? "an object" : `a ${typeof u}`

const checkTransformClient = (
  value: unknown
): Either.Either<Option.Option<(client: HttpClient.HttpClient) => unknown>, ConfigError.ConfigError> => {
  if (value === undefined || value === null) return Either.right(Option.none())
  // What it returns is checked when it is called, in transformWith.
  return typeof value === "function" ?
    Either.right(Option.some((client: HttpClient.HttpClient): unknown => Reflect.apply(value, undefined, [client]))) :
    Either.left(ConfigError.InvalidData(["transformClient"], `must be a function, got ${kind(value)}`))
}

const transformWith = (
  transform: (client: HttpClient.HttpClient) => unknown,
  client: HttpClient.HttpClient
): Either.Either<HttpClient.HttpClient, ConfigError.ConfigError> =>
  Either.try({
    try: () => transform(client),
    catch: (error) => ConfigError.InvalidData(["transformClient"], `threw ${show(error, 200)}`)
  }).pipe(
    Either.filterOrLeft(
      isHttpClient,
      (other) => ConfigError.InvalidData(["transformClient"], `must return an HttpClient, got ${kind(other)}`)
    )
  )

const isHttpClient = (u: unknown): u is HttpClient.HttpClient => Predicate.hasProperty(u, HttpClient.TypeId)

const optionalString = (
  options: object,
  key: string,
  expected: string
): Either.Either<Option.Option<string>, ConfigError.ConfigError> => {
  const value: unknown = Reflect.get(options, key)
  if (value === undefined || value === null) return Either.right(Option.none())
  return typeof value === "string" ?
    Either.right(Option.some(value)) :
    Either.left(ConfigError.InvalidData([key], `must be ${expected}, got ${kind(value)}`))
}

const checkApiKeyOption = (value: unknown): Either.Either<Redacted.Redacted<string>, ConfigError.ConfigError> => {
  if (value === undefined || value === null) return Either.left(ConfigError.MissingData(["apiKey"], noKeyGiven))
  const key: unknown = Redacted.isRedacted(value) ? Redacted.value(value) : value
  if (typeof key !== "string") {
    return Either.left(
      ConfigError.InvalidData(["apiKey"], `must be a string or a Redacted string (Redacted.make("llx-...")), got ${kind(key)}`)
    )
  }
  return checkApiKey(key, ["apiKey"])
}

/** The key as it will be sent: whitespace around it dropped, anything a header cannot carry refused. */
const checkApiKey = (
  raw: string,
  path: Array<string>
): Either.Either<Redacted.Redacted<string>, ConfigError.ConfigError> => {
  const key = trimHeaderValue(raw)
  if (key === "") {
    return Either.left(ConfigError.InvalidData(path, "The LlamaCloud API key is empty: pass a key from the LlamaCloud dashboard"))
  }
  const invalid = invalidHeaderValue(key)
  return invalid === undefined ?
    Either.right(Redacted.make(key)) :
    Either.left(
      ConfigError.InvalidData(
        path,
        `The LlamaCloud API key ${invalid}: copy the key again from the LlamaCloud dashboard (a placeholder such as "llx-..." is not a key)`
      )
    )
}

const checkBaseUrl = (raw: string, path: Array<string>): Either.Either<string, ConfigError.ConfigError> => {
  const url = URL.canParse(raw) ? new URL(raw) : undefined
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    return Either.left(ConfigError.InvalidData(path, `The base URL must be an http(s) URL, got ${show(raw, 200)}`))
  }
  // Not quoted: it holds a password. fetch refuses such a URL, and the key goes in apiKey.
  if (url.username !== "" || url.password !== "") {
    return Either.left(ConfigError.InvalidData(path, "The base URL must not contain a user name or password"))
  }
  if (url.search !== "" || url.hash !== "") {
    return Either.left(ConfigError.InvalidData(path, `The base URL must not have a query or fragment, got ${show(raw, 200)}`))
  }
  return Either.right(url.toString().replace(/\/+$/, ""))
}

/** Custom headers, names in lower case; an `authorization` among them is dropped, the client's wins. */
const checkHeaders = (value: unknown): Either.Either<Readonly<Record<string, string>>, ConfigError.ConfigError> => {
  if (value === undefined || value === null) return Either.right({})
  if (typeof value !== "object" || Array.isArray(value)) {
    return Either.left(ConfigError.InvalidData(["headers"], `must be an object of header names to values, got ${kind(value)}`))
  }
  const headers: Record<string, string> = {}
  for (const [name, raw] of Object.entries(value)) {
    const problem = checkHeader(name, raw)
    if (problem !== undefined) {
      return Either.left(ConfigError.InvalidData(["headers", isHeaderName(name) ? name : show(name, 60)], problem))
    }
    if (typeof raw === "string") headers[name.toLowerCase()] = trimHeaderValue(raw)
  }
  delete headers["authorization"]
  return Either.right(headers)
}

/** What is wrong with one custom header, in a sentence about it, or undefined. */
const checkHeader = (name: string, value: unknown): string | undefined => {
  if (!isHeaderName(name)) return "is not a valid header name"
  if (transportHeaders.has(name.toLowerCase())) return `${name} is set by the transport and cannot be a custom header`
  if (typeof value !== "string") return `The value of ${name} must be a string, got ${kind(value)}`
  const invalid = invalidHeaderValue(trimHeaderValue(value))
  return invalid === undefined ? undefined : `The value of ${name} ${invalid}`
}

// ---------------------------------------------------------------------------------------------
// Configuration

const API_KEY_VARIABLE = "LLAMA_CLOUD_API_KEY"
const PARSE_API_KEY_VARIABLE = "LLAMA_PARSE_API_KEY"
const BASE_URL_VARIABLE = "LLAMA_CLOUD_BASE_URL"
const ORGANIZATION_VARIABLE = "LLAMA_CLOUD_ORGANIZATION_ID"
const PROJECT_VARIABLE = "LLAMA_CLOUD_PROJECT_ID"
const HEADERS_VARIABLE = "LLAMA_CLOUD_CUSTOM_HEADERS"

const noKeyInEnvironment =
  `No LlamaCloud API key: set ${API_KEY_VARIABLE} (or ${PARSE_API_KEY_VARIABLE}) to a key from the LlamaCloud dashboard`

/**
 * One variable's key. Blank counts as missing, so that the fallback is tried; a key that cannot be
 * sent is reported under the variable that holds it (the provider prefixes the name).
 */
const keyIn = (name: string): Config.Config<Redacted.Redacted<string>> =>
  Config.string(name).pipe(
    Config.mapOrFail((raw) =>
      trimHeaderValue(raw) === "" ? Either.left(ConfigError.MissingData([], `${name} is empty`)) : checkApiKey(raw, [])
    )
  )

// Not Config.redacted: its errors all read "<redacted>", as if a value had been found. The value is
// wrapped in Redacted all the same; a missing pair becomes one sentence in `load`.
const apiKeyFromEnv: Config.Config<Redacted.Redacted<string>> = keyIn(API_KEY_VARIABLE).pipe(
  Config.orElseIf({ if: ConfigError.isMissingDataOnly, orElse: () => keyIn(PARSE_API_KEY_VARIABLE) })
)

// A blank variable is unset, as for the ids.
const baseUrlFromEnv: Config.Config<string> = Config.string(BASE_URL_VARIABLE).pipe(
  Config.mapOrFail((raw) =>
    raw.trim() === "" ? Either.left(ConfigError.MissingData([], `${BASE_URL_VARIABLE} is empty`)) : checkBaseUrl(raw, [])
  ),
  Config.withDefault(DEFAULT_BASE_URL)
)

const optionalNonEmpty = (name: string): Config.Config<Option.Option<string>> =>
  Config.option(Config.string(name)).pipe(Config.map(Option.filter((s) => s.trim() !== "")))

const customHeadersFromEnv: Config.Config<Readonly<Record<string, string>>> = Config.option(
  Config.string(HEADERS_VARIABLE)
).pipe(
  Config.mapOrFail(Option.match({
    onNone: () => Either.right({}),
    onSome: parseCustomHeaders
  }))
)

/**
 * Reads one setting. Errors without a path are put under `name`; a side of an `or` that only says
 * "missing" is dropped when the other says more; nothing found at all is one `MissingData` under
 * `name` saying `whenMissing`, if given; a provider that throws (Deno's `Deno.env.get` without
 * `--allow-env`) is a `SourceUnavailable` error, not a defect.
 */
const load = <A>(config: Config.Config<A>, name: string, whenMissing?: string): Effect.Effect<A, ConfigError.ConfigError> =>
  config.pipe(
    Effect.mapError((error) =>
      whenMissing !== undefined && ConfigError.isMissingDataOnly(error) ?
        ConfigError.MissingData([name], whenMissing) :
        tidy(error, name)
    ),
    Effect.catchAllDefect((defect) =>
      Effect.fail(ConfigError.SourceUnavailable([name], `could not be read: ${show(defect, 200)}`, Cause.die(defect)))
    )
  )

const tidy = (error: ConfigError.ConfigError, name: string): ConfigError.ConfigError =>
  ConfigError.reduceWithContext(error, undefined, {
    andCase: (_, left, right) => ConfigError.And(left, right),
    orCase: (_, left, right) =>
      ConfigError.isMissingDataOnly(left) ? right : ConfigError.isMissingDataOnly(right) ? left : ConfigError.Or(left, right),
    invalidDataCase: (_, path, message) => ConfigError.InvalidData(under(path, name), message),
    // Config.redacted says only "<redacted>" for a value that was not found.
    missingDataCase: (_, path, message) => ConfigError.MissingData(under(path, name), message === "<redacted>" ? "not set" : message),
    sourceUnavailableCase: (_, path, message, cause) => ConfigError.SourceUnavailable(under(path, name), message, cause),
    unsupportedCase: (_, path, message) => ConfigError.Unsupported(under(path, name), message)
  })

const under = (path: ReadonlyArray<string>, name: string): Array<string> => path.length > 0 ? [...path] : [name]

interface GivenConfigs {
  readonly apiKey: Option.Option<Config.Config<Redacted.Redacted<string>>>
  readonly baseUrl: Option.Option<Config.Config<string>>
  readonly organizationId: Option.Option<Config.Config<Option.Option<string>>>
  readonly projectId: Option.Option<Config.Config<Option.Option<string>>>
  readonly headers: Option.Option<Config.Config<Readonly<Record<string, string>>>>
}

/** The `Config`s a caller gave in place of the environment, checked to be `Config`s. */
const configOptions = (options: LlamaCloudClient.ConfigOptions | null): Either.Either<GivenConfigs, ConfigError.ConfigError> =>
  Either.gen(function*() {
    const given: unknown = options
    if (given !== undefined && given !== null && typeof given !== "object") {
      return yield* Either.left(
        ConfigError.InvalidData(["options"], `LlamaCloudClient.layerConfig takes an object of Configs, got ${kind(given)}`)
      )
    }
    return {
      apiKey: yield* givenConfig(options?.apiKey, "apiKey"),
      baseUrl: yield* givenConfig(options?.baseUrl, "baseUrl"),
      organizationId: yield* givenConfig(options?.organizationId, "organizationId"),
      projectId: yield* givenConfig(options?.projectId, "projectId"),
      headers: yield* givenConfig(options?.headers, "headers")
    }
  })

const givenConfig = <A>(
  config: Config.Config<A> | null | undefined,
  name: string
): Either.Either<Option.Option<Config.Config<A>>, ConfigError.ConfigError> => {
  if (config === undefined || config === null) return Either.right(Option.none())
  return Config.isConfig(config) ?
    Either.right(Option.some(config)) :
    Either.left(
      ConfigError.InvalidData(
        [name],
        `must be a Config, such as Config.string("MY_VARIABLE"), got ${kind(config)}; to pass a value, use LlamaCloudClient.layer`
      )
    )
}

/**
 * Parses `LLAMA_CLOUD_CUSTOM_HEADERS`: one `Name: value` per line, blank lines ignored. A line that
 * is not a header, a value a header cannot carry, or a header the transport sets itself fails,
 * naming the line.
 *
 * @since 0.1.0
 * @category config
 */
export function parseCustomHeaders(text: string): Either.Either<Readonly<Record<string, string>>, ConfigError.ConfigError> {
  const headers: Record<string, string> = {}
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim()
    if (line === "") continue
    const colon = line.indexOf(":")
    const name = colon > 0 ? line.slice(0, colon).trim() : ""
    if (!isHeaderName(name)) {
      return Either.left(ConfigError.InvalidData([HEADERS_VARIABLE], `line ${i + 1} is not a "Name: value" header`))
    }
    const problem = checkHeader(name, line.slice(colon + 1))
    if (problem !== undefined) return Either.left(ConfigError.InvalidData([HEADERS_VARIABLE], `line ${i + 1}: ${problem}`))
    headers[name.toLowerCase()] = trimHeaderValue(line.slice(colon + 1))
  }
  return Either.right(headers)
}
