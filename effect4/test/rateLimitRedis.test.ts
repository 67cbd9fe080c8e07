/**
 * A fleet sharing one rate limit through a real `redis-server`: three replica processes
 * (fixtures/rateLimitReplica.ts) call the local server, which records when each call arrived. The
 * cases and the replica processes are test/shared/fleet.ts, run by both editions.
 * Skipped, saying so, where `redis-server` is not installed (`.ci/run` installs it).
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import * as LocalServer from "../src/testing/LocalServer.js"
import { redisServer, redisServerInstalled } from "./fixtures/redisServer.js"
import { fleetCases, REPLICAS, runFleet } from "../../test/shared/fleet.js"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")

/** The creates the server received. */
const creates = (server: LocalServer.LocalServer["Service"]) =>
  Effect.map(server.requests, (all) => all.filter((r) => r.method === "POST" && r.path === "/api/v1/chat"))

describe.skipIf(!redisServerInstalled)("a rate limit shared through Redis by three processes", () => {
  for (const c of fleetCases) {
    it.live(c.name, () =>
      Effect.gen(function*() {
        const redis = yield* redisServer
        const server = yield* LocalServer.make(c.faults === undefined ? {} : { faults: c.faults })
        const killRedisAfter = c.killRedisAfter
        const whileRunning = killRedisAfter === undefined ? Effect.void : Effect.gen(function*() {
          while ((yield* creates(server)).length < killRedisAfter) yield* Effect.sleep("20 millis")
          yield* redis.kill
        })
        const outcomes = yield* Effect.promise(() =>
          runFleet(root, REPLICAS, { ...c.settings, REDIS_PORT: redis.port, SERVER_URL: server.url }, () => Effect.runPromise(whileRunning))
        )
        c.check({
          outcomes,
          creates: (yield* creates(server)).map((r) => r.receivedAt),
          sessions: (yield* server.sessions).length
        })
      }), { timeout: 90_000 })
  }
})

describe.skipIf(redisServerInstalled)("a rate limit shared through Redis", () => {
  it("is not tested here: redis-server is not installed (apt-get install -y redis-server; .ci/run does)", () => {
    assert.isFalse(redisServerInstalled)
  })
})
