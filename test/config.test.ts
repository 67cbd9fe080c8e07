/**
 * Configuration: `LlamaCloudClient.layerConfig()` reads the environment variables the official SDKs
 * read, `LlamaCloudClient.layer(options)` takes them as values, and a client that cannot be
 * configured fails its layer with one `ConfigError` that says what to set, before anything is sent —
 * from TypeScript or from plain JavaScript that bypasses the types.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import { DEFAULT_BASE_URL, LlamaCloudClient, parseCustomHeaders } from "../src/LlamaCloudClient.js"
import { built, recordingTransport, sentBy } from "./fixtures/client.js"
import { badBaseUrls, baseUrlsRead, credentialsInUrl, notHttp, PUBLIC_HOST } from "./shared/baseUrls.js"
import { headersFromEnv, notAHeaderLine } from "./shared/customHeaders.js"

const ORG_ID = "8a3c1f52-2d4e-4b6f-9a7c-1e2f3a4b5c6d"
const PROJECT_ID = "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f"

const NO_KEY =
  "No LlamaCloud API key: set LLAMA_CLOUD_API_KEY (or LLAMA_PARSE_API_KEY) to a key from the LlamaCloud dashboard"

/** What the client configured from `env` sends. */
const sentWith = (env: Record<string, string>, options: LlamaCloudClient.ConfigOptions = {}) =>
  sentBy(LlamaCloudClient.layerConfig(options)).pipe(Effect.withConfigProvider(fromEnv(env)))

const fromEnv = (env: Record<string, string>): ConfigProvider.ConfigProvider =>
  ConfigProvider.fromMap(new Map(Object.entries(env)))

/**
 * The error of a layer that cannot be built, checked to be a `ConfigError` failure (not a defect)
 * and to have sent nothing.
 */
const refusedBy = (layer: Layer.Layer<LlamaCloudClient, ConfigError.ConfigError, HttpClient.HttpClient>) =>
  Effect.gen(function*() {
    const transport = yield* recordingTransport
    const exit = yield* Effect.exit(
      Effect.flatMap(LlamaCloudClient, (client) => client.httpClient.execute(HttpClientRequest.get("/api/v1/chat"))).pipe(
        Effect.provide(Layer.provide(layer, transport.layer))
      )
    )
    assert.lengthOf(yield* Ref.get(transport.sent), 0, "nothing may be sent")
    if (Exit.isSuccess(exit)) return assert.fail("the layer must fail")
    const error = Option.getOrUndefined(Cause.failureOption(exit.cause))
    if (!ConfigError.isConfigError(error)) return assert.fail(`a ConfigError, not a defect: ${Cause.pretty(exit.cause)}`)
    return error
  })

const refused = (env: Record<string, string>, options: LlamaCloudClient.ConfigOptions = {}) =>
  refusedBy(LlamaCloudClient.layerConfig(options)).pipe(Effect.withConfigProvider(fromEnv(env)))

/** `LlamaCloudClient.layer` called with anything at all, as plain JavaScript can. */
const layerFromJs = (options: unknown) => LlamaCloudClient.layer(options as unknown as LlamaCloudClient.Options)

const layerConfigFromJs = (options: unknown) =>
  LlamaCloudClient.layerConfig(options as unknown as LlamaCloudClient.ConfigOptions)

/** The path and message of a ConfigError that is one problem, not an `and` / `or` of several. */
const single = (error: ConfigError.ConfigError): { readonly path: string; readonly message: string } =>
  error._op === "And" || error._op === "Or" ?
    assert.fail(`one problem expected, got ${String(error)}`) :
    { path: error.path.join("."), message: error.message }

