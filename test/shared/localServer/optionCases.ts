/**
 * `LocalServer.layer`'s options as plain JavaScript may pass them wrong, for both editions: each
 * with the path of the option the `ConfigError` must name and a piece of its message.
 */
import { Fault } from "../../../src/core/localServer/faults.js"

export const wrongOptions: ReadonlyArray<readonly [options: unknown, path: ReadonlyArray<string>, said: string]> = [
  [{ port: 70000 }, ["port"], "70000"],
  [{ port: -1 }, ["port"], "-1"],
  [{ port: "8080" }, ["port"], "\"8080\""],
  [{ port: 80.5 }, ["port"], "80.5"],
  [{ host: "" }, ["host"], "\"\""],
  [{ host: 127 }, ["host"], "127"],
  [{ apiKeys: "llx-test" }, ["apiKeys"], "\"llx-test\""],
  [{ apiKeys: ["llx-test", ""] }, ["apiKeys"], "[\"llx-test\",\"\"]"],
  [{ faults: [Fault.status(503)] }, ["faults"], "an object of options"],
  [{ faults: { script: Fault.status(503) } }, ["faults", "script"], "an array of faults made by Fault"],
  [{ faults: { script: [{ _tag: "Explode" }] } }, ["faults", "script"], "Explode"],
  [{ faults: { scripts: [] } }, ["faults", "scripts"], "its options are script, random, route"],
  [{ faults: { route: "chat" } }, ["faults", "route"], "\"chat\""],
  [{ faults: { random: { rate: 1.5, fault: Fault.status(503) } } }, ["faults", "random", "rate"], "1.5"],
  [{ faults: { random: { fault: Fault.status(503) } } }, ["faults", "random", "rate"], "needs rate"],
  [{ faults: { random: { rate: 0.1, fault: 503 } } }, ["faults", "random", "fault"], "503"],
  [{ faults: { random: { rate: 0.1, fault: Fault.status(503), seed: "x" } } }, ["faults", "random", "seed"], "\"x\""],
  [{ pacing: { thinkMs: -5 } }, ["pacing", "thinkMs"], "-5"],
  [{ pacing: { keepAliveMs: 0 } }, ["pacing", "keepAliveMs"], "0"],
  [{ pacing: { eventMs: "10" } }, ["pacing", "eventMs"], "\"10\""],
  [{ pacing: { think: 10 } }, ["pacing", "think"], "thinkMs, keepAliveMs, eventMs"],
  [{ pacing: 10 }, ["pacing"], "10"],
  [{ eventFormat: { eventNames: "all" } }, ["eventFormat", "eventNames"], "\"all\""],
  [{ eventFormat: { lineEnding: "\n\n" } }, ["eventFormat", "lineEnding"], "\"\\n\\n\""],
  [{ apiKey: "llx-test" }, ["apiKey"], "its options are port, host, apiKeys"],
  ["llx-test", ["options"], "\"llx-test\""]
]

/** Every option, rightly given. */
export const everyOption = {
  port: 0,
  host: "127.0.0.1",
  apiKeys: ["llx-test"],
  faults: { script: [Fault.status(503)], random: { rate: 0.5, fault: Fault.status(429), seed: 7 }, route: ["create", "stream"] },
  pacing: { thinkMs: 0, keepAliveMs: 1, eventMs: 0 },
  eventFormat: { eventNames: "delta-message", lineEnding: "\r\n" }
} as const
