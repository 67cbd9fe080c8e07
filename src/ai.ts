/**
 * LlamaCloud's agent as an Effect AI (`@effect/ai` 0.37) `LanguageModel`. `@effect/ai` is an
 * optional peer dependency: only programs that import this entry need it.
 *
 * @since 0.3.0
 */

/** The model: `LlamaCloudLanguageModel.layer({ indexIds })` provides `LanguageModel.LanguageModel`. */
export * as LlamaCloudLanguageModel from "./LlamaCloudLanguageModel.js"
/** The agent's own tools, to add to a toolkit to see them run: `LlamaCloudTool.Retrieval`. */
export * as LlamaCloudTool from "./LlamaCloudTool.js"
