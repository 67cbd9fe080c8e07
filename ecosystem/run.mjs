// The ecosystem check: the package as npm publishes it, on every runtime, with its types and docs.
//
//   npm ci --prefix ecosystem --ignore-scripts     (once: the runtimes and tools, from ecosystem's lock file)
//   node ecosystem/run.mjs [--skip-build] [--counts FILE] [--only publint,attw,doc-blocks,cli,smoke,api]
//
// 1. builds the package (unless --skip-build: CI has just built it) and packs it (`npm pack`) into a
//    temp dir; installs that tarball into ecosystem/ (beside the Effect 3 line pinned there);
// 2. publint on the tarball; attw --pack with the esm-only profile (the package is ESM-only);
// 3. type-checks the program blocks of README.md and docs/*.md against it (doc-blocks.mjs), and runs
//    the command line (`llamacloud-chat`, one bundled file) as the tarball installed it;
// 4. starts the local LlamaCloud (effect-llamacloud/testing/node) under this Node, on 127.0.0.1, and
//    runs smoke/smoke.mjs (create, a streamed turn that must end in Stop, list, delete) on Node 20
//    (this one), 22 and 24, Bun, Deno and workerd, over FetchHttpClient and, where the runtime has
//    it, NodeHttpClient.layerUndici;
// 5. builds the API reference (docs-api.mjs) into ecosystem/out/api.
//
// Prints a table runtime × transport × result, each check's time, and "ecosystem checks: N passed,
// M failed"; exits non-zero on any failure. --counts FILE writes {"passed": N, "failed": M} for .ci/run.
import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, "..")
const modules = join(here, "node_modules")

const args = process.argv.slice(2)
const flag = (name) => args.includes(name)
const option = (name) => {
  const at = args.indexOf(name)
  return at === -1 ? undefined : args[at + 1]
}
const only = option("--only")?.split(",")
const wanted = (part) => only === undefined || only.includes(part)

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

