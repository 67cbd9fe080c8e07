/**
 * The commands of `llamacloud-chat`: sessions (create, list, show, delete), `ask` for one turn,
 * `chat` for a conversation read from standard input, and `server` for the local LlamaCloud. Every
 * command takes `--json`; those that call LlamaCloud take `--base-url` and otherwise read their
 * configuration as `LlamaCloudClient.layerConfig` does.
 *
 * One module because the command tree is one concept: each command's options, what it runs, and
 * `run`, which reads the command line against that same tree (help, usage errors) before handing it
 * to `@effect/cli`. Layout and colour live in `Help`, `Render` and `Style`.
 *
 * @since 0.2.0
 */
import * as Args from "@effect/cli/Args"
import type * as CliApp from "@effect/cli/CliApp"
import * as CliConfig from "@effect/cli/CliConfig"
import * as Command from "@effect/cli/Command"
import * as CommandDescriptor from "@effect/cli/CommandDescriptor"
import * as Options from "@effect/cli/Options"
import type * as CliValidationError from "@effect/cli/ValidationError"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Config from "effect/Config"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Readline from "node:readline"
import * as ChatReply from "../ChatReply.js"
import { ChatService } from "../ChatService.js"
import { LlamaCloudClient } from "../LlamaCloudClient.js"
import { isLlamaCloudError } from "../LlamaCloudError.js"
import { VERSION } from "../version.js"
import * as ExitCode from "./ExitCode.js"
import * as Help from "./Help.js"
import * as Render from "./Render.js"
import * as ServerCommand from "./ServerCommand.js"
import * as Spinner from "./Spinner.js"
import * as Style from "./Style.js"

// -------------------------------------------------------------------------------------------------
// options every command shares

const json = Options.boolean("json").pipe(
  Options.withDescription(
    "Print JSON: one value, or one value per line for what streams (sessions, a turn's events); a failure as one JSON value on standard error."
  )
)

const baseUrl = Options.text("base-url").pipe(
  Options.withPseudoName("URL"),
  Options.withDescription("LlamaCloud's URL. Default: LLAMA_CLOUD_BASE_URL, else https://api.cloud.llamaindex.ai."),
  Options.optional
)

const indexIds = (description: string) =>
  Options.text("index").pipe(
    Options.withAlias("i"),
    Options.withPseudoName("ID"),
    Options.withDescription(`${description} Give it once per index, up to 10 (idx-…).`),
    Options.repeated
  )

const sessionId = Args.text({ name: "session-id" }).pipe(Args.withDescription("The session's id, as `sessions list` shows it (ses-…)."))

interface Common {
  readonly json: boolean
  readonly baseUrl: Option.Option<string>
}

/**
 * `ChatService` configured from the environment, with `--base-url` in place of LLAMA_CLOUD_BASE_URL.
 * It sends over Node's fetch: a command makes a few calls, and loading undici's own modules would
 * make every command start slower.
 */
const chatLayer = (url: Option.Option<string>) =>
  ChatService.layer.pipe(
    Layer.provide(LlamaCloudClient.layerConfig(Option.match(url, {
      onNone: () => ({}),
      onSome: (value) => ({ baseUrl: Config.succeed(value) })
    }))),
    Layer.provide(FetchHttpClient.layer)
  )

/** Runs a command's work against LlamaCloud, its failures shown and turned into exit codes. */
const withChat = <E>(common: Common, work: Effect.Effect<void, E, ChatService>) =>
  work.pipe(Effect.provide(chatLayer(common.baseUrl)), Render.reportFailure(common.json))

// -------------------------------------------------------------------------------------------------
// sessions

const create = Command.make("create", {
  json,
  baseUrl,
  indexIds: indexIds("An index the session is bound to: its turns search these.")
}, (options) =>
  withChat(
    options,
    Effect.gen(function*() {
      const chat = yield* ChatService
      const session = yield* chat.create(options.indexIds.length === 0 ? {} : { indexIds: options.indexIds })
      yield* options.json ? Render.jsonLine(Render.sessionJson(session)) : Render.write(Render.sessionLine(session))
    })
  )).pipe(Command.withDescription("Create a session, bound to the --index ids when given."))

