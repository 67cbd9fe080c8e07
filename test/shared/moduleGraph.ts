/**
 * What an entry point reaches, read from the sources' text, for both editions'
 * test/testing/entries.test.ts: every module it imports through relative paths, with the packages
 * (and Node globals) each one uses.
 */
import * as Fs from "node:fs"
import * as Path from "node:path"

const specifiers = (source: string): ReadonlyArray<string> =>
  Array.from(source.matchAll(/(?:import|export)\s+(?:type\s+)?(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']/g), (m) => m[1] ?? "")

/** Every module `entry` (relative to `root`) reaches through relative imports, with the package imports each makes. */
export const graph = (root: string, entry: string): ReadonlyMap<string, ReadonlyArray<string>> => {
  const modules = new Map<string, ReadonlyArray<string>>()
  const visit = (file: string) => {
    if (modules.has(file)) return
    const source = Fs.readFileSync(file, "utf8")
    const found = specifiers(source)
    modules.set(file, [...found.filter((s) => !s.startsWith(".")), ...(/\bBuffer\b|\bprocess\./.test(source) ? ["<node global>"] : [])])
    for (const s of found.filter((s) => s.startsWith("."))) visit(Path.resolve(Path.dirname(file), s.replace(/\.js$/, ".ts")))
  }
  visit(Path.join(root, entry))
  return modules
}

/** An import that only Node (or a Node-only package) can satisfy. */
export const nodeOnly = (specifier: string): boolean =>
  specifier.startsWith("node:") || specifier === "<node global>" || specifier.startsWith("@effect/platform-node") ||
  specifier === "undici"
