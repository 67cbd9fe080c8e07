/**
 * What an Effect AI prompt may ask of LlamaCloud, in words: a turn is one user message to one
 * session, and each prompt that cannot be said that way is refused by name, with what to do
 * instead. Both editions' `LlamaCloudLanguageModel` refuse with these descriptions, so that the
 * same prompt is refused in the same words on Effect 3 and Effect 4.
 */

/** `generateObject`: the agent answers in text. */
export const structuredOutput = (objectName: string): string =>
  `structured output (generateObject, object "${objectName}") is not supported: LlamaCloud's agent answers in text. Use generateText and decode its text.`

/** A toolkit holding tools other than the agent's own retrieval. */
export const clientTools = (names: ReadonlyArray<string>): string =>
  `client-defined tools (${
    names.join(", ")
  }) are not supported: LlamaCloud's agent calls only its own retrieval. Keep only LlamaCloudTool.Retrieval in the toolkit.`

/** A `toolChoice` other than the default. */
export const toolChoice = (choice: unknown): string =>
  `toolChoice ${JSON.stringify(choice)} is not supported: LlamaCloud's agent decides itself when to search. Leave toolChoice unset ("auto").`

/** Whether a tool choice is one LlamaCloud's agent can honour: the default, or none when there are no tools. */
export const toolChoiceAccepted = (choice: unknown, toolCount: number): boolean =>
  toolCount === 0 ? choice === "none" || choice === "auto" : choice === "auto"

export const systemMessage =
  "system messages are not supported: a LlamaCloud session takes only user messages. Put the instructions in the user's message."

export const toolResults =
  "tool results from the program are not supported: LlamaCloud's agent runs its own tools and takes no results from the client."

export const fileParts =
  "file parts are not supported: a LlamaCloud turn takes text only. Add the file to a LlamaCloud index and ask about it."

export const notEndingWithUser = "the prompt must end with the user's message: a LlamaCloud turn answers one new user message."

/**
 * Earlier turns no session holds. `continueWith` says how a conversation is continued on the
 * edition (a `Chat` on the same model; on Effect 4, restored ones too).
 */
export const unknownHistory = (continueWith: string): string =>
  `the prompt holds earlier turns that no session of this model holds: a LlamaCloud session keeps its conversation on the server and cannot take one as a prompt. ${continueWith}, or send only the new question.`
