/**
 * The fault plan: which fault the next request meets. The script is played in order, each fault
 * going to the first request it is aimed at; once no scripted fault fits, `random` faults a share
 * of the requests it is aimed at (each edition draws with its own Effect's `Random`).
 */
import { aimedAt, type Fault } from "./faults.js"
import type { Aim, Route } from "./routes.js"

/**
 * What the server does wrong, and when. The `script` is consumed one fault per request, in order,
 * each fault by the first request it is aimed at (its `route` and `sessionId`, else the plan's
 * `route`, else any route; stream faults: turns); once no scripted fault fits, `random` applies its
 * fault to a `rate` fraction of the requests it is aimed at (reproducibly when `seed` is given);
 * otherwise the server behaves. A wrong path or method (404, 405) meets no fault.
 *
 * @since 0.1.0
 * @category faults
 */
export interface FaultPlan {
  readonly script?: ReadonlyArray<Fault>
  readonly random?: {
    /** Between 0 and 1. */
    readonly rate: number
    readonly fault: Fault
    readonly seed?: number
  }
  /**
   * The routes the plan's faults are aimed at when a fault names none. Default: every route.
   *
   * @since 0.2.0
   */
  readonly route?: Aim | ReadonlyArray<Aim>
}

/**
 * The first fault of `script` aimed at a request on `route` (and session `sessionId`), with the
 * script left after it; `undefined` when none is.
 */
export const takeScripted = (
  script: ReadonlyArray<Fault>,
  planRoute: Aim | ReadonlyArray<Aim> | undefined,
  route: Route,
  sessionId: string | undefined
): { readonly fault: Fault; readonly rest: ReadonlyArray<Fault> } | undefined => {
  const at = script.findIndex((fault) => aimedAt(fault, planRoute, route, sessionId))
  const fault = script[at]
  return fault === undefined ? undefined : { fault, rest: [...script.slice(0, at), ...script.slice(at + 1)] }
}
