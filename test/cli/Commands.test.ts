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
import * as ExitCode from "../../src/cli/ExitCode.js"
import { VERSION } from "../../src/index.js"

/** What the command line `args` prints on standard output (the test runner's is not a terminal: no colour). */
const printed = (args: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const lines: Array<string> = []
    vi.spyOn(console, "log").mockImplementation((...parts: Array<unknown>) => {
      lines.push(`${parts.map(String).join(" ")}\n`)
    })
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk))
      return true
    })
    yield* Commands.run(["node", "llamacloud-chat", ...args]).pipe(Effect.provide(NodeContext.layer))
    return lines.join("")
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
  it.effect.each([[], ["sessions"], ...callingLlamaCloud, ["server"]])("llamacloud-chat %s --help prints its usage, led by the program's name", (command) =>
    Effect.gen(function*() {
      const text = yield* help(command)
      assert.include(text, "USAGE")
      assert.include(text, `$ ${["llamacloud-chat", ...command].join(" ")}`)
    }))

  it.effect.each([[], ["sessions"], ...callingLlamaCloud, ["server"]])("%s --help fits 80 columns and holds no escape sequence off a terminal", (command) =>
    Effect.map(help(command), (text) => {
      // eslint-disable-next-line no-control-regex
      assert.notMatch(text, /\x1b/)
      // The server's example command is one shell line, kept whole to be copied.
      const long = text.split("\n").filter((line) => line.length > 80 && !line.includes("llamacloud-chat server --fault"))
      assert.deepStrictEqual(long, [])
    }))

  it.effect.each([...callingLlamaCloud, ["server"]])("%s --help describes each option and argument in its own words", (command) =>
    Effect.map(help(command), (text) => {
      for (const filler of ["A user-defined piece of text", "A true or false value", "An integer", "This setting is optional", "may be repeated zero or more times"]) {
        assert.notInclude(text, filler)
      }
    }))

  it.effect("--wizard is not listed, and refused as a usage error", () =>
    Effect.gen(function*() {
      assert.notInclude(yield* help([]), "--wizard")
      const errors: Array<string> = []
      vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
        errors.push(String(chunk))
        return true
      })
      const failure = yield* Effect.flip(printed(["--wizard"]))
      assert.strictEqual(ExitCode.fromFailure(failure), ExitCode.usage)
      assert.include(errors.join(""), "--wizard is not offered")
    }))

  it.effect("the top level lists the options every command takes", () =>
    Effect.map(help([]), (text) => {
      for (const option of ["--help", "--version", "--completions SHELL", "--log-level LEVEL"]) assert.include(text, option)
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
      for (const code of ["0 done", "1 failed", "2 usage error", "3 auth error", "4 network error", "130 interrupted"]) {
        assert.include(text, code)
      }
    }))
})
