// The ecosystem check: both editions as npm publishes them, on every runtime, with their types and docs.
//
//   npm ci --prefix ecosystem --ignore-scripts            (once: the runtimes and tools, and the Effect 3 line)
//   npm ci --prefix ecosystem/effect4 --ignore-scripts    (once: the Effect 4 line)
//   node ecosystem/run.mjs [--skip-build] [--counts FILE] [--edition effect3,effect4]
//                          [--only publint,attw,doc-blocks,cli,smoke,fresh,api]
//
// For each edition (the Effect 3 edition at the top, the Effect 4 edition in effect4/):
// 1. builds it (unless --skip-build: CI has just built both) and packs it (`npm pack`) into a temp
//    dir; installs that tarball into its fixture project beside its Effect line: ecosystem/ (Effect 3
//    pinned) or ecosystem/effect4/ (Effect 4);
// 2. publint on the tarball; attw --pack with the esm-only profile (the package is ESM-only);
// 3. type-checks the program blocks of README.md and docs/*.md written for it (doc-blocks.mjs: a
//    ```ts block for Effect 3, a ```ts effect4 block for Effect 4) against it, in its fixture;
// 4. runs the command line (`llamacloud-chat`, one bundled file, the same in both) as the tarball
//    installed it;
// 5. starts the edition's own local LlamaCloud (effect-llamacloud/testing/node) on 127.0.0.1 (under
//    this Node for Effect 3, under Node 22 for Effect 4, whose @effect/platform-node needs 22.19), and
//    runs the smoke (create, a streamed turn that must end in Stop, list, delete: smoke/ for Effect 3,
//    effect4/smoke/ for Effect 4) on Node 20 (this one), 22 and 24, Bun, Deno and workerd, over
//    FetchHttpClient and, where the runtime has it, NodeHttpClient.layerUndici;
// 6. Effect 4: a fresh project (a temp dir) where `npm install effect` gives Effect 4, then the
//    README's Effect 4 install line (with the tarball in place of the registry's package) installs
//    it; README's quick start type-checks there and runs against the local server, as does the
//    command line's `ask` (a streamed turn);
// 7. builds the API reference (docs-api.mjs) into ecosystem/out/api.
//
// Prints a table edition × runtime × transport × result, each check's time, and "ecosystem checks:
// N passed, M failed"; exits non-zero on any failure. --counts FILE writes {"passed": N, "failed": M}
// for .ci/run.
import { spawn } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, "..")
/** The runtimes and tools (publint, attw, esbuild, Node 22 and 24, Bun, Deno, workerd). */
const modules = join(here, "node_modules")

const args = process.argv.slice(2)
const flag = (name) => args.includes(name)
const option = (name) => {
  const at = args.indexOf(name)
  return at === -1 ? undefined : args[at + 1]
}
const only = option("--only")?.split(",")
const wanted = (part) => only === undefined || only.includes(part)
const editionsWanted = option("--edition")?.split(",")

// ---------------------------------------------------------------------------------------------
// Running things

/** Runs a command; resolves with its exit code and output (never rejects). Killed after `timeoutMs`. */
const run = (command, commandArgs, { cwd = root, env = {}, timeoutMs = 120_000, echo = false } = {}) =>
  new Promise((resolvePromise) => {
    const child = spawn(command, commandArgs, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    const take = (chunk) => {
      output += chunk
      if (echo) process.stdout.write(chunk)
    }
    child.stdout.on("data", take)
    child.stderr.on("data", take)
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill("SIGKILL")
    }, timeoutMs)
    child.on("error", (error) => {
      clearTimeout(timer)
      resolvePromise({ code: -1, output: `${output}${error.message}` })
    })
    child.on("close", (code) => {
      clearTimeout(timer)
      resolvePromise({ code: timedOut ? -1 : code, output: timedOut ? `${output}\n(killed after ${timeoutMs / 1000} s)` : output })
    })
  })

