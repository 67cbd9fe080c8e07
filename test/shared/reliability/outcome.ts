/**
 * What a call ended in, as plain data: what each edition's reliability adapter reports after running
 * an operation, so that one set of checks (the fault tables, the hostile server's oracle) judges
 * both editions. Plain data: no Effect.
 */

/**
 * The facts of a `LlamaCloudError` the suites check, read from whichever edition raised it;
 * durations in milliseconds, an absent optional field as `null`.
 */
export interface ErrorFacts {
  readonly tag: string
  readonly message: string
  /** `detail`, or for a `ValidationError` its issues' messages joined with `; `; `""` where none. */
  readonly detail: string
  /** A `DecodeError`'s `problem`. */
  readonly problem?: string
  /** A `DecodeError`'s `bodyExcerpt`. */
  readonly bodyExcerpt?: string
  readonly retryAfterMs?: number | null
  /** A `NetworkError`'s `timeout`: the limit that ended the call. */
  readonly timeoutMs?: number | null
  /** A `TurnError`'s `error`. */
  readonly turnError?: string | null
  /** A `ValidationError`'s issues' paths. */
  readonly issuePaths?: ReadonlyArray<ReadonlyArray<string | number>>
}

/** What a call ended in, as one label: `success`, `ServerError(503)`, `NetworkError(AttemptTimeout)`… */
export type Outcome =
  | { readonly _tag: "Success"; readonly label: "success" }
  | { readonly _tag: "Failure"; readonly label: string; readonly error: ErrorFacts }
  /** Anything else — a defect, an interruption, several failures — is a bug; `pretty` is its cause printed. */
  | { readonly _tag: "Bug"; readonly label: string; readonly pretty: string }

/** The label of an error: its tag, with the reason or the status that tells one from another. */
export const labelOf = (
  error: { readonly _tag: string; readonly reason?: string; readonly status?: number | null }
): string => {
  switch (error._tag) {
    case "NetworkError":
      return `NetworkError(${error.reason})`
    case "ValidationError":
      return error.status === null || error.status === undefined ? "ValidationError" : `ValidationError(${error.status})`
    case "TurnError":
      return error._tag
    default:
      return `${error._tag}(${error.status})`
  }
}

/** A turn's event as the suites read it: its tag, and for an unknown event or a stop what tells them apart. */
export interface EventFacts {
  readonly _tag: string
  readonly type?: string
  readonly isError?: boolean
}

/** What a call handed its caller, kept even when it then failed. */
export interface Delivered {
  /** sendMessage: every event the stream emitted; ask: the reply's events. */
  readonly events: Array<EventFacts>
  /** list: one per session emitted; other operations but ask: their result, once they succeed (`void` for a delete). */
  readonly items: Array<"value" | "void">
  /** ask: its reply, once it succeeds. */
  reply?: { readonly text: string; readonly events: ReadonlyArray<EventFacts> }
}

/** Everything a call left to judge it by: its outcome, and every text the key could have leaked into. */
export interface CallReport {
  readonly outcome: Outcome
  /** The length of each failure's message. */
  readonly messageLengths: ReadonlyArray<number>
  /** Every place the key could surface, as text: the error however printed, the cause, each log line and span. */
  readonly texts: Readonly<Record<string, string>>
}