describe("the API key from the environment", () => {
  const found: ReadonlyArray<readonly [string, Record<string, string>, string]> = [
    ["is read from LLAMA_CLOUD_API_KEY", { LLAMA_CLOUD_API_KEY: "llx-cloud" }, "llx-cloud"],
    ["falls back to LLAMA_PARSE_API_KEY", { LLAMA_PARSE_API_KEY: "llx-parse" }, "llx-parse"],
    ["falls back to LLAMA_PARSE_API_KEY when LLAMA_CLOUD_API_KEY is blank", { LLAMA_CLOUD_API_KEY: "  ", LLAMA_PARSE_API_KEY: "llx-parse" }, "llx-parse"],
    ["prefers LLAMA_CLOUD_API_KEY when both are set", { LLAMA_CLOUD_API_KEY: "llx-cloud", LLAMA_PARSE_API_KEY: "llx-parse" }, "llx-cloud"],
    ["loses the whitespace around it (a key pasted from a file with its newline)", { LLAMA_CLOUD_API_KEY: " llx-cloud\n" }, "llx-cloud"]
  ]
  for (const [name, env, key] of found) {
    it.effect(name, () =>
      Effect.gen(function*() {
        const request = yield* sentWith(env)
        assert.strictEqual(request.headers["authorization"], `Bearer ${key}`)
      }))
  }

  it.effect("missing fails the layer with one sentence under LLAMA_CLOUD_API_KEY, naming both variables", () =>
    Effect.gen(function*() {
      const error = yield* refused({})
      assert.strictEqual(String(error), `(Missing data at LLAMA_CLOUD_API_KEY: "${NO_KEY}")`)
      assert.strictEqual(error.message, NO_KEY)
      assert.deepStrictEqual(single(error), { path: "LLAMA_CLOUD_API_KEY", message: NO_KEY })
      assert.notInclude(String(error), "<redacted>")
    }))

  it.effect("empty or blank in both variables fails the same way", () =>
    Effect.gen(function*() {
      const error = yield* refused({ LLAMA_CLOUD_API_KEY: "", LLAMA_PARSE_API_KEY: " \t" })
      assert.strictEqual(String(error), `(Missing data at LLAMA_CLOUD_API_KEY: "${NO_KEY}")`)
    }))

  it.effect("that a header cannot carry is reported under its variable, without quoting it", () =>
    Effect.gen(function*() {
      const error = yield* refused({ LLAMA_CLOUD_API_KEY: "llx-SECRET…" })
      const { message, path } = single(error)
      assert.strictEqual(path, "LLAMA_CLOUD_API_KEY")
      assert.include(message, "U+2026 (character 11)")
      assert.include(message, "not Latin-1")
      assert.notInclude(String(error), "SECRET")
    }))

  it.effect("set but broken is not skipped for LLAMA_PARSE_API_KEY", () =>
    Effect.gen(function*() {
      const error = yield* refused({ LLAMA_CLOUD_API_KEY: "llx-a\u0007b", LLAMA_PARSE_API_KEY: "llx-parse" })
      assert.deepStrictEqual(single(error).path, "LLAMA_CLOUD_API_KEY")
      assert.include(error.message, "control character U+0007 (character 6)")
    }))

  it.effect("broken in LLAMA_PARSE_API_KEY is reported there alone", () =>
    Effect.gen(function*() {
      const error = yield* refused({ LLAMA_PARSE_API_KEY: "llx-a\r\nX-Evil: 1" })
      assert.strictEqual(single(error).path, "LLAMA_PARSE_API_KEY")
      assert.include(error.message, "line break")
      assert.notInclude(String(error), "X-Evil")
      assert.notInclude(String(error), " or ")
    }))
})

