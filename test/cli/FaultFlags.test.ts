/**
 * The server command's fault flags, read in the order given: a modifier changes the fault before it.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FaultFlags from "../../src/cli/FaultFlags.js"
import { LocalServer } from "../../src/testing/node.js"

const { Fault } = LocalServer

const parsed = (args: ReadonlyArray<string>) => {
  const result = FaultFlags.parse(["node", "llamacloud-chat", "server", ...args])
  assert.isTrue(Either.isRight(result), Either.isLeft(result) ? result.left.message : "")
  return Either.getOrThrow(result)
}

const rejected = (args: ReadonlyArray<string>) => {
  const result = FaultFlags.parse(["node", "llamacloud-chat", "server", ...args])
  assert.isTrue(Either.isLeft(result), "expected a usage error")
  return Either.isLeft(result) ? result.left : undefined
}

describe("FaultFlags.parse", () => {
  it("a modifier changes the fault before it, not the others", () => {
    const faults = parsed(["--fault", "status:429", "--header", "retry-after=2", "--fault", "cut:3", "--route", "sendMessage"])
    assert.deepStrictEqual(faults.script, [
      Fault.status(429, { headers: { "retry-after": "2" } }),
      { ...Fault.cutStream(3), route: ["sendMessage"] }
    ])
  })

  it("--route takes the routes' former names (summary, stream) as the operations' names", () => {
    const faults = parsed(["--fault", "status:500", "--route", "stream,summary"])
    assert.deepStrictEqual(faults.script, [{ ...Fault.status(500), route: ["getSummary", "sendMessage"] }])
  })

  it("modifiers after --random-fault change the random fault", () => {
    const faults = parsed(["--fault", "stall", "--random-fault", "0.25:status:503", "--route", "create,list", "--performs", "true"])
    assert.deepStrictEqual(faults.script, [Fault.stallBody()])
    assert.deepStrictEqual(faults.random, { rate: 0.25, fault: { ...Fault.status(503), route: ["create", "list"], performs: true } })
  })

  it("reads --flag=value as --flag value, and passes over the other flags", () => {
    const faults = parsed(["--port", "0", "--json", "--fault=delay:50", "--api-key", "llx-k", "--route=retrieve"])
    assert.deepStrictEqual(faults.script, [{ ...Fault.delayHeaders(50), route: ["retrieve"] }])
  })

  it.each([
    [["--header", "x=1"], "--header must follow a --fault or --random-fault"],
    [["--fault", "teleport:3"], `unknown fault "teleport:3"`],
    [["--fault", "status:abc"], `fault "status" wants a whole number >= 100, got "abc"`],
    [["--random-fault", "2:stall"], "--random-fault wants RATE:SPEC with RATE in 0..1"],
    [["--fault", "cut:3", "--header", "x=1"], "--header does not apply to a CutStream fault"],
    [["--fault", "stall", "--route", "nowhere"], "--route wants routes among"]
  ])("%j is a usage error: %s", (args, message) => {
    assert.include(rejected(args)?.message, message)
  })
})
