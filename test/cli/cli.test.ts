/**
 * `llamacloud-chat` as a user runs it: the built entry point in a process of its own, configured by
 * its environment, against the local LlamaCloud running in this test process. Each command once; the
 * exit codes that tell a usage error, a refused key and an unreachable server apart; the `server`
 * command with its fault flags. What a test needs in place (sessions, a turn) is made in-process with
 * the library, so that the processes started are the ones under test: each costs the start of a
 * Node process that loads Effect. The renderings, exit code rules, fault flags and every command's
 * help are tested in-process beside this file.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, layer } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import { execFileSync, spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Net from "node:net"
import { ChatService, LlamaCloudClient } from "../../src/index.js"
import { LocalServer } from "../../src/testing/node.js"
import { BuiltCli, layer as builtCli, type Run } from "./fixtures/builtCli.js"

const API_KEY = "llx-cli-test-key"
const INDEX = "idx-handbook"

/** `ChatService` over undici to the server at `url`. */
const clientOf = (url: string) =>
  ChatService.layer.pipe(
    Layer.provide(LlamaCloudClient.layer({ apiKey: Redacted.make(API_KEY), baseUrl: url })),
    Layer.provide(NodeHttpClient.layerUndici),
    Layer.orDie
  )

/** The test's server, the library's client to it (to arrange and check), and the built command line. */
const setup = Layer.unwrapEffect(Effect.map(LocalServer.url, clientOf)).pipe(
  Layer.provideMerge(LocalServer.layer({ apiKeys: [API_KEY] })),
  Layer.merge(builtCli)
)

/** Runs the command line against the test's server, with the accepted key unless told otherwise. */
const cli = (args: ReadonlyArray<string>, options: { readonly key?: string; readonly input?: string } = {}) =>
  Effect.gen(function*() {
    const server = yield* LocalServer.LocalServer
    const built = yield* BuiltCli
    return yield* built.run(args, {
      env: { LLAMA_CLOUD_API_KEY: options.key ?? API_KEY, LLAMA_CLOUD_BASE_URL: server.url },
      ...(options.input === undefined ? {} : { input: options.input })
    })
  })

/** The run ended with `code`; its standard error is shown otherwise. */
const exited = (run: Run, code: number) => assert.strictEqual(run.code, code, `exit ${run.code}; stderr: ${run.stderr}`)

const succeeded = (run: Run) => exited(run, 0)

/** Every line of standard output, each a JSON value. */
const jsonLines = (run: Run): ReadonlyArray<Record<string, unknown>> =>
  run.stdout.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line))

/** A session made with the library, its id. */
const newSession = Effect.flatMap(ChatService, (chat) => chat.create({ indexIds: [INDEX] })).pipe(
  Effect.map((session) => session.sessionId)
)

/** A port nothing listens on: bound, then released. */
const closedPort = Effect.promise(() =>
  new Promise<number>((resolve) => {
    const probe = Net.createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      probe.close(() => resolve(port))
    })
  })
)

// Each test starts its own processes and arranges its own sessions: they run side by side. A process
// takes about half a second to start on a quiet machine (loading Effect's modules); the timeout
// leaves room for a machine busy with other suites.
const concurrent = { concurrent: true, timeout: 120_000 }

