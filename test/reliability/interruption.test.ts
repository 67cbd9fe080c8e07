/**
 * Stopping a call early (test/shared/reliability/interruption.ts, shared with the Effect 4 edition),
 * over both transports against a real socket: interrupting the calling fiber mid-request, mid-body,
 * mid-stream or mid-backoff, and a consumer that takes fewer events than the turn has
 * (`Stream.take`). Mid-request the server sees the connection close at once; mid-backoff the wait
 * ends at once; either way no further request reaches the server.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { cases, interruptionProblems } from "../shared/reliability/interruption.js"
import { handleCounts, resourceMark, settled, trackResources, unhandled } from "../shared/reliability/resources.js"
import { record } from "../shared/reliability/rows.js"
import { warmUp } from "../shared/reliability/runner.js"
import { edition } from "./adapter.js"

trackResources()

// Each case waits a second to see that nothing more is sent: they run side by side, each against a
// server of its own; what the process holds is checked once all of them are done.
let mark = 0
let handlesBefore = handleCounts()
beforeAll(async () => {
  await warmUp(edition)
  mark = resourceMark()
  handlesBefore = handleCounts()
})

describe.concurrent("stopping a call early", () => {
  edition.transports.forEach((transport, t) => {
    cases.forEach((c, order) => {
      const how = c.stop === "interrupt" ? "interrupted" : `stopped by Stream.take(…, ${c.stop.take})`
      it(`over ${transport.label}, ${c.operation} ${how}, ${c.name}: the connection closes at once and nothing more is sent`, async () => {
        const { problems, row } = await interruptionProblems(edition, c, transport.name, t * cases.length + order)
        record(row)
        expect(problems).toEqual([])
      })
    })
  })
})

describe("after the interruptions", () => {
  it("no socket, server or timer of theirs is left in the process", async () => {
    const after = await settled(mark, handlesBefore)
    expect(after.counts.sockets).toBeLessThanOrEqual(handlesBefore.sockets)
    expect(after.counts.servers).toBeLessThanOrEqual(handlesBefore.servers)
    expect(after.left, "timers or sockets left behind").toEqual([])
  })
})

afterAll(() => {
  expect(unhandled).toEqual([])
})
