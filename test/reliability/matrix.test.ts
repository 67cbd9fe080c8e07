/**
 * The create matrix (test/shared/reliability/scenarios/create.ts, shared with the Effect 4 edition):
 * every scenario over `NodeHttpClient.layerUndici` and `FetchHttpClient.layer` at once, each against
 * a local server of its own on 127.0.0.1; scenarios one after another, so that the process-wide check
 * for stray sockets and timers belongs to one scenario.
 */
import { afterEach, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { LocalServer } from "../../src/testing/node.js"
import { createMatrix } from "../shared/reliability/matrices.js"
import { scenarioProblems, warmUp } from "../shared/reliability/runner.js"
import { edition } from "./adapter.js"
import { clientLayer, create, fetch, outcomeOf, trackResources, transports, unhandled } from "./harness.js"

trackResources()

beforeAll(() => warmUp(edition))

describe(`create's fault matrix over ${transports.map((t) => t.label).join(" and ")}`, () => {
  for (const test of createMatrix) {
    it(test.name, async () => expect(await scenarioProblems(edition, test.table, test.scenarios, test.concurrency)).toEqual([]))
  }

  // After every scenario, not as a test of its own: run alone, such a test would pass having seen
  // nothing. What one scenario leaves unhandled fails that scenario, and only that one.
  afterEach(() => {
    expect(unhandled.splice(0), "unhandled rejections or uncaught exceptions").toEqual([])
  })
})

describe("findings", () => {
  // Node's fetch follows a 307 and re-posts the create behind the caller's back (here it failed
  // instead: it had detached the body's buffer). The client asks fetch not to follow, as undici doesn't.
  it.live("a 307 is handed back as ApiError(307) over fetch too, not followed", () =>
    Effect.gen(function*() {
      const server = yield* LocalServer.LocalServer
      yield* server.setFaults({
        script: [LocalServer.Fault.status(307, { headers: { location: "/api/v1/chat" }, body: "" })]
      })
      const exit = yield* Effect.exit(Effect.provide(create(), clientLayer(server.url, fetch.layer)))
      expect(Exit.isFailure(exit) && outcomeOf(exit).label).toBe("ApiError(307)")
      expect((yield* server.requests).length).toBe(1)
    }).pipe(Effect.provide(LocalServer.layer())))
})