/** Every long-running child, ended when this process exits whatever happens. */
const children = new Set()
process.on("exit", () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
})

/** Starts a long-running process; `stop()` ends it (SIGTERM, then SIGKILL after 5 s). */
const start = (command, commandArgs, { cwd = root, env = {} } = {}) => {
  const child = spawn(command, commandArgs, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })
  children.add(child)
  let output = ""
  const listeners = new Set()
  const take = (chunk) => {
    output += chunk
    for (const listener of listeners) listener(output)
  }
  child.stdout.on("data", take)
  child.stderr.on("data", take)
  const exited = new Promise((resolvePromise) => child.on("close", resolvePromise))
  return {
    get output() {
      return output
    },
    /** Resolves with the first match of `pattern` in the output; rejects after `timeoutMs` or on exit. */
    waitFor: (pattern, timeoutMs) =>
      new Promise((resolvePromise, reject) => {
        const check = (text) => {
          const found = pattern.exec(text)
          if (found) {
            listeners.delete(check)
            clearTimeout(timer)
            resolvePromise(found)
          }
        }
        const timer = setTimeout(() => {
          listeners.delete(check)
          reject(new Error(`not ready after ${timeoutMs / 1000} s:\n${output}`))
        }, timeoutMs)
        listeners.add(check)
        check(output)
        exited.then((code) => reject(new Error(`exited with ${code} before it was ready:\n${output}`)))
      }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill("SIGTERM")
      const killer = setTimeout(() => child.kill("SIGKILL"), 5_000)
      await exited
      clearTimeout(killer)
    }
  }
}

const freePort = () =>
  new Promise((resolvePromise, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address()
      server.close(() => resolvePromise(port))
    })
  })

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`
const lastLine = (text) => text.trim().split("\n").filter((line) => line.trim() !== "").at(-1) ?? ""

// ---------------------------------------------------------------------------------------------
// Results

/** One row per check: { group, name, ok, detail, ms }. */
const results = []
const timings = []

const record = (group, name, ok, detail, ms) => {
  results.push({ group, name, ok, detail, ms })
  console.log(`  ${ok ? "pass" : "FAIL"}  ${group} ${name}${detail ? `: ${detail}` : ""}${ms === undefined ? "" : ` (${seconds(ms)})`}`)
}

const phase = async (name, body) => {
  console.log(`\n-- ${name}`)
  const began = Date.now()
  try {
    return await body()
  } finally {
    timings.push({ name, ms: Date.now() - began })
  }
}

// ---------------------------------------------------------------------------------------------
// 1. Build, pack, install

const tmp = mkdtempSync(join(tmpdir(), "effect-llamacloud-ecosystem-"))

/**
 * The two editions: where each is built and packed, and the fixture project its tarball is installed
 * into (beside its Effect line, whose node_modules the smoke programs under it resolve from).
 */
const editions = [
  {
    id: "effect3",
    label: "Effect 3",
    dir: root,
    build: ["npm", ["run", "--silent", "build"]],
    fixture: here,
    platform: ["effect", "@effect/platform", "@effect/platform-node"]
  },
  {
    id: "effect4",
    label: "Effect 4",
    dir: join(root, "effect4"),
    build: [process.execPath, [join(root, "scripts", "effect4.mjs"), "build"]],
    fixture: join(here, "effect4"),
    platform: ["effect", "@effect/platform-node"]
  }
].filter((edition) => editionsWanted === undefined || editionsWanted.includes(edition.id))

/** Each edition's tarball, once packed. */
const tarballs = {}

const install = async (edition) => {
  const fixtureModules = join(edition.fixture, "node_modules")
  if (!existsSync(join(modules, ".package-lock.json")) || !existsSync(join(fixtureModules, ".package-lock.json"))) {
    record(
      edition.id,
      "setup: fixture installed",
      false,
      `run \`npm ci --prefix ${relative(root, edition.fixture)} --ignore-scripts\` (and for ecosystem/ itself) first`
    )
    return undefined
  }
  if (!flag("--skip-build")) {
    const built = await phase(`${edition.label}: build`, () => run(edition.build[0], edition.build[1], { timeoutMs: 300_000 }))
    if (built.code !== 0) {
      record(edition.id, "setup: build", false, built.output.trim().split("\n").slice(0, 20).join("\n"))
      return undefined
    }
  }
  return phase(`${edition.label}: pack and install the tarball`, async () => {
    const destination = join(tmp, edition.id)
    mkdirSync(destination, { recursive: true })
    const packed = await run("npm", ["pack", "--silent", "--pack-destination", destination], { cwd: edition.dir })
    const tarball = readdirSync(destination).find((name) => name.endsWith(".tgz"))
    if (packed.code !== 0 || tarball === undefined) {
      record(edition.id, "setup: npm pack", false, packed.output.trim())
      return undefined
    }
    const path = join(destination, tarball)
    // --no-save: the fixture's package.json and lock file stay as committed; the tarball comes and goes.
    const installed = await run(
      "npm",
      ["install", "--no-save", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error", path],
      { cwd: edition.fixture, timeoutMs: 300_000 }
    )
    const manifest = join(fixtureModules, "effect-llamacloud", "package.json")
    if (installed.code !== 0 || !existsSync(manifest)) {
      record(edition.id, "setup: install the tarball", false, installed.output.trim())
      return undefined
    }
    const version = (name) => JSON.parse(readFileSync(join(fixtureModules, name, "package.json"), "utf8")).version
    tarballs[edition.id] = path
    console.log(
      `  ${tarball} (${Math.round(readFileSync(path).length / 1024)} kB) installed into ${relative(root, edition.fixture)} with ` +
        edition.platform.map((name) => `${name} ${version(name)}`).join(", ")
    )
    return path
  })
}

