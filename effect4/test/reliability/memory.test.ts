/**
 * The Effect 4 edition meets bodies far beyond the 16 MiB limit: the same cases and bounds as the
 * Effect 3 edition's test/reliability/memory.test.ts (test/shared/reliability/memory.ts), through
 * this edition's adapter, over a real socket.
 */
import { afterAll, describe, expect, it } from "@effect/vitest"
import { cases } from "../../../test/shared/reliability/memory.js"
import { unhandled } from "../../../test/shared/reliability/resources.js"
import { record } from "../../../test/shared/reliability/rows.js"
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