const list = Command.make("list", {
  json,
  baseUrl,
  pageSize: Options.integer("page-size").pipe(
    Options.withPseudoName("N"),
    Options.withDescription("How many sessions each request fetches (LlamaCloud's default when not given); pages are fetched until --limit or the end."),
    Options.optional
  ),
  limit: Options.integer("limit").pipe(
    Options.withPseudoName("N"),
    Options.withDescription("List at most N sessions, most recent first, and fetch no further page. Default: every session."),
    Options.optional
  )
}, (options) =>
  withChat(
    options,
    Effect.gen(function*() {
      const limit = yield* atLeastOne("limit", options.limit)
      const pageSize = yield* atLeastOne("page-size", options.pageSize)
      const chat = yield* ChatService
      const sessions = chat.list(Option.match(pageSize, { onNone: () => ({}), onSome: (pageSize) => ({ pageSize }) }))
      const count = yield* Option.match(limit, { onNone: () => sessions, onSome: (n) => Stream.take(sessions, n) }).pipe(
        Stream.runFoldEffect(0, (n, session) =>
          Effect.as(
            options.json ? Render.jsonLine(Render.sessionJson(session)) : Render.write(Render.sessionLine(session)),
            n + 1
          ))
      )
      if (count === 0 && !options.json) yield* Render.write("No sessions.\n")
    })
  )).pipe(Command.withDescription("List the sessions, one per line, fetching page after page: all of them, or the first --limit."))

/** A count given on the command line: a whole number of at least 1. */
const atLeastOne = (flag: string, value: Option.Option<number>) =>
  Option.match(value, {
    onNone: () => Effect.succeed(Option.none<number>()),
    onSome: (n) =>
      n >= 1 ? Effect.succeed(Option.some(n)) : Effect.fail(new ExitCode.UsageError({ message: `--${flag} wants a whole number >= 1, got ${n}` }))
  })

const show = Command.make("show", { json, baseUrl, sessionId }, (options) =>
  withChat(
    options,
    Effect.gen(function*() {
      const chat = yield* ChatService
      const session = yield* chat.retrieve(options.sessionId)
      yield* options.json ?
        Render.jsonLine(Render.sessionDetailJson(session)) :
        Render.write(Render.sessionDetail(session, Style.stdout()))
    })
  )).pipe(Command.withDescription("Show a session and its conversation."))

const remove = Command.make("delete", { json, baseUrl, sessionId }, (options) =>
  withChat(
    options,
    Effect.gen(function*() {
      const chat = yield* ChatService
      yield* chat.delete(options.sessionId)
      yield* options.json ?
        Render.jsonLine({ session_id: options.sessionId, deleted: true }) :
        Render.write(`Deleted session ${options.sessionId}.\n`)
    })
  )).pipe(Command.withDescription("Delete a session."))

const sessions = Command.make("sessions").pipe(
  Command.withDescription("Create, list, show and delete chat sessions."),
  Command.withSubcommands([create, list, show, remove])
)

// -------------------------------------------------------------------------------------------------
// turns

/**
 * The indexes a turn searches: those given, else the ones the session is bound to (one
 * `getSummary`). A session bound to none leaves the list empty, which the turn refuses with the
 * library's message.
 */
const turnIndexes = (sessionId: string, given: ReadonlyArray<string>) =>
  given.length > 0 ?
    Effect.succeed(given) :
    Effect.flatMap(ChatService, (chat) => chat.getSummary(sessionId)).pipe(
      Effect.map((session) => Option.getOrElse(session.indexIds, (): ReadonlyArray<string> => []))
    )

