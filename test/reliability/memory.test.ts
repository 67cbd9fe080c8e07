/**
 * Bodies far beyond the 16 MiB limit, over a real socket (test/shared/reliability/memory.ts, shared
 * with the Effect 4 edition): the call fails with a clear DecodeError, and the heap grows by a
 * bounded amount whatever the body's size — nothing near the body itself. Declared lengths are
 * refused before reading; undeclared (chunked) bodies are counted as they stream and cut off at the
 * limit; an error kept after the call holds its excerpt, not the body.
 */
import { afterAll, describe, expect, it } from "@effect/vitest"
import { cases } from "../shared/reliability/memory.js"
import { unhandled } from "../shared/reliability/resources.js"
import { record } from "../shared/reliability/rows.js"
import { edition } from "./adapter.js"

for (const transport of edition.transports) {
  describe(`bodies beyond the limit over ${transport.label}`, () => {
    for (const c of cases.filter((c) => c.everyTransport)) {
      it(c.name, async () => {
        const { problems, row } = await c.run(edition, transport)
        if (row !== undefined) record(row)
        expect(problems).toEqual([])
      })
    }
  })
}

describe("a kept error, an error body beyond 64 KiB", () => {
  for (const c of cases.filter((c) => !c.everyTransport)) {
    it(c.name, async () => expect((await c.run(edition, edition.transports[0]!)).problems).toEqual([]))
  }
})

afterAll(() => {
  expect(unhandled).toEqual([])
})
