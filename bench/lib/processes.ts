/** Child processes for the harness: the bench server and the contenders' children. */
import * as ChildProcess from "node:child_process"
import { resultMarker } from "../fixture.js"
import type { ChildResult, ChildTask } from "./protocol.js"

// A child sees neither the harness's loader (NODE_OPTIONS) nor LlamaCloud settings from the shell
// (the official SDK would pick up LLAMA_CLOUD_CUSTOM_HEADERS, for one).
const childEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(process.env).filter(([name]) =>
      name !== "NODE_OPTIONS" && !name.startsWith("LLAMA_CLOUD_") && !name.startsWith("LLAMA_PARSE_")
    )
  )

const resultLine = (stdout: string): string | undefined =>
  stdout.split("\n").find((line) => line.startsWith(resultMarker))?.slice(resultMarker.length)

export interface ChildOptions {
  /** The Node binary; this Node's by default (the Effect 4 rows run under a Node 22). */
  readonly node?: string
  readonly nodeFlags?: ReadonlyArray<string>
  readonly timeoutMs: number
}

/** Runs `file` in a fresh `node` process with `argument` as JSON in argv, and returns its result line parsed. */
export const runChildProcess = <R>(file: string, argument: unknown, options: ChildOptions): Promise<R> =>
  new Promise((resolve, reject) => {
    const child = ChildProcess.spawn(
      options.node ?? process.execPath,
      [...(options.nodeFlags ?? []), file, JSON.stringify(argument)],
      { stdio: ["ignore", "pipe", "pipe"], env: childEnv() }
    )
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs)
    child.on("error", (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on("close", (code, signal) => {
      clearTimeout(timer)
      const line = resultLine(stdout)
      if (code === 0 && line !== undefined) return resolve(JSON.parse(line))
      const why = signal === "SIGKILL" ? `timed out after ${options.timeoutMs} ms` : `exited with ${signal ?? code}`
      reject(new Error(`child ${why}: ${stderr.trim().split("\n").slice(0, 6).join(" | ")}`))
    })
  })

/** Runs create tasks in one fresh process (a measuring run gives it one); their results in order. */
export const runTasks = (
  file: string,
  tasks: ReadonlyArray<ChildTask>,
  options: ChildOptions
): Promise<ReadonlyArray<ChildResult>> => runChildProcess(file, tasks, options)

/** Runs one create task in a fresh `node` process and returns its result. */
export const runTask = async (file: string, task: ChildTask, options: ChildOptions): Promise<ChildResult> => {
  const [result] = await runTasks(file, [task], options)
  if (result === undefined) throw new Error(`${task.mode} child gave no result`)
  return result
}

export interface BenchServer {
  readonly baseUrl: string
  /** How many creates the server has answered so far. */
  readonly creates: () => Promise<number>
  /** Builds a turn's bytes ahead of the measurement. */
  readonly prepare: (sessionId: string) => Promise<void>
  readonly stop: () => void
}

/** Starts `server.mjs` in its own process and waits until it listens. */
export const startServer = (file: string): Promise<BenchServer> =>
  new Promise((resolve, reject) => {
    const child = ChildProcess.spawn(process.execPath, [file], { stdio: ["pipe", "pipe", "inherit"], env: childEnv() })
    let stdout = ""
    child.on("error", reject)
    child.on("exit", (code) => reject(new Error(`bench server exited with ${code}`)))
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
      const line = resultLine(stdout)
      if (line === undefined) return
      const { port }: { port: number } = JSON.parse(line)
      const baseUrl = `http://127.0.0.1:${port}`
      resolve({
        baseUrl,
        creates: async () => {
          const response = await fetch(`${baseUrl}/__stats`)
          const stats: { creates: number } = await response.json()
          return stats.creates
        },
        prepare: async (sessionId) => {
          const response = await fetch(`${baseUrl}/__prepare?session=${encodeURIComponent(sessionId)}`, { method: "POST" })
          await response.text()
          if (response.status !== 200) throw new Error(`the bench server cannot serve ${sessionId}`)
        },
        // Closing its stdin is the server's signal to exit.
        stop: () => child.stdin.end()
      })
    })
  })
