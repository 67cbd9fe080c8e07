/**
 * Which LlamaCloud session holds a conversation. A session keeps its history on the server and
 * takes one new message per turn, so a prompt that continues a conversation must name the session
 * that holds it. Two sources, in order:
 * - Effect AI's previous-response id: a program that provides a `ResponseIdTracker` gets, on each
 *   turn whose earlier messages it sent, the response id of the answer to them, which is the session id
 *   (the model's response metadata `id`);
 * - the answer just before the new message: every part of it a `Chat` keeps names its session in
 *   its metadata (`llamacloud.sessionId`), and a `Chat` exported and restored keeps those too.
 * A conversation neither names (earlier turns written by the program, or by another model) cannot
 * be continued: its turns are not in any session.
 *
 * @since 0.3.0
 */
import * as Option from "effect/Option"
import type { TurnRequest } from "./turnRequest.js"

/**
 * The session a turn continues, none when it opens a conversation, or the refusal when the
 * conversation is in no session this model can name.
 */
export type Holder =
  | { readonly _tag: "New" }
  | { readonly _tag: "Session"; readonly sessionId: string }
  | { readonly _tag: "Unknown" }

/** Where the turn goes, from the request and the previous-response id Effect AI passed, if any. */
export const holderOf = (request: TurnRequest, previousResponseId: string | undefined): Holder => {
  if (!request.continues) return { _tag: "New" }
  if (previousResponseId !== undefined) return { _tag: "Session", sessionId: previousResponseId }
  return Option.match(request.answeredBy, {
    onNone: () => ({ _tag: "Unknown" }),
    onSome: (sessionId) => ({ _tag: "Session", sessionId })
  })
}
