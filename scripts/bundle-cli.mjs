// The command line as it ships: src/cli/main.ts and everything it imports (Effect, @effect/cli, the
// Node platform) bundled into one file, so that `llamacloud-chat` loads one module where it would
// otherwise resolve and compile hundreds. `npm run build` writes it over tsc's dist/cli/main.js,
// which package.json's `bin` names; the test harness (test/cli/fixtures/builtCli.ts) builds the same.
// The Effect 4 edition ships this same file as its `bin` (effect4/scripts/bundle-cli.mjs), with its own
// version: a bundle carries its Effect inside, so it runs whichever Effect line the user has.
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
 * `version`, when given, replaces src/version.ts's `VERSION` (what `--version` prints and `User-Agent`
 * carries): the edition that ships the bundle names its own version.
 */
export const bundleCli = (outfile, { version } = {}) =>
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
    logLevel: "warning",
    plugins: version === undefined ? [] : [versionPlugin(version)]
  })

const versionPlugin = (version) => ({
  name: "llamacloud-version",
  setup: (build) => {
    build.onLoad({ filter: /version\.ts$/ }, (args) =>
      args.path === join(root, "src", "version.ts") ?
        { contents: `export const VERSION = ${JSON.stringify(version)}`, loader: "ts" } :
        undefined)
  }
})

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await bundleCli(resolve(root, process.argv[2] ?? binPath))
}
