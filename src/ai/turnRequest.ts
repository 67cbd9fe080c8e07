/**
 * What a prompt asks of LlamaCloud, or why it cannot be asked. A turn is one user message to one
 * session: the prompt's last message is that message, everything before it is the conversation so
 * far (which the session already holds, so it is never sent), and anything that cannot be said
 * that way (a system message, a file, a client-defined tool, a forced tool choice, structured
 * output) is refused by name rather than dropped.
 *
 * @since 0.3.0
 */
import type * as LanguageModel from "@effect/ai/LanguageModel"
import type * as Prompt from "@effect/ai/Prompt"
import * as Either from "effect/Either"
import * as Refusals from "../core/aiRefusals.js"
import { isRetrieval } from "../LlamaCloudTool.js"

/**
 * A turn to send: the new user message's text, the conversation before it as a key, and whether
 * the program asked to see the agent's searches.
 */
export interface TurnRequest {
  readonly prompt: string
  readonly history: string
  readonly showRetrieval: boolean
}

/** Why a prompt cannot be sent, in words that name what is unsupported and what to do. */
export type Refusal = string

/**
 * A conversation as a key: each user message's text, and each answer's text and search ids (what
 * a `Chat` keeps of a turn this model answered). Reasoning is left out: it identifies nothing. An
 * answer with neither is not kept by a `Chat`, so it is left out here too.
 */
export const conversationKey = (messages: ReadonlyArray<Prompt.Message>): string =>
  JSON.stringify(messages.flatMap((message): ReadonlyArray<unknown> => {
    switch (message.role) {
      case "user":
        return [["user", userText(message)]]
      case "assistant": {
        const text = message.content.flatMap((part) => part.type === "text" ? [part.text] : []).join("")
        const searches = message.content.flatMap((part) => part.type === "tool-call" ? [part.id] : [])
        return text === "" && searches.length === 0 ? [] : [["assistant", text, searches]]
      }
      default:
        return [[message.role]]
    }
  }))

/** The key of a conversation after one more turn: the history, the question and what was answered. */
export const nextKey = (
  history: string,
  prompt: string,
  answer: { readonly text: string; readonly searches: ReadonlyArray<string> }
): string => {
  const before: Array<unknown> = JSON.parse(history)
  before.push(["user", prompt])
  if (answer.text !== "" || answer.searches.length > 0) before.push(["assistant", answer.text, answer.searches])
  return JSON.stringify(before)
}

/** The empty conversation: a turn with this history opens a new session. */
export const newConversation = conversationKey([])

// Several text parts of one message are one question, in order, a line apart.
const userText = (message: Prompt.UserMessage): string =>
  message.content.flatMap((part) => part.type === "text" ? [part.text] : []).join("\n")

/** Reads a prompt as one turn, or says what in it LlamaCloud cannot take. */
export const fromOptions = (options: LanguageModel.ProviderOptions): Either.Either<TurnRequest, Refusal> => {
  if (options.responseFormat.type === "json") {
    return Either.left(Refusals.structuredOutput(options.responseFormat.objectName))
  }
  const clientTools = options.tools.filter((tool) => !isRetrieval(tool)).map((tool) => tool.name)
  if (clientTools.length > 0) {
    return Either.left(Refusals.clientTools(clientTools))
  }
  if (!Refusals.toolChoiceAccepted(options.toolChoice, options.tools.length)) {
    return Either.left(Refusals.toolChoice(options.toolChoice))
  }
  const messages = options.prompt.content
  for (const message of messages) {
    if (message.role === "system") {
      return Either.left(Refusals.systemMessage)
    }
    if (message.role === "tool") {
      return Either.left(Refusals.toolResults)
    }
    if (message.role === "user" && message.content.some((part) => part.type === "file")) {
      return Either.left(Refusals.fileParts)
    }
  }
  const last = messages.at(-1)
  if (last === undefined || last.role !== "user") {
    return Either.left(Refusals.notEndingWithUser)
  }
  return Either.right({
    prompt: userText(last),
    history: conversationKey(messages.slice(0, -1)),
    showRetrieval: options.tools.length > 0
  })
}
