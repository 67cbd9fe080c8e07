/**
 * Which LlamaCloud session holds which conversation. Effect AI 0.37 hands a model the whole
 * conversation on every turn and has no previous-response id, while a LlamaCloud session keeps its
 * history on the server and takes one new message per turn. So the model remembers, for each
 * session, the conversation it holds (as `turnRequest.conversationKey` writes it): a prompt whose
 * earlier messages are exactly that conversation continues that session, sending only the new
 * message.
 *
 * One entry per session, replaced as the session's conversation grows; a key two sessions share
 * (two conversations that asked and were answered word for word alike) names neither, so a turn is
 * never sent to another conversation's session.
 *
 * @since 0.3.0
 */
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"

/** What a conversation key names: one session, or several (then none may be continued). */
export type Holder =
  | { readonly _tag: "Session"; readonly sessionId: string }
  | { readonly _tag: "Ambiguous" }

/** The conversation → session table of one model. */
export interface Conversations {
  /** The session holding exactly this conversation. */
  readonly find: (key: string) => Effect.Effect<Option.Option<Holder>>
  /** The session now holds this conversation (its previous one is forgotten). */
  readonly record: (sessionId: string, key: string) => Effect.Effect<void>
}

interface Table {
  readonly byKey: HashMap.HashMap<string, Holder>
  readonly bySession: HashMap.HashMap<string, string>
}

/** An empty table. */
export const make: Effect.Effect<Conversations> = Effect.map(
  Ref.make<Table>({ byKey: HashMap.empty(), bySession: HashMap.empty() }),
  (table) => ({
    find: (key) => Effect.map(Ref.get(table), (held) => HashMap.get(held.byKey, key)),
    record: (sessionId, key) =>
      Ref.update(table, (held) => {
        const previous = HashMap.get(held.bySession, sessionId)
        const byKey = Option.match(previous, {
          onNone: () => held.byKey,
          onSome: (old) =>
            Option.match(HashMap.get(held.byKey, old), {
              onNone: () => held.byKey,
              onSome: (holder) =>
                holder._tag === "Session" && holder.sessionId === sessionId ? HashMap.remove(held.byKey, old) : held.byKey
            })
        })
        const holder: Holder = Option.match(HashMap.get(byKey, key), {
          onNone: () => ({ _tag: "Session", sessionId }),
          onSome: (other) => other._tag === "Session" && other.sessionId === sessionId ? other : { _tag: "Ambiguous" }
        })
        return { byKey: HashMap.set(byKey, key, holder), bySession: HashMap.set(held.bySession, sessionId, key) }
      })
  })
)
