/**
 * esbuild at harness start: every child runs compiled JS (no tsx loader in its start-up), and the
 * bundle-size programs are measured the way an app would ship them.
 */
import * as esbuild from "esbuild"
import * as Path from "node:path"
import { gzipSync } from "node:zlib"
import { benchDir, buildDir, repoDir } from "./paths.js"

/**
 * Compiles `bench/<source>.ts` to `bench/.build/<name>.mjs`. By default packages stay external, so
 * a child loads them from node_modules as an installed app does, and only the bench code and the
 * library's `src/` are compiled in; `bundled` puts every package in the one file too, as a bundled
 * deploy (a Lambda, say) ships it.
 */
export const buildChild = async (source: string, name: string, options?: { readonly bundled: boolean }): Promise<string> => {
  const bundled = options?.bundled === true
  const outfile = Path.join(buildDir, `${name}${bundled ? ".bundled" : ""}.mjs`)
  await esbuild.build({
    entryPoints: [Path.join(benchDir, `${source}.ts`)],
    outfile,
    bundle: true,
    ...(bundled
      ? {
        minify: true,
        // CommonJS packages (undici) call require() for node built-ins; an ES module has none.
        banner: { js: `import { createRequire as __benchCreateRequire } from "node:module"; const require = __benchCreateRequire(import.meta.url);` }
      }
      : { packages: "external" as const }),
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "silent"
  })
  return outfile
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
