/**
 * Start-up, timed from the harness, spawn to exit: `node -e 0`; a process that only imports what a
 * create needs, for the library and for the platform floor (deep imports on both sides); the CLI's
 * `--help` as `npm run build` produces it. The spawns go round-robin over the programs, so that a
 * burst of other work on the machine falls on all of them alike.
 */
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { buildChild, describeBuildError } from "./build.js"
import { effect4Node } from "./effect4.js"
import type { Options } from "./flags.js"
import { describe, log, stopwatch } from "./harness.js"
import { buildDir, repoDir } from "./paths.js"
import type { ExitTime, StartupResults } from "./results.js"
import { median } from "./stats.js"

const cliName = "llamacloud-chat"
const cliArgs = ["--help"]

/**
 * What of the repository `npm run build` may read, copied into a directory of this run: every file
 * at the top (package.json, the tsconfigs, a build script) and these directories. A build that
 * reads another directory needs it added here.
 */
const buildInputs = ["src", "scripts", "build"]

const exitMs = (node: string, args: ReadonlyArray<string>): Promise<number> =>
  new Promise((resolve, reject) => {
    const start = performance.now()
    const child = ChildProcess.spawn(node, [...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_OPTIONS: "" }
    })
    let stderr = ""
    child.stdout.resume()
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000)
    child.on("error", reject)
    child.on("close", (code) => {
      const ms = performance.now() - start
      clearTimeout(timer)
      if (code === 0) resolve(ms)
      else reject(new Error(`node ${args.join(" ")} exited with ${code}: ${stderr.trim().split("\n").slice(0, 4).join(" | ")}`))
    })
  })

/**
 * The package as `npm run build` leaves it, built in a copy of the repository's build inputs (the
 * repository's own `dist/` is left alone): the bin's path, and how long the build took.
 */
const buildPackage = async (sourceDir: string | undefined): Promise<{ readonly dir: string; readonly seconds: number }> => {
  const dir = Path.join(buildDir, "package")
  Fs.mkdirSync(dir, { recursive: true })
  for (const entry of Fs.readdirSync(repoDir, { withFileTypes: true })) {
    if (entry.isFile()) Fs.copyFileSync(Path.join(repoDir, entry.name), Path.join(dir, entry.name))
  }
  for (const input of buildInputs) {
    const from = input === "src" && sourceDir !== undefined ? sourceDir : Path.join(repoDir, input)
    if (Fs.existsSync(from)) Fs.cpSync(from, Path.join(dir, input), { recursive: true })
  }
  Fs.symlinkSync(Path.join(repoDir, "node_modules"), Path.join(dir, "node_modules"), "dir")
  const start = performance.now()
  await new Promise<void>((resolve, reject) =>
    ChildProcess.execFile("npm", ["run", "build", "--silent"], { cwd: dir, timeout: 600_000 }, (error, _stdout, stderr) =>
      error === null ? resolve() : reject(new Error(`npm run build failed: ${stderr.trim().split("\n").slice(0, 6).join(" | ")}`))
    )
  )
  return { dir, seconds: (performance.now() - start) / 1000 }
}

const binOf = (packageDir: string): string | undefined => {
  const { bin }: { bin?: string | Record<string, string> } = JSON.parse(Fs.readFileSync(Path.join(packageDir, "package.json"), "utf8"))
  return typeof bin === "string" ? bin : bin?.[cliName]
}

export const measureStartup = async (options: Options): Promise<StartupResults> => {
  const lap = stopwatch()
  const errors: Array<string> = []
  const attempt = async <A>(what: string, run: () => Promise<A>): Promise<A | undefined> => {
    try {
      return await run()
    } catch (error) {
      errors.push(`${what}: ${describeBuildError(error)}`)
      log(`start-up: ${what} failed: ${describe(error)}`)
      return undefined
    }
  }
  const effect4 = options.editions.includes(4)
  const [library, platform, node22, library4, platform4] = await Promise.all([
    attempt("build startup/library", () => buildChild("startup/library", "startup-library")),
    attempt("build startup/platform", () => buildChild("startup/platform", "startup-platform")),
    // The Effect 4 edition's programs, the same two, run under a Node 22 beside that Node's `-e 0`.
    effect4 ? attempt("a Node 22 for the Effect 4 rows", effect4Node) : undefined,
    effect4 ? attempt("build effect4/bench/startup/library", () => buildChild("startup/library", "startup-library", { edition: 4 })) : undefined,
    effect4 ? attempt("build effect4/bench/startup/platform", () => buildChild("startup/platform", "startup-platform", { edition: 4 })) : undefined
  ])
  // The build takes as long as a suite: the smoke run leaves it out.
  let cli: StartupResults["cli"] = { status: "absent", note: "the smoke run does not run npm run build" }
  let cliFile: string | undefined
  if (!options.smoke) {
    const built = await attempt("npm run build", () => buildPackage(options.library))
    const bin = built === undefined ? undefined : binOf(built.dir)
    if (built === undefined) cli = { status: "absent", note: "npm run build failed" }
    else if (bin === undefined) cli = { status: "absent", note: `package.json has no bin ${cliName}` }
    else {
      cliFile = Path.join(built.dir, bin)
      cli = { status: "measured", bin, args: cliArgs, buildSec: built.seconds, help: null }
    }
    log(`start-up: npm run build (${lap()})`)
  }
  const here = process.execPath
  const programs: ReadonlyArray<readonly [string, string | undefined, ReadonlyArray<string> | undefined]> = [
    ["node", here, ["-e", "0"]],
    ["library", here, library === undefined ? undefined : [library]],
    ["platform", here, platform === undefined ? undefined : [platform]],
    ["cli", here, cliFile === undefined ? undefined : [cliFile, ...cliArgs]],
    ...(effect4
      ? [
        ["node22", node22, ["-e", "0"]],
        ["library4", node22, library4 === undefined ? undefined : [library4]],
        ["platform4", node22, platform4 === undefined ? undefined : [platform4]]
      ] as const
      : [])
  ]
  const times = new Map<string, Array<number>>(programs.map(([name]) => [name, []]))
  const failed = new Set<string>()
  for (let spawn = 0; spawn < options.coldSpawns; spawn++) {
    for (const [name, node, args] of programs) {
      if (node === undefined || args === undefined || failed.has(name)) continue
      const ms = await attempt(`${name} spawn ${spawn + 1}`, () => exitMs(node, args))
      if (ms === undefined) failed.add(name)
      else times.get(name)!.push(ms)
    }
  }
  const exitTime = (name: string): ExitTime | null => {
    const ms = times.get(name) ?? []
    return ms.length === 0 || failed.has(name) ? null : { medianMs: median(ms), spawns: ms.length }
  }
  log(`start-up: ${options.coldSpawns} spawn(s) of each program (${lap()})`)
  return {
    node: exitTime("node"),
    importToExit: { library: exitTime("library"), platform: exitTime("platform") },
    cli: cli.status === "measured" ? { ...cli, help: exitTime("cli") } : cli,
    ...(effect4
      ? { effect4: { node: exitTime("node22"), importToExit: { library: exitTime("library4"), platform: exitTime("platform4") } } }
      : {}),
    errors
  }
}
