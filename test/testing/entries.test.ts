/**
 * The entry points beside the main one: `effect-llamacloud/testing` must load in any runtime
 * (nothing from Node, however deep), `effect-llamacloud/testing/node` carries the local server, and
 * `effect-llamacloud/ai` is the only entry that needs the optional `@effect/ai`.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as Url from "node:url"
import { graph as graphFrom, nodeOnly } from "../shared/moduleGraph.js"

const root = Path.resolve(Path.dirname(Url.fileURLToPath(import.meta.url)), "../..")

/** What `entry` reaches in this edition. */
const graph = (entry: string) => graphFrom(root, entry)

describe("testing entries", () => {
  it("effect-llamacloud/testing reaches nothing Node-only", () => {
    const modules = graph("src/testing.ts")
    expect(modules.has(Path.join(root, "src/testing/ChatModel.ts"))).toBe(true)
    const offenders = [...modules].flatMap(([file, imports]) =>
      imports.filter(nodeOnly).map((s) => `${Path.relative(root, file)} → ${s}`)
    )
    expect(offenders).toEqual([])
  })

  it("effect-llamacloud/testing/node exports the local server, and package.json maps it", async () => {
    const entry = await import("../../src/testing/node.js")
    expect(typeof entry.LocalServer.make).toBe("function")
    expect(typeof entry.LocalServer.Fault.cutStream).toBe("function")
    const manifest: unknown = JSON.parse(Fs.readFileSync(Path.join(root, "package.json"), "utf8"))
    expect(manifest).toMatchObject({
      exports: { "./testing/node": { types: "./dist/testing/node.d.ts", default: "./dist/testing/node.js" } }
    })
  })
})

describe("the Effect AI entry", () => {
  const needsEffectAi = (specifier: string) => specifier === "@effect/ai" || specifier.startsWith("@effect/ai/")

  it("effect-llamacloud/ai reaches nothing Node-only", () => {
    const offenders = [...graph("src/ai.ts")].flatMap(([file, imports]) =>
      imports.filter(nodeOnly).map((s) => `${Path.relative(root, file)} → ${s}`)
    )
    expect(offenders).toEqual([])
  })

  it("no other entry reaches @effect/ai: a user who does not import effect-llamacloud/ai need not install it", () => {
    const offenders = ["src/index.ts", "src/testing.ts", "src/testing/node.ts", "src/rate-limit.ts"].flatMap((entry) =>
      [...graph(entry)].flatMap(([file, imports]) =>
        imports.filter(needsEffectAi).map((s) => `${entry}: ${Path.relative(root, file)} → ${s}`)
      )
    )
    expect(offenders).toEqual([])
  })

  it("package.json maps effect-llamacloud/ai, with @effect/ai an optional peer", async () => {
    const entry = await import("../../src/ai.js")
    expect(typeof entry.LlamaCloudLanguageModel.layer).toBe("function")
    expect(entry.LlamaCloudTool.Retrieval.name).toBe("LlamaCloudRetrieval")
    const manifest: unknown = JSON.parse(Fs.readFileSync(Path.join(root, "package.json"), "utf8"))
    expect(manifest).toMatchObject({
      exports: { "./ai": { types: "./dist/ai.d.ts", default: "./dist/ai.js" } },
      typesVersions: { "*": { ai: ["./dist/ai.d.ts"] } },
      peerDependencies: { "@effect/ai": "^0.37.0" },
      peerDependenciesMeta: { "@effect/ai": { optional: true } }
    })
  })
})

describe("the rate limit entry", () => {
  it("the main entry reaches neither @effect/experimental nor ioredis: they are optional peers", () => {
    const offenders = [...graph("src/index.ts")].flatMap(([file, imports]) =>
      imports.filter((s) => s.startsWith("@effect/experimental") || s === "ioredis").map((s) => `${Path.relative(root, file)} → ${s}`)
    )
    expect(offenders).toEqual([])
  })

  it("effect-llamacloud/rate-limit exports the policy, and package.json maps it with the peers optional", async () => {
    const entry = await import("../../src/rate-limit.js")
    expect(typeof entry.RateLimitPolicy.layer).toBe("function")
    const manifest: unknown = JSON.parse(Fs.readFileSync(Path.join(root, "package.json"), "utf8"))
    expect(manifest).toMatchObject({
      exports: { "./rate-limit": { types: "./dist/rate-limit.d.ts", default: "./dist/rate-limit.js" } },
      typesVersions: { "*": { "rate-limit": ["./dist/rate-limit.d.ts"] } },
      peerDependenciesMeta: { "@effect/experimental": { optional: true }, ioredis: { optional: true } }
    })
  })
})