const install = async () => {
  if (!existsSync(join(modules, ".package-lock.json"))) {
    record("setup", "ecosystem installed", false, "run `npm ci --prefix ecosystem --ignore-scripts` first")
    return undefined
  }
  if (!flag("--skip-build")) {
    const built = await phase("build", () => run("npm", ["run", "--silent", "build"], { timeoutMs: 300_000 }))
    if (built.code !== 0) {
      record("setup", "build", false, built.output.trim().split("\n").slice(0, 20).join("\n"))
      return undefined
    }
  }
  return phase("pack and install the tarball", async () => {
    const packed = await run("npm", ["pack", "--silent", "--pack-destination", tmp])
    const tarball = readdirSync(tmp).find((name) => name.endsWith(".tgz"))
    if (packed.code !== 0 || tarball === undefined) {
      record("setup", "npm pack", false, packed.output.trim())
      return undefined
    }
    const path = join(tmp, tarball)
    // --no-save: ecosystem's package.json and lock file stay as committed; the tarball comes and goes.
    const installed = await run(
      "npm",
      ["install", "--no-save", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error", path],
      { cwd: here, timeoutMs: 300_000 }
    )
    const manifest = join(modules, "effect-llamacloud", "package.json")
    if (installed.code !== 0 || !existsSync(manifest)) {
      record("setup", "install the tarball", false, installed.output.trim())
      return undefined
    }
    const version = (name) => JSON.parse(readFileSync(join(modules, name, "package.json"), "utf8")).version
    console.log(
      `  ${tarball} (${Math.round(readFileSync(path).length / 1024)} kB) installed with effect ${version("effect")}, ` +
        `@effect/platform ${version("@effect/platform")}, @effect/platform-node ${version("@effect/platform-node")}`
    )
    return path
  })
}

// ---------------------------------------------------------------------------------------------
// 2. publint, attw

const lint = async (tarball) => {
  if (wanted("publint")) {
    await phase("publint", async () => {
      const began = Date.now()
      const r = await run(join(modules, ".bin", "publint"), ["run", tarball, "--strict"])
      console.log(r.output.trim().split("\n").map((line) => `    ${line}`).join("\n"))
      record("package", "publint --strict", r.code === 0, r.code === 0 ? lastLine(r.output) : "see above", Date.now() - began)
    })
  }
  if (wanted("attw")) {
    await phase("attw", async () => {
      const began = Date.now()
      const r = await run(
        join(modules, ".bin", "attw"),
        ["--pack", root, "--profile", "esm-only", "--format", "table", "--no-emoji", "--no-color"],
        { timeoutMs: 180_000 }
      )
      console.log(r.output.trim().split("\n").map((line) => `    ${line}`).join("\n"))
      record("package", "attw --pack --profile esm-only", r.code === 0, r.code === 0 ? "no problems" : "see above", Date.now() - began)
    })
  }
}

// ---------------------------------------------------------------------------------------------
// 3. Doc blocks

const docBlocks = () =>
  phase("doc blocks (README.md, docs/*.md) against the tarball", async () => {
    const { checkDocBlocks } = await import("./doc-blocks.mjs")
    const began = Date.now()
    const { results: blocks, skipped } = checkDocBlocks({ root })
    const ms = Date.now() - began
    for (const block of blocks) record("doc block", block.name, block.ok, block.errors.join("\n        "))
    console.log(`  ${blocks.length} program blocks checked in ${seconds(ms)}; ${skipped.length} fragments not checked`)
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

/** The runtimes that run smoke/main.mjs as a process. `unsupported`: a transport expected to fail cleanly. */
const processRuntimes = async () => [
  { runtime: "node", version: process.versions.node, command: process.execPath, args: [], transports: ["fetch", "undici"] },
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

const smokeProcess = async (runtime, transport, url) => {
  const began = Date.now()
  const runtimeArgs = typeof runtime.args === "function" ? runtime.args(transport) : runtime.args
  const r = await run(runtime.command, [...runtimeArgs, "main.mjs", url, transport], {
    cwd: join(here, "smoke"),
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

const smokeWorkerd = async (url) => {
  const began = Date.now()
  const dir = join(tmp, "workerd")
  const { build } = await import("esbuild")
  try {
    await build({
      entryPoints: [join(here, "smoke", "worker.mjs")],
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

const runtimes = () =>
  phase("runtimes (smoke: create, streamed turn, list, delete against the local server)", async () => {
    const server = start(process.execPath, ["server.mjs"], { cwd: join(here, "smoke") })
    let url
    try {
      url = JSON.parse((await server.waitFor(/^\{"url".*\}$/m, 60_000))[0]).url
    } catch (error) {
      record("runtime", "local server", false, error.message)
      await server.stop()
      return
    }
    console.log(`  local server (node ${process.versions.node}) at ${url}`)
    try {
      for (const runtime of await processRuntimes()) {
        for (const transport of ["fetch", "undici"]) {
          const name = `${runtime.runtime} ${runtime.version} × ${transport}`
          if (runtime.transports.includes(transport)) {
            const r = await smokeProcess(runtime, transport, url)
            matrix.push({ runtime: `${runtime.runtime} ${runtime.version}`, transport, result: r.ok ? "pass" : "FAIL", ms: r.ms })
            record("runtime", name, r.ok, r.ok ? r.detail : r.detail.split("\n").slice(0, 6).join("\n        "), r.ms)
          } else if (runtime.unsupported?.[transport] !== undefined) {
            // Not supported: the check is that the failure is the library's typed NetworkError.
            const r = await smokeProcess(runtime, transport, url)
            const clean = !r.ok && /^NetworkError\(ConnectFailed\):/.test(r.detail)
            matrix.push({ runtime: `${runtime.runtime} ${runtime.version}`, transport, result: clean ? "unsupported: NetworkError(ConnectFailed)" : "FAIL", ms: r.ms })
            record(
              "runtime",
              name,
              clean,
              clean ? `unsupported as expected (${runtime.unsupported[transport]}): fails with NetworkError(ConnectFailed)` :
                r.ok ? "expected to be unsupported, but passed: update the support matrix" : r.detail.split("\n")[0],
              r.ms
            )
          }
        }
      }
      const version = await versionOf(bin.workerd, ["--version"], /workerd (\S+)/)
      const r = await smokeWorkerd(url)
      matrix.push({ runtime: `workerd ${version}`, transport: "fetch", result: r.ok ? "pass" : "FAIL", ms: r.ms })
      record("runtime", `workerd ${version} × fetch`, r.ok, r.ok ? r.detail : r.detail.split("\n").slice(0, 6).join("\n        "), r.ms)
      matrix.push({ runtime: `workerd ${version}`, transport: "undici", result: "not run: undici is for Node", ms: undefined })
    } finally {
      await server.stop()
    }
  })

// ---------------------------------------------------------------------------------------------
// 5. API reference

const apiReference = () =>
  phase("API reference (TypeDoc)", async () => {
    const { buildApiReference } = await import("./docs-api.mjs")
    const began = Date.now()
    const r = await buildApiReference({ root })
    const missing = (kind) => (r.missing ?? []).filter((e) => e.kind === kind).map((e) => e.path)
    console.log(`  without @example — operations: ${missing("operation").join(", ") || "none"}`)
    console.log(`  without @example — layers: ${missing("layer").join(", ") || "none"}`)
    console.log(`  without @example — other exports: ${missing("other").length} (ecosystem/out/api/missing-examples.json)`)
    record("api", "TypeDoc → ecosystem/out/api", r.ok, `${r.warnings ?? 0} warnings`, Date.now() - began)
  })

// ---------------------------------------------------------------------------------------------
// The command line from the tarball: the bundled bin as npm installed it

const commandLine = () =>
  phase("command line (llamacloud-chat, the bundled bin from the tarball)", async () => {
    const bin = join(modules, ".bin", "llamacloud-chat")
    const began = Date.now()
    const version = await run(bin, ["--version"], { env: { NO_COLOR: "" } })
    const expected = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version
    record("cli", "--version", version.code === 0 && version.output.trim() === expected, version.output.trim(), Date.now() - began)
    const help = await run(bin, ["ask", "--help"])
    record(
      "cli",
      "ask --help, piped: the usage with the program's name, no escape sequence",
      help.code === 0 && help.output.includes("$ llamacloud-chat ask") && !help.output.includes("\x1b"),
      help.code === 0 ? "" : help.output.trim()
    )
    const port = await run(bin, ["server", "--port", "70000", "--json"])
    record(
      "cli",
      "server --port 70000: a usage error as one JSON value, exit 2",
      port.code === 2 && JSON.parse(port.output).error?.exit_code === 2,
      port.output.trim()
    )
  })

// ---------------------------------------------------------------------------------------------

const main = async () => {
  try {
    const tarball = await install()
    if (tarball !== undefined) {
      await lint(tarball)
      if (wanted("doc-blocks")) await docBlocks()
      if (wanted("cli")) await commandLine()
      if (wanted("smoke")) await runtimes()
    }
    if (wanted("api")) await apiReference()
  } catch (error) {
    record("run.mjs", "unexpected error", false, String(error?.stack ?? error))
  }

  if (matrix.length > 0) {
    console.log("\nRuntime matrix (the packed package, against the local server under node " + process.versions.node + "):\n")
    const rows = [["runtime", "transport", "result", "time"], ...matrix.map((m) => [m.runtime, m.transport, m.result, m.ms === undefined ? "" : seconds(m.ms)])]
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
