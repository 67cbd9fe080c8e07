// The Effect 4 edition compiles the modules that do not depend on Effect from the repository's one
// copy, `../src/core/` (test/core/effectFree.test.ts at the top keeps them free of Effect). They are
// copied, not linked, so that this package builds, tests and packs on its own: edit them there.
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const here = Path.dirname(fileURLToPath(import.meta.url))
const from = Path.resolve(here, "../../src/core")
const to = Path.resolve(here, "../src/core")

if (Fs.existsSync(from)) {
  Fs.rmSync(to, { recursive: true, force: true })
  Fs.cpSync(from, to, { recursive: true })
} else if (!Fs.existsSync(to)) {
  console.error(`sync-core: neither ${from} nor a copy in ${to}`)
  process.exit(1)
}
