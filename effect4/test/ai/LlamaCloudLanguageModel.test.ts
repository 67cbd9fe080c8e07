/**
 * LlamaCloud's agent behind Effect AI's `LanguageModel`, used as an Effect AI program uses any
 * provider: turns mapped to parts, conversations continued on one session (by the previous-response
 * id, or by the session the last answer names, restored chats included), refusals, errors, and a
 * cancelled turn's socket. Against the in-memory double, and the local server where only the wire
 * (bodies posted, sockets) tells.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it } from "@effect/vitest"
import type * as AiError from "effect/ai/AiError"
import * as Chat from "effect/ai/Chat"
import * as LanguageModel from "effect/ai/LanguageModel"
import * as Prompt from "effect/ai/Prompt"
import * as ResponseIdTracker from "effect/ai/ResponseIdTracker"
import * as Tool from "effect/ai/Tool"
import * as Toolkit from "effect/ai/Toolkit"
import type * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { answer } from "../../src/core/chatModel/agent.js"
import { LlamaCloudLanguageModel, LlamaCloudTool } from "../../src/ai.js"
import { ChatService, LlamaCloudClient, NetworkError, RateLimitError, ServerError } from "../../src/index.js"
import { InMemoryChat } from "../../src/testing.js"
import { LocalServer } from "../../src/testing/node.js"
import { waitUntil } from "../fixtures/calls.js"
import { recordSpans } from "../fixtures/harness.js"

const INDEX = "idx-handbook"

const inMemory = LlamaCloudLanguageModel.layer({ indexIds: [INDEX] }).pipe(Layer.provideMerge(InMemoryChat.layer))

/** The model over the real client, undici and the local server. */
const overServer = (server: LocalServer.LocalServer["Service"], options: LlamaCloudLanguageModel.Options = { indexIds: [INDEX] }) =>
  LlamaCloudLanguageModel.layer(options).pipe(
    Layer.provideMerge(ChatService.layer),
    Layer.provide(LlamaCloudClient.layer({ apiKey: Redacted.make("llx-test"), baseUrl: server.url })),
    Layer.provide(NodeHttpClient.layerUndici)
  )

const withServer = <A, E>(
  options: LocalServer.Options,
  use: (server: LocalServer.LocalServer["Service"]) => Effect.Effect<A, E, LanguageModel.LanguageModel | ChatService>,
  model?: LlamaCloudLanguageModel.Options
) =>
  Effect.gen(function*() {
    const server = yield* LocalServer.make(options)
    return yield* use(server).pipe(Effect.provide(overServer(server, model)))
  })

const retrieval = Toolkit.make(LlamaCloudTool.Retrieval)

const turnPosts = (server: LocalServer.LocalServer["Service"]) =>
  Effect.map(server.requests, (all) => all.filter((request) => request.path.endsWith("/messages/stream")))

/** The error's reason must be `tag`; its description is returned. */
const reasonOf = <T extends AiError.AiErrorReason["_tag"]>(error: AiError.AiError, tag: T) => {
  assert.strictEqual(error.reason._tag, tag, String(error))
  return error.reason as Extract<AiError.AiErrorReason, { readonly _tag: T }>
}

const refusedInput = <A, R>(effect: Effect.Effect<A, AiError.AiError, R>) =>
  Effect.map(Effect.flip(effect), (error) => reasonOf(error, "InvalidUserInputError").description)

const sessionIdsOf = (response: { readonly content: ReadonlyArray<{ readonly type: string; readonly id?: string | undefined }> }) =>
  response.content.flatMap((part) => part.type === "response-metadata" && part.id !== undefined ? [part.id] : [])