// ---------------------------------------------------------------------------------------------
// 2. publint, attw

const lint = async (edition, tarball) => {
  if (wanted("publint")) {
    await phase(`${edition.label}: publint`, async () => {
      const began = Date.now()
      const r = await run(join(modules, ".bin", "publint"), ["run", tarball, "--strict"])
      console.log(r.output.trim().split("\n").map((line) => `    ${line}`).join("\n"))
      record(edition.id, "package: publint --strict", r.code === 0, r.code === 0 ? lastLine(r.output) : "see above", Date.now() - began)
    })
  }
  if (wanted("attw")) {
    await phase(`${edition.label}: attw`, async () => {
      const began = Date.now()
      const r = await run(
        join(modules, ".bin", "attw"),
        ["--pack", edition.dir, "--profile", "esm-only", "--format", "table", "--no-emoji", "--no-color"],
        { timeoutMs: 180_000 }
      )
      console.log(r.output.trim().split("\n").map((line) => `    ${line}`).join("\n"))
      record(edition.id, "package: attw --pack --profile esm-only", r.code === 0, r.code === 0 ? "no problems" : "see above", Date.now() - began)
    })
  }
}

// ---------------------------------------------------------------------------------------------
// 3. Doc blocks

const docBlocks = (edition) =>
  phase(`${edition.label}: doc blocks (README.md, docs/*.md) against the tarball`, async () => {
    const { checkDocBlocks } = await import("./doc-blocks.mjs")
    const began = Date.now()
    const { results: blocks, skipped, otherEdition } = checkDocBlocks({ root, edition: edition.id })
    const ms = Date.now() - began
    for (const block of blocks) record(edition.id, `doc block ${block.name}`, block.ok, block.errors.join("\n        "))
    // An edition that has blocks in the docs but none checked would pass without checking anything.
    if (blocks.length === 0) record(edition.id, "doc blocks: at least one program block", false, "none found")
    console.log(
      `  ${blocks.length} program blocks checked in ${seconds(ms)}; ${skipped.length} fragments not checked; ` +
        `${otherEdition} blocks of the other edition`
    )
  })

