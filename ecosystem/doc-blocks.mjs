// Type-checks the TypeScript blocks of README.md and docs/*.md against the built package, each
// against the edition it is written for.
//
// Every ```ts (or ```typescript) block is a program unless its first line is `// fragment` (or
// `// fragment: <what it is>`). A block is written for the Effect 3 edition unless its fence names
// the Effect 4 edition after the language: ```ts effect4 (Markdown renders it as ts). Each
// program of an edition is written to its own module in that edition's fixture project,
// ecosystem/.work/doc-blocks/ for Effect 3 and ecosystem/effect4/.work/doc-blocks/ for Effect 4,
// where `effect-llamacloud` and its subpaths resolve, through the fixture's node_modules, to the
// packed tarball that run.mjs installed there (dist/ and package.json `exports`, as a user gets
// them), and `effect`, `@effect/*` to the Effect line pinned there. tsc checks an edition's blocks
// all at once: strict, module/moduleResolution NodeNext, the fixture's @types/node. Errors are
// reported at the Markdown file's own line and column.
//
//   node ecosystem/doc-blocks.mjs [effect3|effect4]   (after run.mjs has installed the tarball)
//
// A block that imports a package its fixture's package.json does not have fails with "Cannot find
// module": add the package to that package.json (and its lock) rather than marking the block.
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import ts from "typescript"

const here = dirname(fileURLToPath(import.meta.url))

/** The Markdown files whose blocks are checked, relative to the repository root. */
export const markdownFiles = (root) => [
  "README.md",
  ...readdirSync(join(root, "docs")).filter((name) => name.endsWith(".md")).sort().map((name) => `docs/${name}`)
]

/** The editions a block can be written for, and the fixture project (beside its Effect line) each is checked in. */
export const editions = {
  effect3: { label: "Effect 3", fixture: here },
  effect4: { label: "Effect 4", fixture: join(here, "effect4") }
}

/**
 * Every fenced ts (or typescript) block of a Markdown text: the line of its opening fence and of its
 * first code line (1-based), its code, and the edition it is written for (`effect4` when the fence's
 * info string names it after the language, else `effect3`).
 */
export const extractBlocks = (text) => {
  const lines = text.split(/\r?\n/)
  const blocks = []
  let open
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (open === undefined) {
      const fence = /^( {0,3})(`{3,}|~{3,})\s*([^`\s]*)(.*)$/.exec(line)
      if (fence) {
        const edition = fence[4].trim().split(/\s+/).includes("effect4") ? "effect4" : "effect3"
        open = { indent: fence[1].length, fence: fence[2], lang: fence[3].toLowerCase(), edition, start: i + 2, code: [] }
      }
    } else if (new RegExp(`^ {0,3}${open.fence[0]}{${open.fence.length},}\\s*$`).test(line)) {
      if (open.lang === "ts" || open.lang === "typescript") {
        blocks.push({ fence: open.start - 1, line: open.start, indent: open.indent, edition: open.edition, code: open.code.join("\n") })
      }
      open = undefined
    } else {
      open.code.push(open.indent > 0 ? line.replace(new RegExp(`^ {0,${open.indent}}`), "") : line)
    }
  }
  return blocks
}

/** A block whose first line is `// fragment`, alone or followed by `:` and what the block is (`// fragment: the Effect 4 edition`). */
export const isFragment = (code) => /^\/\/ fragment(:.*)?$/.test((code.split("\n").find((line) => line.trim() !== "") ?? "").trim())

/** The temp project's tsconfig: what a user's strict NodeNext project would have. */
export const tsconfig = {
  compilerOptions: {
    strict: true,
    target: "ES2022",
    lib: ["ES2022"],
    module: "NodeNext",
    moduleResolution: "NodeNext",
    types: ["node"],
    noEmit: true,
    skipLibCheck: true,
    moduleDetection: "force"
  },
  include: ["*.ts"]
}

/**
 * Checks every program block written for `edition`; returns one result per block:
 * `{ name: "README.md:41" (the opening fence), file, line, ok, errors: ["README.md:44:7 TS2304 ..."] }`,
 * the fragments it skipped, and how many blocks are the other edition's.
 */