describe("a turn as response parts", () => {
  const prompt = "What do llamas eat?"
  /** What the embedded agent searches for this prompt, whichever session asks it. */
  const searched = answer({ sessionId: "any", turn: 1, prompt, indexIds: [INDEX], requireAllIndexes: false })
    .events.find((event) => event.type === "tool_call")
  /** Streams one turn with the searches shown, checks its parts, and returns the session id they name. */
  const streamedTurn = Effect.gen(function*() {
    const parts = yield* Stream.runCollect(LanguageModel.streamText({ prompt, toolkit: retrieval }))
    const kinds = parts.map((part) => part.type).filter((type, i, all) => !(type.endsWith("-delta") && all[i - 1] === type))
    assert.deepStrictEqual(kinds, [
      "response-metadata",
      "reasoning-start",
      "reasoning-delta",
      "reasoning-end",
      "tool-call",
      "tool-result",
      "text-start",
      "text-delta",
      "text-end",
      "finish"
    ])
    const call = parts.find((part) => part.type === "tool-call")
    const result = parts.find((part) => part.type === "tool-result")
    assert(call?.type === "tool-call" && result?.type === "tool-result")
    assert.strictEqual(call.name, "LlamaCloudRetrieval")
    assert.strictEqual((call.metadata["llamacloud"] as { toolName: string }).toolName, "search")
    assert.isTrue(call.providerExecuted)
    assert(searched?.type === "tool_call")
    assert.deepStrictEqual(call.params, { arguments: searched.arguments })
    assert.strictEqual(result.id, call.id)
    assert.isTrue(result.providerExecuted)
    const metadata = parts[0]
    const finish = parts.at(-1)
    assert(metadata?.type === "response-metadata" && finish?.type === "finish")
    assert.strictEqual(finish.reason, "stop")
    const sessionId = metadata.id
    assert(sessionId !== undefined)
    assert.strictEqual((finish.metadata["llamacloud"] as { sessionId: string }).sessionId, sessionId)
    return sessionId
  })

  it.effect("thinking, a search and the answer stream as reasoning, provider-executed tool and text parts (in memory)", () =>
    Effect.gen(function*() {
      const sessionId = yield* streamedTurn
      const sessions = yield* Effect.flatMap(Effect.service(InMemoryChat), (chat) => chat.sessions)
      assert.deepStrictEqual(sessions.map((session) => session.sessionId), [sessionId])
    }).pipe(Effect.provide(inMemory)))

  it.live("thinking, a search and the answer stream as reasoning, provider-executed tool and text parts (over the wire)", () =>
    withServer({}, (server) =>
      Effect.gen(function*() {
        const sessionId = yield* streamedTurn
        const posts = yield* turnPosts(server)
        assert.deepStrictEqual(posts.map((post) => post.path), [`/api/v1/chat/${sessionId}/messages/stream`])
      })))

  it.effect("without the retrieval tool in a toolkit the agent still searches, and its searches are left out", () =>
    Effect.gen(function*() {
      const response = yield* LanguageModel.generateText({ prompt: "What do llamas eat?" })
      assert.deepStrictEqual(response.content.map((part) => part.type), ["response-metadata", "reasoning", "text", "finish"])
      assert.lengthOf(response.toolCalls, 0)
    }).pipe(Effect.provide(inMemory)))

  it.effect("a whole Text or Thinking with no deltas is a block of its own", () =>
    Effect.gen(function*() {
      yield* Effect.flatMap(Effect.service(InMemoryChat), (chat) =>
        chat.scriptTurn([
          { _tag: "Thinking", content: "Plan." },
          { _tag: "Text", content: "Answer." },
          { type: "stop", is_error: false, usage: { total_input_tokens: 3, total_output_tokens: 2 } }
        ]))
      const response = yield* LanguageModel.generateText({ prompt: "Short?" })
      assert.strictEqual(response.reasoningText, "Plan.")
      assert.strictEqual(response.text, "Answer.")
      assert.deepStrictEqual([response.usage.inputTokens.total, response.usage.outputTokens.total], [3, 2])
    }).pipe(Effect.provide(inMemory)))

  it.effect("an agent's failure is the error finish reason with its message, not an AiError", () =>
    Effect.gen(function*() {
      const response = yield* LanguageModel.generateText({ prompt: "What do llamas eat?" })
      assert.strictEqual(response.finishReason, "error")
      const finish = response.content.find((part) => part.type === "finish")
      assert.match(String((finish?.metadata["llamacloud"] as { error: string }).error), /unavailable-x/)
    }).pipe(Effect.provide(
      LlamaCloudLanguageModel.layer({ indexIds: [INDEX, "unavailable-x"], requireAllIndexes: true }).pipe(
        Layer.provideMerge(InMemoryChat.layer)
      )
    )))

  it.live("generateText's text and usage are ask's for the same turn", () =>
    withServer({}, () =>
      Effect.gen(function*() {
        const response = yield* LanguageModel.generateText({ prompt: "How are alpacas sheared?" })
        const chat = yield* ChatService
        const session = yield* chat.create({ indexIds: [INDEX] })
        const reply = yield* chat.ask(session.sessionId, { prompt: "How are alpacas sheared?", indexIds: [INDEX] })
        assert.isAbove(reply.text.length, 0)
        assert.strictEqual(response.text, reply.text)
        assert.strictEqual(response.reasoningText, reply.thinking)
        assert.strictEqual(response.usage.inputTokens.total, Option.getOrUndefined(reply.usage.totalInputTokens))
        assert.strictEqual(response.usage.outputTokens.total, Option.getOrUndefined(reply.usage.totalOutputTokens))
      })))
})

