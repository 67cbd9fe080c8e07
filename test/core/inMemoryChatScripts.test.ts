/**
 * `InMemoryChat`'s scripted failures and turns as plain queues, shared by both editions. Each
 * edition's test/InMemoryChat.test.ts checks them through the service; these check the queues.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Scripts from "../../src/core/inMemoryChat/scripts.js"
import { createMany, ok, problem, turnBody } from "./chatModel/fixtures.js"

describe("scripted failures", () => {
  it("meet one call by default, or as many as asked, and none for zero", () => {
    assert.deepStrictEqual(Scripts.scriptedFailure("boom", undefined), { error: "boom", operation: undefined, times: 1 })
    assert.deepStrictEqual(Scripts.scriptedFailure("boom", 2), { error: "boom", operation: undefined, times: 2 })
    assert.deepStrictEqual(Scripts.scriptedFailure("boom", { operation: "retrieve" }), { error: "boom", operation: "retrieve", times: 1 })
    assert.isUndefined(Scripts.scriptedFailure("boom", 0))
    assert.isUndefined(Scripts.scriptedFailure("boom", { times: -1 }))
  })

  it("are met in the order scripted, an aimed one only by its operation, each using up one of its times", () => {
    const onDelete: Scripts.ScriptedFailure<string, string> = { error: "on delete", operation: "delete", times: 1 }
    const queue = [onDelete, { error: "on any", operation: undefined, times: 2 }]
    const [first, afterFirst] = Scripts.takeFailure(queue, "create")
    assert.strictEqual(first, "on any")
    assert.deepStrictEqual(afterFirst, [onDelete, { error: "on any", operation: undefined, times: 1 }])
    const [second, afterSecond] = Scripts.takeFailure(afterFirst, "delete")
    assert.strictEqual(second, "on delete")
    const [third, afterThird] = Scripts.takeFailure(afterSecond, "delete")
    assert.strictEqual(third, "on any")
    assert.deepStrictEqual(Scripts.takeFailure(afterThird, "create"), [undefined, []])
  })
})

describe("scripted turns", () => {
  const { state, ids } = createMany(1)
  const request = { sessionId: ids[0]!, body: turnBody, now: "2026-04-22T12:00:05.000000" }
  const cut = { after: 2, error: "cut" }

  it("without a script, play the agent's answer, recorded, the session held", () => {
    const [started, next, scripts] = Scripts.startTurn(state, [], request)
    const value = ok(started)
    assert.deepStrictEqual(value.events, value.recorded?.events)
    assert.isUndefined(value.cut)
    assert.notStrictEqual(next, state)
    assert.deepStrictEqual(scripts, [])
  })

  it("with events, play them, recording nothing and leaving the session as it was, and use the script up", () => {
    const events = [{ type: "text", content: "scripted" }]
    const [started, next, scripts] = Scripts.startTurn(state, [{ events, failAfter: cut }, { events }], request)
    assert.deepStrictEqual(ok(started), { events, cut, recorded: undefined })
    assert.strictEqual(next, state)
    assert.deepStrictEqual(scripts, [{ events }])
  })

  it("with only a cut, break the agent's answer off where it says, recorded whole", () => {
    const [started, , scripts] = Scripts.startTurn(state, [{ failAfter: cut }], request)
    const value = ok(started)
    assert.deepStrictEqual(value.cut, cut)
    assert.deepStrictEqual(value.events, value.recorded?.events)
    assert.deepStrictEqual(scripts, [])
  })

  it("refused by the model, keep the script for the next turn", () => {
    const scripted = [{ events: [{ type: "text", content: "scripted" }] }]
    const [started, next, scripts] = Scripts.startTurn(state, scripted, { ...request, sessionId: "ses-missing" })
    assert.strictEqual(problem(started)._tag, "NotFound")
    assert.strictEqual(next, state)
    assert.strictEqual(scripts, scripted)
  })
})
