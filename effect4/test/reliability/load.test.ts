/**
 * Load, CI-sized, on the Effect 4 edition: the same runs and the same checks as the Effect 3
 * edition's (test/shared/reliability/load.ts). A clean run over undici: every create succeeds at its
 * first attempt, connections pooled, heap growth bounded; 10 % of answers 503 over fetch: only the
 * documented outcomes, every attempt at the server, no session twice.
 */
import { afterAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { CALLS, checkClean, checkFaulty, CONCURRENCY, FAULT_RATE, SEED } from "../../../test/shared/reliability/load.js"
import { unhandled } from "../../../test/shared/reliability/resources.js"
import { fetch, undici } from "./adapter.js"
import { runLoad } from "./load.js"

describe("load", () => {
  it.live(`${CALLS} creates at concurrency ${CONCURRENCY} over ${undici.label}: all succeed, one request and one session each`, () =>
    Effect.map(runLoad({ transport: undici, calls: CALLS, concurrency: CONCURRENCY, faultRate: 0 }), checkClean))

  it.live(`${CALLS} creates with 10 % of answers 503 over ${fetch.label}: only the documented outcomes`, () =>
    Effect.map(
      runLoad({ transport: fetch, calls: CALLS, concurrency: CONCURRENCY, faultRate: FAULT_RATE, seed: SEED }),
      checkFaulty
    ))
})

afterAll(() => {
  expect(unhandled).toEqual([])
})
