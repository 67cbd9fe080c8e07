/**
 * The command tree, run in-process: every command answers `--help` with its usage, and takes `--json`;
 * those that call LlamaCloud take `--base-url`; `--version` is the package's. (The built binary's
 * behaviour is in cli.test.ts.)
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { afterEach, vi } from "vitest"
import * as Commands from "../../src/cli/Commands.js"
import { VERSION } from "../../src/index.js"

/** What the command line `args` prints, without its colours. */
const printed = (args: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const lines: Array<string> = []
    vi.spyOn(console, "log").mockImplementation((...parts: Array<unknown>) => {
      lines.push(parts.map(String).join(" "))
    })
    yield* Commands.run(["node", "llamacloud-chat", ...args]).pipe(Effect.provide(NodeContext.layer))
    // eslint-disable-next-line no-control-regex
    return lines.join("\n").replace(/\x1b\[[0-9;]*m/g, "")
  })

/** What `--help` prints for `command`. */
const help = (command: ReadonlyArray<string>) => printed([...command, "--help"])

afterEach(() => {
  vi.restoreAllMocks()
})

const callingLlamaCloud = [
  ["sessions", "create"],
  ["sessions", "list"],
  ["sessions", "show"],
  ["sessions", "delete"],
  ["ask"],
  ["chat"]
]

describe("--help", () => {
  it.effect.each([[], ["sessions"], ...callingLlamaCloud, ["server"]])("llamacloud-chat %s --help prints its usage", (command) =>
    Effect.gen(function*() {
      const text = yield* help(command)
      assert.include(text, "USAGE")
      assert.include(text, `$ ${command.at(-1) ?? "llamacloud-chat"}`)
    }))

  it.effect.each([...callingLlamaCloud, ["server"]])("%s takes --json", (command) =>
    Effect.map(help(command), (text) => assert.include(text, "--json")))

  it.effect.each(callingLlamaCloud)("%s takes --base-url", (command) =>
    Effect.map(help(command), (text) => assert.include(text, "--base-url")))

  it.effect("--version prints the package's version", () =>
    Effect.map(printed(["--version"]), (text) => assert.strictEqual(text.trim(), VERSION)))

  it.effect("the top level documents the configuration and the exit codes", () =>
    Effect.map(help([]), (text) => {
      assert.include(text, "LLAMA_CLOUD_API_KEY")
      for (const code of ["0 done", "1 failed", "2 usage error", "3 auth error", "4 network error"]) assert.include(text, code)
    }))
})