/**
 * Sends one turn and prints it as it streams: as text, a spinner (on a terminal) until the first
 * event, then the steps, the answer, its sources and the usage; as JSON, each event on its line. A
 * turn whose `stop` says it failed ends in a `TurnError`, once all of it has been printed.
 */
const turn = (sessionId: string, prompt: string, indexIds: ReadonlyArray<string>, asJson: boolean) =>
  Effect.scoped(Effect.gen(function*() {
    const chat = yield* ChatService
    const spinner = yield* asJson ? Effect.succeed({ stop: Effect.void }) : Spinner.start("waiting for the agent…")
    const render = Render.turnRenderer(Style.stdout())
    const reply = ChatReply.collector({ operation: "ChatService.sendMessage", sessionId })
    yield* chat.sendMessage(sessionId, { prompt, indexIds }).pipe(
      Stream.runForEach((event) => {
        reply.add(event)
        return Effect.zipRight(spinner.stop, asJson ? Render.jsonLine(Render.eventJson(event)) : Render.write(render(event)))
      })
    )
    yield* Either.match(reply.done(), { onLeft: Effect.fail, onRight: () => Effect.void })
  }))

const prompt = Args.text({ name: "prompt" }).pipe(
  Args.withDescription("What to ask, quoted as one argument: up to 1000 characters.")
)

const ask = Command.make("ask", {
  json,
  baseUrl,
  indexIds: indexIds("An index to search. Default: the indexes the session is bound to."),
  sessionId,
  prompt
}, (options) =>
  withChat(
    options,
    Effect.flatMap(
      turnIndexes(options.sessionId, options.indexIds),
      (indexIds) => turn(options.sessionId, options.prompt, indexIds, options.json)
    )
  )).pipe(
    Command.withDescription(
      "Ask a session one question and print the answer as it streams: the agent's steps, the answer, the sources " +
        "its [n] citations point to, and the usage. Searches the --index ids, else the session's own indexes."
    )
  )

/** Standard input could not be read. */
class InputError extends Data.TaggedError("InputError")<{ readonly message: string }> {}

/**
 * The lines typed or piped on standard input, each one when it arrives; ends with the input. On a
 * terminal they are read with line editing and history (the arrows, Ctrl-R where the platform has
 * it) after the prompt `you> `, shown again by `next`; Ctrl-C stops the process as it does
 * elsewhere, and Ctrl-C or Ctrl-D leave the shell's prompt on a line of its own.
 */
const inputLines = (interactive: boolean) =>
  Effect.map(
    Effect.acquireRelease(
      Effect.sync(() => {
        const lines = interactive ?
          Readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true, historySize: 1000 }) :
          Readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
        if (interactive) {
          lines.setPrompt("you> ")
          // The line being typed owns the terminal: Ctrl-C reaches the line editor, not the process.
          lines.on("SIGINT", () => process.kill(process.pid, "SIGINT"))
          // However the conversation ends (Ctrl-D, Ctrl-C), the shell's prompt gets a line of its own.
          lines.on("close", () => process.stdout.write("\n"))
        }
        return lines
      }),
      (lines) => Effect.sync(() => lines.close())
    ),
    (lines) => ({
      lines: Stream.fromAsyncIterable(lines, (cause) => new InputError({ message: `cannot read standard input: ${String(cause)}` })),
      next: Effect.sync(() => {
        if (interactive) lines.prompt()
      })
    })
  )

/** A prompt the client refused before sending (too long, say): the user can type another. */
const isRefusedInput = (error: unknown) =>
  isLlamaCloudError(error) && error._tag === "ValidationError" && Option.isNone(error.status)

