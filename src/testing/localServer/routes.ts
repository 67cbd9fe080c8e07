/**
 * The chat resource's routes, and how a request's method and path find one. Hand-matched rather than
 * routed by `HttpRouter`: a session id is any percent-encoded segment, and a wrong method must answer
 * 405 with `allow`, both simpler to say here than to coax out of a router.
 *
 * @since 0.2.0
 */

/**
 * The chat resource's operations, as faults name them.
 *
 * @since 0.2.0
 * @category routes
 */
export type Route = "create" | "list" | "retrieve" | "summary" | "delete" | "stream"

/**
 * Every route.
 *
 * @since 0.2.0
 * @category routes
 */
export const routes: ReadonlyArray<Route> = ["create", "list", "retrieve", "summary", "delete", "stream"]

/** What a method and path resolve to. */
export type Match =
  | { readonly _tag: "Route"; readonly route: Route; readonly sessionId?: string }
  | { readonly _tag: "MethodNotAllowed"; readonly allow: string }
  | { readonly _tag: "NotFound" }

/** The base path of the resource. */
export const chatPath = "/api/v1/chat"

type Methods = Readonly<Record<string, Route>>

const collection: Methods = { GET: "list", POST: "create" }
const item: Methods = { GET: "retrieve", DELETE: "delete" }
const summary: Methods = { GET: "summary" }
const stream: Methods = { POST: "stream" }

const notFound: Match = { _tag: "NotFound" }

const pick = (methods: Methods, method: string, sessionId?: string): Match => {
  const route = methods[method]
  if (route === undefined) return { _tag: "MethodNotAllowed", allow: Object.keys(methods).join(", ") }
  return sessionId === undefined ? { _tag: "Route", route } : { _tag: "Route", route, sessionId }
}

const decodeSegment = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

/** Finds the route of a request from its method and path (without the query string). */
export const match = (method: string, path: string): Match => {
  if (path === chatPath) return pick(collection, method)
  if (!path.startsWith(`${chatPath}/`)) return notFound
  const [segment = "", ...rest] = path.slice(chatPath.length + 1).split("/")
  const sessionId = decodeSegment(segment)
  if (sessionId === undefined || sessionId === "") return notFound
  const tail = rest.join("/")
  switch (tail) {
    case "":
      return rest.length === 0 ? pick(item, method, sessionId) : notFound
    case "summary":
      return pick(summary, method, sessionId)
    case "messages/stream":
      return pick(stream, method, sessionId)
    default:
      return notFound
  }
}