// ---------------------------------------------------------------------------------------------
// 4. Runtimes

const bin = {
  node22: join(modules, "node22", "bin", "node"),
  node24: join(modules, "node24", "bin", "node"),
  bun: join(modules, "@oven", "bun-linux-x64", "bin", "bun"),
  deno: join(modules, "@deno", "linux-x64-glibc", "deno"),
  workerd: join(modules, "@cloudflare", "workerd-linux-64", "bin", "workerd")
}

const versionOf = async (command, commandArgs, pattern) => {
  const r = await run(command, commandArgs, { timeoutMs: 30_000 })
  return pattern.exec(r.output)?.[1] ?? `? (${lastLine(r.output) || `exit ${r.code}`})`
}

const denoEnv = () => ({ DENO_DIR: join(tmp, "deno"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" })

/**
 * The runtimes that run <edition>/smoke/main.mjs as a process. `unsupported`: a transport expected to
 * fail cleanly (with the library's NetworkError); `notRun`: a transport that cannot run there, and why.
 */
const processRuntimes = async (edition) => [
  {
    runtime: "node",
    version: process.versions.node,
    command: process.execPath,
    args: [],
    transports: edition.id === "effect4" ? ["fetch"] : ["fetch", "undici"],
    // undici 8, which @effect/platform-node 4 is built on, calls zlib.createZstdDecompress, which Node 20 lacks.
    notRun: edition.id === "effect4" ? { undici: "@effect/platform-node 4 needs Node 22.19 or later" } : {}
  },
  {
    runtime: "node",
    version: await versionOf(bin.node22, ["--version"], /v(\S+)/),
    command: bin.node22,
    args: [],
    transports: ["fetch", "undici"]
  },
  {
    runtime: "node",
    version: await versionOf(bin.node24, ["--version"], /v(\S+)/),
    command: bin.node24,
    args: [],
    transports: ["fetch", "undici"]
  },
  {
    runtime: "bun",
    version: await versionOf(bin.bun, ["--version"], /(\S+)/),
    command: bin.bun,
    args: [],
    transports: ["fetch"],
    unsupported: { undici: "undici's dispatcher does not run on Bun" } // NetworkError(ConnectFailed), nothing sent
  },
  {
    runtime: "deno",
    version: await versionOf(bin.deno, ["--version"], /deno (\S+)/),
    command: bin.deno,
    // Only the network, and only the loopback address: the library over fetch needs no other
    // permission. undici reads environment variables (JEST_WORKER_ID...) when it loads.
    args: (transport) => transport === "undici" ? ["run", "--allow-net=127.0.0.1", "--allow-env"] : ["run", "--allow-net=127.0.0.1"],
    env: denoEnv(),
    transports: ["fetch", "undici"]
  }
]

const smokeProcess = async (edition, runtime, transport, url) => {
  const began = Date.now()
  const runtimeArgs = typeof runtime.args === "function" ? runtime.args(transport) : runtime.args
  const r = await run(runtime.command, [...runtimeArgs, "main.mjs", url, transport], {
    cwd: join(edition.fixture, "smoke"),
    env: runtime.env ?? {},
    timeoutMs: 60_000
  })
  let report
  try {
    report = JSON.parse(lastLine(r.output))
  } catch {
    report = { ok: false, detail: r.output.trim() || `exit ${r.code}` }
  }
  return { ...report, ok: report.ok === true && r.code === 0, ms: Date.now() - began }
}

const smokeWorkerd = async (edition, url) => {
  const began = Date.now()
  const dir = join(tmp, edition.id, "workerd")
  const { build } = await import("esbuild")
  try {
    await build({
      entryPoints: [join(edition.fixture, "smoke", "worker.mjs")],
      bundle: true,
      format: "esm",
      platform: "browser",
      conditions: ["workerd", "worker", "browser"],
      outfile: join(dir, "worker.js"),
      logLevel: "error"
    })
  } catch (error) {
    return { ok: false, detail: `esbuild: ${error.message}`, ms: Date.now() - began }
  }
  const port = await freePort()
  // The worker's fetch() goes out through "loopback", a network service that allows only
  // local addresses: workerd's default outbound allows public addresses only.
  writeFileSync(
    join(dir, "config.capnp"),
    `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .smokeWorker),
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);

const smokeWorker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  compatibilityDate = "2025-09-01",
  globalOutbound = "loopback",
);
`
  )
  const workerd = start(bin.workerd, ["serve", join(dir, "config.capnp")], { cwd: dir })
  try {
    const deadline = Date.now() + 30_000
    for (;;) {
      try {
        const ready = await fetch(`http://127.0.0.1:${port}/ready`)
        if (ready.ok) break
      } catch {
        if (Date.now() > deadline) return { ok: false, detail: `workerd did not start: ${workerd.output.trim()}`, ms: Date.now() - began }
        await new Promise((r) => setTimeout(r, 200))
      }
    }
    const response = await fetch(`http://127.0.0.1:${port}/smoke?url=${encodeURIComponent(url)}`, { signal: AbortSignal.timeout(60_000) })
    const report = await response.json()
    return { ...report, ok: report.ok === true, ms: Date.now() - began }
  } catch (error) {
    return { ok: false, detail: `${error.message}\n${workerd.output.trim()}`, ms: Date.now() - began }
  } finally {
    await workerd.stop()
  }
}

const matrix = []

/**
 * Starts the edition's own local LlamaCloud (<edition>/smoke/server.mjs) and runs `body(url)` while
 * it listens. The Effect 4 edition's needs Node 22.19 or later (@effect/platform-node 4).
 */
const withServer = async (edition, body) => {
  const node = edition.id === "effect4" ? bin.node22 : process.execPath
  const server = start(node, ["server.mjs"], { cwd: join(edition.fixture, "smoke") })
  let url
  try {
    url = JSON.parse((await server.waitFor(/^\{"url".*\}$/m, 60_000))[0]).url
  } catch (error) {
    record(edition.id, "local server (effect-llamacloud/testing/node)", false, error.message.split("\n").slice(0, 8).join("\n        "))
    await server.stop()
    return
  }
  console.log(`  local server (${edition.label} edition, node ${await versionOf(node, ["--version"], /v(\S+)/)}) at ${url}`)
  try {
    await body(url)
  } finally {
    await server.stop()
  }
}

const runtimes = (edition, url) =>
  phase(`${edition.label}: runtimes (smoke: create, streamed turn, list, delete against the local server)`, async () => {
    const row = (runtime, transport, result, ms) => matrix.push({ edition: edition.label, runtime, transport, result, ms })
    for (const runtime of await processRuntimes(edition)) {
      for (const transport of ["fetch", "undici"]) {
        const name = `runtime ${runtime.runtime} ${runtime.version} × ${transport}`
        if (runtime.transports.includes(transport)) {
          const r = await smokeProcess(edition, runtime, transport, url)
          row(`${runtime.runtime} ${runtime.version}`, transport, r.ok ? "pass" : "FAIL", r.ms)
          record(edition.id, name, r.ok, r.ok ? r.detail : r.detail.split("\n").slice(0, 6).join("\n        "), r.ms)
        } else if (runtime.unsupported?.[transport] !== undefined) {
          // Not supported: the check is that the failure is the library's typed NetworkError.
          const r = await smokeProcess(edition, runtime, transport, url)
          const clean = !r.ok && /^NetworkError\(ConnectFailed\):/.test(r.detail)
          row(`${runtime.runtime} ${runtime.version}`, transport, clean ? "unsupported: NetworkError(ConnectFailed)" : "FAIL", r.ms)
          record(
            edition.id,
            name,
            clean,
            clean ? `unsupported as expected (${runtime.unsupported[transport]}): fails with NetworkError(ConnectFailed)` :
              r.ok ? "expected to be unsupported, but passed: update the support matrix" : r.detail.split("\n")[0],
            r.ms
          )
        } else if (runtime.notRun?.[transport] !== undefined) {
          row(`${runtime.runtime} ${runtime.version}`, transport, `not run: ${runtime.notRun[transport]}`, undefined)
        }
      }
    }
    const version = await versionOf(bin.workerd, ["--version"], /workerd (\S+)/)
    const r = await smokeWorkerd(edition, url)
    row(`workerd ${version}`, "fetch", r.ok ? "pass" : "FAIL", r.ms)
    record(edition.id, `runtime workerd ${version} × fetch`, r.ok, r.ok ? r.detail : r.detail.split("\n").slice(0, 6).join("\n        "), r.ms)
    row(`workerd ${version}`, "undici", "not run: undici is for Node", undefined)
  })

// ---------------------------------------------------------------------------------------------
// 6. A fresh project on Effect 4: `npm install effect`, the README's install line, the quick start,
//    the command line

/** The README's install line for Effect 4: the `npm install effect-llamacloud ...` line without a dist-tag. */
const effect4InstallLine = (readme) =>
  readme.split("\n").map((line) => line.trim()).find((line) => /^npm install effect-llamacloud effect(\s|$)/.test(line))

/** The README's quick start: the first ts block after its "## Quick start" heading. */
const quickStart = (readme) => {
  const from = readme.indexOf("\n## Quick start")
  const block = from === -1 ? null : /```ts\n([\s\S]*?)```/.exec(readme.slice(from))
  return block?.[1]
}

const freshProject = (tarball, url) =>
  phase("Effect 4: a fresh project (npm install effect, the README's line, the quick start, the command line)", async () => {
    const dir = join(tmp, "fresh")
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "fresh", private: true, type: "module" }, null, 2) + "\n")
    const npmInstall = (args) => run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...args], { cwd: dir, timeoutMs: 300_000 })
    const version = (name) => {
      const manifest = join(dir, "node_modules", name, "package.json")
      return existsSync(manifest) ? JSON.parse(readFileSync(manifest, "utf8")).version : undefined
    }

    let began = Date.now()
    const effect = await npmInstall(["effect"])
    const effectVersion = version("effect")
    const onFour = effect.code === 0 && effectVersion?.startsWith("4.")
    record("effect4", "fresh project: npm install effect gives Effect 4", onFour, onFour ? `effect ${effectVersion}` : effect.output.trim() || `effect ${effectVersion}`, Date.now() - began)
    if (!onFour) return

    const readme = readFileSync(join(root, "README.md"), "utf8")
    const line = effect4InstallLine(readme)
    began = Date.now()
    if (line === undefined) {
      record("effect4", "fresh project: the README's install line", false, "README.md has no line `npm install effect-llamacloud effect ...`")
      return
    }
    // The registry's package is the tarball here: the rest of the line is the README's.
    const installed = await npmInstall(line.split(/\s+/).slice(2).map((word) => word === "effect-llamacloud" ? tarball : word))
    const ours = version("effect-llamacloud")
    const lineOk = installed.code === 0 && ours !== undefined && version("effect")?.startsWith("4.")
    record("effect4", `fresh project: ${line}`, lineOk, lineOk ? `effect-llamacloud ${ours}, effect ${version("effect")}, @effect/platform-node ${version("@effect/platform-node")}` : installed.output.trim(), Date.now() - began)
    if (!lineOk) return

    const code = quickStart(readme)
    if (code === undefined) {
      record("effect4", "fresh project: the README's quick start", false, "README.md has no ts block under \"## Quick start\"")
      return
    }
    // The compiler options the docs' blocks are checked with: a user's strict NodeNext project.
    const { tsconfig } = await import("./doc-blocks.mjs")
    writeFileSync(join(dir, "quickstart.ts"), code)
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { ...tsconfig.compilerOptions, typeRoots: [join(modules, "@types")] }, include: ["quickstart.ts"] }, null, 2)
    )
    began = Date.now()
    const checked = await run(process.execPath, [join(modules, "typescript", "bin", "tsc"), "-p", dir], { cwd: dir })
    record("effect4", "fresh project: the quick start type-checks (strict, NodeNext)", checked.code === 0, checked.output.trim(), Date.now() - began)

    // Node 22 runs the TypeScript as it is (its type stripping); the quick start uses NodeHttpClient.layerUndici.
    began = Date.now()
    const env = { LLAMA_CLOUD_API_KEY: "llx-ecosystem-smoke", LLAMA_CLOUD_BASE_URL: url, NODE_NO_WARNINGS: "1" }
    const ran = await run(bin.node22, ["quickstart.ts"], { cwd: dir, env, timeoutMs: 60_000 })
    const announced = /created ses-/.test(ran.output)
    record(
      "effect4",
      "fresh project: the quick start runs against the local server (create, list, a streamed turn)",
      ran.code === 0 && announced,
      ran.code === 0 && announced ? `${ran.output.trim().split("\n").length} lines of output` : ran.output.trim().split("\n").slice(-8).join("\n        "),
      Date.now() - began
    )

    // The other edition is refused, not installed: its peers are Effect 3.
    if (tarballs.effect3 !== undefined) {
      began = Date.now()
      const refused = await npmInstall(["--dry-run", tarballs.effect3])
      const eresolve = refused.code !== 0 && /ERESOLVE/.test(refused.output) && /effect@4/.test(refused.output)
      record(
        "effect4",
        "fresh project: the Effect 3 edition is refused with ERESOLVE naming effect",
        eresolve,
        eresolve ? "" : refused.output.trim().split("\n").slice(0, 8).join("\n        "),
        Date.now() - began
      )
    }

    // The command line on this Node (20 in CI): the bundled bin, whichever Effect the project has.
    began = Date.now()
    const cli = (args) => run(process.execPath, [join(dir, "node_modules", ".bin", "llamacloud-chat"), ...args, "--base-url", url, "--json"], { cwd: dir, env, timeoutMs: 60_000 })
    const created = await cli(["sessions", "create", "--index", "idx-smoke"])
    let sessionId
    try {
      sessionId = JSON.parse(lastLine(created.output)).session_id
    } catch {
      sessionId = undefined
    }
    const asked = typeof sessionId === "string" ? await cli(["ask", sessionId, "Where do llamas live?"]) : created
    let stop
    try {
      stop = JSON.parse(lastLine(asked.output))
    } catch {
      stop = undefined
    }
    const ended = asked.code === 0 && stop?.type === "stop" && stop?.is_error === false
    record(
      "effect4",
      `fresh project: llamacloud-chat sessions create, ask (node ${process.versions.node}): a streamed turn to its stop`,
      ended,
      ended ? `${asked.output.trim().split("\n").length} events` : asked.output.trim().split("\n").slice(-8).join("\n        "),
      Date.now() - began
    )
  })

