/**
 * The commands of `llamacloud-chat`: sessions (create, list, show, delete), `ask` for one turn,
 * `chat` for a conversation read from standard input, and `server` for the local LlamaCloud. Every
 * command takes `--json`; those that call LlamaCloud take `--base-url` and otherwise read their
 * configuration as `LlamaCloudClient.layerConfig` does.
 *
 * @since 0.2.0
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Config from "effect/Config"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Readline from "node:readline"
import * as ChatReply from "../ChatReply.js"
import { ChatService } from "../ChatService.js"
import { LlamaCloudClient } from "../LlamaCloudClient.js"
import { VERSION } from "../version.js"
import * as Render from "./Render.js"
import * as ServerCommand from "./ServerCommand.js"
import * as Spinner from "./Spinner.js"

// -------------------------------------------------------------------------------------------------
// options every command shares

const json = Options.boolean("json").pipe(
  Options.withDescription("Print JSON: one value, or one value per line for a stream (sessions, a turn's events).")
)

const baseUrl = Options.text("base-url").pipe(
  Options.withDescription("LlamaCloud's URL. Default: LLAMA_CLOUD_BASE_URL, else https://api.cloud.llamaindex.ai."),
  Options.optional
)

const indexIds = Options.text("index").pipe(
  Options.withAlias("i"),
  Options.withDescription("An index to search (repeatable; up to 10)."),
  Options.repeated
)

const sessionId = Args.text({ name: "session-id" }).pipe(Args.withDescription("The session's id (ses-…)."))

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

const create = Command.make("create", { json, baseUrl, indexIds }, (options) =>
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
    Options.withDescription("Sessions fetched per page; every page is listed."),
    Options.optional
  )
}, (options) =>
  withChat(
    options,
    Effect.gen(function*() {
      const chat = yield* ChatService
      const sessions = chat.list(Option.match(options.pageSize, { onNone: () => ({}), onSome: (pageSize) => ({ pageSize }) }))
      const count = yield* sessions.pipe(
        Stream.runFoldEffect(0, (n, session) =>
          Effect.as(
            options.json ? Render.jsonLine(Render.sessionJson(session)) : Render.write(Render.sessionLine(session)),
            n + 1
          ))
      )
      if (count === 0 && !options.json) yield* Render.write("No sessions.\n")
    })
  )).pipe(Command.withDescription("List every session, one per line, fetching page after page."))

const show = Command.make("show", { json, baseUrl, sessionId }, (options) =>
  withChat(
    options,
    Effect.gen(function*() {
      const chat = yield* ChatService
      const session = yield* chat.retrieve(options.sessionId)
      yield* options.json ? Render.jsonLine(Render.sessionDetailJson(session)) : Render.write(Render.sessionDetail(session))
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
 * Sends one turn and prints it as it streams: as text, a spinner (on a terminal) until the first
 * event, then the steps, the answer and the usage; as JSON, each event on its line. A turn whose
 * `stop` says it failed ends in a `TurnError`, once all of it has been printed.
 */
const turn = (sessionId: string, prompt: string, indexIds: ReadonlyArray<string>, asJson: boolean) =>
  Effect.scoped(Effect.gen(function*() {
    const chat = yield* ChatService
    const spinner = yield* asJson ? Effect.succeed({ stop: Effect.void }) : Spinner.start("waiting for the agent…")
    const render = Render.turnRenderer()
    const reply = ChatReply.collector({ operation: "ChatService.sendMessage", sessionId })
    yield* chat.sendMessage(sessionId, { prompt, indexIds }).pipe(
      Stream.runForEach((event) => {
        reply.add(event)
        return Effect.zipRight(spinner.stop, asJson ? Render.jsonLine(Render.eventJson(event)) : Render.write(render(event)))
      })
    )
    yield* Either.match(reply.done(), { onLeft: Effect.fail, onRight: () => Effect.void })
  }))

const prompt = Args.text({ name: "prompt" }).pipe(Args.withDescription("What to ask (quote it)."))

const ask = Command.make("ask", { json, baseUrl, indexIds, sessionId, prompt }, (options) =>
  withChat(options, turn(options.sessionId, options.prompt, options.indexIds, options.json))).pipe(
    Command.withDescription(
      "Ask a session one question and print the answer as it streams, with the agent's steps and the usage. " +
        "--index names the indexes to search (at least one)."
    )
  )

/** Standard input could not be read. */
class InputError extends Data.TaggedError("InputError")<{ readonly message: string }> {}

/** The lines typed or piped on standard input, each one when it arrives; ends with the input. */
const inputLines = Effect.map(
  Effect.acquireRelease(
    Effect.sync(() => Readline.createInterface({ input: process.stdin, crlfDelay: Infinity })),
    (lines) => Effect.sync(() => lines.close())
  ),
  (lines) => Stream.fromAsyncIterable(lines, (cause) => new InputError({ message: `cannot read standard input: ${String(cause)}` }))
)

const chatCommand = Command.make("chat", {
  json,
  baseUrl,
  indexIds,
  session: Options.text("session").pipe(
    Options.withDescription("Continue this session instead of creating one."),
    Options.optional
  )
}, (options) =>
  withChat(
    options,
    Effect.scoped(Effect.gen(function*() {
      const chat = yield* ChatService
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
      const prompt = Render.write(process.stdin.isTTY === true && !options.json ? "you> " : "")
      yield* prompt
      yield* (yield* inputLines).pipe(
        Stream.map((line) => line.trim()),
        Stream.filter((line) => line !== ""),
        Stream.runForEach((line) =>
          // Typed lines are on the screen already; piped ones are shown, so the transcript reads whole.
          Render.write(process.stdin.isTTY === true || options.json ? "" : `> ${line}\n\n`).pipe(
            Effect.zipRight(turn(sessionId, line, options.indexIds, options.json)),
            // A turn the agent failed is shown and the conversation goes on; a call that failed ends it.
            Effect.catchTag("TurnError", Render.showFailure(options.json)),
            Effect.zipRight(prompt)
          )
        )
      )
    }))
  )).pipe(
    Command.withDescription(
      "Talk with a session: each line read from standard input is one turn, answered as it streams. " +
        "Creates a session (bound to --index) unless --session names one."
    )
  )

// -------------------------------------------------------------------------------------------------
// the command line

const help = `Configuration (as LlamaCloudClient.layerConfig reads it): LLAMA_CLOUD_API_KEY (or LLAMA_PARSE_API_KEY),
LLAMA_CLOUD_BASE_URL (or --base-url), LLAMA_CLOUD_ORGANIZATION_ID, LLAMA_CLOUD_PROJECT_ID,
LLAMA_CLOUD_CUSTOM_HEADERS.

Exit codes: 0 done; 1 failed (refused by LlamaCloud, no such session, the agent's turn failed, ...);
2 usage error (a bad flag or argument, input rejected before sending, unusable configuration);
3 auth error (the API key was refused); 4 network error (no connection, a broken connection, a timeout).`

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
 * Runs the command line `argv` (`process.argv`: the runtime and the script, then the arguments).
 * Fails with what ended it; each command has shown its own failure already, `@effect/cli` a usage
 * error.
 *
 * @since 0.2.0
 * @category running
 */
export const run = (argv: ReadonlyArray<string>) =>
  Command.run(make(argv), { name: "llamacloud-chat", version: VERSION })(argv)
