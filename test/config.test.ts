/**
 * Configuration: `LlamaCloudClient.layerConfig()` reads the environment variables the official SDKs
 * read, and a client that cannot be configured fails its layer before anything is sent.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { ChatService } from "../src/ChatService.js"
import { DEFAULT_BASE_URL, LlamaCloudClient, parseCustomHeaders } from "../src/LlamaCloudClient.js"
import { MockTransport, queryOf, type RecordedRequest } from "../src/testing.js"
import { create, ok, ORG_ID, PROJECT_ID } from "./fixtures/harness.js"

/**
 * A `ChatService` configured from `env` over a mock transport built apart, so that its requests can
 * be read even when the client's layer fails.
 */
const fromEnv = (env: Record<string, string>, options: LlamaCloudClient.ConfigOptions = {}) =>
  Effect.gen(function*() {
    const transport = yield* Layer.build(MockTransport.layer([ok]))
    const layer = ChatService.layer.pipe(
      Layer.provideMerge(LlamaCloudClient.layerConfig(options)),
      Layer.provide(Layer.succeedContext(transport)),
      Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))))
    )
    return { layer, requests: Context.get(transport, MockTransport).requests }
  })

/** The request one `create` sends with the client configured from `env`. */
const sentWith = (env: Record<string, string>, options: LlamaCloudClient.ConfigOptions = {}) =>
  Effect.gen(function*() {
    const { layer, requests } = yield* fromEnv(env, options)
    yield* Effect.provide(create(), layer)
    const sent: ReadonlyArray<RecordedRequest> = yield* requests
    assert.lengthOf(sent, 1)
    return sent[0]!
  })

/** The configuration error of a client that cannot be built from `env`, checked to have sent nothing. */
const refused = (env: Record<string, string>) =>
  Effect.gen(function*() {
    const { layer, requests } = yield* fromEnv(env)
    const error = yield* Effect.flip(Effect.provide(create(), layer))
    assert.lengthOf(yield* requests, 0, "nothing may be sent")
    return String(error)
  })

describe("the API key", () => {
  it.scoped("is read from LLAMA_CLOUD_API_KEY", () =>
    Effect.gen(function*() {
      const request = yield* sentWith({ LLAMA_CLOUD_API_KEY: "llx-cloud" })
      assert.strictEqual(request.headers["authorization"], "Bearer llx-cloud")
    }))

  it.scoped("falls back to LLAMA_PARSE_API_KEY", () =>
    Effect.gen(function*() {
      const request = yield* sentWith({ LLAMA_PARSE_API_KEY: "llx-parse" })
      assert.strictEqual(request.headers["authorization"], "Bearer llx-parse")
    }))

  it.scoped("falls back to LLAMA_PARSE_API_KEY when LLAMA_CLOUD_API_KEY is empty", () =>
    Effect.gen(function*() {
      const request = yield* sentWith({ LLAMA_CLOUD_API_KEY: "  ", LLAMA_PARSE_API_KEY: "llx-parse" })
      assert.strictEqual(request.headers["authorization"], "Bearer llx-parse")
    }))

  it.scoped("prefers LLAMA_CLOUD_API_KEY when both are set", () =>
    Effect.gen(function*() {
      const request = yield* sentWith({ LLAMA_CLOUD_API_KEY: "llx-cloud", LLAMA_PARSE_API_KEY: "llx-parse" })
      assert.strictEqual(request.headers["authorization"], "Bearer llx-cloud")
    }))

  it.scoped("missing fails the layer with a ConfigError naming both variables", () =>
    Effect.gen(function*() {
      const message = yield* refused({})
      assert.include(message, "LLAMA_CLOUD_API_KEY")
      assert.include(message, "LLAMA_PARSE_API_KEY")
    }))

  it.scoped("empty fails the layer with a ConfigError naming both variables", () =>
    Effect.gen(function*() {
      const message = yield* refused({ LLAMA_CLOUD_API_KEY: "", LLAMA_PARSE_API_KEY: "" })
      assert.include(message, "LLAMA_CLOUD_API_KEY")
      assert.include(message, "LLAMA_PARSE_API_KEY")
    }))

  it.scoped("can come from a Config of the caller's own", () =>
    Effect.gen(function*() {
      const request = yield* sentWith({ MY_KEY: "llx-mine" }, { apiKey: Config.redacted("MY_KEY") })
      assert.strictEqual(request.headers["authorization"], "Bearer llx-mine")
    }))

  it.effect("passed empty to LlamaCloudClient.layer fails it", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Layer.build(LlamaCloudClient.layer({ apiKey: Redacted.make(" ") })).pipe(Effect.scoped))
      assert.include(String(error), "API key is empty")
    }).pipe(Effect.provide(MockTransport.layer([ok]))))

  it.effect("with a line break is refused, so that no header can be injected", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Layer.build(LlamaCloudClient.layer({ apiKey: Redacted.make("llx-a\r\nX-Evil: 1") })).pipe(Effect.scoped)
      )
      assert.include(String(error), "line break")
      assert.notInclude(String(error), "X-Evil")
    }).pipe(Effect.provide(MockTransport.layer([ok]))))
})