// ---------------------------------------------------------------------------------------------
// 5. API reference

const apiReference = () =>
  phase("Effect 3: API reference (TypeDoc)", async () => {
    const { buildApiReference } = await import("./docs-api.mjs")
    const began = Date.now()
    const r = await buildApiReference({ root })
    const missing = (kind) => (r.missing ?? []).filter((e) => e.kind === kind).map((e) => e.path)
    console.log(`  without @example — operations: ${missing("operation").join(", ") || "none"}`)
    console.log(`  without @example — layers: ${missing("layer").join(", ") || "none"}`)
    console.log(`  without @example — other exports: ${missing("other").length} (ecosystem/out/api/missing-examples.json)`)
    record("effect3", "api: TypeDoc → ecosystem/out/api", r.ok, `${r.warnings ?? 0} warnings`, Date.now() - began)
  })

// ---------------------------------------------------------------------------------------------
// The command line from the tarball: the bundled bin as npm installed it

const commandLine = (edition) =>
  phase(`${edition.label}: command line (llamacloud-chat, the bundled bin from the tarball)`, async () => {
    const bin = join(edition.fixture, "node_modules", ".bin", "llamacloud-chat")
    const began = Date.now()
    const version = await run(bin, ["--version"], { env: { NO_COLOR: "" } })
    // The bundle is the same in both editions, stamped with the version of the edition that ships it.
    const expected = JSON.parse(readFileSync(join(edition.dir, "package.json"), "utf8")).version
    record(edition.id, "cli --version", version.code === 0 && version.output.trim() === expected, version.output.trim(), Date.now() - began)
    const help = await run(bin, ["ask", "--help"])
    record(
      edition.id,
      "cli ask --help, piped: the usage with the program's name, no escape sequence",
      help.code === 0 && help.output.includes("$ llamacloud-chat ask") && !help.output.includes("\x1b"),
      help.code === 0 ? "" : help.output.trim()
    )
    const port = await run(bin, ["server", "--port", "70000", "--json"])
    let exitCode
    try {
      exitCode = JSON.parse(port.output).error?.exit_code
    } catch {
      exitCode = undefined
    }
    record(edition.id, "cli server --port 70000: a usage error as one JSON value, exit 2", port.code === 2 && exitCode === 2, port.output.trim())
  })