describe("conversations", () => {
  it.live("a two-turn Chat posts both turns to one session, the second with only the new prompt", () =>
    withServer({}, (server) =>
      Effect.gen(function*() {
        const chat = yield* Chat.empty
        const first = yield* chat.generateText({ prompt: "What do llamas eat?" })
        const second = yield* chat.generateText({ prompt: "And how much?" })
        const posts = yield* turnPosts(server)
        assert.lengthOf(posts, 2)
        assert.lengthOf(yield* server.sessions, 1)
        assert.strictEqual(posts[0]!.path, posts[1]!.path)
        assert.deepStrictEqual(JSON.parse(posts[1]!.body), { prompt: "And how much?", index_ids: [INDEX] })
        assert.deepStrictEqual(sessionIdsOf(first), sessionIdsOf(second))
      })))

  it.live("a Chat exported and restored with Chat.fromExport continues its session, posting only the new prompt", () =>
    withServer({}, (server) =>
      Effect.gen(function*() {
        const chat = yield* Chat.empty
        yield* chat.generateText({ prompt: "What do llamas eat?" })
        const saved = yield* chat.exportJson
        const restored = yield* Chat.fromJson(saved)
        yield* restored.generateText({ prompt: "And how much?" })
        const posts = yield* turnPosts(server)
        assert.lengthOf(posts, 2)
        assert.lengthOf(yield* server.sessions, 1)
        assert.strictEqual(posts[0]!.path, posts[1]!.path)
        assert.deepStrictEqual(JSON.parse(posts[1]!.body), { prompt: "And how much?", index_ids: [INDEX] })
      })))

  it.effect("with a ResponseIdTracker, the previous-response id names the session: the answer's own metadata is not needed", () =>
    Effect.gen(function*() {
      const tracker = yield* ResponseIdTracker.make
      const tracked = Effect.provideService(ResponseIdTracker.ResponseIdTracker, tracker)
      const question = Prompt.make("What do llamas eat?")
      const first = yield* tracked(LanguageModel.generateText({ prompt: question }))
      // The answer as a program might keep it: its text alone, without the parts' metadata.
      const kept = Prompt.make([{ role: "assistant", content: first.text }])
      const followUp = Prompt.concat(Prompt.concat(question, kept), Prompt.make("And how much?"))
      // Without the tracker the same prompt names no session: it is the previous-response id that continues it.
      assert.match(yield* refusedInput(LanguageModel.generateText({ prompt: followUp })), /no session of this model holds/)
      yield* tracked(LanguageModel.generateText({ prompt: followUp }))
      const calls = yield* Effect.flatMap(Effect.service(InMemoryChat), (memory) => memory.calls)
      const turns = calls.flatMap((call) => call.operation === "sendMessage" ? [call] : [])
      assert.deepStrictEqual(turns.map((call) => call.params.prompt), ["What do llamas eat?", "And how much?"])
      assert.strictEqual(turns[0]!.sessionId, turns[1]!.sessionId)
      assert.lengthOf(calls.filter((call) => call.operation === "create"), 1)
    }).pipe(Effect.provide(inMemory)))

  it.effect("a streamed Chat continues its session too, the searches shown", () =>
    Effect.gen(function*() {
      const chat = yield* Chat.empty
      yield* Stream.runDrain(chat.streamText({ prompt: "What do llamas eat?", toolkit: retrieval }))
      yield* Stream.runDrain(chat.streamText({ prompt: "And alpacas?", toolkit: retrieval }))
      const calls = yield* Effect.flatMap(Effect.service(InMemoryChat), (memory) => memory.calls)
      const turns = calls.flatMap((call) => call.operation === "sendMessage" ? [call] : [])
      assert.deepStrictEqual(turns.map((call) => call.params.prompt), ["What do llamas eat?", "And alpacas?"])
      assert.strictEqual(turns[0]!.sessionId, turns[1]!.sessionId)
      assert.lengthOf(calls.filter((call) => call.operation === "create"), 1)
      const history = yield* Ref.get(chat.history)
      assert.deepStrictEqual(history.content.map((message) => message.role), ["user", "assistant", "user", "assistant"])
    }).pipe(Effect.provide(inMemory)))

  it.effect("two Chats are two sessions", () =>
    Effect.gen(function*() {
      const a = yield* Chat.empty
      const b = yield* Chat.empty
      yield* a.generateText({ prompt: "What do llamas eat?" })
      yield* b.generateText({ prompt: "Where do alpacas live?" })
      yield* a.generateText({ prompt: "And how much?" })
      yield* b.generateText({ prompt: "And since when?" })
      const calls = yield* Effect.flatMap(Effect.service(InMemoryChat), (memory) => memory.calls)
      const sessionOf = (prompt: string) =>
        calls.flatMap((call) => call.operation === "sendMessage" && call.params.prompt === prompt ? [call.sessionId] : [])[0]
      assert.strictEqual(sessionOf("And how much?"), sessionOf("What do llamas eat?"))
      assert.strictEqual(sessionOf("And since when?"), sessionOf("Where do alpacas live?"))
      assert.notStrictEqual(sessionOf("What do llamas eat?"), sessionOf("Where do alpacas live?"))
    }).pipe(Effect.provide(inMemory)))
})

