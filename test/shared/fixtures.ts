/**
 * What both editions' tests share and no Effect is needed for: the client's test identity, and the
 * session answers the tests decode. Each edition's `test/fixtures/harness.ts` re-exports these.
 */
import { readFileSync } from "node:fs"

/** Distinctive, so that a leak anywhere is found by a plain substring search. */
export const API_KEY = "llx-SECRET-abc123"
export const BASE_URL = "https://api.test"
export const ORG_ID = "8a3c1f52-2d4e-4b6f-9a7c-1e2f3a4b5c6d"
export const PROJECT_ID = "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f"
export const OTHER_ORG_ID = "11111111-2222-4333-8444-555555555555"
export const OTHER_PROJECT_ID = "66666666-7777-4888-9999-aaaaaaaaaaaa"

/** The seed document's example Create Session response, verbatim. */
export const seedBody: string = readFileSync(new URL("./seed-create-session.json", import.meta.url), "utf8")

/** A minimal valid Create Session answer, with `fields` added or replaced. */
export const sessionJson = (fields: Record<string, unknown> = {}) => ({
  session_id: "ses-1",
  last_updated_at: "2026-04-22T12:34:41.342245",
  ...fields
})
