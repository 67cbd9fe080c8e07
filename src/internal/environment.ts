/**
 * `LlamaCloudClient.layerConfig`'s configuration: the environment variables the official SDKs read
 * (or `Config`s of the user's), each failure reported under the variable it came from.
 */
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type { LlamaCloudClient } from "../LlamaCloudClient.js"
import { checkApiKey, checkBaseUrl, checkScopeId, DEFAULT_BASE_URL } from "./clientOptions.js"
import * as Setting from "../core/clientSettings.js"
import { trimHeaderValue } from "../core/headerValue.js"
import { givenOptions } from "./layerOptions.js"
import { show } from "../core/show.js"


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
const apiKeyFromEnv: Config.Config<Redacted.Redacted<string>> = keyIn(Setting.variables.apiKey).pipe(
  Config.orElseIf({ if: ConfigError.isMissingDataOnly, orElse: () => keyIn(Setting.variables.parseApiKey) })
)

// A blank variable is unset, as for the ids.
const baseUrlFromEnv: Config.Config<string> = Config.string(Setting.variables.baseUrl).pipe(
  Config.mapOrFail((raw) =>
    raw.trim() === "" ? Either.left(ConfigError.MissingData([], `${Setting.variables.baseUrl} is empty`)) : checkBaseUrl(raw, [])
  ),
  Config.withDefault(DEFAULT_BASE_URL)
)

// Blank is unset; whitespace around an id (a line end copied into a .env file) is not part of it.
const optionalNonEmpty = (name: string): Config.Config<Option.Option<string>> =>
  Config.option(Config.string(name)).pipe(Config.map((id) => Option.filter(Option.map(id, (s) => s.trim()), (s) => s !== "")))

const customHeadersFromEnv: Config.Config<Readonly<Record<string, string>>> = Config.option(
  Config.string(Setting.variables.headers)
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

/** A problem with what was given, as this Effect line's `ConfigError`. */
const invalid = (problem: Setting.SettingProblem): ConfigError.ConfigError =>
  ConfigError.InvalidData([...problem.path], problem.message)

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
      return yield* Either.left(invalid(Setting.configsNotAnObject(given)))
    }
    if (given !== null) {
      yield* givenOptions("LlamaCloudClient.layerConfig", given, ["apiKey", "baseUrl", "organizationId", "projectId", "headers", "transformClient"])
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
    Either.left(invalid(Setting.notAConfig(name, config, "Config.string")))
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
  const read = Setting.customHeadersText(text)
  return "value" in read ? Either.right(read.value) : Either.left(invalid(read.problem))
}

/** The options `layerConfig` reads: each from its `Config` when given, from the environment otherwise. */
export const optionsFromConfig = (
  options: LlamaCloudClient.ConfigOptions
): Effect.Effect<LlamaCloudClient.Options, ConfigError.ConfigError> =>
  Effect.gen(function*() {
    const given = yield* configOptions(options)
    const apiKey = yield* Option.match(given.apiKey, {
      onNone: () => load(apiKeyFromEnv, Setting.variables.apiKey, Setting.noKeyInEnvironment),
      onSome: (config) => load(config, "apiKey")
    })
    const baseUrl = yield* Option.match(given.baseUrl, {
      onNone: () => load(baseUrlFromEnv, Setting.variables.baseUrl),
      onSome: (config) => load(config, "baseUrl")
    })
    // Checked here, under the variable (or option) they came from; the client checks them again.
    const organizationId = yield* Effect.flatMap(
      Option.match(given.organizationId, {
        onNone: () => load(optionalNonEmpty(Setting.variables.organizationId), Setting.variables.organizationId),
        onSome: (config) => load(config, "organizationId")
      }),
      (id) => checkScopeId(id, "organization", [Option.isNone(given.organizationId) ? Setting.variables.organizationId : "organizationId"], apiKey)
    )
    const projectId = yield* Effect.flatMap(
      Option.match(given.projectId, {
        onNone: () => load(optionalNonEmpty(Setting.variables.projectId), Setting.variables.projectId),
        onSome: (config) => load(config, "projectId")
      }),
      (id) => checkScopeId(id, "project", [Option.isNone(given.projectId) ? Setting.variables.projectId : "projectId"], apiKey)
    )
    const headers = yield* Option.match(given.headers, {
      onNone: () => load(customHeadersFromEnv, Setting.variables.headers),
      onSome: (config) => load(config, "headers")
    })
    const resolved: LlamaCloudClient.Options = {
      apiKey,
      baseUrl,
      organizationId: Option.getOrUndefined(organizationId),
      projectId: Option.getOrUndefined(projectId),
      headers,
      transformClient: options?.transformClient
    }
    return resolved
  })
