/**
 * `LlamaCloudClient`'s explicit options, checked at run time: callers from plain JavaScript bypass
 * the types, and every mistake must be a `ConfigError` naming the option, never a defect.
 */
import type * as Config from "effect/Config"
import * as HttpClient from "effect/http/HttpClient"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import { defaultHeaders } from "./clientHeaders.js"
import { givenOptions, invalidData, missingData } from "./layerOptions.js"
import * as Setting from "../core/clientSettings.js"

/**
 * LlamaCloud's public API host (EU region: `https://api.cloud.eu.llamaindex.ai`).
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_BASE_URL = "https://api.cloud.llamaindex.ai"

interface Settings {
  readonly apiKey: Redacted.Redacted<string>
  readonly baseUrl: string
  readonly organizationId: Option.Option<string>
  readonly projectId: Option.Option<string>
  readonly headers: Readonly<Record<string, string>>
  readonly transformClient: Option.Option<(client: HttpClient.HttpClient) => unknown>
}

/** A setting's problem as this Effect line's `ConfigError`. */
const configError = (problem: Setting.SettingProblem): Config.ConfigError =>
  problem.missing === true ?
    missingData([...problem.path], problem.message) :
    invalidData([...problem.path], problem.message)

const fromChecked = <A>(checked: Setting.Checked<A>): Result.Result<A, Config.ConfigError> =>
  "value" in checked ? Result.succeed(checked.value) : Result.fail(configError(checked.problem))

export const resolve = (options: unknown): Result.Result<Settings, Config.ConfigError> =>
  Result.gen(function*() {
    const wrong = Setting.optionsProblem(options)
    if (wrong !== undefined || typeof options !== "object" || options === null) {
      return yield* Result.fail(configError(wrong ?? Setting.noKeyGiven))
    }
    yield* givenOptions("LlamaCloudClient.layer", options, clientOptionNames)
    const apiKey = yield* checkApiKeyOption("apiKey" in options ? options.apiKey : undefined)
    const baseUrl = yield* optionalString(options, "baseUrl", "a string such as \"https://api.cloud.llamaindex.ai\"")
    const organizationId = yield* optionalString(options, "organizationId", "a string")
    const projectId = yield* optionalString(options, "projectId", "a string")
    const custom = yield* fromChecked(Setting.headers("headers" in options ? options.headers : undefined))
    const transformClient = yield* checkTransformClient("transformClient" in options ? options.transformClient : undefined)
    return {
      apiKey,
      baseUrl: yield* checkBaseUrl(Option.getOrElse(baseUrl, () => DEFAULT_BASE_URL), ["baseUrl"]),
      organizationId: yield* checkScopeId(Option.filter(organizationId, (s) => s !== ""), "organization", ["organizationId"], apiKey),
      projectId: yield* checkScopeId(Option.filter(projectId, (s) => s !== ""), "project", ["projectId"], apiKey),
      headers: defaultHeaders(custom),
      transformClient
    }
  })

/** A default organization or project id: a UUID, checked when the layer is built (see `Setting.scopeIdProblem`). */
export const checkScopeId = (
  id: Option.Option<string>,
  scope: "organization" | "project",
  path: Array<string>,
  apiKey: Redacted.Redacted<string>
): Result.Result<Option.Option<string>, Config.ConfigError> => {
  const wrong = Option.isSome(id) ? Setting.scopeIdProblem(id.value, scope, path, Redacted.value(apiKey)) : undefined
  return wrong === undefined ? Result.succeed(id) : Result.fail(configError(wrong))
}

const clientOptionNames = ["apiKey", "baseUrl", "organizationId", "projectId", "headers", "transformClient"]

/** What a value is, for a message: never the value itself, which may be a misplaced key. */
export const kind = Setting.kind

const checkTransformClient = (
  value: unknown
): Result.Result<Option.Option<(client: HttpClient.HttpClient) => unknown>, Config.ConfigError> => {
  if (value === undefined || value === null) return Result.succeed(Option.none())
  // What it returns is checked when it is called, in transformWith.
  return typeof value === "function" ?
    Result.succeed(Option.some((client: HttpClient.HttpClient): unknown => Reflect.apply(value, undefined, [client]))) :
    Result.fail(configError(Setting.transformClientNotAFunction(value)))
}

export const transformWith = (
  transform: (client: HttpClient.HttpClient) => unknown,
  client: HttpClient.HttpClient
): Result.Result<HttpClient.HttpClient, Config.ConfigError> =>
  Result.try({
    try: () => transform(client),
    catch: (error) => configError(Setting.transformClientThrew(error))
  }).pipe(
    Result.filterOrFail(HttpClient.isHttpClient, (other) => configError(Setting.transformClientReturned(other)))
  )

const optionalString = (
  options: object,
  key: string,
  expected: string
): Result.Result<Option.Option<string>, Config.ConfigError> =>
  Result.map(fromChecked(Setting.optionalString(options, key, expected)), Option.fromUndefinedOr)

const checkApiKeyOption = (value: unknown): Result.Result<Redacted.Redacted<string>, Config.ConfigError> =>
  value === undefined || value === null ?
    Result.fail(configError(Setting.noKeyGiven)) :
    Result.map(fromChecked(Setting.apiKeyOption(Redacted.isRedacted(value) ? Redacted.value(value) : value)), Redacted.make)

/** The key as it will be sent: whitespace around it dropped, anything a header cannot carry refused. */
export const checkApiKey = (
  raw: string,
  path: Array<string>
): Result.Result<Redacted.Redacted<string>, Config.ConfigError> => Result.map(fromChecked(Setting.apiKey(raw, path)), Redacted.make)

export const checkBaseUrl = (raw: string, path: Array<string>): Result.Result<string, Config.ConfigError> =>
  fromChecked(Setting.baseUrl(raw, path))

/** What is wrong with one custom header, in a sentence about it, or undefined. */
export const checkHeader = Setting.checkHeader
