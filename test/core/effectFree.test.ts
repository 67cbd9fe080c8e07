/**
 * `src/core/` is what both editions share: the Effect 4 edition (`effect4/`) compiles a copy of it
 * over Effect 4, so nothing here may import Effect, or reach outside `src/core/`.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const core = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../../src/core")
const files = (Fs.readdirSync(core, { recursive: true }) as Array<string>)
  .filter((file) => file.endsWith(".ts"))
  .sort()

/** Every module specifier a file names, in static and dynamic imports and re-exports. */
const specifiers = (source: string) =>
  [
    ...source.matchAll(/^(?:import|export)\b[^;=()]*?\bfrom\s*["']([^"']+)["']/gm),
    ...source.matchAll(/^import\s*["']([^"']+)["']/gm),
    ...source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)
  ].map((match) => match[1]!)

describe("src/core", () => {
  it("holds modules", () => {
    expect(files.length).toBeGreaterThan(3)
  })

  it.each(files)("%s imports no Effect package and nothing outside src/core", (file) => {
    const dir = Path.dirname(Path.join(core, file))
    const outside = specifiers(Fs.readFileSync(Path.join(core, file), "utf8")).filter((specifier) =>
      specifier.startsWith(".")
        ? Path.relative(core, Path.resolve(dir, specifier)).startsWith("..")
        : !specifier.startsWith("node:") && specifier !== "eventsource-parser"
    )
    expect(outside).toEqual([])
  })
})
