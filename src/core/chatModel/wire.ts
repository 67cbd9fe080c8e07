/**
 * The chat resource's JSON as LlamaCloud sends it (snake_case, nulls spelled out): what the test
 * doubles store, answer and stream. Types only; the model in `../ChatModel.ts` re-exports them.
 *
 * @since 0.2.0
 */

/**
 * Who may read a session besides its owner.
 *
 * @since 0.1.0
 * @category wire
 */
export type SharedAccess = "query" | "read_only"

/**
 * Totals of a session's turns so far, as `job_metadata` carries them; `null` until the first turn ends.
 *
 * @since 0.2.0
 * @category wire
 */
export interface WireJobMetadata {
  readonly duration_ms: number
  readonly error: string | null
  readonly export_config_ids: ReadonlyArray<string> | null
  readonly is_error: boolean
  readonly total_input_tokens: number
  readonly total_output_tokens: number
  readonly turns: number
}

/**
 * A session as create, summary and list return it.
 *
 * @since 0.2.0
 * @category wire
 */
export interface WireSession {
  readonly session_id: string
  /** UTC, no zone, microseconds: `2026-04-22T12:34:41.342245`. */
  readonly last_updated_at: string
  readonly generated_title: string | null
  readonly index_ids: ReadonlyArray<string> | null
  readonly job_metadata: WireJobMetadata | null
  /** Sent only when the session was created with it. */
  readonly shared_access?: SharedAccess
}

/**
 * A session with its history, as retrieve returns it.
 *
 * @since 0.2.0
 * @category wire
 */
export interface WireSessionDetail extends WireSession {
  readonly events: ReadonlyArray<WireEvent>
}

/**
 * One page of the list, newest first; `next_page_token` is absent on the last page.
 *
 * @since 0.2.0
 * @category wire
 */
export interface WirePage {
  readonly items: ReadonlyArray<WireSession>
  readonly next_page_token?: string
}

/**
 * What a turn used, on its `stop` event.
 *
 * @since 0.2.0
 * @category wire
 */
export interface WireUsage {
  readonly duration_ms: number
  readonly total_input_tokens: number
  readonly total_output_tokens: number
  readonly turns: number
}

/**
 * An image a tool result refers to.
 *
 * @since 0.2.0
 * @category wire
 */
export interface WireImageAttachment {
  readonly attachment_name: string
  readonly source_id: string
}

/**
 * One event of a conversation, told apart by `type`.
 *
 * @since 0.2.0
 * @category wire
 */
export type WireEvent =
  | { readonly type: "user_input"; readonly content: string }
  | { readonly type: "thinking_delta"; readonly content: string }
  | { readonly type: "thinking"; readonly content: string }
  | { readonly type: "text_delta"; readonly content: string }
  | { readonly type: "text"; readonly content: string }
  | {
    readonly type: "tool_call"
    readonly call_id: string
    readonly name: string
    readonly arguments: Readonly<Record<string, unknown>>
  }
  | {
    readonly type: "tool_result"
    readonly call_id: string
    readonly name: string
    readonly result: unknown
    readonly image_attachment: WireImageAttachment | null
  }
  | {
    readonly type: "stop"
    readonly error: string | null
    readonly is_error: boolean
    readonly usage: WireUsage
    readonly skipped_index_ids: ReadonlyArray<string>
  }

/**
 * One entry of a FastAPI 422 `detail` list.
 *
 * @since 0.2.0
 * @category wire
 */
export interface WireIssue {
  readonly loc: ReadonlyArray<string | number>
  readonly msg: string
  readonly type: string
  readonly input?: unknown
}
