/**
 * What the local server records for a test to inspect: the requests it received and the sessions
 * it created.
 *
 * @since 0.2.0
 */
import type { SharedAccess } from "../chatModel/wire.js"

/**
 * One request as the server received it.
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordedRequest {
  /** The `x-request-id` the server answered with. */
  readonly requestId: string
  readonly method: string
  /** The path without the query string, e.g. `/api/v1/chat`. */
  readonly path: string
  /** Query parameters; when a name repeats, the last value wins (as FastAPI reads it). */
  readonly query: Readonly<Record<string, string>>
  /** Header names in lower case; `authorization` is kept as sent: this is a test double. */
  readonly headers: Readonly<Record<string, string>>
  /** The request body as text (`""` when there was none). */
  readonly body: string
  /**
   * When the body had arrived, in milliseconds since the epoch by Effect's `Clock`: what a test
   * counts calls per window by.
   *
   * @since 0.3.0
   */
  readonly receivedAt: number
}

/**
 * A session the server created, as it was created (deleting it later does not remove it here).
 *
 * @since 0.1.0
 * @category models
 */
export interface CreatedSession {
  /** `ses-` followed by 24 lower-case hex digits. */
  readonly sessionId: string
  /** The request that created it. */
  readonly requestId: string
  /** As sent on the wire: UTC, no zone, microseconds (`2026-04-22T12:34:41.342245`). */
  readonly lastUpdatedAt: string
  readonly indexIds: ReadonlyArray<string> | null
  readonly sharedAccess?: SharedAccess
  readonly organizationId?: string
  readonly projectId?: string
}