const chatCommand = Command.make("chat", {
  json,
  baseUrl,
  indexIds: indexIds(
    "An index to search: the new session is bound to these. Default with --session: the indexes that session is bound to."
  ),
  session: Options.text("session").pipe(
    Options.withPseudoName("ID"),
    Options.withDescription("Continue this session (ses-…) instead of creating one."),
    Options.optional
  )
}, (options) =>
  withChat(
    options,
    Effect.scoped(Effect.gen(function*() {
      const chat = yield* ChatService
      const interactive = process.stdin.isTTY === true && !options.json
      const sessionId = yield* Option.match(options.session, {
        onSome: Effect.succeed,
        onNone: () =>
          chat.create(options.indexIds.length === 0 ? {} : { indexIds: options.indexIds }).pipe(
            Effect.tap((session) =>
              options.json ?
                Render.jsonLine(Render.sessionJson(session)) :
                Render.write(`Session ${session.sessionId}. One message per line; end with Ctrl-D.\n\n`)
            ),
            Effect.map((session) => session.sessionId)
          )
      })
      const indexes = yield* turnIndexes(sessionId, options.indexIds)
      const input = yield* inputLines(interactive)
      yield* input.next
      yield* input.lines.pipe(
        Stream.map((line) => line.trim()),
        Stream.filter((line) => line !== ""),
        Stream.runForEach((line) =>
          // Typed lines are on the screen already; piped ones are shown, so the transcript reads whole.
          Render.write(interactive || options.json ? "" : `> ${line}\n\n`).pipe(
            Effect.zipRight(turn(sessionId, line, indexes, options.json)),
            // A turn the agent failed, or a line the client refused (too long), is shown and the
            // conversation goes on; a call that failed ends it.
            Effect.catchIf(
              (error) => (isLlamaCloudError(error) && error._tag === "TurnError") || isRefusedInput(error),
              Render.showFailure(options.json)
            ),
            Effect.zipRight(input.next)
          )
        )
      )
    }))
  )).pipe(
    Command.withDescription(
      "Talk with a session: each line read from standard input is one turn, answered as it streams. On a terminal " +
        "the line can be edited, and the arrows recall earlier lines. Creates a session (bound to --index) unless " +
        "--session names one. Ctrl-D ends the conversation."
    )
  )

// -------------------------------------------------------------------------------------------------
// the command line

const help = [
  "Configuration (as LlamaCloudClient.layerConfig reads it): LLAMA_CLOUD_API_KEY (or LLAMA_PARSE_API_KEY), " +
  "LLAMA_CLOUD_BASE_URL (or --base-url), LLAMA_CLOUD_ORGANIZATION_ID, LLAMA_CLOUD_PROJECT_ID, LLAMA_CLOUD_CUSTOM_HEADERS.",
  "Exit codes: 0 done; 1 failed (refused by LlamaCloud, no such session, the agent's turn failed, ...); " +
  "2 usage error (a bad flag or argument, input rejected before sending, unusable configuration); " +
  "3 auth error (the API key was refused); 4 network error (no connection, a broken connection, a timeout); " +
  "130 interrupted (Ctrl-C) before a command other than chat or server finished.",
  "Colour only on a terminal, and not with NO_COLOR set or TERM=dumb."
].join("\n\n")

/**
 * The whole command line, `llamacloud-chat`. `argv` is the process's argument vector: the `server`
 * command reads its fault flags from it in order.
 *
 * @since 0.2.0
 * @category commands
 */
export const make = (argv: ReadonlyArray<string>) =>
  Command.make("llamacloud-chat").pipe(
    Command.withDescription(`A command line for LlamaCloud's Chat API.\n\n${help}`),
    Command.withSubcommands([sessions, ask, chatCommand, ServerCommand.make(argv)])
  )

/**
 * How `@effect/cli` reads the command line and documents it: the help lists each option once
 * (`Help` lists the built-in ones at the top level).
 */
const cliConfig = CliConfig.make({ showBuiltIns: false })

/** A usage error shown as `json` asks, then the failure that ends the command with code 2. */
const usageError = (json: boolean, message: string, path: ReadonlyArray<string>) => {
  const error = new ExitCode.UsageError({ message })
  const hint = `Run '${[Help.program, ...path, "--help"].join(" ")}' for its usage.`
  return (json ?
    Render.showFailure(true)(error) :
    Effect.sync(() => process.stderr.write(`${Help.program}: ${message}\n${hint}\n`))).pipe(
      Effect.zipRight(Effect.fail(new ExitCode.Reported({ exitCode: ExitCode.usage })))
    )
}

