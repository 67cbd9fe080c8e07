/**
 * The suite's own detectors, shown to detect: a key in a log line or a span, a timer left running,
 * a client that walks away from a stalled body, unread bodies holding connections, a defect. If
 * these did not fail, a green matrix would prove nothing. The checks are the Effect 3 edition's
 * (test/shared/reliability/detectors.ts); what is here renders this edition's logs, spans and
 * errors, reads its exits, and starts its local server, under Node 22.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import { ApiError } from "../../src/LlamaCloudError.js"
import {
  classificationProblems,
  leaky,
  missedLeaks,
  socketProblems,
  timerProblems,
  unreadBodiesProblems,
  walkAwayProblems
} from "../../../test/shared/reliability/detectors.js"
import { trackResources } from "../../../test/shared/reliability/resources.js"
import type { MatrixServer } from "../../../test/shared/reliability/runner.js"
import { edition, observe, plainOutcome, renderings } from "./adapter.js"

trackResources()

/** `check` against a local server of this edition's, closed after. */
const withServer = (check: (server: MatrixServer) => Promise<ReadonlyArray<string>>) =>
  Effect.promise(async () => {
    const server = await edition.startServer({})
    try {
      return await check(server)
    } finally {
      await server.close()
    }
  })

describe("the suite's detectors", () => {
  it.live("find the key in a log line, a span attribute and every rendering of an error", () =>
    Effect.gen(function*() {
      const observed = observe()
      yield* Effect.logTrace(leaky.logLine).pipe(
        Effect.withSpan(leaky.spanName, { attributes: leaky.spanAttributes }),
        Effect.provide(observed.layer)
      )
      const error = new ApiError({ status: 400, detail: leaky.errorDetail, requestId: Option.none() })
      expect(missedLeaks(renderings(Exit.fail(error), observed))).toEqual([])
    }))

  it.live("see a timer left running, and nothing once it is cleared", () =>
    Effect.map(Effect.promise(timerProblems), (problems) => expect(problems).toEqual([])))

  it.live("see a socket left open, and nothing once it is closed", () =>
    Effect.map(withServer(socketProblems), (problems) => expect(problems).toEqual([])))

  it.live("call a defect or an interruption a bug, not an outcome", () =>
    Effect.sync(() =>
      expect(classificationProblems({
        defect: plainOutcome(Exit.die(new Error("boom"))),
        interruption: plainOutcome(Exit.interrupt()),
        foreignFailure: plainOutcome(Exit.fail(new Error("not ours"))),
        apiError: plainOutcome(Exit.fail(new ApiError({ status: 409, detail: "", requestId: Option.none() })))
      })).toEqual([])
    ))

  it.live("catch a client that walks away from a stalled body without closing it", () =>
    Effect.map(withServer(walkAwayProblems), (problems) => expect(problems).toEqual([])))

  it.live("count one connection per unread body", () =>
    Effect.map(withServer(unreadBodiesProblems), (problems) => expect(problems).toEqual([])))
})