describe("the base URL", () => {
  it.scoped("defaults to LlamaCloud's public host", () =>
    Effect.gen(function*() {
      const request = yield* sentWith({ LLAMA_CLOUD_API_KEY: "llx-k" })
      assert.strictEqual(request.url, `${DEFAULT_BASE_URL}/api/v1/chat`)
      assert.strictEqual(DEFAULT_BASE_URL, "https://api.cloud.llamaindex.ai")
    }))

  it.scoped("is read from LLAMA_CLOUD_BASE_URL", () =>
    Effect.gen(function*() {
      const request = yield* sentWith({
        LLAMA_CLOUD_API_KEY: "llx-k",
        LLAMA_CLOUD_BASE_URL: "https://api.cloud.eu.llamaindex.ai/"
      })
      assert.strictEqual(request.url, "https://api.cloud.eu.llamaindex.ai/api/v1/chat")
    }))

  it.scoped("keeps a path prefix from LLAMA_CLOUD_BASE_URL", () =>
    Effect.gen(function*() {
      const request = yield* sentWith({ LLAMA_CLOUD_API_KEY: "llx-k", LLAMA_CLOUD_BASE_URL: "http://127.0.0.1:8080/llama" })
      assert.strictEqual(request.url, "http://127.0.0.1:8080/llama/api/v1/chat")
    }))

  for (const bad of ["not a url", "ftp://files.example.com", "api.cloud.llamaindex.ai", "https://api.test/?region=eu", "https://api.test/#x"]) {
    it.scoped(`${JSON.stringify(bad)} is rejected before anything is sent`, () =>
      Effect.gen(function*() {
        const message = yield* refused({ LLAMA_CLOUD_API_KEY: "llx-k", LLAMA_CLOUD_BASE_URL: bad })
        assert.include(message, "base URL")
        assert.include(message, bad)
      }))
  }
})

describe("the default organization and project", () => {
  it.scoped("are read from LLAMA_CLOUD_ORGANIZATION_ID and LLAMA_CLOUD_PROJECT_ID", () =>
    Effect.gen(function*() {
      const request = yield* sentWith({
        LLAMA_CLOUD_API_KEY: "llx-k",
        LLAMA_CLOUD_ORGANIZATION_ID: ORG_ID,
        LLAMA_CLOUD_PROJECT_ID: PROJECT_ID
      })
      assert.deepStrictEqual(queryOf(request), { organization_id: ORG_ID, project_id: PROJECT_ID })
    }))

  it.scoped("are not sent when the variables are empty", () =>
    Effect.gen(function*() {
      const request = yield* sentWith({ LLAMA_CLOUD_API_KEY: "llx-k", LLAMA_CLOUD_ORGANIZATION_ID: "", LLAMA_CLOUD_PROJECT_ID: " " })
      assert.strictEqual(new URL(request.url).search, "")
    }))
})

describe("LLAMA_CLOUD_CUSTOM_HEADERS", () => {
  it.scoped("adds one header per line", () =>
    Effect.gen(function*() {
      const request = yield* sentWith({
        LLAMA_CLOUD_API_KEY: "llx-k",
        LLAMA_CLOUD_CUSTOM_HEADERS: "X-Team: search\r\n\nX-Env:staging:blue\n"
      })
      assert.strictEqual(request.headers["x-team"], "search")
      assert.strictEqual(request.headers["x-env"], "staging:blue")
    }))

  it.scoped("cannot replace Authorization or Accept", () =>
    Effect.gen(function*() {
      const request = yield* sentWith({
        LLAMA_CLOUD_API_KEY: "llx-k",
        LLAMA_CLOUD_CUSTOM_HEADERS: "Authorization: Bearer someone-else\nAccept: text/html"
      })
      assert.strictEqual(request.headers["authorization"], "Bearer llx-k")
      assert.strictEqual(request.headers["accept"], "application/json")
    }))

  it.scoped("with a line that is not a header fails the layer, naming the line", () =>
    Effect.gen(function*() {
      const message = yield* refused({ LLAMA_CLOUD_API_KEY: "llx-k", LLAMA_CLOUD_CUSTOM_HEADERS: "X-Team: search\nno colon here" })
      assert.include(message, "LLAMA_CLOUD_CUSTOM_HEADERS")
      assert.include(message, "line 2")
    }))

  it("parse names to lower case and keep the value after the first colon", () => {
    assert.deepStrictEqual(parseCustomHeaders("X-A: 1\nx-b:  two words  "), Either.right({ "x-a": "1", "x-b": "two words" }))
    assert.deepStrictEqual(parseCustomHeaders(""), Either.right({}))
    assert.isTrue(Either.isLeft(parseCustomHeaders(": no name")))
    assert.isTrue(Either.isLeft(parseCustomHeaders("Bad Name: x")))
  })
})

describe("a client that is configured", () => {
  it.scoped("does not read the environment when every setting is given", () =>
    Effect.gen(function*() {
      const request = yield* sentWith({ LLAMA_CLOUD_API_KEY: "llx-env", LLAMA_CLOUD_BASE_URL: "https://env.test" }, {
        apiKey: Config.succeed(Redacted.make("llx-given")),
        baseUrl: Config.succeed("https://given.test"),
        organizationId: Config.succeed(Option.none()),
        projectId: Config.succeed(Option.some(PROJECT_ID)),
        headers: Config.succeed({ "x-given": "1" })
      })
      assert.strictEqual(request.url, `https://given.test/api/v1/chat?project_id=${PROJECT_ID}`)
      assert.strictEqual(request.headers["authorization"], "Bearer llx-given")
      assert.strictEqual(request.headers["x-given"], "1")
    }))

  it.scoped("passes its authenticated transport through transformClient", () =>
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
