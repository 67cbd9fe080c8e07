/**
 * Test doubles that need Node: the embedded local LlamaCloud server, on a real socket. Import it
 * from `effect-llamacloud/testing/node`; the runtime-agnostic doubles are in `effect-llamacloud/testing`.
 *
 * @since 0.2.0
 */

export * as LocalServer from "./LocalServer.js"
