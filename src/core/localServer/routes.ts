/**
 * The chat resource's routes, read from the table of operations, and how a request's method and path
 * find one. Hand-matched rather than routed by `HttpRouter`: a session id is any percent-encoded
 * segment, and a wrong method must answer 405 with `allow`, both simpler to say here than to coax
 * out of a router.
 *
 * @since 0.2.0
 */
import { routeNames, type RouteName, routes as operations } from "../operations.js"

/**
 * The chat resource's requests as faults name them: by the operation that sends them (`list` also
 * serves `listPage`, `sendMessage` also serves `ask`).
 *
 * @since 0.2.0
 * @category routes
 */
export type Route = RouteName

/**
 * Every route, in the order of the operations.
 *
 * @since 0.2.0
 * @category routes
 */
export const routes: ReadonlyArray<Route> = routeNames

/**
 * The names routes had before they took their operations' names: `summary` is `getSummary`,
 * `stream` is `sendMessage`. Faults and plans still accept them.
 *
 * @deprecated Since 0.3.0: name routes as their operations (`getSummary`, `sendMessage`).
 * @since 0.3.0
 * @category routes
 */
export type FormerRoute = "summary" | "stream"

/**
 * What a fault or a plan may be aimed at.
 *
 * @since 0.3.0
 * @category routes
 */
export type Aim = Route | FormerRoute

const former: Readonly<Record<FormerRoute, Route>> = { summary: "getSummary", stream: "sendMessage" }

const isFormer = (name: string): name is FormerRoute => name === "summary" || name === "stream"

/** The route an aim means. */
export const canonical = (aim: Aim): Route => isFormer(aim) ? former[aim] : aim

/** The route a name means, former names included; `undefined` for a name of no route. */
export const routeNamed = (name: string): Route | undefined =>
  isFormer(name) ? former[name] : routes.find((route) => route === name)

/** What a method and path resolve to. */
export type Match =
  | { readonly _tag: "Route"; readonly route: Route; readonly sessionId?: string }
  | { readonly _tag: "MethodNotAllowed"; readonly allow: string }
  | { readonly _tag: "NotFound" }

/** `allow` lists methods in this order, whatever the order of the operations. */
const methodOrder = ["GET", "POST", "PUT", "PATCH", "DELETE"]

/** Each route template's segments, with the route each method reaches there. */
const templates: ReadonlyArray<{ readonly segments: ReadonlyArray<string>; readonly methods: ReadonlyMap<string, Route> }> =
  Array.from(
    routes.reduce((byTemplate, route) => {
      const { method, route: template } = operations[route]
      return byTemplate.set(template, new Map([...(byTemplate.get(template) ?? []), [method, route]]))
    }, new Map<string, ReadonlyMap<string, Route>>()),
    ([template, methods]) => ({ segments: template.split("/"), methods })
  )

const decodeSegment = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

/** The session id of `parts` when they fit the template (`""` when it has none); `undefined` otherwise. */
const fit = (template: ReadonlyArray<string>, parts: ReadonlyArray<string>): string | undefined => {
  if (template.length !== parts.length) return undefined
  let sessionId = ""
  for (let i = 0; i < template.length; i++) {
    const want = template[i]
    const part = parts[i] ?? ""
    if (want === "{session_id}") {
      const id = decodeSegment(part)
      if (id === undefined || id === "") return undefined
      sessionId = id
    } else if (want !== part) return undefined
  }
  return sessionId
}

/** Finds the route of a request from its method and path (without the query string). */
export const match = (method: string, path: string): Match => {
  const parts = path.split("/")
  for (const { methods, segments } of templates) {
    const sessionId = fit(segments, parts)
    if (sessionId === undefined) continue
    const route = methods.get(method)
    if (route === undefined) {
      const allow = methodOrder.filter((known) => methods.has(known))
      return { _tag: "MethodNotAllowed", allow: allow.join(", ") }
    }
    return sessionId === "" ? { _tag: "Route", route } : { _tag: "Route", route, sessionId }
  }
  return { _tag: "NotFound" }
}
