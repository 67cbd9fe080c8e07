/**
 * LlamaCloud's agent as an Effect AI (`effect/ai`) `LanguageModel`. Only programs that import this
 * entry load `effect/ai`.
 *
 * @since 0.3.0
 */

/** The model: `LlamaCloudLanguageModel.layer({ indexIds })` provides `LanguageModel.LanguageModel`. */
export * as LlamaCloudLanguageModel from "./LlamaCloudLanguageModel.js"
/** The agent's own tools, to add to a toolkit to see them run: `LlamaCloudTool.Retrieval`. */
export * as LlamaCloudTool from "./LlamaCloudTool.js"
