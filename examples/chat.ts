/**
 * The main job: create a LlamaCloud chat session, ask it a question, and print the answer as it
 * streams, with the agent's steps (thinking, searching, passages found) as they happen, then the usage.
 *
 * - With LLAMA_CLOUD_API_KEY (or LLAMA_PARSE_API_KEY) set, it talks to LLAMA_CLOUD_BASE_URL, or to
 *   the real API when that is unset; index ids are then required (`--index`).
 * - Otherwise it starts the embedded local LlamaCloud server in-process and asks it.
 *
 * `npm start -- "your question" --index idx-abc123 --index idx-def456`; `npm start -- --help` prints the usage.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Config, Console, Effect, Layer, Option, Redacted, Stream } from "effect"
import { type ChatEvent, ChatService, LlamaCloudClient } from "../src/index.js"
import { LocalServer } from "../src/testing/node.js"

const defaultQuestion = "What do the indexes say about llamas and alpacas?"
const defaultLocalIndexes = ["idx-handbook", "idx-faq"]

const usage = `Usage: npm start -- ["question"] [--index ID]...

Asks LlamaCloud one question in a new session and prints the answer as it streams, with the agent's
steps and the usage. With LLAMA_CLOUD_API_KEY set it asks LLAMA_CLOUD_BASE_URL (or the real API) and
needs --index; without a key it asks the embedded local LlamaCloud.
Default question: "${defaultQuestion}"`

/** `"question words" --index a --index b` → the question and the index ids; `--help` → the usage. */
const parseArgs = (argv: ReadonlyArray<string>) => {
  const words: Array<string> = []
  const indexIds: Array<string> = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === "--help" || arg === "-h") {
      return { help: true, question: defaultQuestion, indexIds }
    } else if (arg === "--index" || arg === "-i") {
      const id = argv[++i]
      if (id !== undefined) indexIds.push(id)
    } else if (arg.startsWith("--index=")) {
      indexIds.push(arg.slice("--index=".length))
    } else {
      words.push(arg)
    }
  }
  return { help: false, question: words.length > 0 ? words.join(" ") : defaultQuestion, indexIds }
}

const args = parseArgs(process.argv.slice(2))

const write = (text: string) => Effect.sync(() => process.stdout.write(text))

/** What the user sees of each event as it arrives. */
const render = (state: { answered: boolean; thinking: boolean }) => (event: ChatEvent.ChatEvent): Effect.Effect<void> => {
  switch (event._tag) {
    case "ThinkingDelta":
      if (state.thinking) return Effect.void
      state.thinking = true
      return write("· thinking…\n")
    case "ToolCall": {
      const query = typeof event.arguments["query"] === "string" ? `: "${event.arguments["query"]}"` : ""
      return write(`· ${event.name}${query}\n`)
    }
    case "ToolResult": {
      const result = event.result
      const passages = typeof result === "object" && result !== null && "passages" in result && Array.isArray(result.passages)
        ? result.passages.length
        : undefined
      return write(`· ${passages === undefined ? "result received" : `${passages} passage${passages === 1 ? "" : "s"} found`}\n\n`)
    }
    case "TextDelta":
      state.answered = true
      return write(event.content)
    case "Text":
      // The deltas already printed the answer; a server that sends only the whole text is printed here.
      return state.answered ? write("\n") : write(`${event.content}\n`)
    case "Stop": {
      const usage = event.usage
      const tokens = [
        Option.map(usage.totalInputTokens, (n) => `${n} in`),
        Option.map(usage.totalOutputTokens, (n) => `${n} out`)
      ].flatMap(Option.toArray)
      const skipped = event.skippedIndexIds.length > 0 ? `, could not search ${event.skippedIndexIds.join(", ")}` : ""
      const failed = event.isError ? `\nThe turn failed: ${Option.getOrElse(event.error, () => "no reason given")}` : ""
      return write(`\n— ${tokens.join(", ") || "usage not reported"} tokens, ${usage.durationMs} ms${skipped}${failed}\n`)
    }
    default:
      return Effect.void
  }
}

const converse = (indexIds: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const chat = yield* ChatService
    const session = yield* chat.create({ indexIds })
    yield* Console.log(`session ${session.sessionId}, searching ${indexIds.join(", ")}\n`)
    yield* Console.log(`> ${args.question}\n`)
    const state = { answered: false, thinking: false }
    yield* Stream.runForEach(chat.sendMessage(session.sessionId, { prompt: args.question, indexIds }), render(state))
  })

const hasKey = Config.option(Config.nonEmptyString("LLAMA_CLOUD_API_KEY")).pipe(
  Config.zipWith(Config.option(Config.nonEmptyString("LLAMA_PARSE_API_KEY")), (a, b) => Option.isSome(a) || Option.isSome(b))
)

const againstLlamaCloud = Effect.gen(function*() {
  if (args.indexIds.length === 0) {
    return yield* Effect.fail(new Error(`LlamaCloud needs the index ids to search: npm start -- "${args.question}" --index <index id>`))
  }
  const client = yield* LlamaCloudClient
  yield* Console.log(`Using LlamaCloud at ${client.baseUrl} (API key from the environment)`)
  yield* converse(args.indexIds)
}).pipe(
  Effect.provide(ChatService.layer.pipe(Layer.provideMerge(LlamaCloudClient.layerConfig()))),
  Effect.provide(NodeHttpClient.layerUndici)
)

const againstLocalServer = Effect.gen(function*() {
  const server = yield* LocalServer.LocalServer
  yield* Console.log(`No LLAMA_CLOUD_API_KEY set: using the embedded local LlamaCloud server at ${server.url}`)
  yield* converse(args.indexIds.length > 0 ? args.indexIds : defaultLocalIndexes).pipe(
    Effect.provide(ChatService.layer.pipe(
      Layer.provide(LlamaCloudClient.layer({ apiKey: Redacted.make("llx-local-demo"), baseUrl: server.url })),
      Layer.provide(NodeHttpClient.layerUndici)
    ))
  )
}).pipe(Effect.provide(LocalServer.layer({ pacing: { thinkMs: 400, eventMs: 40 } })))

const main = Effect.gen(function*() {
  if (args.help) return yield* Console.log(usage)
  yield* (yield* hasKey) ? againstLlamaCloud : againstLocalServer
}).pipe(
  Effect.catchAll((error) =>
    Console.error(`\n${error.message}`).pipe(
      Effect.zipRight(Effect.sync(() => {
        process.exitCode = 1
      }))
    )
  )
)

NodeRuntime.runMain(main)
