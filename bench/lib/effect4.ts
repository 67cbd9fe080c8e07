/**
 * The Effect 4 edition's rows: its children are compiled from `effect4/bench/` into a directory of
 * their own under `effect4/bench/.build/`, so that they resolve `effect`, `@effect/platform-node`
 * and the edition itself from effect4's install, and run under a Node 22 (the edition's platform
 * package needs it). The two Effect lines never share a process: the harness and the Effect 3 rows
 * stay on the Node and the install at the top.
 */
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { repoDir } from "./paths.js"

export const effect4Dir = Path.join(repoDir, "effect4")
/** The bench sources of the Effect 4 rows. */
export const effect4BenchDir = Path.join(effect4Dir, "bench")
/** This run's compiled Effect 4 children and the edition as installed, removed with the run's other build. */
export const effect4BuildDir = Path.join(effect4BenchDir, ".build", `run-${process.pid}`)

let node22: Promise<string> | undefined

/**
 * The Node that runs the Effect 4 rows: `scripts/effect4.mjs --print-node` finds one (this Node if
 * it is 22.12 or later, ecosystem/'s, or one it installs from npm into .tools/ once) and installs
 * effect4/node_modules when it is missing or stale. Asked once per run.
 */
export const effect4Node = (): Promise<string> =>
  (node22 ??= new Promise((resolve, reject) =>
    ChildProcess.execFile(
      process.execPath,
      [Path.join(repoDir, "scripts", "effect4.mjs"), "--print-node"],
      { cwd: repoDir, timeout: 600_000 },
      (error, stdout, stderr) => {
        const path = stdout.trim().split("\n").at(-1) ?? ""
        if (error === null && path !== "" && Fs.existsSync(path)) resolve(path)
        else reject(new Error(`no Node for the Effect 4 rows: ${(stderr || String(error)).trim().split("\n").slice(0, 4).join(" | ")}`))
      }
    )
  ))

/** Copies `src/core` into `effect4/src/core` (gitignored), as the edition's own scripts do before a build. */
export const syncEffect4Core = (): void => {
  const result = ChildProcess.spawnSync(process.execPath, [Path.join(effect4Dir, "scripts", "sync-core.mjs")], { encoding: "utf8" })
  if (result.status !== 0) throw new Error(`effect4/scripts/sync-core.mjs failed: ${result.stderr.trim()}`)
}
