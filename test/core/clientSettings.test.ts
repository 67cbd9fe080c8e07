/**
 * What `LlamaCloudClient.layerConfig` reads from the environment, as plain values shared by both
 * editions. Each edition's test/config.test.ts checks it through the layer; these check the
 * custom headers variable's format and the wording of a refusal.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Setting from "../../src/core/clientSettings.js"

describe("customHeadersText", () => {
  it("reads one header a line, names in lower case, values trimmed, blank lines ignored", () => {
    assert.deepStrictEqual(Setting.customHeadersText("X-Team: search \r\n\n  x-trace:  on"), {
      value: { "x-team": "search", "x-trace": "on" }
    })
  })

  it("refuses a line that is not a header, naming the line", () => {
    assert.deepStrictEqual(Setting.customHeadersText("x-team: search\nnot a header"), {
      problem: { path: ["LLAMA_CLOUD_CUSTOM_HEADERS"], message: `line 2 is not a "Name: value" header` }
    })
    assert.deepStrictEqual(Setting.customHeadersText(": no name"), {
      problem: { path: ["LLAMA_CLOUD_CUSTOM_HEADERS"], message: `line 1 is not a "Name: value" header` }
    })
  })

  it("refuses a header the transport sets itself, naming the line", () => {
    assert.deepStrictEqual(Setting.customHeadersText("\nContent-Length: 3"), {
      problem: {
        path: ["LLAMA_CLOUD_CUSTOM_HEADERS"],
        message: "line 2: Content-Length is set by the transport and cannot be a custom header"
      }
    })
  })
})

describe("layerConfig's refusals", () => {
  it("say what a key is missing from, and what was given instead of Configs, never the value", () => {
    assert.strictEqual(
      Setting.noKeyInEnvironment,
      "No LlamaCloud API key: set LLAMA_CLOUD_API_KEY (or LLAMA_PARSE_API_KEY) to a key from the LlamaCloud dashboard"
    )
    assert.deepStrictEqual(Setting.configsNotAnObject("llx-secret"), {
      path: ["options"],
      message: "LlamaCloudClient.layerConfig takes an object of Configs, got a string"
    })
    assert.deepStrictEqual(Setting.notAConfig("apiKey", "llx-secret", "Config.string"), {
      path: ["apiKey"],
      message: `must be a Config, such as Config.string("MY_VARIABLE"), got a string; to pass a value, use LlamaCloudClient.layer`
    })
  })
})