describe("the API key from a Config of the caller's own", () => {
  it.effect("is used in place of the environment", () =>
    Effect.gen(function*() {
      const request = yield* sentWith({ MY_KEY: "llx-mine" }, { apiKey: Config.redacted("MY_KEY") })
      assert.strictEqual(request.headers["authorization"], "Bearer llx-mine")
    }))

  it.effect("missing is reported under its own name, not as \"<redacted>\"", () =>
    Effect.gen(function*() {
      const error = yield* refused({}, { apiKey: Config.redacted("MY_KEY") })
      assert.strictEqual(String(error), `(Missing data at MY_KEY: "not set")`)
    }))

  it.effect("failing without a name is reported under apiKey", () =>
    Effect.gen(function*() {
      const error = yield* refused({}, { apiKey: Config.fail("vault unreachable") })
      assert.strictEqual(String(error), `(Missing data at apiKey: "vault unreachable")`)
    }))

  it.effect("that a header cannot carry is reported under apiKey", () =>
    Effect.gen(function*() {
      const error = yield* refused({}, { apiKey: Config.succeed(Redacted.make("llx-…")) })
      assert.strictEqual(single(error).path, "apiKey")
      assert.include(error.message, "U+2026")
    }))
})

describe("the API key passed to LlamaCloudClient.layer", () => {
  it.effect("empty fails the layer", () =>
    Effect.gen(function*() {
      const error = yield* refusedBy(LlamaCloudClient.layer({ apiKey: Redacted.make(" ") }))
      assert.strictEqual(single(error).path, "apiKey")
      assert.include(String(error), "API key is empty")
    }))

  it.effect("with a line break is refused, so that no header can be injected", () =>
    Effect.gen(function*() {
      const error = yield* refusedBy(LlamaCloudClient.layer({ apiKey: Redacted.make("llx-a\r\nX-Evil: 1") }))
      assert.include(String(error), "line break")
      assert.notInclude(String(error), "X-Evil")
    }))

  it.effect("as the README's placeholder \"llx-…\" is refused, naming the character", () =>
    Effect.gen(function*() {
      const error = yield* refusedBy(LlamaCloudClient.layer({ apiKey: Redacted.make("llx-…") }))
      assert.strictEqual(
        String(error),
        `(Invalid data at apiKey: "The LlamaCloud API key contains U+2026 (character 5), which is not Latin-1 and cannot be sent in an HTTP header: copy the key again from the LlamaCloud dashboard (a placeholder such as "llx-..." is not a key)")`
      )
    }))

  for (const [name, key] of [["a NUL", "llx-\u0000"], ["DEL", "llx-\u007f"], ["an emoji", "llx-😀"], ["a zero-width space", "llx-\u200b"]] as const) {
    it.effect(`with ${name} is refused, without quoting it`, () =>
      Effect.gen(function*() {
        const error = yield* refusedBy(LlamaCloudClient.layer({ apiKey: Redacted.make(`${key}SECRET`) }))
        assert.strictEqual(single(error).path, "apiKey")
        assert.notInclude(String(error), "SECRET")
      }))
  }

  it.effect("with Latin-1 letters is accepted: a header can carry them", () =>
    Effect.gen(function*() {
      const request = yield* sentBy(LlamaCloudClient.layer({ apiKey: Redacted.make("llx-é\tß"), baseUrl: "https://api.test" }))
      assert.strictEqual(request.headers["authorization"], "Bearer llx-é\tß")
    }))
})