// ---------------------------------------------------------------------------------------------

const main = async () => {
  for (const edition of editions) {
    try {
      const tarball = await install(edition)
      if (tarball === undefined) continue
      await lint(edition, tarball)
      if (wanted("doc-blocks")) await docBlocks(edition)
      if (wanted("cli")) await commandLine(edition)
      if (wanted("smoke") || (edition.id === "effect4" && wanted("fresh"))) {
        await withServer(edition, async (url) => {
          if (wanted("smoke")) await runtimes(edition, url)
          if (edition.id === "effect4" && wanted("fresh")) await freshProject(tarball, url)
        })
      }
    } catch (error) {
      record(edition.id, "run.mjs: unexpected error", false, String(error?.stack ?? error))
    }
  }
  try {
    if (wanted("api") && editions.some((edition) => edition.id === "effect3")) await apiReference()
  } catch (error) {
    record("effect3", "run.mjs: unexpected error", false, String(error?.stack ?? error))
  }

  if (matrix.length > 0) {
    console.log("\nRuntime matrix (each edition packed, against its own local server):\n")
    const rows = [
      ["edition", "runtime", "transport", "result", "time"],
      ...matrix.map((m) => [m.edition, m.runtime, m.transport, m.result, m.ms === undefined ? "" : seconds(m.ms)])
    ]
    const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)))
    for (const row of rows) console.log("  " + row.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd())
  }
  console.log("\nTimes:")
  for (const t of timings) console.log(`  ${t.name.padEnd(60)} ${seconds(t.ms)}`)
  const failed = results.filter((r) => !r.ok)
  if (failed.length > 0) {
    console.log("\nFailed:")
    for (const f of failed) console.log(`  ${f.group} ${f.name}`)
  }
  const passed = results.length - failed.length
  const counts = option("--counts")
  if (counts !== undefined) writeFileSync(counts, JSON.stringify({ passed, failed: failed.length }) + "\n")
  console.log(`\necosystem checks — ${passed} passed, ${failed.length} failed`)
  rmSync(tmp, { recursive: true, force: true })
  return failed.length === 0 && results.length > 0 ? 0 : 1
}

process.exitCode = await main()
