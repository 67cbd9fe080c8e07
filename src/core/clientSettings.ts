/**
 * The rules and the wording of `LlamaCloudClient`'s explicit options (and of the variables
 * `layerConfig` reads into the same settings), as plain values: the API key, the base URL, the
 * organization and project ids, the custom headers. Each edition's `internal/clientOptions.ts` turns
 * a problem into its Effect line's `ConfigError` and the key into a `Redacted`.
 */
import { invalidHeaderValue, isHeaderName, transportHeaders, trimHeaderValue } from "./headerValue.js"
import { isScopeId } from "./scopeId.js"
import { show } from "./show.js"

/** What is wrong with a setting: where (the option, or the variable) and what to do; `missing` when it is not there at all. */
export interface SettingProblem {
  readonly path: ReadonlyArray<string>
  readonly message: string
  readonly missing?: boolean | undefined
}

/** A setting as it will be used, or what is wrong with it. */
export type Checked<A> = { readonly value: A } | { readonly problem: SettingProblem }

const problem = (path: ReadonlyArray<string>, message: string): { readonly problem: SettingProblem } => ({
  problem: { path, message }
})

/** What a value is, for a message: never the value itself, which may be a misplaced key. */
export const kind = (u: unknown): string =>
  u === null || u === undefined ?
    String(u) :
    Array.isArray(u) ? "an array" : typeof u === "object" ? "an object" : `a ${typeof u}`

/** No key at all. */
export const noKeyGiven: SettingProblem = {
  path: ["apiKey"],
  message:
    "No LlamaCloud API key: pass apiKey (a key from the LlamaCloud dashboard), or use LlamaCloudClient.layerConfig() to read LLAMA_CLOUD_API_KEY",
  missing: true
}

/** What is wrong with the options object itself, before any option is read. */
export const optionsProblem = (options: unknown): SettingProblem | undefined =>
  options === undefined || options === null ? noKeyGiven :
  typeof options !== "object" ?
  { path: ["options"], message: `LlamaCloudClient takes an object of options such as { apiKey }, got ${kind(options)}` } :
  undefined

/** The `apiKey` option, a `Redacted`'s content already taken out: a string, checked as {@link apiKey}. */
export const apiKeyOption = (key: unknown): Checked<string> => {
  if (key === undefined || key === null) return { problem: noKeyGiven }
  if (typeof key !== "string") {
    return problem(["apiKey"], `must be a string or a Redacted string (Redacted.make("llx-...")), got ${kind(key)}`)
  }
  return apiKey(key, ["apiKey"])
}

/** The key as it will be sent: whitespace around it dropped, anything a header cannot carry refused. */
export const apiKey = (raw: string, path: ReadonlyArray<string>): Checked<string> => {
  const key = trimHeaderValue(raw)
  if (key === "") return problem(path, "The LlamaCloud API key is empty: pass a key from the LlamaCloud dashboard")
  const invalid = invalidHeaderValue(key)
  return invalid === undefined ?
    { value: key } :
    problem(
      path,
      `The LlamaCloud API key ${invalid}: copy the key again from the LlamaCloud dashboard (a placeholder such as "llx-..." is not a key)`
    )
}

/** The base URL, without its trailing slashes; an http(s) URL with no credentials, query or fragment. */
export const baseUrl = (raw: string, path: ReadonlyArray<string>): Checked<string> => {
  const url = URL.canParse(raw) ? new URL(raw) : undefined
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    return problem(path, `The base URL must be an http(s) URL, got ${show(raw, 200)}`)
  }
  // Not quoted: it holds a password. fetch refuses such a URL, and the key goes in apiKey.
  if (url.username !== "" || url.password !== "") return problem(path, "The base URL must not contain a user name or password")
  if (url.search !== "" || url.hash !== "") {
    return problem(path, `The base URL must not have a query or fragment, got ${show(raw, 200)}`)
  }
  return { value: url.toString().replace(/\/+$/, "") }
}

/** A string option, undefined when absent. */
export const optionalString = (options: object, key: string, expected: string): Checked<string | undefined> => {
  const value: unknown = Reflect.get(options, key)
  if (value === undefined || value === null) return { value: undefined }
  return typeof value === "string" ? { value } : problem([key], `must be ${expected}, got ${kind(value)}`)
}

/**
 * What is wrong with a default organization or project id, checked as a call's own ids are (a
 * UUID), so that a wrong one fails the layer instead of every call. Quoted back unless it holds the
 * key, put there by mistake.
 */
