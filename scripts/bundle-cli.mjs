// The command line as it ships: src/cli/main.ts and everything it imports (Effect, @effect/cli, the
// Node platform) bundled into one file, so that `llamacloud-chat` loads one module where it would
// otherwise resolve and compile hundreds. `npm run build` writes it over tsc's dist/cli/main.js,
// which package.json's `bin` names; the test harness (test/cli/fixtures/builtCli.ts) builds the same.
//
//   node scripts/bundle-cli.mjs [OUTFILE]      (default: dist/cli/main.js)
import { build } from "esbuild"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")

/** Where the build writes the bundle, relative to the package root: package.json's `bin`. */
export const binPath = "./dist/cli/main.js"

/**
 * Bundles the command line into `outfile`, an ES module that keeps main.ts's shebang.
 * `@effect/platform-node` is bundled too: the command runs whether or not that optional peer is installed.
 */
export const bundleCli = (outfile) =>
  build({
    entryPoints: [join(root, "src", "cli", "main.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    minify: true,
    // Bundled CommonJS (ws, undici's helpers) calls `require`: give the module one.
    banner: { js: "import { createRequire as __llamacloudRequire } from \"node:module\"; const require = __llamacloudRequire(import.meta.url);" },
    logLevel: "warning"
  })

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await bundleCli(resolve(root, process.argv[2] ?? binPath))
}
