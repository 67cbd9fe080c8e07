/**
 * How the client's base URL is read, for both editions' test/config.test.ts: the environments and
 * the URL a call then goes to, the values refused, and what a refusal says. Each edition renders a
 * `ConfigError` its own way around the same message.
 */

/** LlamaCloud's public host, the default. */
export const PUBLIC_HOST = "https://api.cloud.llamaindex.ai"

/** `[test name, environment, the URL a create is sent to]`. */
export const baseUrlsRead: ReadonlyArray<readonly [string, Readonly<Record<string, string>>, string]> = [
  ["defaults to LlamaCloud's public host", { LLAMA_CLOUD_API_KEY: "llx-k" }, `${PUBLIC_HOST}/api/v1/chat`],
  [
    "is read from LLAMA_CLOUD_BASE_URL",
    { LLAMA_CLOUD_API_KEY: "llx-k", LLAMA_CLOUD_BASE_URL: "https://api.cloud.eu.llamaindex.ai/" },
    "https://api.cloud.eu.llamaindex.ai/api/v1/chat"
  ],
  ["blank in LLAMA_CLOUD_BASE_URL is the default", { LLAMA_CLOUD_API_KEY: "llx-k", LLAMA_CLOUD_BASE_URL: " " }, `${PUBLIC_HOST}/api/v1/chat`],
  [
    "keeps a path prefix from LLAMA_CLOUD_BASE_URL",
    { LLAMA_CLOUD_API_KEY: "llx-k", LLAMA_CLOUD_BASE_URL: "http://127.0.0.1:8080/llama" },
    "http://127.0.0.1:8080/llama/api/v1/chat"
  ]
]

/** Base URLs refused, in the environment or as an option. */
export const badBaseUrls: ReadonlyArray<string> = [
  "not a url",
  "ftp://files.example.com",
  "api.cloud.llamaindex.ai",
  "https://api.test/?region=eu",
  "https://api.test/#x"
]

/** A base URL with credentials, and the problem it is, which does not quote them. */
export const credentialsInUrl = {
  env: { LLAMA_CLOUD_API_KEY: "llx-k", LLAMA_CLOUD_BASE_URL: "https://me:SECRET@api.test" },
  secret: "SECRET",
  problem: "The base URL must not contain a user name or password"
}

/** A base URL that is not http(s), and the whole problem it is: one clause. */
export const notHttp = {
  env: { LLAMA_CLOUD_API_KEY: "llx-k", LLAMA_CLOUD_BASE_URL: "ftp://files.example.com" },
  problem: `The base URL must be an http(s) URL, got "ftp://files.example.com"`
}
