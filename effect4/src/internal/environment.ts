/**
 * `LlamaCloudClient.layerConfig`'s configuration: the environment variables the official SDKs read
 * (or `Config`s of the user's), each failure reported under the variable it came from.
 */
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import type { LlamaCloudClient } from "../LlamaCloudClient.js"
import { checkApiKey, checkBaseUrl, checkScopeId, DEFAULT_BASE_URL } from "./clientOptions.js"
import * as Setting from "../core/clientSettings.js"
import { trimHeaderValue } from "../core/headerValue.js"
import { givenOptions, invalidData, missingData, sourceUnavailable } from "./layerOptions.js"
import { show } from "../core/show.js"


/**
 * Reads one setting. A failure that names no variable (a `Config.fail` of the user's) is put under
 * `name`; a provider that fails or throws (Deno's `Deno.env.get` without `--allow-env`) is a
 * `SourceError` naming `name`, not a defect.
 */
const load = <A>(config: Config.Config<A>, name: string): Effect.Effect<A, Config.ConfigError> =>
  Effect.mapError(config, (error) => under(error, name)).pipe(
    Effect.catchDefect((defect) => Effect.fail(sourceUnavailable(name, `could not be read: ${show(defect, 200)}`, defect)))
  )

const under = (error: Config.ConfigError, name: string): Config.ConfigError => {
  const cause = error.cause
  if (cause._tag === "SourceError") {
    return sourceUnavailable(name, `could not be read: ${cause.message}`, cause)
  }
  return cause.issue._tag === "Pointer" ? error : new Config.ConfigError(new Schema.SchemaError(new SchemaIssue.Pointer([name], cause.issue)))
}

/** A variable's text, none when it is unset or blank: a blank variable is unset, as in the official SDKs. */
const variable = (name: string): Effect.Effect<Option.Option<string>, Config.ConfigError> =>
  Effect.map(load(Config.option(Config.String(name)), name), Option.filter((text) => text.trim() !== ""))

/**
 * The key from the first of the two variables that is set. Blank counts as unset, so that the
 * fallback is read; a key that cannot be sent is reported under the variable that holds it.
 */
const apiKeyFromEnv: Effect.Effect<Redacted.Redacted<string>, Config.ConfigError> = Effect.gen(function*() {
  for (const name of [Setting.variables.apiKey, Setting.variables.parseApiKey]) {
    const raw = yield* variable(name)
    if (Option.isSome(raw) && trimHeaderValue(raw.value) !== "") return yield* Effect.fromResult(checkApiKey(raw.value, [name]))
  }
  return yield* Effect.fail(missingData([Setting.variables.apiKey], Setting.noKeyInEnvironment))
})

const baseUrlFromEnv: Effect.Effect<string, Config.ConfigError> = Effect.flatMap(
  variable(Setting.variables.baseUrl),
  Option.match({
    onNone: () => Effect.succeed(DEFAULT_BASE_URL),
    onSome: (raw) => Effect.fromResult(checkBaseUrl(raw, [Setting.variables.baseUrl]))
  })
)

// Whitespace around an id (a line end copied into a .env file) is not part of it.
const idFromEnv = (name: string): Effect.Effect<Option.Option<string>, Config.ConfigError> =>
  Effect.map(variable(name), Option.map((id) => id.trim()))

const customHeadersFromEnv: Effect.Effect<Readonly<Record<string, string>>, Config.ConfigError> = Effect.flatMap(
  variable(Setting.variables.headers),
  Option.match({
    onNone: () => Effect.succeed({}),
    onSome: (text) => Effect.fromResult(parseCustomHeaders(text))
  })
)

/** A problem with what was given, as this Effect line's `ConfigError`. */
const invalid = (problem: Setting.SettingProblem): Config.ConfigError => invalidData([...problem.path], problem.message)

interface GivenConfigs {
  readonly apiKey: Option.Option<Config.Config<Redacted.Redacted<string>>>
  readonly baseUrl: Option.Option<Config.Config<string>>
  readonly organizationId: Option.Option<Config.Config<Option.Option<string>>>
  readonly projectId: Option.Option<Config.Config<Option.Option<string>>>
  readonly headers: Option.Option<Config.Config<Readonly<Record<string, string>>>>
}

/** The `Config`s a caller gave in place of the environment, checked to be `Config`s. */
const configOptions = (options: LlamaCloudClient.ConfigOptions | null): Result.Result<GivenConfigs, Config.ConfigError> =>
  Result.gen(function*() {
    const given: unknown = options
    if (given !== undefined && given !== null && typeof given !== "object") {
      return yield* Result.fail(invalid(Setting.configsNotAnObject(given)))
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
): Result.Result<Option.Option<Config.Config<A>>, Config.ConfigError> => {
  if (config === undefined || config === null) return Result.succeed(Option.none())
  return Config.isConfig(config) ?
    Result.succeed(Option.some(config)) :
    Result.fail(invalid(Setting.notAConfig(name, config, "Config.String")))
}

/**
 * Parses `LLAMA_CLOUD_CUSTOM_HEADERS`: one `Name: value` per line, blank lines ignored. A line that
 * is not a header, a value a header cannot carry, or a header the transport sets itself fails,
 * naming the line.
 *
 * @since 0.1.0
 * @category config
 */
export function parseCustomHeaders(text: string): Result.Result<Readonly<Record<string, string>>, Config.ConfigError> {
  const read = Setting.customHeadersText(text)
  return "value" in read ? Result.succeed(read.value) : Result.fail(invalid(read.problem))
}

/** The options `layerConfig` reads: each from its `Config` when given, from the environment otherwise. */
export const optionsFromConfig = (
  options: LlamaCloudClient.ConfigOptions
): Effect.Effect<LlamaCloudClient.Options, Config.ConfigError> =>
  Effect.gen(function*() {
    const given = yield* Effect.fromResult(configOptions(options))
    const apiKey = yield* Option.match(given.apiKey, {
      onNone: () => apiKeyFromEnv,
      onSome: (config) => load(config, "apiKey")
    })
    const baseUrl = yield* Option.match(given.baseUrl, {
      onNone: () => baseUrlFromEnv,
      onSome: (config) => load(config, "baseUrl")
    })
    // Checked here, under the variable (or option) they came from; the client checks them again.
    const scopeId = (scope: "organization" | "project", config: Option.Option<Config.Config<Option.Option<string>>>, name: string, option: string) =>
      Effect.flatMap(
        Option.match(config, { onNone: () => idFromEnv(name), onSome: (own) => load(own, option) }),
        (id) => Effect.fromResult(checkScopeId(id, scope, [Option.isNone(config) ? name : option], apiKey))
      )
    const organizationId = yield* scopeId("organization", given.organizationId, Setting.variables.organizationId, "organizationId")
    const projectId = yield* scopeId("project", given.projectId, Setting.variables.projectId, "projectId")
    const headers = yield* Option.match(given.headers, {
      onNone: () => customHeadersFromEnv,
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