export const scopeIdProblem = (
  id: string,
  scope: "organization" | "project",
  path: ReadonlyArray<string>,
  key: string
): SettingProblem | undefined => {
  if (isScopeId(id)) return undefined
  const shown = id.includes(key) ? "the API key" : show(id, 60)
  return { path, message: `must be a UUID (the ${scope}'s id, from the LlamaCloud dashboard), got ${shown}` }
}

/** What is wrong with one custom header, in a sentence about it, or undefined. */
export const checkHeader = (name: string, value: unknown): string | undefined => {
  if (!isHeaderName(name)) return "is not a valid header name"
  if (transportHeaders.has(name.toLowerCase())) return `${name} is set by the transport and cannot be a custom header`
  if (typeof value !== "string") return `The value of ${name} must be a string, got ${kind(value)}`
  const invalid = invalidHeaderValue(trimHeaderValue(value))
  return invalid === undefined ? undefined : `The value of ${name} ${invalid}`
}

/** Custom headers, names in lower case; an `authorization` among them is dropped, the client's wins. */
export const headers = (value: unknown): Checked<Readonly<Record<string, string>>> => {
  if (value === undefined || value === null) return { value: {} }
  if (typeof value !== "object" || Array.isArray(value)) {
    return problem(["headers"], `must be an object of header names to values, got ${kind(value)}`)
  }
  const checked: Record<string, string> = {}
  for (const [name, raw] of Object.entries(value)) {
    const wrong = checkHeader(name, raw)
    if (wrong !== undefined) return problem(["headers", isHeaderName(name) ? name : show(name, 60)], wrong)
    if (typeof raw === "string") checked[name.toLowerCase()] = trimHeaderValue(raw)
  }
  delete checked["authorization"]
  return { value: checked }
}

/** `transformClient` is not a function. */
export const transformClientNotAFunction = (value: unknown): SettingProblem => ({
  path: ["transformClient"],
  message: `must be a function, got ${kind(value)}`
})

/** `transformClient` threw when it was called. */
export const transformClientThrew = (error: unknown): SettingProblem => ({
  path: ["transformClient"],
  message: `threw ${show(error, 200)}`
})

/** `transformClient` returned something that is not an HttpClient. */
export const transformClientReturned = (other: unknown): SettingProblem => ({
  path: ["transformClient"],
  message: `must return an HttpClient, got ${kind(other)}`
})

/** The environment variables `LlamaCloudClient.layerConfig` reads, named as the official SDKs name them. */
export const variables = {
  apiKey: "LLAMA_CLOUD_API_KEY",
  /** Read when `apiKey` is unset, as the official SDKs do. */
  parseApiKey: "LLAMA_PARSE_API_KEY",
  baseUrl: "LLAMA_CLOUD_BASE_URL",
  organizationId: "LLAMA_CLOUD_ORGANIZATION_ID",
  projectId: "LLAMA_CLOUD_PROJECT_ID",
  headers: "LLAMA_CLOUD_CUSTOM_HEADERS"
} as const

/** No key in the environment. */
export const noKeyInEnvironment =
  `No LlamaCloud API key: set ${variables.apiKey} (or ${variables.parseApiKey}) to a key from the LlamaCloud dashboard`

/** `layerConfig`'s argument is not an object of `Config`s. */
export const configsNotAnObject = (given: unknown): SettingProblem => ({
  path: ["options"],
  message: `LlamaCloudClient.layerConfig takes an object of Configs, got ${kind(given)}`
})

/** One of `layerConfig`'s options is not a `Config`; `example` is how the edition makes one (`Config.string`). */
export const notAConfig = (name: string, given: unknown, example: string): SettingProblem => ({
  path: [name],
  message: `must be a Config, such as ${example}("MY_VARIABLE"), got ${kind(given)}; to pass a value, use LlamaCloudClient.layer`
})

/**
 * The custom headers variable's text: one `Name: value` per line, blank lines ignored, names in
 * lower case. A line that is not a header, a value a header cannot carry, or a header the transport
 * sets itself is refused, naming the line.
 */
export const customHeadersText = (text: string): Checked<Readonly<Record<string, string>>> => {
  const headers: Record<string, string> = {}
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim()
    if (line === "") continue
    const colon = line.indexOf(":")
    const name = colon > 0 ? line.slice(0, colon).trim() : ""
    if (!isHeaderName(name)) return problem([variables.headers], `line ${i + 1} is not a "Name: value" header`)
    const wrong = checkHeader(name, line.slice(colon + 1))
    if (wrong !== undefined) return problem([variables.headers], `line ${i + 1}: ${wrong}`)
    headers[name.toLowerCase()] = trimHeaderValue(line.slice(colon + 1))
  }
  return { value: headers }
}
