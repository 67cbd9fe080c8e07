/**
 * How the mock transport picks a reply for a request: the n-th entry of a script, or the route its
 * method and path match. Generic in the reply, which is each edition's own (a streamed reply holds
 * an Effect stream).
 *
 * @since 1.0.0
 */
import { show } from "../show.js"

/**
 * A request as the transport received it.
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordedRequest {
  readonly method: string
  /** The full URL, query included. */
  readonly url: string
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>
  /** The body as text; `""` when there is none. */
  readonly body: string
}

/**
 * What a route matched: the `:param` segments of its path (percent-decoded), and how many earlier
 * requests the same route matched.
 *
 * @since 0.2.0
 * @category models
 */
export interface RouteMatch {
  readonly params: Readonly<Record<string, string>>
  readonly index: number
}

/**
 * One route: `path` is matched segment by segment against the request's path (after the base
 * URL's path); a `:name` segment matches any one segment. `reply` is a reply, a script (the n-th
 * request on this route gets entry n, the last repeats), or a function.
 *
 * @since 1.0.0
 * @category models
 */
export interface Route<R> {
  readonly method: string
  readonly path: string
  readonly reply: R | ReadonlyArray<R> | ((request: RecordedRequest, match: RouteMatch) => R)
}

/** Entry `index` of a script, the last entry repeating; `undefined` for an empty script. */
export const scriptEntry = <R>(script: ReadonlyArray<R>, index: number): R | undefined =>
  script[Math.min(index, script.length - 1)]

/**
 * Answers by route: the first route whose method and path match the request answers it; any other
 * request gets `fallback(request, path)`. `baseUrl`'s path (a URL or a path), when given, is taken
 * off the request's path before matching.
 */
export const router = <R>(
  table: ReadonlyArray<Route<R>>,
  options: {
    readonly fallback: (request: RecordedRequest, path: string) => R
    readonly emptyScript: R
    readonly baseUrl?: string | undefined
  }
): (request: RecordedRequest, index: number, earlier: ReadonlyArray<RecordedRequest>) => R => {
  const basePath = options.baseUrl === undefined ? "" : pathOf(options.baseUrl).replace(/\/+$/, "")
  const compiled = table.map((route) => ({ route, method: route.method.toUpperCase(), segments: route.path.split("/") }))
  const find = (request: RecordedRequest) => {
    const path = new URL(request.url).pathname
    if (!path.startsWith(basePath)) return undefined
    const segments = path.slice(basePath.length).split("/")
    for (const { method, route, segments: pattern } of compiled) {
      if (method !== request.method.toUpperCase()) continue
      const params = matchSegments(pattern, segments)
      if (params !== undefined) return { route, params }
    }
    return undefined
  }
  return (request, _, earlier) => {
    const found = find(request)
    if (found === undefined) return options.fallback(request, new URL(request.url).pathname)
    const index = earlier.filter((before) => find(before)?.route === found.route).length
    const reply = found.route.reply
    if (isChooser(reply)) return reply(request, { params: found.params, index })
    if (isScript(reply)) return scriptEntry(reply, index) ?? options.emptyScript
    return reply
  }
}

// A reply is a tagged object: a route's function or array is a chooser or a script.
const isChooser = <R>(reply: Route<R>["reply"]): reply is (request: RecordedRequest, match: RouteMatch) => R =>
  typeof reply === "function"

const isScript = <R>(reply: R | ReadonlyArray<R>): reply is ReadonlyArray<R> => Array.isArray(reply)

// A base URL or a bare path; text that is neither is taken as a path rather than thrown on.
const pathOf = (base: string): string =>
  URL.canParse(base, "http://mock.invalid") ? new URL(base, "http://mock.invalid").pathname : base

/** The `:param`s of `pattern` in `path`, or `undefined` when they do not match. */
const matchSegments = (
  pattern: ReadonlyArray<string>,
  path: ReadonlyArray<string>
): Record<string, string> | undefined => {
  if (pattern.length !== path.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i] ?? ""
    const got = path[i] ?? ""
    if (want.startsWith(":") && got !== "") params[want.slice(1)] = decodeSegment(got)
    else if (want !== got) return undefined
  }
  return params
}

// A malformed escape (`%zz`) is kept as sent rather than thrown.
const decodeSegment = (segment: string): string => {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/**
 * The query of a recorded request, as a plain record.
 *
 * @since 0.1.0
 * @category helpers
 */
export const queryOf = (request: RecordedRequest): Readonly<Record<string, string>> =>
  Object.fromEntries(new URL(request.url).searchParams)

const replyTags = ["Reply", "Stream", "Fail", "Hang"]

const isReply = (u: unknown): boolean =>
  typeof u === "object" && u !== null && "_tag" in u && replyTags.some((tag) => tag === u._tag)

/**
 * What is wrong with `MockTransport.layer`'s replies, as a sentence, or `undefined`: they must be a
 * script of replies made by `MockTransport`'s constructors, or a function choosing them.
 */
export const repliesProblem = (replies: unknown): string | undefined => {
  if (typeof replies === "function") return undefined
  if (Array.isArray(replies)) {
    const at = replies.findIndex((reply) => !isReply(reply))
    return at === -1 ? undefined :
      `MockTransport.layer's replies[${at}] must be a reply made by MockTransport.json, text, eventStream, fail or hang, got ${
        show(replies[at])
      }`
  }
  return `MockTransport.layer's replies must be an array of replies or a function of the request choosing one, got ${show(replies)}`
}
