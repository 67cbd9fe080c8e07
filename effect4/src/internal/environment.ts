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
import { checkApiKey, checkBaseUrl, checkHeader, checkScopeId, DEFAULT_BASE_URL, kind } from "./clientOptions.js"
import { isHeaderName, trimHeaderValue } from "../core/headerValue.js"
import { givenOptions, invalidData, missingData, sourceUnavailable } from "./layerOptions.js"
import { show } from "../core/show.js"

const API_KEY_VARIABLE = "LLAMA_CLOUD_API_KEY"
const PARSE_API_KEY_VARIABLE = "LLAMA_PARSE_API_KEY"
const BASE_URL_VARIABLE = "LLAMA_CLOUD_BASE_URL"
const ORGANIZATION_VARIABLE = "LLAMA_CLOUD_ORGANIZATION_ID"
const PROJECT_VARIABLE = "LLAMA_CLOUD_PROJECT_ID"
const HEADERS_VARIABLE = "LLAMA_CLOUD_CUSTOM_HEADERS"

const noKeyInEnvironment =
  `No LlamaCloud API key: set ${API_KEY_VARIABLE} (or ${PARSE_API_KEY_VARIABLE}) to a key from the LlamaCloud dashboard`

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
  for (const name of [API_KEY_VARIABLE, PARSE_API_KEY_VARIABLE]) {
    const raw = yield* variable(name)
    if (Option.isSome(raw) && trimHeaderValue(raw.value) !== "") return yield* Effect.fromResult(checkApiKey(raw.value, [name]))
  }
  return yield* Effect.fail(missingData([API_KEY_VARIABLE], noKeyInEnvironment))
})

const baseUrlFromEnv: Effect.Effect<string, Config.ConfigError> = Effect.flatMap(
  variable(BASE_URL_VARIABLE),
  Option.match({
    onNone: () => Effect.succeed(DEFAULT_BASE_URL),
    onSome: (raw) => Effect.fromResult(checkBaseUrl(raw, [BASE_URL_VARIABLE]))
  })
)

// Whitespace around an id (a line end copied into a .env file) is not part of it.
const idFromEnv = (name: string): Effect.Effect<Option.Option<string>, Config.ConfigError> =>
  Effect.map(variable(name), Option.map((id) => id.trim()))

const customHeadersFromEnv: Effect.Effect<Readonly<Record<string, string>>, Config.ConfigError> = Effect.flatMap(
  variable(HEADERS_VARIABLE),
  Option.match({
    onNone: () => Effect.succeed({}),
    onSome: (text) => Effect.fromResult(parseCustomHeaders(text))
  })
)

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
      return yield* Result.fail(
        invalidData(["options"], `LlamaCloudClient.layerConfig takes an object of Configs, got ${kind(given)}`)
      )
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
    Result.fail(
      invalidData(
        [name],
        `must be a Config, such as Config.String("MY_VARIABLE"), got ${kind(config)}; to pass a value, use LlamaCloudClient.layer`
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
export function parseCustomHeaders(text: string): Result.Result<Readonly<Record<string, string>>, Config.ConfigError> {
  const headers: Record<string, string> = {}
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim()
    if (line === "") continue
    const colon = line.indexOf(":")
    const name = colon > 0 ? line.slice(0, colon).trim() : ""
    if (!isHeaderName(name)) {
      return Result.fail(invalidData([HEADERS_VARIABLE], `line ${i + 1} is not a "Name: value" header`))
    }
    const problem = checkHeader(name, line.slice(colon + 1))
    if (problem !== undefined) return Result.fail(invalidData([HEADERS_VARIABLE], `line ${i + 1}: ${problem}`))
    headers[name.toLowerCase()] = trimHeaderValue(line.slice(colon + 1))
  }
  return Result.succeed(headers)
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
    const organizationId = yield* scopeId("organization", given.organizationId, ORGANIZATION_VARIABLE, "organizationId")
    const projectId = yield* scopeId("project", given.projectId, PROJECT_VARIABLE, "projectId")
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

