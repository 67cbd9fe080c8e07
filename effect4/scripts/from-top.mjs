// What this package ships from the repository's top, written into it at build time (gitignored here):
//
// - the command line, `dist/cli/main.js`: the top's bundle (../scripts/bundle-cli.mjs) of the Effect 3
//   edition's src/cli, everything it runs in one file, Effect 3 included, stamped with this package's
//   version. A bundle shares nothing with the user's program, so it runs whichever Effect line the user
//   has, on Node 20 and later: one command line, tested once, for both editions. It needs the top's
//   install (`npm ci` at the repository's root), whose esbuild and Effect 3 it bundles;
// - README.md, CHANGELOG.md, LICENSE and docs/: one set of documents for both editions.
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const here = Path.dirname(fileURLToPath(import.meta.url))
const pkgDir = Path.resolve(here, "..")
const top = Path.resolve(pkgDir, "..")

if (!Fs.existsSync(Path.join(top, "node_modules", "esbuild"))) {
  console.error("from-top: the command line is bundled from the repository's top: run `npm ci` there first")
  process.exit(1)
}

const { binPath, bundleCli } = await import(Path.join(top, "scripts", "bundle-cli.mjs"))
const { version } = JSON.parse(Fs.readFileSync(Path.join(pkgDir, "package.json"), "utf8"))
await bundleCli(Path.resolve(pkgDir, binPath), { version })

for (const file of ["README.md", "CHANGELOG.md", "LICENSE"]) Fs.copyFileSync(Path.join(top, file), Path.join(pkgDir, file))
Fs.rmSync(Path.join(pkgDir, "docs"), { recursive: true, force: true })
Fs.cpSync(Path.join(top, "docs"), Path.join(pkgDir, "docs"), { recursive: true })
