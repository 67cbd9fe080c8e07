// `npm test`: both editions' suites side by side, the Effect 3 suite (`npm run test:effect3`) and the
// Effect 4 suite (`node scripts/effect4.mjs test`). Each suite runs its files one at a time and spends
// much of it waiting on sockets, timers and child processes: on two cores the two suites together
// take little longer than the longer one alone.
//
//   node scripts/test.mjs [--serial]    --serial: one suite, then the other (as `npm run test:effect3 && npm run test:effect4`, but both always run)
//
// The Effect 3 suite's output is shown as it comes; the Effect 4 suite's is held until the Effect 3
// suite ends, then shown whole and followed live, so that neither report is interleaved with the other.
// Ends with one line per suite and exits non-zero when either suite failed.
import { spawn } from "node:child_process"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const npm = process.platform === "win32" ? "npm.cmd" : "npm"
const serial = process.argv.includes("--serial")

// Colours as a terminal would get them, though the suites write to pipes.
const env = process.stdout.isTTY ? { ...process.env, FORCE_COLOR: "1" } : process.env

const suites = [
  { name: "Effect 3 suite (npm run test:effect3)", command: npm, args: ["run", "--silent", "test:effect3"] },
  { name: "Effect 4 suite (node scripts/effect4.mjs test)", command: process.execPath, args: [Path.join(root, "scripts", "effect4.mjs"), "test"] }
]

/** Starts `suite`; its output goes to `sink` (replaceable while it runs). Resolves with its exit code and seconds. */
const start = (suite, sink) => {
  const began = Date.now()
  const child = spawn(suite.command, suite.args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] })
  child.stdout.on("data", (chunk) => sink.current.write("stdout", chunk))
  child.stderr.on("data", (chunk) => sink.current.write("stderr", chunk))
  return new Promise((resolve) => {
    child.on("error", (error) => {
      process.stderr.write(`${suite.name}: ${error.message}\n`)
      resolve({ code: 1, seconds: (Date.now() - began) / 1000 })
    })
    child.on("close", (code, signal) => resolve({ code: code ?? (signal === null ? 1 : 128), seconds: (Date.now() - began) / 1000 }))
  })
}

const live = { write: (stream, chunk) => process[stream].write(chunk) }

/** Keeps what it is given, in order, until `flush` writes it out. */
const held = () => {
  const chunks = []
  return {
    write: (stream, chunk) => chunks.push([stream, chunk]),
    flush: () => chunks.splice(0).forEach(([stream, chunk]) => process[stream].write(chunk))
  }
}

const heading = (suite) => process.stdout.write(`\n== ${suite.name}\n`)

const results = []
if (serial) {
  for (const suite of suites) {
    heading(suite)
    results.push(await start(suite, { current: live }))
  }
} else {
  const [first, second] = suites
  const secondSink = { current: held() }
  heading(first)
  const firstDone = start(first, { current: live })
  const secondDone = start(second, secondSink)
  results.push(await firstDone)
  heading(second)
  secondSink.current.flush()
  secondSink.current = live
  results.push(await secondDone)
}

process.stdout.write("\n")
suites.forEach((suite, i) => {
  const { code, seconds } = results[i]
  process.stdout.write(`${code === 0 ? "passed" : `FAILED (exit ${code})`}  ${suite.name}, ${seconds.toFixed(0)} s\n`)
})
process.exitCode = results.every(({ code }) => code === 0) ? 0 : 1
