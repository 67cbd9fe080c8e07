/**
 * The API key out of every text that may quote it back, read from its `Redacted`; the scrubbing
 * itself is in `core/redact.ts`, shared with the Effect 4 edition.
 */
import * as Redacted from "effect/Redacted"
import { type Scrub, scrubKey } from "../core/redact.js"

export { detach, type Scrub, truncate } from "../core/redact.js"

export const scrubber = (apiKey: Redacted.Redacted<string>): Scrub => scrubKey(Redacted.value(apiKey))