export const checkDocBlocks = ({ root = resolve(here, ".."), edition = "effect3", workDir } = {}) => {
  const fixture = editions[edition]?.fixture
  if (fixture === undefined) throw new Error(`doc-blocks: no edition ${edition} (${Object.keys(editions).join(", ")})`)
  workDir ??= join(fixture, ".work", "doc-blocks")
  rmSync(workDir, { recursive: true, force: true })
  mkdirSync(workDir, { recursive: true })
  // The blocks are ES modules, as a user's `"type": "module"` project has them.
  writeFileSync(join(workDir, "package.json"), JSON.stringify({ private: true, type: "module" }, null, 2))
  const programs = []
  const skipped = []
  let otherEdition = 0
  for (const file of markdownFiles(root)) {
    for (const block of extractBlocks(readFileSync(join(root, file), "utf8"))) {
      if (block.edition !== edition) {
        otherEdition++
        continue
      }
      if (isFragment(block.code)) {
        skipped.push(`${file}:${block.fence}`)
        continue
      }
      const path = join(workDir, `${file.replace(/[^A-Za-z0-9]+/g, "_")}_L${block.line}.ts`)
      writeFileSync(path, block.code + "\n")
      programs.push({ name: `${file}:${block.fence}`, file, line: block.line, indent: block.indent, path, errors: [] })
    }
  }
  writeFileSync(join(workDir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2) + "\n")
  if (programs.length === 0) return { results: [], skipped, otherEdition }
  // As `tsc -p ecosystem/.work/doc-blocks` would: type roots and resolution start from there.
  const config = ts.parseJsonConfigFileContent(tsconfig, ts.sys, workDir, undefined, join(workDir, "tsconfig.json"))
  const program = ts.createProgram(programs.map((p) => p.path), config.options)
  const byPath = new Map(programs.map((p) => [resolve(p.path), p]))
  const global = []
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n  ")
    const owner = diagnostic.file && byPath.get(resolve(diagnostic.file.fileName))
    if (owner === undefined) {
      global.push(`${diagnostic.file ? relative(root, diagnostic.file.fileName) : "tsc"}: TS${diagnostic.code} ${message}`)
      continue
    }
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0)
    owner.errors.push(`${owner.file}:${owner.line + line}:${character + 1 + owner.indent} TS${diagnostic.code} ${message}`)
  }
  // Everything must resolve inside the edition's fixture, as in a user's project: a package the docs
  // use but its package.json lacks would otherwise be found in the repository's own node_modules (or,
  // for Effect 4, in ecosystem/'s, beside Effect 3). The fixture's node_modules may be a link (a
  // worktree sharing another checkout's install): what resolves through it is inside too.
  const modules = join(fixture, "node_modules")
  const homes = [fixture, ...(existsSync(modules) ? [realpathSync(modules)] : [])].map((dir) => resolve(dir) + "/")
  const inside = (file) => homes.some((home) => resolve(file).startsWith(home))
  for (const p of programs) {
    const source = program.getSourceFile(p.path)
    for (const statement of source?.statements ?? []) {
      const specifier = (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier
      if (!specifier || !ts.isStringLiteral(specifier)) continue
      const resolved = ts.resolveModuleName(specifier.text, p.path, config.options, ts.sys).resolvedModule
      if (resolved !== undefined && !inside(resolved.resolvedFileName)) {
        const { line, character } = source.getLineAndCharacterOfPosition(specifier.getStart(source))
        p.errors.push(
          `${p.file}:${p.line + line}:${character + 1 + p.indent} "${specifier.text}" is not in ${relative(root, join(fixture, "package.json"))} ` +
            `(found only at ${relative(root, resolved.resolvedFileName)}): add it there, as the docs tell a user to install it`
        )
      }
    }
  }
  const outside = new Set(
    program.getSourceFiles().filter((f) => !program.isSourceFileDefaultLibrary(f)).map((f) => f.fileName).filter((f) => !inside(f))
      .map((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f)?.[1] ?? relative(root, f))
  )
  if (outside.size > 0) {
    const home = relative(root, fixture)
    global.push(`resolved outside ${home}/ (add to ${home}/package.json): ${[...outside].sort().join(", ")}`)
  }
  const results = programs.map((p) => ({ name: p.name, file: p.file, line: p.line, ok: p.errors.length === 0, errors: p.errors }))
  if (global.length > 0) results.push({ name: "doc blocks (compiler)", ok: false, errors: global })
  return { results, skipped, otherEdition }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { results, skipped } = checkDocBlocks({ edition: process.argv[2] ?? "effect3" })
  for (const r of results) {
    console.log(`${r.ok ? "ok  " : "FAIL"} ${r.name}`)
    for (const e of r.errors) console.log(`     ${e}`)
  }
  if (skipped.length > 0) console.log(`fragments (not checked): ${skipped.join(", ")}`)
  const failed = results.filter((r) => !r.ok).length
  console.log(`doc blocks: ${results.length - failed} compiled, ${failed} did not`)
  process.exit(failed === 0 ? 0 : 1)
}
