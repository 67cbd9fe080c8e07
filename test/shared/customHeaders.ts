/**
 * How LLAMA_CLOUD_CUSTOM_HEADERS is read, for both editions' test/config.test.ts: the environments
 * and the headers a call then carries, and what a line that is not a header is. Each edition renders
 * a `ConfigError` its own way around the same message.
 */

/** `[test name, environment, headers the call carries (lower-case names)]`. */
export const headersFromEnv: ReadonlyArray<readonly [string, Readonly<Record<string, string>>, Readonly<Record<string, string>>]> = [
  [
    "LLAMA_CLOUD_CUSTOM_HEADERS adds one header per line",
    { LLAMA_CLOUD_API_KEY: "llx-k", LLAMA_CLOUD_CUSTOM_HEADERS: "X-Team: search\r\n\nX-Env:staging:blue\n" },
    { "x-team": "search", "x-env": "staging:blue" }
  ],
  [
    "cannot replace Authorization, Accept or Accept-Encoding",
    {
      LLAMA_CLOUD_API_KEY: "llx-k",
      LLAMA_CLOUD_CUSTOM_HEADERS: "Authorization: Bearer someone-else\nAccept: text/html\nAccept-Encoding: gzip"
    },
    { authorization: "Bearer llx-k", accept: "application/json", "accept-encoding": "identity" }
  ]
]

/** A line that is not a header, and the problem it is. */
export const notAHeaderLine = {
  env: { LLAMA_CLOUD_API_KEY: "llx-k", LLAMA_CLOUD_CUSTOM_HEADERS: "X-Team: search\nno colon here" },
  problem: `line 2 is not a "Name: value" header`
}