describe("misuse from plain JavaScript", () => {
  it.effect("a plain-string key is accepted and kept redacted", () =>
    Effect.gen(function*() {
      const client = yield* built(layerFromJs({ apiKey: "llx-plain" }))
      assert.isTrue(Redacted.isRedacted(client.apiKey))
      assert.strictEqual(Redacted.value(client.apiKey), "llx-plain")
      assert.strictEqual(String(client.apiKey), "<redacted>")
      const request = yield* sentBy(layerFromJs({ apiKey: "llx-plain" }))
      assert.strictEqual(request.headers["authorization"], "Bearer llx-plain")
    }))

  for (const [call, options] of [["layer()", undefined], ["layer(null)", null], ["layer({})", {}], ["layer({ apiKey: undefined })", { apiKey: undefined }]] as const) {
    it.effect(`${call} fails with a missing key, saying what to pass`, () =>
      Effect.gen(function*() {
        const error = yield* refusedBy(layerFromJs(options))
        assert.strictEqual(error._op, "MissingData")
        assert.strictEqual(single(error).path, "apiKey")
        assert.include(error.message, "pass apiKey")
        assert.include(error.message, "LLAMA_CLOUD_API_KEY")
      }))
  }

  const wrong: ReadonlyArray<readonly [string, unknown, string, string]> = [
    ["options that are a string (a key passed bare)", "llx-SECRET", "options", "got a string"],
    ["a key that is a number", { apiKey: 42 }, "apiKey", "got a number"],
    ["a Redacted that holds a number", { apiKey: Redacted.make(42) }, "apiKey", "got a number"],
    ["a key that is an object", { apiKey: { key: "llx-SECRET" } }, "apiKey", "got an object"],
    ["a base URL that is not a string", { apiKey: "llx-k", baseUrl: new URL("https://api.test") }, "baseUrl", "got an object"],
    ["an organization id that is a number", { apiKey: "llx-k", organizationId: 7 }, "organizationId", "got a number"],
    ["a project id that is an array", { apiKey: "llx-k", projectId: [PROJECT_ID] }, "projectId", "got an array"],
    ["headers that are a string", { apiKey: "llx-k", headers: "X-Team: a" }, "headers", "got a string"],
    ["headers that are an array", { apiKey: "llx-k", headers: [["x-team", "a"]] }, "headers", "got an array"],
    ["a header value that is a number", { apiKey: "llx-k", headers: { "x-n": 1 } }, "headers.x-n", "got a number"],
    ["a transformClient that is not a function", { apiKey: "llx-k", transformClient: "proxy" }, "transformClient", "got a string"]
  ]
  for (const [name, options, path, says] of wrong) {
    it.effect(`${name} fails with a ConfigError under ${path}`, () =>
      Effect.gen(function*() {
        const error = yield* refusedBy(layerFromJs(options))
        assert.strictEqual(single(error).path, path)
        assert.include(error.message, says)
        assert.notInclude(String(error), "SECRET")
      }))
  }

  it.effect("an option the client does not have (a misspelt one) fails, naming it, instead of being ignored", () =>
    Effect.gen(function*() {
      const error = yield* refusedBy(layerFromJs({ apiKey: "llx-k", projectID: PROJECT_ID }))
      assert.strictEqual(single(error).path, "projectID")
      assert.include(single(error).message, "LlamaCloudClient.layer has no option \"projectID\"")
      const fromConfig = yield* refusedBy(layerConfigFromJs({ baseURL: Config.string("X") })).pipe(
        Effect.withConfigProvider(fromEnv({ LLAMA_CLOUD_API_KEY: "llx-k" }))
      )
      assert.strictEqual(single(fromConfig).path, "baseURL")
      assert.include(single(fromConfig).message, "LlamaCloudClient.layerConfig")
    }))

  it.effect("a transformClient that returns no client fails, naming it", () =>
    Effect.gen(function*() {
      const error = yield* refusedBy(layerFromJs({ apiKey: "llx-k", transformClient: () => undefined }))
      assert.strictEqual(String(error), `(Invalid data at transformClient: "must return an HttpClient, got undefined")`)
    }))

  it.effect("a transformClient that throws fails, naming it", () =>
    Effect.gen(function*() {
      const error = yield* refusedBy(LlamaCloudClient.layer({
        apiKey: Redacted.make("llx-k"),
        transformClient: () => {
          throw new TypeError("proxy not configured")
        }
      }))
      assert.strictEqual(String(error), `(Invalid data at transformClient: "threw TypeError: proxy not configured")`)
    }))

  it.effect("layerConfig(null) reads the environment as layerConfig() does", () =>
    Effect.gen(function*() {
      const request = yield* sentBy(layerConfigFromJs(null)).pipe(Effect.withConfigProvider(fromEnv({ LLAMA_CLOUD_API_KEY: "llx-k" })))
      assert.strictEqual(request.headers["authorization"], "Bearer llx-k")
    }))

  it.effect("layerConfig with a value where a Config belongs says to use layer", () =>
    Effect.gen(function*() {
      const error = yield* refusedBy(layerConfigFromJs({ apiKey: "llx-SECRET" })).pipe(Effect.withConfigProvider(fromEnv({})))
      assert.strictEqual(single(error).path, "apiKey")
      assert.include(error.message, "must be a Config")
      assert.include(error.message, "LlamaCloudClient.layer")
      assert.notInclude(String(error), "SECRET")
    }))

  it.effect("layerConfig with options that are not an object fails", () =>
    Effect.gen(function*() {
      const error = yield* refusedBy(layerConfigFromJs(42)).pipe(Effect.withConfigProvider(fromEnv({})))
      assert.strictEqual(single(error).path, "options")
    }))
})

