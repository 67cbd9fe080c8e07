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
import { invalidHeaderValue, isHeaderName, transportHeaders, trimHeaderValue } from "../core/headerValue.js"
import { givenOptions, invalidData, missingData } from "./layerOptions.js"
import { isScopeId } from "../core/scopeId.js"
import { show } from "../core/show.js"

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

export const resolve = (options: unknown): Result.Result<Settings, Config.ConfigError> =>
  Result.gen(function*() {
    if (options === undefined || options === null) {
      return yield* Result.fail(missingData(["apiKey"], noKeyGiven))
    }
    if (typeof options !== "object") {
      return yield* Result.fail(
        invalidData(["options"], `LlamaCloudClient takes an object of options such as { apiKey }, got ${kind(options)}`)
      )
    }
    yield* givenOptions("LlamaCloudClient.layer", options, clientOptionNames)
    const apiKey = yield* checkApiKeyOption("apiKey" in options ? options.apiKey : undefined)
    const baseUrl = yield* optionalString(options, "baseUrl", "a string such as \"https://api.cloud.llamaindex.ai\"")
    const organizationId = yield* optionalString(options, "organizationId", "a string")
    const projectId = yield* optionalString(options, "projectId", "a string")
    const custom = yield* checkHeaders("headers" in options ? options.headers : undefined)
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

/**
 * A default organization or project id, checked as a call's own ids are (a UUID), so that a wrong
 * one fails the layer instead of every call. Quoted back unless it holds the key, put there by mistake.
 */
export const checkScopeId = (
  id: Option.Option<string>,
  scope: "organization" | "project",
  path: Array<string>,
  apiKey: Redacted.Redacted<string>
): Result.Result<Option.Option<string>, Config.ConfigError> => {
  if (Option.isNone(id) || isScopeId(id.value)) return Result.succeed(id)
  const shown = id.value.includes(Redacted.value(apiKey)) ? "the API key" : show(id.value, 60)
  return Result.fail(
    invalidData(path, `must be a UUID (the ${scope}'s id, from the LlamaCloud dashboard), got ${shown}`)
  )
}

const clientOptionNames = ["apiKey", "baseUrl", "organizationId", "projectId", "headers", "transformClient"]

const noKeyGiven =
  "No LlamaCloud API key: pass apiKey (a key from the LlamaCloud dashboard), or use LlamaCloudClient.layerConfig() to read LLAMA_CLOUD_API_KEY"

/** What a value is, for a message: never the value itself, which may be a misplaced key. */
export const kind = (u: unknown): string =>
  u === null || u === undefined ?
    String(u) :
    Array.isArray(u) ? "an array" : typeof u === "object" ? "an object" : `a ${typeof u}`

const checkTransformClient = (
  value: unknown
): Result.Result<Option.Option<(client: HttpClient.HttpClient) => unknown>, Config.ConfigError> => {
  if (value === undefined || value === null) return Result.succeed(Option.none())
  // What it returns is checked when it is called, in transformWith.
  return typeof value === "function" ?
    Result.succeed(Option.some((client: HttpClient.HttpClient): unknown => Reflect.apply(value, undefined, [client]))) :
    Result.fail(invalidData(["transformClient"], `must be a function, got ${kind(value)}`))
}

export const transformWith = (
  transform: (client: HttpClient.HttpClient) => unknown,
  client: HttpClient.HttpClient
): Result.Result<HttpClient.HttpClient, Config.ConfigError> =>
  Result.try({
    try: () => transform(client),
    catch: (error) => invalidData(["transformClient"], `threw ${show(error, 200)}`)
  }).pipe(
    Result.filterOrFail(
      HttpClient.isHttpClient,
      (other) => invalidData(["transformClient"], `must return an HttpClient, got ${kind(other)}`)
    )
  )

const optionalString = (
  options: object,
  key: string,
  expected: string
): Result.Result<Option.Option<string>, Config.ConfigError> => {
  const value: unknown = Reflect.get(options, key)
  if (value === undefined || value === null) return Result.succeed(Option.none())
  return typeof value === "string" ?
    Result.succeed(Option.some(value)) :
    Result.fail(invalidData([key], `must be ${expected}, got ${kind(value)}`))
}

const checkApiKeyOption = (value: unknown): Result.Result<Redacted.Redacted<string>, Config.ConfigError> => {
  if (value === undefined || value === null) return Result.fail(missingData(["apiKey"], noKeyGiven))
  const key: unknown = Redacted.isRedacted(value) ? Redacted.value(value) : value
  if (typeof key !== "string") {
    return Result.fail(
      invalidData(["apiKey"], `must be a string or a Redacted string (Redacted.make("llx-...")), got ${kind(key)}`)
    )
  }
  return checkApiKey(key, ["apiKey"])
}

/** The key as it will be sent: whitespace around it dropped, anything a header cannot carry refused. */
export const checkApiKey = (
  raw: string,
  path: Array<string>
): Result.Result<Redacted.Redacted<string>, Config.ConfigError> => {
  const key = trimHeaderValue(raw)
  if (key === "") {
    return Result.fail(invalidData(path, "The LlamaCloud API key is empty: pass a key from the LlamaCloud dashboard"))
  }
  const invalid = invalidHeaderValue(key)
  return invalid === undefined ?
    Result.succeed(Redacted.make(key)) :
    Result.fail(
      invalidData(
        path,
        `The LlamaCloud API key ${invalid}: copy the key again from the LlamaCloud dashboard (a placeholder such as "llx-..." is not a key)`
      )
    )
}

export const checkBaseUrl = (raw: string, path: Array<string>): Result.Result<string, Config.ConfigError> => {
  const url = URL.canParse(raw) ? new URL(raw) : undefined
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    return Result.fail(invalidData(path, `The base URL must be an http(s) URL, got ${show(raw, 200)}`))
  }
  // Not quoted: it holds a password. fetch refuses such a URL, and the key goes in apiKey.
  if (url.username !== "" || url.password !== "") {
    return Result.fail(invalidData(path, "The base URL must not contain a user name or password"))
  }
  if (url.search !== "" || url.hash !== "") {
    return Result.fail(invalidData(path, `The base URL must not have a query or fragment, got ${show(raw, 200)}`))
  }
  return Result.succeed(url.toString().replace(/\/+$/, ""))
}

/** Custom headers, names in lower case; an `authorization` among them is dropped, the client's wins. */
const checkHeaders = (value: unknown): Result.Result<Readonly<Record<string, string>>, Config.ConfigError> => {
  if (value === undefined || value === null) return Result.succeed({})
  if (typeof value !== "object" || Array.isArray(value)) {
    return Result.fail(invalidData(["headers"], `must be an object of header names to values, got ${kind(value)}`))
  }
  const headers: Record<string, string> = {}
  for (const [name, raw] of Object.entries(value)) {
    const problem = checkHeader(name, raw)
    if (problem !== undefined) {
      return Result.fail(invalidData(["headers", isHeaderName(name) ? name : show(name, 60)], problem))
    }
    if (typeof raw === "string") headers[name.toLowerCase()] = trimHeaderValue(raw)
  }
  delete headers["authorization"]
  return Result.succeed(headers)
}

/** What is wrong with one custom header, in a sentence about it, or undefined. */
export const checkHeader = (name: string, value: unknown): string | undefined => {
  if (!isHeaderName(name)) return "is not a valid header name"
  if (transportHeaders.has(name.toLowerCase())) return `${name} is set by the transport and cannot be a custom header`
  if (typeof value !== "string") return `The value of ${name} must be a string, got ${kind(value)}`
  const invalid = invalidHeaderValue(trimHeaderValue(value))
  return invalid === undefined ? undefined : `The value of ${name} ${invalid}`
}