describe("llamacloud-chat", () => {
  layer(setup, { excludeTestServices: true, timeout: "60 seconds" })((it) => {
    it.effect("package.json's bin is the built src/cli/main.ts, which keeps its shebang", () =>
      Effect.gen(function*() {
        const built = yield* BuiltCli
        const pkg = JSON.parse(Fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8"))
        assert.strictEqual(built.binPath, "./dist/cli/main.js")
        assert.deepStrictEqual(pkg.bin, { "llamacloud-chat": built.binPath })
        assert.match(Fs.readFileSync(built.main, "utf8"), /^#!\/usr\/bin\/env node\n/)
      }), concurrent)

    describe("sessions", () => {
      it.effect("create --json prints the new session in its wire form", () =>
        Effect.gen(function*() {
          const run = yield* cli(["sessions", "create", "--json", "--index", INDEX, "--index", "idx-faq"])
          succeeded(run)
          const session = JSON.parse(run.stdout)
          assert.deepStrictEqual(session.index_ids, [INDEX, "idx-faq"])
          const created = yield* Effect.flatMap(LocalServer.LocalServer, (server) => server.sessions)
          assert.isTrue(created.some((s) => s.sessionId === session.session_id))
        }), concurrent)

      it.effect("list --json prints every session, one per line, page after page", () =>
        Effect.gen(function*() {
          const ids = yield* Effect.all([newSession, newSession, newSession])
          const run = yield* cli(["sessions", "list", "--page-size", "1", "--json"])
          succeeded(run)
          const listed = jsonLines(run).map((session) => session["session_id"])
          for (const id of ids) assert.include(listed, id)
          const pages = (yield* Effect.flatMap(LocalServer.LocalServer, (server) => server.requests))
            .filter((request) => request.method === "GET" && request.query["page_size"] === "1")
          assert.isAtLeast(pages.length, 3, "one request per page of one session")
        }), concurrent)

      it.effect("show prints a session and its conversation as a transcript", () =>
        Effect.gen(function*() {
          const id = yield* newSession
          yield* Effect.flatMap(ChatService, (chat) => chat.ask(id, { prompt: "What do llamas eat?", indexIds: [INDEX] }))
          const run = yield* cli(["sessions", "show", id])
          succeeded(run)
          assert.include(run.stdout, `session  ${id}`)
          assert.include(run.stdout, "> What do llamas eat?")
          assert.match(run.stdout, /— \d+ in, \d+ out tokens/)
        }), concurrent)

      it.effect("list --limit N lists N sessions and fetches no page beyond them", () =>
        Effect.gen(function*() {
          yield* Effect.all([newSession, newSession, newSession, newSession, newSession])
          // A page size of its own: other tests list sessions at the same time.
          const run = yield* cli(["sessions", "list", "--limit", "4", "--page-size", "3", "--json"])
          succeeded(run)
          assert.strictEqual(jsonLines(run).length, 4)
          const pages = (yield* Effect.flatMap(LocalServer.LocalServer, (server) => server.requests))
            .filter((request) => request.method === "GET" && request.query["page_size"] === "3")
          assert.strictEqual(pages.length, 2, "the pages that hold the 4 sessions, none after")
        }), concurrent)

      it.effect("delete --json removes the session and says which", () =>
        Effect.gen(function*() {
          const id = yield* newSession
          const run = yield* cli(["sessions", "delete", id, "--json"])
          succeeded(run)
          assert.deepStrictEqual(JSON.parse(run.stdout), { session_id: id, deleted: true })
          const left = yield* Effect.flatMap(ChatService, (chat) => Stream.runCollect(chat.list()))
          assert.isFalse([...left].some((session) => session.sessionId === id))
        }), concurrent)
    })

    describe("ask", () => {
      it.effect("prints the steps, the answer and the usage, with no spinner when output is not a terminal", () =>
        Effect.gen(function*() {
          const run = yield* cli(["ask", yield* newSession, "What do llamas eat?", "--index", INDEX])
          succeeded(run)
          assert.match(
            run.stdout,
            /^· thinking…\n· search: "[^"]+"\n· search: 1 passage found\n\n\S[^\n]*\[1\][^\n]*\n\n\[1\] node-\w+ \(idx-handbook\)\n\n— \d+ in, \d+ out tokens · /
          )
          assert.notMatch(run.stdout, /[\r\x1b]/, "no control characters")
        }), concurrent)

      it.effect("without --index searches the indexes the session is bound to, read with one getSummary", () =>
        Effect.gen(function*() {
          const id = yield* newSession
          const run = yield* cli(["ask", id, "What do llamas eat?", "--json"])
          succeeded(run)
          const call = jsonLines(run).find((event) => event["type"] === "tool_call")
          assert.deepStrictEqual((call?.["arguments"] as { index_ids?: unknown } | undefined)?.index_ids, [INDEX])
          const summaries = (yield* Effect.flatMap(LocalServer.LocalServer, (server) => server.requests))
            .filter((request) => request.method === "GET" && request.path.endsWith(`/chat/${id}/summary`))
          assert.strictEqual(summaries.length, 1)
        }), concurrent)

      it.effect("--json prints each event on its line, in its wire form, ending with stop", () =>
        Effect.gen(function*() {
          const run = yield* cli(["ask", yield* newSession, "What do llamas eat?", "--index", INDEX, "--json"])
          succeeded(run)
          const events = jsonLines(run)
          const types = new Set(events.map((event) => event["type"]))
          for (const type of ["thinking_delta", "tool_call", "tool_result", "text_delta", "text", "stop"]) {
            assert.isTrue(types.has(type), type)
          }
          const stop = events.at(-1)
          assert.strictEqual(stop?.["type"], "stop")
          assert.strictEqual(stop?.["is_error"], false)
          assert.containsAllKeys(stop?.["usage"], ["total_input_tokens", "total_output_tokens", "duration_ms"])
        }), concurrent)
    })

    describe("chat", () => {
      it.effect("creates a session and answers each line of standard input, one turn per line", () =>
        Effect.gen(function*() {
          const run = yield* cli(["chat", "--index", INDEX], { input: "What do llamas eat?\n\nHow tall are alpacas?\n" })
          succeeded(run)
          const id = /^Session (ses-\S+)\./.exec(run.stdout)?.[1]
          assert.isDefined(id, run.stdout)
          assert.strictEqual(run.stdout.match(/^— /gm)?.length, 2, "two turns, the empty line skipped")
          assert.include(run.stdout, "> How tall are alpacas?")
          const history = yield* Effect.flatMap(ChatService, (chat) => chat.retrieve(id!))
          const prompts = history.events.flatMap((event) => event._tag === "UserInput" ? [event.content] : [])
          assert.deepStrictEqual(prompts, ["What do llamas eat?", "How tall are alpacas?"])
        }), concurrent)

      it.effect("a line longer than a prompt may be is refused, said why, and the next line is answered", () =>
        Effect.gen(function*() {
          const run = yield* cli(["chat", "--session", yield* newSession, "--index", INDEX], {
            input: `${"x".repeat(1001)}\nWhat do llamas eat?\n`
          })
          succeeded(run)
          assert.include(run.stderr, "at most 1000 characters")
          assert.strictEqual(run.stdout.match(/^— /gm)?.length, 1, "the second line's turn")
        }), concurrent)

      it.effect("--session continues a session; --json prints the events of every turn", () =>
        Effect.gen(function*() {
          const run = yield* cli(["chat", "--session", yield* newSession, "--index", INDEX, "--json"], { input: "One?\nTwo?\n" })
          succeeded(run)
          const events = jsonLines(run)
          assert.strictEqual(events.filter((event) => event["type"] === "stop").length, 2)
          assert.isFalse(events.some((event) => "session_id" in event), "no session printed: none was created")
        }), concurrent)
    })

    describe("exit codes", () => {
      it.effect("2 for a usage error, named on standard error", () =>
        Effect.gen(function*() {
          const run = yield* cli(["sessions", "list", "--bogus"])
          exited(run, 2)
          assert.include(run.stderr, "--bogus")
        }), concurrent)

      it.effect("2 for a usage error under --json, shown as one JSON value on standard error", () =>
        Effect.gen(function*() {
          const missing = yield* cli(["sessions", "show", "--json"])
          exited(missing, 2)
          assert.deepStrictEqual(JSON.parse(missing.stderr), {
            error: { tag: "UsageError", message: "Missing argument <session-id>", exit_code: 2 }
          })
          const malformed = yield* cli(["sessions", "list", "--page-size", "abc", "--json"])
          exited(malformed, 2)
          assert.strictEqual(JSON.parse(malformed.stderr).error.message, "'abc' is not an integer")
          assert.strictEqual(malformed.stdout, "")
        }), concurrent)

      it.effect("2 for an unknown subcommand, naming the commands of the command it follows", () =>
        Effect.gen(function*() {
          const run = yield* cli(["sessions", "frobnicate"])
          exited(run, 2)
          assert.include(run.stderr, "'frobnicate' is not a command of llamacloud-chat sessions: use one of create, list, show, delete")
          assert.notInclude(run.stderr, "server")
        }), concurrent)

      it.effect("2 for a port out of range, with one line and no stack", () =>
        Effect.gen(function*() {
          const built = yield* BuiltCli
          const run = yield* built.run(["server", "--port", "70000"])
          exited(run, 2)
          assert.strictEqual(run.stdout, "")
          assert.strictEqual(run.stderr, "llamacloud-chat: --port wants a port from 1 to 65535, or 0 for a free one; got 70000\n")
        }), concurrent)

      it.effect("3 when LlamaCloud refuses the key, with the error's facts under --json", () =>
        Effect.gen(function*() {
          const run = yield* cli(["sessions", "list", "--json"], { key: "llx-not-this-one" })
          exited(run, 3)
          assert.strictEqual(run.stdout, "")
          const { error } = JSON.parse(run.stderr)
          assert.deepInclude(error, { tag: "AuthError", status: 401, exit_code: 3 })
          assert.match(error.request_id, /^req-/)
          assert.notInclude(run.stderr, "llx-not-this-one")
        }), concurrent)

      it.effect("4 when nothing listens at the base URL (--base-url wins over the environment)", () =>
        Effect.gen(function*() {
          const run = yield* cli(["sessions", "create", "--base-url", `http://127.0.0.1:${yield* closedPort}`])
          exited(run, 4)
          assert.include(run.stderr, "Could not connect to LlamaCloud")
        }), concurrent)

    })

    it.effect("--help documents the configuration and the exit codes, without escape sequences when piped", () =>
      Effect.gen(function*() {
        const run = yield* cli(["--help"])
        succeeded(run)
        assert.include(run.stdout, "LLAMA_CLOUD_API_KEY")
        assert.include(run.stdout, "Exit codes: 0 done")
        assert.notMatch(run.stdout, /\x1b/)
      }), concurrent)

    describe("chat on a terminal", () => {
      // `script` (util-linux) gives the command a terminal of its own; where it is missing the test is skipped.
      const hasScript = (() => {
        try {
          return execFileSync("script", ["--version"], { stdio: "pipe" }).length > 0
        } catch {
          return false
        }
      })()

      it.effect.skipIf(!hasScript)("edits lines with readline: the up arrow recalls the last line; Ctrl-D ends on a line of its own", () =>
        Effect.scoped(Effect.gen(function*() {
          const server = yield* LocalServer.LocalServer
          const built = yield* BuiltCli
          const id = yield* newSession
          const command = [process.execPath, built.main, "chat", "--session", id].map((word) => `'${word}'`).join(" ")
          const child = yield* Effect.acquireRelease(
            Effect.sync(() =>
              spawn("script", ["-qfc", command, "/dev/null"], {
                env: { ...process.env, LLAMA_CLOUD_API_KEY: API_KEY, LLAMA_CLOUD_BASE_URL: server.url },
                stdio: ["pipe", "pipe", "pipe"]
              })
            ),
            (child) => Effect.sync(() => child.kill("SIGKILL"))
          )
          let output = ""
          let exitCode: number | null | undefined = undefined
          child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk))
          child.on("exit", (code) => (exitCode = code))
          const answers = () => output.match(/— \d+ in/g)?.length ?? 0
          /** Waits until `ready` holds of what the terminal shows, or the command has ended. */
          const until = (ready: () => boolean) =>
            Effect.repeat(Effect.sync(() => ready() || exitCode !== undefined), {
              until: (done) => done,
              schedule: Schedule.spaced("20 millis")
            })
          const type = (keys: string) => Effect.sync(() => child.stdin.write(keys))
          yield* until(() => output.includes("you> "))
          yield* type("What do llamas eat?\r")
          // The first answer is in and the prompt is back after it.
          yield* until(() => answers() === 1 && output.lastIndexOf("you> ") > output.lastIndexOf("— "))
          yield* type("\x1b[A\r")
          yield* until(() => answers() === 2)
          yield* type("\x04")
          const exit = until(() => false).pipe(Effect.map(() => exitCode))
          assert.strictEqual(yield* exit, 0)
          assert.strictEqual(output.match(/— \d+ in/g)?.length, 2, "two turns: the second one recalled")
          assert.notInclude(output, "^[[A")
          assert.match(output, /you> \S*\r?\n$/, "the conversation ends with a new line after the prompt")
          const history = yield* Effect.flatMap(ChatService, (chat) => chat.retrieve(id))
          const prompts = history.events.flatMap((event) => event._tag === "UserInput" ? [event.content] : [])
          assert.deepStrictEqual(prompts, ["What do llamas eat?", "What do llamas eat?"])
        })), concurrent)
    })

    describe("interrupted", () => {
      it.effect("ask cut off mid-answer by SIGINT exits 130", () =>
        Effect.scoped(Effect.gen(function*() {
          // A server of its own whose agent thinks for a long while: the turn is under way when the signal comes.
          const slow = yield* Layer.build(LocalServer.layer({ apiKeys: [API_KEY], pacing: { thinkMs: 20_000 } }))
          const server = Context.get(slow, LocalServer.LocalServer)
          const id = yield* newSession.pipe(Effect.provide(clientOf(server.url)))
          const built = yield* BuiltCli
          const child = yield* built.start(["ask", id, "What do llamas eat?", "--index", INDEX], {
            env: { LLAMA_CLOUD_API_KEY: API_KEY, LLAMA_CLOUD_BASE_URL: server.url }
          })
          const exit = Effect.async<number | null>((resume) => {
            child.on("exit", (code) => resume(Effect.succeed(code)))
          })
          const posted = Effect.map(server.requests, (requests) => requests.some((request) => request.method === "POST" && request.path.endsWith(`/${id}/messages/stream`)))
          yield* Effect.repeat(posted, { until: (sent) => sent, schedule: Schedule.spaced("20 millis") })
          child.kill("SIGINT")
          assert.strictEqual(yield* exit, 130)
        })), concurrent)
    })

    describe("server", () => {
      it.effect("runs the local LlamaCloud with each fault changed by the flags after it, until SIGTERM", () =>
        Effect.scoped(Effect.gen(function*() {
          const built = yield* BuiltCli
          const server = yield* built.start([
            "server", "--port", "0", "--json", "--api-key", API_KEY,
            "--fault", "status:418", "--route", "list", "--fault", "status:503", "--header", "retry-after=0", "--route", "create"
          ])
          const announced = yield* Effect.async<{ readonly url: string }>((resume) => {
            let out = ""
            server.stdout.setEncoding("utf8").on("data", (chunk: string) => {
              out += chunk
              if (out.includes("\n")) resume(Effect.succeed(JSON.parse(out.slice(0, out.indexOf("\n")))))
            })
          })
          const statuses = yield* Effect.gen(function*() {
            const chat = yield* ChatService
            const list = yield* Effect.flip(chat.listPage())
            yield* chat.create()
            return list._tag === "ApiError" ? list.status : list._tag
          }).pipe(Effect.provide(clientOf(announced.url)))
          assert.strictEqual(statuses, 418, "the first fault, aimed at list")
          const exit = yield* Effect.async<number | null>((resume) => {
            server.on("exit", (code) => resume(Effect.succeed(code)))
            server.kill("SIGTERM")
          })
          assert.strictEqual(exit, 0)
        })), concurrent)

    })
  })
})