describe("prompts LlamaCloud cannot take are refused, nothing sent", () => {
  const nothingSent = Effect.map(
    Effect.flatMap(Effect.service(InMemoryChat), (memory) => memory.calls),
    (calls) => assert.lengthOf(calls, 0)
  )
  const refused = (effect: Effect.Effect<unknown, AiError.AiError, LanguageModel.LanguageModel>, names: RegExp) =>
    Effect.gen(function*() {
      const description = yield* refusedInput(effect)
      assert.match(description, names)
      yield* nothingSent
    }).pipe(Effect.provide(inMemory))

  it.effect("a system message", () =>
    refused(
      LanguageModel.generateText({ prompt: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi?" }] }),
      /system messages are not supported/
    ))

  it.effect("a file", () =>
    refused(
      LanguageModel.generateText({
        prompt: [{
          role: "user",
          content: [{ type: "text", text: "What is this?" }, { type: "file", mediaType: "text/plain", data: "hello" }]
        }]
      }),
      /file parts are not supported/
    ))

  it.effect("a client-defined tool", () => {
    const Weather = Tool.make("GetWeather", { parameters: Schema.Struct({ city: Schema.String }), success: Schema.String })
    const toolkit = Toolkit.make(Weather, LlamaCloudTool.Retrieval)
    return refused(
      LanguageModel.generateText({ prompt: "Weather?", toolkit }).pipe(
        Effect.provide(toolkit.toLayer({ GetWeather: () => Effect.succeed("sunny") }))
      ),
      /client-defined tools \(GetWeather\) are not supported/
    )
  })

  it.effect("a forced tool choice", () =>
    refused(
      LanguageModel.generateText({ prompt: "Search!", toolkit: retrieval, toolChoice: "required" }),
      /toolChoice "required" is not supported/
    ))

  it.effect("structured output", () =>
    refused(
      LanguageModel.generateObject({ prompt: "Facts?", schema: Schema.Struct({ fact: Schema.String }), objectName: "facts" }),
      /structured output \(generateObject, object "facts"\) is not supported/
    ))

  it.effect("earlier turns this model did not answer", () =>
    refused(
      LanguageModel.generateText({
        prompt: Prompt.make([
          { role: "user", content: "What do llamas eat?" },
          { role: "assistant", content: "Grass." },
          { role: "user", content: "And how much?" }
        ])
      }),
      /earlier turns that no session of this model holds/
    ))

  it.effect("two user messages with no answer between them", () =>
    refused(
      LanguageModel.generateText({
        prompt: Prompt.make([{ role: "user", content: "What do llamas eat?" }, { role: "user", content: "And how much?" }])
      }),
      /user messages that no answer follows/
    ))

  it.effect("a prompt that does not end with the user's message", () =>
    refused(
      LanguageModel.generateText({ prompt: [{ role: "assistant", content: "Hello." }] }),
      /must end with the user's message/
    ))
})

describe("errors as AiError", () => {
  it.effect("a rate limit keeps its status, request id and retry advice", () =>
    Effect.gen(function*() {
      yield* Effect.flatMap(Effect.service(InMemoryChat), (memory) =>
        memory.failNext(
          new RateLimitError({
            status: 429,
            detail: "slow down",
            retryAfter: Option.some(Duration.seconds(7)),
            requestId: Option.some("req-42"),
            operation: "ChatService.create"
          })
        ))
      const error = yield* Effect.flip(LanguageModel.generateText({ prompt: "Hi?" }))
      const reason = reasonOf(error, "RateLimitError")
      assert.strictEqual(reason.http?.response?.status, 429)
      assert.deepStrictEqual(reason.http?.response?.headers, { "x-request-id": "req-42", "retry-after": "7" })
      assert.isTrue(Duration.equals(error.retryAfter ?? Duration.zero, Duration.seconds(7)))
      assert.match(String((reason.metadata["llamacloud"] as { message: string }).message), /wait 7s/)
    }).pipe(Effect.provide(inMemory)))

  it.effect("a server error in a stream is an InternalProviderError with its status", () =>
    Effect.gen(function*() {
      yield* Effect.flatMap(Effect.service(InMemoryChat), (memory) =>
        memory.failNext(
          new ServerError({ status: 503, detail: "down", retryAfter: Option.none(), requestId: Option.none() }),
          { operation: "sendMessage" }
        ))
      const error = yield* Effect.flip(Stream.runDrain(LanguageModel.streamText({ prompt: "Hi?" })))
      assert.strictEqual(reasonOf(error, "InternalProviderError").http?.response?.status, 503)
      assert.strictEqual(error.method, "streamText")
    }).pipe(Effect.provide(inMemory)))

  it.effect("a broken connection is a NetworkError keeping our error as its cause", () =>
    Effect.gen(function*() {
      const lost = new NetworkError({ reason: "ConnectionLost", detail: "socket hang up", timeout: Option.none() })
      yield* Effect.flatMap(Effect.service(InMemoryChat), (memory) => memory.scriptTurn({ failAfter: { after: 2, error: lost } }))
      const error = yield* Effect.flip(LanguageModel.generateText({ prompt: "What do llamas eat?" }))
      const reason = reasonOf(error, "NetworkError")
      assert.strictEqual(reason.reason, "TransportError")
      assert.strictEqual(reason.cause, lost)
    }).pipe(Effect.provide(inMemory)))

  it.live("a refused key over the wire is an AuthenticationError carrying the status and the server's request id", () =>
    Effect.gen(function*() {
      const server = yield* LocalServer.make({ apiKeys: ["llx-other"] })
      const error = yield* Effect.flip(LanguageModel.generateText({ prompt: "Hi?" })).pipe(
        Effect.provide(overServer(server))
      )
      const reason = reasonOf(error, "AuthenticationError")
      assert.strictEqual(reason.kind, "InvalidKey")
      assert.strictEqual(reason.http?.response?.status, 401)
      const [request] = yield* server.requests
      assert.deepStrictEqual(reason.http?.response?.headers, { "x-request-id": request!.requestId })
      assert.match(reason.description ?? "", /LLAMA_CLOUD_API_KEY/)
    }))

  it.effect("a turn that ends before its Stop is a NetworkError, not a short answer", () =>
    Effect.gen(function*() {
      yield* Effect.flatMap(Effect.service(InMemoryChat), (memory) => memory.scriptTurn([{ type: "text_delta", content: "Half an" }]))
      const error = yield* Effect.flip(LanguageModel.generateText({ prompt: "What do llamas eat?" }))
      assert.match(reasonOf(error, "NetworkError").description ?? "", /before the turn's stop event/)
    }).pipe(Effect.provide(inMemory)))

  it.effect("a prompt over 1000 characters is InvalidUserInputError from the client's own check, no session created", () =>
    Effect.gen(function*() {
      const description = yield* refusedInput(LanguageModel.generateText({ prompt: "x".repeat(1001) }))
      assert.match(description, /ChatService\.sendMessage: Invalid request, not sent: prompt/)
      assert.lengthOf(yield* Effect.flatMap(Effect.service(InMemoryChat), (memory) => memory.calls), 0)
    }).pipe(Effect.provide(inMemory)))
})

describe("the layer's options, as plain JavaScript may pass them", () => {
  /** What plain JavaScript may pass: anything. */
  const untyped = (value: unknown): LlamaCloudLanguageModel.Options => value as LlamaCloudLanguageModel.Options

  const cases: ReadonlyArray<readonly [unknown, string, string]> = [
    [{ indexIds: [] }, "indexIds", "at least one index id"],
    [{ indexIds: "idx-handbook" }, "indexIds", "\"idx-handbook\""],
    [{ indexIds: [INDEX, ""] }, "indexIds", "1: an index id must be a non-empty string"],
    [{ indexIds: [INDEX, 7] }, "indexIds", "[\"idx-handbook\",7]"],
    [{ indexIds: ["idx-\uD800"] }, "indexIds", "well-formed Unicode"],
    [{ indexIds: Array.from({ length: 11 }, (_, i) => `idx-${i}`) }, "indexIds", "at most 10 index ids (got 11)"],
    [{ indexIds: null }, "indexIds", "null"],
    [{}, "indexIds", "LlamaCloudLanguageModel.layer needs indexIds"],
    [{ indexIds: [INDEX], requireAllIndexes: "yes" }, "requireAllIndexes", "\"yes\""],
    [{ indexIds: [INDEX], requireAll: true }, "requireAll", "its options are indexIds, requireAllIndexes"],
    [["idx-handbook"], "options", "[\"idx-handbook\"]"],
    [undefined, "indexIds", "needs indexIds"]
  ]

  for (const [options, option, said] of cases) {
    it.effect(`${JSON.stringify(options) ?? "no options"} fails the layer when it is built, naming ${option}; nothing sent`, () =>
      Effect.gen(function*() {
        // Made without a throw: the options are read when the layer is built.
        const layer = LlamaCloudLanguageModel.layer(untyped(options))
        const error: Config.ConfigError = yield* Effect.flip(Layer.build(layer))
        const cause = error.cause
        assert(cause._tag === "SchemaError" && cause.issue._tag === "Pointer", String(error))
        assert.deepStrictEqual(cause.issue.path, [option])
        assert.include(error.message, "LlamaCloudLanguageModel.layer")
        assert.include(error.message, said)
        const chat = yield* Effect.service(InMemoryChat)
        assert.deepStrictEqual(yield* chat.sessions, [])
      }).pipe(Effect.provide(InMemoryChat.layer)))
  }

  it.live("a whole set of options is taken as given, requireAllIndexes sent on each turn", () =>
    withServer({}, (server) =>
      Effect.gen(function*() {
        yield* LanguageModel.generateText({ prompt: "What do llamas eat?" })
        const posts = yield* turnPosts(server)
        assert.strictEqual(posts.length, 1)
        assert.deepStrictEqual(JSON.parse(posts[0]!.body), {
          prompt: "What do llamas eat?",
          index_ids: [INDEX, "idx-two"],
          require_all_indexes: false
        })
      }), untyped({ indexIds: [INDEX, "idx-two"], requireAllIndexes: false })))
})

describe("the turn's socket and spans", () => {
  it.live("interrupting a streamed turn closes its socket", () =>
    withServer({ pacing: { thinkMs: 60_000, keepAliveMs: 60_000 } }, (server) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.forkChild(Stream.runDrain(LanguageModel.streamText({ prompt: "What do llamas eat?" })))
        yield* waitUntil("the turn was posted", Effect.map(turnPosts(server), (posts) => posts.length === 1))
        const during = yield* server.connections
        yield* Fiber.interrupt(fiber)
        // The stalled turn's handler ends only when the server sees its socket close.
        yield* server.idle
        const closed = (counts: { readonly open: number; readonly total: number }) => counts.total - counts.open
        yield* waitUntil("the turn's socket closed", Effect.map(server.connections, (now) => closed(now) === closed(during) + 1))
        assert.deepStrictEqual(yield* server.handlerFailures, [])
      })))

  it.effect("the model's span carries Effect AI's gen_ai attributes, the client's span beneath it", () =>
    Effect.gen(function*() {
      const { spans, tracer } = yield* recordSpans
      const response = yield* LanguageModel.generateText({ prompt: "What do llamas eat?" }).pipe(Effect.withTracer(tracer))
      const model = spans.find((span) => span.name === "LanguageModel.generateText")
      const turn = spans.find((span) => span.name === "ChatService.sendMessage")
      assert(model !== undefined && turn !== undefined)
      assert.strictEqual(model.attributes.get("gen_ai.provider.name"), "llamacloud")
      assert.strictEqual(model.attributes.get("gen_ai.operation.name"), "chat")
      assert.strictEqual(model.attributes.get("gen_ai.usage.input_tokens"), response.usage.inputTokens.total)
      assert.deepStrictEqual(model.attributes.get("gen_ai.response.finish_reasons"), ["stop"])
      assert(Option.isSome(turn.parent))
      assert.strictEqual(turn.parent.value.spanId, model.spanId)
    }).pipe(Effect.provide(inMemory)))
})