describe("an environment that cannot be read (Deno without --allow-env)", () => {
  class PermissionDenied extends Error {
    override readonly name = "PermissionDenied"
  }

  /** A provider over `env` whose reads of `denied` throw, as Deno's `Deno.env.get` does. */
  const denying = (env: Record<string, string>, denied: ReadonlyArray<string>, how: "throw" | "die" = "throw") => {
    const base = fromEnv(env).flattened
    return ConfigProvider.fromFlat(ConfigProvider.makeFlat({
      load: (path, config, split) => {
        const name = path.join("_")
        if (!denied.includes(name)) return base.load(path, config, split)
        const error = new PermissionDenied(`Requires env access to "${name}", run again with the --allow-env flag`)
        if (how === "die") return Effect.die(error)
        throw error
      },
      enumerateChildren: (path) => base.enumerateChildren(path),
      patch: base.patch
    }))
  }

  it.effect("a variable that throws when read fails the layer as SourceUnavailable under it", () =>
    Effect.gen(function*() {
      const error = yield* refusedBy(LlamaCloudClient.layerConfig()).pipe(
        Effect.withConfigProvider(denying({ LLAMA_CLOUD_API_KEY: "llx-k" }, ["LLAMA_CLOUD_BASE_URL"]))
      )
      assert.strictEqual(
        String(error),
        `(Source unavailable at LLAMA_CLOUD_BASE_URL: "could not be read: PermissionDenied: Requires env access to "LLAMA_CLOUD_BASE_URL", run again with the --allow-env flag")`
      )
    }))

  it.effect("a provider that dies is a SourceUnavailable failure too", () =>
    Effect.gen(function*() {
      const error = yield* refusedBy(LlamaCloudClient.layerConfig()).pipe(
        Effect.withConfigProvider(denying({}, ["LLAMA_CLOUD_API_KEY"], "die"))
      )
      assert.strictEqual(error._op, "SourceUnavailable")
      assert.strictEqual(single(error).path, "LLAMA_CLOUD_API_KEY")
    }))

  it.effect("every variable denied is a typed failure, never a defect", () =>
    Effect.gen(function*() {
      const all = [
        "LLAMA_CLOUD_API_KEY",
        "LLAMA_PARSE_API_KEY",
        "LLAMA_CLOUD_BASE_URL",
        "LLAMA_CLOUD_ORGANIZATION_ID",
        "LLAMA_CLOUD_PROJECT_ID",
        "LLAMA_CLOUD_CUSTOM_HEADERS"
      ]
      for (const name of all) {
        // The fallback variable is read only when the first one is unset.
        const env: Record<string, string> = name.endsWith("_API_KEY") ? {} : { LLAMA_CLOUD_API_KEY: "llx-k" }
        const error = yield* refusedBy(LlamaCloudClient.layerConfig()).pipe(Effect.withConfigProvider(denying(env, [name])))
        assert.strictEqual(error._op, "SourceUnavailable", name)
        assert.include(error.message, name)
      }
    }))

  it.effect("LLAMA_PARSE_API_KEY is not read when LLAMA_CLOUD_API_KEY is set", () =>
    Effect.gen(function*() {
      const request = yield* sentBy(LlamaCloudClient.layerConfig()).pipe(
        Effect.withConfigProvider(denying({ LLAMA_CLOUD_API_KEY: "llx-k" }, ["LLAMA_PARSE_API_KEY"]))
      )
      assert.strictEqual(request.headers["authorization"], "Bearer llx-k")
    }))

  it.effect("nothing is read when every setting is given", () =>
    Effect.gen(function*() {
      const everything = ["LLAMA_CLOUD_API_KEY", "LLAMA_PARSE_API_KEY", "LLAMA_CLOUD_BASE_URL", "LLAMA_CLOUD_ORGANIZATION_ID", "LLAMA_CLOUD_PROJECT_ID", "LLAMA_CLOUD_CUSTOM_HEADERS"]
      const request = yield* sentBy(LlamaCloudClient.layerConfig({
        apiKey: Config.succeed(Redacted.make("llx-given")),
        baseUrl: Config.succeed("https://given.test"),
        organizationId: Config.succeed(Option.none()),
        projectId: Config.succeed(Option.some(PROJECT_ID)),
        headers: Config.succeed({ "x-given": "1" })
      })).pipe(Effect.withConfigProvider(denying({}, everything)))
      assert.strictEqual(request.url, "https://given.test/api/v1/chat")
      assert.strictEqual(request.headers["authorization"], "Bearer llx-given")
      assert.strictEqual(request.headers["x-given"], "1")
    }))
})

