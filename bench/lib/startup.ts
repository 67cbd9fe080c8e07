/**
 * The CLI's time from process start to its first output, as installed and bundled, beside a `node`
 * process that prints one line. Timed from the harness (spawn to the first byte on stdout), since a
 * CLI cannot be asked to report its own clock.
 */
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { buildChild, describeBuildError } from "./build.js"
import type { Options } from "./flags.js"
import { describe } from "./harness.js"
import { buildDir, repoDir } from "./paths.js"
import type { StartupResults } from "./results.js"
import { median } from "./stats.js"

/** Where the CLI's entry may live, first found wins. */
const cliCandidates = ["src/cli/main.ts", "src/cli/bin.ts", "src/cli/index.ts", "src/bin/cli.ts", "src/cli.ts"]
const cliArgs = ["--help"]

const firstOutputMs = (args: ReadonlyArray<string>): Promise<number> =>
  new Promise((resolve, reject) => {
    const start = performance.now()
    const child = ChildProcess.spawn(process.execPath, [...args], { stdio: ["ignore", "pipe", "ignore"], env: { ...process.env, NODE_OPTIONS: "" } })
    let first: number | undefined
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000)
    child.stdout.once("data", () => (first = performance.now() - start))
    child.stdout.resume()
    child.on("error", reject)
    child.on("close", () => {
      clearTimeout(timer)
      if (first === undefined) reject(new Error(`no output from node ${args.join(" ")}`))
      else resolve(first)
    })
  })

const medianOf = async (spawns: number, args: ReadonlyArray<string>): Promise<number> => {
  const times: Array<number> = []
  for (let i = 0; i < spawns; i++) times.push(await firstOutputMs(args))
  return median(times)
}

export const measureStartup = async (options: Options): Promise<StartupResults> => {
  const nodePrintMs = await medianOf(options.coldSpawns, ["-e", "console.log('ready')"])
  const entry = cliCandidates.find((candidate) => Fs.existsSync(Path.join(repoDir, candidate)))
  if (entry === undefined) {
    return { cli: { status: "absent", note: `no CLI yet (none of ${cliCandidates.join(", ")})` }, nodePrintMs }
  }
  const errors: Array<string> = []
  // As installed: the library's own compiled module in node_modules (`buildLibraryPackage`).
  const installed = Path.join(buildDir, "node_modules", "effect-llamacloud", "dist", entry.replace(/^src\//, "").replace(/\.ts$/, ".js"))
  const timed = async (bundled: boolean): Promise<number | null> => {
    try {
      const file = bundled ? await buildChild(Path.join(repoDir, entry), "cli", { bundled }) : installed
      return await medianOf(options.coldSpawns, [file, ...cliArgs])
    } catch (error) {
      errors.push(`${bundled ? "bundled" : "node_modules"}: ${bundled ? describeBuildError(error) : describe(error)}`)
      return null
    }
  }
  return {
    cli: { status: "measured", entry, args: cliArgs, nodeModulesMs: await timed(false), bundledMs: await timed(true), errors },
    nodePrintMs
  }
}
