/**
 * Cursor pages as one lazy stream: a page is fetched only when the stream is pulled past the
 * previous one, and a server that repeats a token fails the stream instead of looping.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { DecodeError } from "../LlamaCloudError.js"

/** One page: its items, and the token of the next when there is one. */
export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly nextPageToken: Option.Option<string>
}

type State =
  | { readonly _tag: "Fetch"; readonly token: Option.Option<string> }
  | { readonly _tag: "Repeated"; readonly token: string }

/**
 * Every item of every page, from the first page on. Stops after a page without a next token or
 * without items; `repeated` is the error for a token the server already gave.
 */
export const paginate = <A, E>(
  fetch: (token: Option.Option<string>) => Effect.Effect<Page<A>, E>,
  repeated: (token: string) => E
): Stream.Stream<A, E> =>
  Stream.suspend(() => {
    const seen = new Set<string>()
    return Stream.paginate<State, A, E>({ _tag: "Fetch", token: Option.none() }, (state) => {
      if (state._tag === "Repeated") return Effect.fail(repeated(state.token))
      return Effect.map(fetch(state.token), (page): readonly [ReadonlyArray<A>, Option.Option<State>] => {
        if (page.items.length === 0 || Option.isNone(page.nextPageToken)) return [page.items, Option.none()]
        const token = page.nextPageToken.value
        if (seen.has(token)) return [page.items, Option.some({ _tag: "Repeated", token })]
        seen.add(token)
        return [page.items, Option.some({ _tag: "Fetch", token: Option.some(token) })]
      })
    })
  })

/**
 * The error of a list whose server hands back a page token it already gave: following it would loop.
 * `token` must already be scrubbed of the key.
 */
export const repeatedPageToken = (operation: string, token: string): DecodeError =>
  new DecodeError({
    operation,
    status: 200,
    problem: `the server handed back the page token ${
      JSON.stringify(token.slice(0, 100))
    } a second time: following it would list the same sessions forever`,
    bodyExcerpt: "",
    requestId: Option.none()
  })