describe("the base URL", () => {
  it("defaults to LlamaCloud's public host, exported as DEFAULT_BASE_URL", () => {
    assert.strictEqual(DEFAULT_BASE_URL, PUBLIC_HOST)
  })

  for (const [name, env, url] of baseUrlsRead) {
    it.effect(name, () => Effect.map(sentWith(env), (request) => assert.strictEqual(request.url, url)))
  }

  for (const bad of badBaseUrls) {
    it.effect(`${JSON.stringify(bad)} in LLAMA_CLOUD_BASE_URL is reported under that variable before anything is sent`, () =>
      Effect.gen(function*() {
        const error = yield* refused({ LLAMA_CLOUD_API_KEY: "llx-k", LLAMA_CLOUD_BASE_URL: bad })
        assert.strictEqual(single(error).path, "LLAMA_CLOUD_BASE_URL")
        assert.include(error.message, "base URL")
        assert.include(error.message, bad)
      }))

    it.effect(`${JSON.stringify(bad)} passed as baseUrl is reported under baseUrl`, () =>
      Effect.gen(function*() {
        const error = yield* refusedBy(LlamaCloudClient.layer({ apiKey: Redacted.make("llx-k"), baseUrl: bad }))
        assert.strictEqual(single(error).path, "baseUrl")
        assert.include(error.message, bad)
      }))
  }

  it.effect("with a user name or password is refused without quoting it", () =>
    Effect.gen(function*() {
      const error = yield* refused(credentialsInUrl.env)
      assert.strictEqual(String(error), `(Invalid data at LLAMA_CLOUD_BASE_URL: "${credentialsInUrl.problem}")`)
      assert.notInclude(String(error), credentialsInUrl.secret)
    }))

  it.effect("renders the whole message for one bad URL as one clause", () =>
    Effect.gen(function*() {
      const error = yield* refused(notHttp.env)
      assert.strictEqual(String(error), `(Invalid data at LLAMA_CLOUD_BASE_URL: "${notHttp.problem}")`)
    }))
})

