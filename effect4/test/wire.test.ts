/**
 * What `ChatService.create` puts on the wire, read back from the requests the mock transport
 * recorded. The cases and what each request must show are in test/shared/createRequests.ts, run by
 * both editions.
 */
import * as Fs from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { queryOf } from "../src/testing.js"
import { createRequests, requestSeen } from "../../test/shared/createRequests.js"
import { chatLayer, create, ok, onlyRequest } from "./fixtures/calls.js"

/** The version in package.json, read from the file so that a stale constant cannot agree with itself. */
const packageVersion: unknown = JSON.parse(Fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")).version

for (const { cases, title } of createRequests(String(packageVersion))) {
  describe(title, () => {
    for (const { client = {}, expected, name, params } of cases) {
      it.effect(name, () =>
        Effect.gen(function*() {
          yield* create(params)
          const request = yield* onlyRequest
          assert.deepStrictEqual(requestSeen(request, expected), { ...expected })
          // The query as the testing module reads it for a user's own tests.
          if (expected.query !== undefined) assert.deepStrictEqual(queryOf(request), expected.query)
        }).pipe(Effect.provide(chatLayer([ok], client))))
    }
  })
}
