/**
 * What a prompt asks of LlamaCloud, or why it cannot be asked. A turn is one user message to one
 * session: the prompt's last message is that message, everything before it is the conversation so
 * far (which the session already holds, so it is never sent), and anything that cannot be said
 * that way (a system message, a file, a client-defined tool, a forced tool choice, structured
 * output) is refused by name rather than dropped.
 *
 * @since 0.3.0
 */
import type * as LanguageModel from "effect/ai/LanguageModel"
import type * as Prompt from "effect/ai/Prompt"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Result from "effect/Result"
import * as Refusals from "../core/aiRefusals.js"
import { isRetrieval } from "../LlamaCloudTool.js"
import { metadataKey } from "./turnParts.js"

/**
 * A turn to send: the new user message's text, whether it continues a conversation, the session
 * the conversation's last answer names, and whether the program asked to see the agent's searches.
 */
export interface TurnRequest {
  readonly prompt: string
  /** Whether messages come before the new one: then a session already holds them. */
  readonly continues: boolean
  /** The session named in the metadata of the answer just before the new message, if this model wrote it. */
  readonly answeredBy: Option.Option<string>
  readonly showRetrieval: boolean
}

/** Why a prompt cannot be sent, in words that name what is unsupported and what to do. */
export type Refusal = string

// Several text parts of one message are one question, in order, a line apart.
const userText = (message: Prompt.UserMessage): string =>
  message.content.flatMap((part) => part.type === "text" ? [part.text] : []).join("\n")

/** The session an answer's parts name: this model writes it into every part a `Chat` keeps. */
const sessionNamedBy = (message: Prompt.AssistantMessage): Option.Option<string> => {
  for (const part of message.content) {
    const ours = part.options[metadataKey]
    if (Predicate.isObject(ours) && !Array.isArray(ours) && "sessionId" in ours && typeof ours.sessionId === "string") {
      return Option.some(ours.sessionId)
    }
  }
  return Option.none()
}

/** Reads a prompt as one turn, or says what in it LlamaCloud cannot take. */
export const fromOptions = (options: LanguageModel.ProviderOptions): Result.Result<TurnRequest, Refusal> => {
  if (options.responseFormat.type === "json") {
    return Result.fail(Refusals.structuredOutput(options.responseFormat.objectName))
  }
  const clientTools = options.tools.filter((tool) => !isRetrieval(tool)).map((tool) => tool.name)
  if (clientTools.length > 0) {
    return Result.fail(Refusals.clientTools(clientTools))
  }
  if (!Refusals.toolChoiceAccepted(options.toolChoice, options.tools.length)) {
    return Result.fail(Refusals.toolChoice(options.toolChoice))
  }
  const messages = options.prompt.content
  for (const message of messages) {
    if (message.role === "system") {
      return Result.fail(Refusals.systemMessage)
    }
    if (message.role === "tool") {
      return Result.fail(Refusals.toolResults)
    }
    if (message.role === "user" && message.content.some((part) => part.type === "file")) {
      return Result.fail(Refusals.fileParts)
    }
  }
  const last = messages.at(-1)
  if (last === undefined || last.role !== "user") {
    return Result.fail(Refusals.notEndingWithUser)
  }
  // Only the answer right before the new message can name the session that holds everything before it.
  const before = messages.at(-2)
  if (before !== undefined && before.role !== "assistant") {
    return Result.fail(
      "the prompt holds user messages that no answer follows: a LlamaCloud turn sends one new user message after the last answer. Join them into one message."
    )
  }
  return Result.succeed({
    prompt: userText(last),
    continues: before !== undefined,
    answeredBy: before === undefined ? Option.none() : sessionNamedBy(before),
    showRetrieval: options.tools.length > 0
  })
}