describe("the default organization and project", () => {
  it.effect("are read from LLAMA_CLOUD_ORGANIZATION_ID and LLAMA_CLOUD_PROJECT_ID", () =>
    Effect.gen(function*() {
      const client = yield* built(LlamaCloudClient.layerConfig()).pipe(Effect.withConfigProvider(fromEnv({
        LLAMA_CLOUD_API_KEY: "llx-k",
        LLAMA_CLOUD_ORGANIZATION_ID: ORG_ID,
        LLAMA_CLOUD_PROJECT_ID: PROJECT_ID
      })))
      assert.deepStrictEqual(client.organizationId, Option.some(ORG_ID))
      assert.deepStrictEqual(client.projectId, Option.some(PROJECT_ID))
    }))

  it.effect("are read without the whitespace around them (a line end copied into a .env file)", () =>
    Effect.gen(function*() {
      const client = yield* built(LlamaCloudClient.layerConfig()).pipe(Effect.withConfigProvider(fromEnv({
        LLAMA_CLOUD_API_KEY: "llx-k",
        LLAMA_CLOUD_PROJECT_ID: ` ${PROJECT_ID}\n`
      })))
      assert.deepStrictEqual(client.projectId, Option.some(PROJECT_ID))
    }))

  for (const [variable, scope] of [["LLAMA_CLOUD_PROJECT_ID", "project"], ["LLAMA_CLOUD_ORGANIZATION_ID", "organization"]] as const) {
    it.effect(`${variable} that is not a UUID fails the layer under the variable, nothing sent`, () =>
      Effect.gen(function*() {
        const error = yield* refused({ LLAMA_CLOUD_API_KEY: "llx-k", [variable]: "my-project" })
        assert.deepStrictEqual(single(error), {
          path: variable,
          message: `must be a UUID (the ${scope}'s id, from the LlamaCloud dashboard), got "my-project"`
        })
      }))
  }

  it.effect("an id from a Config of the caller's is reported under the option", () =>
    Effect.gen(function*() {
      const error = yield* refused({ LLAMA_CLOUD_API_KEY: "llx-k" }, { organizationId: Config.succeed(Option.some("org")) })
      assert.strictEqual(single(error).path, "organizationId")
    }))

  for (const option of ["organizationId", "projectId"] as const) {
    it.effect(`the layer's ${option} that is not a UUID fails the layer, naming it, nothing sent`, () =>
      Effect.gen(function*() {
        const error = yield* refusedBy(layerFromJs({ apiKey: "llx-k", [option]: "org" }))
        assert.strictEqual(single(error).path, option)
        assert.include(single(error).message, "must be a UUID")
        assert.include(single(error).message, `"org"`)
      }))
  }

  it.effect("an id that holds the key is refused without quoting it", () =>
    Effect.gen(function*() {
      const error = yield* refused({ LLAMA_CLOUD_API_KEY: "llx-SECRET", LLAMA_CLOUD_PROJECT_ID: "llx-SECRET" })
      assert.strictEqual(single(error).path, "LLAMA_CLOUD_PROJECT_ID")
      assert.notInclude(String(error), "SECRET")
    }))

  it.effect("are none when the variables are empty", () =>
    Effect.gen(function*() {
      const client = yield* built(LlamaCloudClient.layerConfig()).pipe(Effect.withConfigProvider(fromEnv({
        LLAMA_CLOUD_API_KEY: "llx-k",
        LLAMA_CLOUD_ORGANIZATION_ID: "",
        LLAMA_CLOUD_PROJECT_ID: " "
      })))
      assert.deepStrictEqual(client.organizationId, Option.none())
      assert.deepStrictEqual(client.projectId, Option.none())
    }))
})

