/**
 * `LocalServer.layer`'s option rules and wording, shared by both editions. Each edition's
 * test/testing/localServer/options.test.ts checks them through the layer, on the same table; these
 * check the plain problem: its path, its whole message, and whether the option is absent.
 */
import { assert, describe, it } from "@effect/vitest"
import { Fault } from "../../src/core/localServer/faults.js"
import { optionsProblem } from "../../src/core/localServer/options.js"
import { everyOption, wrongOptions } from "../shared/localServer/optionCases.js"

describe("optionsProblem", () => {
  it("finds none in absent options, nor in every option rightly given", () => {
    assert.isUndefined(optionsProblem(undefined))
    assert.isUndefined(optionsProblem(everyOption))
  })

  for (const [options, path, said] of wrongOptions) {
    it(`finds ${JSON.stringify(options)} wrong at ${path.join(".")}`, () => {
      const problem = optionsProblem(options)
      assert.deepStrictEqual(problem?.path, path)
      assert.include(problem?.message, "LocalServer.layer")
      assert.include(problem?.message, said)
    })
  }

  it("words a problem with the option's path, what it must be and the value", () => {
    assert.deepStrictEqual(optionsProblem({ faults: { route: "chat" } }), {
      path: ["faults", "route"],
      message: `LocalServer.layer's faults.route must be a route or an array of routes (create, list, retrieve, getSummary, delete, sendMessage, summary, stream), got "chat"`,
      missing: false
    })
    assert.deepStrictEqual(optionsProblem({ pacing: { keepAliveMs: 0 } }), {
      path: ["pacing", "keepAliveMs"],
      message: "LocalServer.layer's pacing's keepAliveMs must be a whole number from 1 to 9007199254740991, got 0",
      missing: false
    })
  })

  it("tells a required option left out from one given wrong", () => {
    assert.deepStrictEqual(optionsProblem({ faults: { random: { fault: Fault.status(503) } } }), {
      path: ["faults", "random", "rate"],
      message: "LocalServer.layer's faults.random needs rate",
      missing: true
    })
  })

  it("reports the first problem, in the order the options are listed", () => {
    assert.deepStrictEqual(optionsProblem({ port: -1, host: "" })?.path, ["port"])
    assert.deepStrictEqual(optionsProblem({ pacing: { thinkMs: -1, eventMs: -1 } })?.path, ["pacing", "thinkMs"])
  })
})
