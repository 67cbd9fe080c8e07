/**
 * What LlamaCloud answers each route, as data: the model's verdict, once the key has passed
 * `core/localServer/authentication.ts`. Pure: a handler takes the model's state and returns the
 * answer with the state after it, so the server can apply it atomically, or not at all when a fault
 * says the request never got through. Shared by both editions: it reads the model's verdicts
 * directly, not an edition's `Either` or `Result` of them.
 */
import type { Verdict } from "../chatModel/problems.js"
import * as Sessions from "../chatModel/sessions.js"
import type { State, Step } from "../chatModel/state.js"
import * as Turns from "../chatModel/turns.js"
import { parseBody } from "../chatModel/validate.js"
import { type EventFormat, streamHeaders, wholeBody } from "./eventStream.js"
import type { CreatedSession } from "./records.js"
import { jsonReply, noContent, problemReply, type Reply } from "./replies.js"
import type { Route } from "./routes.js"

/** A routed request, with what the server decided before looking at it. */
export interface Incoming {
  readonly requestId: string
  readonly route: Route
  readonly sessionId: string | undefined
  readonly query: Readonly<Record<string, string>>
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  /** The time of the request, as a wire timestamp. */
  readonly now: string
  /** The id a create gives its session. */
  readonly newSessionId: string
}

/** The answer, and what it did. */
export interface Outcome {
  readonly reply: Reply
  /** A create's new session. */
  readonly created?: CreatedSession
  /** A turn that started: its events are to be streamed, then recorded. */
  readonly turn?: Turns.Turn
  /** A success body holding a `generated_title`, which a `LargeBody` fault may grow. */
  readonly growable?: object
}

type Handled = readonly [Outcome, State]

const answered = <A>(state: State, verdict: Verdict<A>, onSuccess: (value: A) => Outcome): Handled => [
  verdict.ok ? onSuccess(verdict.value) : { reply: problemReply(verdict.problem) },
  state
]

const stepped = <A>(step: Step<A>, onSuccess: (value: A) => Outcome): Handled => {
  const [result, next] = step
  return answered(next, result, onSuccess)
}

/** What the real server answers `incoming`, and the model after it. */
export const handle = (state: State, incoming: Incoming, format: EventFormat): Handled => {
  const { query, now } = incoming
  const session = { sessionId: incoming.sessionId ?? "", query }
  switch (incoming.route) {
    case "create":
      return stepped(
        Sessions.create(state, { query, body: parseBody(incoming.body), now, sessionId: incoming.newSessionId }),
        (created) => ({
          reply: jsonReply(200, created),
          growable: created,
          created: {
            sessionId: created.session_id,
            requestId: incoming.requestId,
            lastUpdatedAt: created.last_updated_at,
            indexIds: created.index_ids,
            ...(created.shared_access === undefined ? {} : { sharedAccess: created.shared_access }),
            ...(query["organization_id"] === undefined ? {} : { organizationId: query["organization_id"] }),
            ...(query["project_id"] === undefined ? {} : { projectId: query["project_id"] })
          }
        })
      )
    case "list":
      return answered(state, Sessions.list(state, { query }), (page) => ({ reply: jsonReply(200, page) }))
    case "retrieve":
      return answered(state, Sessions.retrieve(state, session), (found) => ({ reply: jsonReply(200, found), growable: found }))
    case "getSummary":
      return answered(state, Sessions.getSummary(state, session), (found) => ({ reply: jsonReply(200, found), growable: found }))
    case "delete":
      return stepped(Sessions.deleteSession(state, session), () => ({ reply: noContent }))
    case "sendMessage":
      return stepped(
        Turns.startTurn(state, { ...session, body: parseBody(incoming.body), now }),
        (turn) => ({ reply: { status: 200, headers: streamHeaders, body: wholeBody(turn.events, format) }, turn })
      )
  }
}