describe("custom headers", () => {
  for (const [name, env, headers] of headersFromEnv) {
    it.effect(name, () =>
      Effect.map(sentWith(env), (request) => {
        for (const [header, value] of Object.entries(headers)) assert.strictEqual(request.headers[header], value)
      }))
  }

  it.effect("can replace the User-Agent", () =>
    Effect.gen(function*() {
      const request = yield* sentBy(LlamaCloudClient.layer({ apiKey: Redacted.make("llx-k"), headers: { "User-Agent": "my-app/2" } }))
      assert.strictEqual(request.headers["user-agent"], "my-app/2")
    }))

  it.effect("with a line that is not a header fails the layer, naming the line", () =>
    Effect.gen(function*() {
      const error = yield* refused(notAHeaderLine.env)
      assert.strictEqual(String(error), `(Invalid data at LLAMA_CLOUD_CUSTOM_HEADERS: "${notAHeaderLine.problem}")`)
    }))

  it.effect("with a value a header cannot carry fails the layer, naming the line and the character", () =>
    Effect.gen(function*() {
      const error = yield* refused({ LLAMA_CLOUD_API_KEY: "llx-k", LLAMA_CLOUD_CUSTOM_HEADERS: "X-Team: sé…rch" })
      assert.strictEqual(
        String(error),
        `(Invalid data at LLAMA_CLOUD_CUSTOM_HEADERS: "line 1: The value of X-Team contains U+2026 (character 3), which is not Latin-1 and cannot be sent in an HTTP header")`
      )
    }))

  for (const name of ["Content-Length", "Host", "Transfer-Encoding", "Connection", "Expect", "Upgrade", "Keep-Alive", "TE"]) {
    it.effect(`${name} is the transport's, not a custom header`, () =>
      Effect.gen(function*() {
        const fromVariable = yield* refused({ LLAMA_CLOUD_API_KEY: "llx-k", LLAMA_CLOUD_CUSTOM_HEADERS: `${name}: 5` })
        assert.include(fromVariable.message, `${name} is set by the transport`)
        const fromOption = yield* refusedBy(LlamaCloudClient.layer({ apiKey: Redacted.make("llx-k"), headers: { [name]: "5" } }))
        assert.strictEqual(single(fromOption).path, `headers.${name}`)
      }))
  }

  it.effect("passed as options are checked the same way, under headers.<name>", () =>
    Effect.gen(function*() {
      const control = yield* refusedBy(LlamaCloudClient.layer({ apiKey: Redacted.make("llx-k"), headers: { "X-Team": "a\u0000b" } }))
      assert.strictEqual(
        String(control),
        `(Invalid data at headers.X-Team: "The value of X-Team contains the control character U+0000 (character 2)")`
      )
      const newline = yield* refusedBy(LlamaCloudClient.layer({ apiKey: Redacted.make("llx-k"), headers: { "X-Team": "a\nX-Evil: 1" } }))
      assert.include(newline.message, "line break")
      const name = yield* refusedBy(LlamaCloudClient.layer({ apiKey: Redacted.make("llx-k"), headers: { "Bad Name": "x" } }))
      assert.strictEqual(String(name), `(Invalid data at headers."Bad Name": "is not a valid header name")`)
    }))

  it.effect("passed as options lose the whitespace around their values", () =>
    Effect.gen(function*() {
      const request = yield* sentBy(LlamaCloudClient.layer({ apiKey: Redacted.make("llx-k"), headers: { "X-Team": " search\r\n" } }))
      assert.strictEqual(request.headers["x-team"], "search")
    }))

  it("parse names to lower case and keep the value after the first colon", () => {
    assert.deepStrictEqual(parseCustomHeaders("X-A: 1\nx-b:  two words  "), Either.right({ "x-a": "1", "x-b": "two words" }))
    assert.deepStrictEqual(parseCustomHeaders(""), Either.right({}))
    assert.isTrue(Either.isLeft(parseCustomHeaders(": no name")))
    assert.isTrue(Either.isLeft(parseCustomHeaders("Bad Name: x")))
    assert.isTrue(Either.isLeft(parseCustomHeaders("X-A: \u0001")))
  })
})

describe("a client that is configured", () => {
  it.effect("passes its authenticated transport through transformClient", () =>
    Effect.gen(function*() {
      let seen = 0
      yield* sentWith({ LLAMA_CLOUD_API_KEY: "llx-k" }, {
        transformClient: (client) => {
          seen++
          return client
        }
      })
      assert.strictEqual(seen, 1)
    }))
})
