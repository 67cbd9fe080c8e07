/**
 * esbuild at harness start: every child runs compiled JS (no tsx loader in its start-up), and the
 * bundle-size programs are measured the way an app would ship them.
 */
import * as esbuild from "esbuild"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { gzipSync } from "node:zlib"
import { effect4BenchDir, effect4BuildDir, effect4Dir } from "./effect4.js"
import { benchDir, buildDir, repoDir } from "./paths.js"

/** Which edition a child measures: 3 (the top: `src/`, `bench/`) or 4 (`effect4/src`, `effect4/bench`). */
export type Edition = 3 | 4

const editionDirs = (edition: Edition) =>
  edition === 4
    ? { root: effect4Dir, bench: effect4BenchDir, build: effect4BuildDir }
    : { root: repoDir, bench: benchDir, build: buildDir }

// The contenders import the library from `src/index.js`; as built here they import it by its name,
// so that it loads from node_modules, one module per file, as an installed package does.
const libraryAsPackage = (libraryEntry: string): esbuild.Plugin => ({
  name: "library-as-package",
  setup(build) {
    build.onResolve({ filter: /\/src\/index\.js$/ }, (args) =>
      Path.resolve(args.resolveDir, args.path.replace(/\.js$/, ".ts")) === libraryEntry
        ? { path: "effect-llamacloud", external: true }
        : undefined)
  }
})

/**
 * Compiles `bench/<source>.ts` (or `source` itself, when absolute) to `bench/.build/<name>.mjs`. By default packages stay external, so
 * a child loads them from node_modules as an installed app does, the library included (see
 * `buildLibraryPackage`), and only the bench code is compiled in; `bundled` puts every package and
 * the library in the one file, as a bundled deploy (a Lambda, say) ships it. `edition: 4` compiles
 * `effect4/bench/<source>.ts` into the Effect 4 edition's build directory instead, where `effect`
 * is effect4's.
 */
export const buildChild = async (
  source: string,
  name: string,
  options?: { readonly bundled?: boolean; readonly edition?: Edition }
): Promise<string> => {
  const bundled = options?.bundled === true
  const dirs = editionDirs(options?.edition ?? 3)
  const outfile = Path.join(dirs.build, `${name}${bundled ? ".bundled" : ""}.mjs`)
  await esbuild.build({
    entryPoints: [Path.isAbsolute(source) ? source : Path.join(dirs.bench, `${source}.ts`)],
    outfile,
    bundle: true,
    ...(bundled
      ? {
        minify: true,
        // CommonJS packages (undici) call require() for node built-ins; an ES module has none.
        banner: { js: `import { createRequire as __benchCreateRequire } from "node:module"; const require = __benchCreateRequire(import.meta.url);` }
      }
      : { packages: "external" as const, plugins: [libraryAsPackage(Path.join(dirs.root, "src", "index.ts"))] }),
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "silent"
  })
  return outfile
}

/**
 * The library as `npm install` would place it: `bench/.build/run-<pid>/node_modules/effect-llamacloud`,
 * every module of `src/` compiled to its own file (as `tsc` emits `dist/`), with the package's
 * entry points. The children of this run resolve `effect-llamacloud` to it, and Effect from the
 * repository's node_modules. `sourceDir` replaces `src/` to measure a proposed change (`--library`).
 */
export const buildLibraryPackage = async (sourceDir: string = Path.join(repoDir, "src"), edition: Edition = 3): Promise<void> => {
  const dirs = editionDirs(edition)
  const packageDir = Path.join(dirs.build, "node_modules", "effect-llamacloud")
  const sources = Fs.readdirSync(sourceDir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))
    .map((file) => Path.join(sourceDir, file))
  await esbuild.build({
    entryPoints: sources,
    outdir: Path.join(packageDir, "dist"),
    outbase: sourceDir,
    bundle: false,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "silent"
  })
  // The children live in this directory, inside the repository: without a package.json of their
  // own, Node would resolve `effect-llamacloud` by the repository's name to the repository's
  // `dist/` (a package may import itself by name), whatever was last built there.
  Fs.writeFileSync(Path.join(dirs.build, "package.json"), JSON.stringify({ private: true, type: "module" }))
  const manifest: { exports: Record<string, unknown> } = JSON.parse(Fs.readFileSync(Path.join(dirs.root, "package.json"), "utf8"))
  Fs.writeFileSync(
    Path.join(packageDir, "package.json"),
    JSON.stringify({ name: "effect-llamacloud", type: "module", sideEffects: false, exports: manifest.exports }, null, 2)
  )
}

export interface BundleSize {
  readonly minifiedBytes: number
  readonly gzipBytes: number
}

export interface MeasuredBundle extends BundleSize {
  /** Minified bytes each input file contributes, by path relative to the repo. */
  readonly inputs: Readonly<Record<string, number>>
}

/** The shipped size of `bench/bundle/<program>.ts`: bundled, minified, platform node, ESM, gzip -9. */
export const bundleSize = async (program: string): Promise<MeasuredBundle> => {
  const result = await esbuild.build({
    metafile: true,
    absWorkingDir: repoDir,
    entryPoints: [Path.join(benchDir, "bundle", `${program}.ts`)],
    bundle: true,
    minify: true,
    platform: "node",
    format: "esm",
    target: "node20",
    write: false,
    logLevel: "silent"
  })
  const contents = result.outputFiles[0]?.contents ?? new Uint8Array()
  const output = Object.values(result.metafile.outputs)[0]
  const inputs = Object.fromEntries(
    Object.entries(output?.inputs ?? {}).map(([input, { bytesInOutput }]) => [input, bytesInOutput])
  )
  return { minifiedBytes: contents.byteLength, gzipBytes: gzipSync(contents, { level: 9 }).byteLength, inputs }
}

/** The inputs that `larger` has and `smaller` has not (or has less of), largest first. */
export const addedInputs = (
  smaller: MeasuredBundle,
  larger: MeasuredBundle,
  limit: number
): ReadonlyArray<{ readonly input: string; readonly bytes: number }> =>
  Object.entries(larger.inputs)
    .map(([input, bytes]) => ({ input, bytes: bytes - (smaller.inputs[input] ?? 0) }))
    .filter(({ bytes }) => bytes > 0)
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, limit)

/** esbuild's message for a failed build, without its stack. */
export const describeBuildError = (error: unknown): string => {
  if (error !== null && typeof error === "object" && "errors" in error && Array.isArray(error.errors)) {
    const messages: Array<string> = error.errors.map((message: esbuild.Message) =>
      `${message.location ? `${message.location.file}:${message.location.line}: ` : ""}${message.text}`
    )
    return messages.join("; ")
  }
  return error instanceof Error ? error.message : String(error)
}