/** `@effect/cli`'s message for a command line it refused, in this command line's words. */
const refusal = (error: CliValidationError.ValidationError, all: ReadonlyArray<ReadonlyArray<string>>, args: ReadonlyArray<string>) => {
  const at = Help.locate(all, args)
  if (error._tag === "CommandMismatch" && at.unknown !== undefined) {
    return {
      message: `'${at.unknown}' is not a command of ${[Help.program, ...at.path].join(" ")}: use one of ${
        Help.children(all, at.path).join(", ")
      }`,
      path: at.path
    }
  }
  const message = Help.message(error.error)
  return { message: message.replace(/ is not a integer$/, " is not an integer"), path: at.path }
}

/**
 * The code a command ends with when the process is interrupted (Ctrl-C, SIGTERM): `0` for `chat`
 * and `server`, which run until they are stopped; `130` for any other, which did not finish.
 *
 * @since 0.2.0
 * @category running
 */
export const interruptedExitCode = (argv: ReadonlyArray<string>): ExitCode.ExitCode => {
  const { path } = Help.locate(Help.commands(make(argv).descriptor, cliConfig), argv.slice(2))
  return path[0] === "chat" || path[0] === "server" ? ExitCode.ok : ExitCode.interrupted
}

/**
 * Runs the command line `argv` (`process.argv`: the runtime and the script, then the arguments).
 * Fails with what ended it; each command has shown its own failure already. The command line is
 * read here first: its help is laid out by `Help` (plain when piped, wrapped to the terminal) and
 * a usage error is shown as the command's other failures are (one JSON value under `--json`);
 * what parses is run by `@effect/cli`.
 *
 * @since 0.2.0
 * @category running
 */
export const run = (argv: ReadonlyArray<string>): Effect.Effect<void, unknown, CliApp.CliApp.Environment> =>
  Effect.gen(function*() {
    const command = make(argv)
    const args = argv.slice(2)
    const json = args.includes("--json")
    const all = Help.commands(command.descriptor, cliConfig)
    if (args.includes("--wizard")) {
      return yield* usageError(json, "--wizard is not offered: every command takes its input as flags and arguments", [])
    }
    const directive = yield* CommandDescriptor.parse(command.descriptor, [Help.program, ...args], cliConfig).pipe(
      Effect.catchAll((error) => {
        const { message, path } = refusal(error, all, args)
        return usageError(json, message, path)
      })
    )
    if (directive._tag === "UserDefined" && directive.leftover.length > 0) {
      const { path } = Help.locate(all, args)
      return yield* usageError(json, `unexpected argument '${directive.leftover[0]}'`, path)
    }
    if (directive._tag === "BuiltIn" && directive.option._tag === "ShowHelp") {
      const { path } = Help.locate(all, args)
      const help = Help.render({
        version: VERSION,
        path: path.length === 0 ? [] : [Help.program, ...path.slice(0, -1)],
        usage: directive.option.usage,
        doc: directive.option.helpDoc,
        config: cliConfig,
        style: Style.stdout()
      })
      return yield* Render.write(help)
    }
    if (directive._tag === "BuiltIn" && directive.option._tag === "SetLogLevel") {
      const rest = args.filter((arg, i) => !(arg === "--log-level" || args[i - 1] === "--log-level" || arg.startsWith("--log-level=")))
      return yield* run([...argv.slice(0, 2), ...rest]).pipe(Logger.withMinimumLogLevel(directive.option.level))
    }
    return yield* Command.run(command, { name: Help.program, version: VERSION })(argv).pipe(
      Effect.provide(CliConfig.layer(cliConfig))
    )
  })
