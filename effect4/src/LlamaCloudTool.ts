/**
 * The tools LlamaCloud's agent runs itself, as Effect AI provider-defined tools. The agent searches
 * the session's indexes on its own; adding `Retrieval` to a `Toolkit` only makes those searches
 * visible as tool-call and tool-result parts (executed by the provider, never by the program).
 *
 * @since 0.3.0
 */
import * as Tool from "effect/ai/Tool"
import * as Schema from "effect/Schema"

/**
 * An image a search result refers to.
 *
 * @since 0.3.0
 * @category schemas
 */
export const RetrievalImage = Schema.Struct({
  attachmentName: Schema.String,
  sourceId: Schema.String
})

/**
 * What one of the agent's searches returned: `result` as the server sent it (for a search, the
 * passages found), and the image it refers to, if any.
 *
 * @since 0.3.0
 * @category schemas
 */
export const RetrievalResult = Schema.Struct({
  result: Schema.Unknown,
  image: Schema.NullOr(RetrievalImage)
})

/**
 * The agent's retrieval from the indexes. Add it to a toolkit to see each search: a `tool-call`
 * part with the agent's arguments (`params.arguments`; the agent's own name for the tool, e.g.
 * `search`, is at `metadata.llamacloud.toolName`) and a `tool-result` part with what it found, both
 * `providerExecuted`. Without it the agent still searches; the parts are left out.
 *
 * @example
 * ```ts
 * const toolkit = Toolkit.make(LlamaCloudTool.Retrieval)
 * const response = yield* LanguageModel.generateText({ prompt: "What changed?", toolkit })
 * const searches = response.toolResults
 * ```
 *
 * @since 0.3.0
 * @category tools
 */
export const Retrieval = Tool.providerDefined({
  id: "llamacloud.retrieval",
  customName: "LlamaCloudRetrieval",
  providerName: "search",
  parameters: Schema.Struct({ arguments: Schema.Record(Schema.String, Schema.Unknown) }),
  success: RetrievalResult
})()

/**
 * Whether a tool is LlamaCloud's retrieval (told by its provider-defined id, not its name).
 *
 * @since 0.3.0
 * @category guards
 */
export const isRetrieval = (tool: Tool.Any): boolean => Tool.isProviderDefined(tool) && tool.id === Retrieval.id
