/**
 * The fault plan: which fault the next request meets. The script is played in order, each fault
 * going to the first request it is aimed at; once no scripted fault fits, `random` faults a share
 * of the requests it is aimed at.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import * as Ref from "effect/Ref"
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

/** A plan being played: what is left of the script, and the random draw's generator. */
export interface PlanState {
  readonly script: ReadonlyArray<Fault>
  readonly route?: Aim | ReadonlyArray<Aim>
  readonly random?: { readonly rate: number; readonly fault: Fault; readonly rng: Random.Random | undefined }
}

/** A plan, not yet played. */
export const planState = (plan: FaultPlan | undefined): PlanState => ({
  script: plan?.script ?? [],
  ...(plan?.route === undefined ? {} : { route: plan.route }),
  ...(plan?.random === undefined ? {} : {
    random: {
      rate: plan.random.rate,
      fault: plan.random.fault,
      rng: plan.random.seed === undefined ? undefined : Random.make(plan.random.seed)
    }
  })
})

/** The fault the request meets, if any, consuming it from the script. */
export const nextFault = (
  plan: Ref.Ref<PlanState>,
  route: Route,
  sessionId: string | undefined
): Effect.Effect<Fault | undefined> =>
  Effect.gen(function*() {
    const scripted = yield* Ref.modify(plan, (state): [Fault | undefined, PlanState] => {
      const at = state.script.findIndex((fault) => aimedAt(fault, state.route, route, sessionId))
      return at === -1 ?
        [undefined, state] :
        [state.script[at], { ...state, script: [...state.script.slice(0, at), ...state.script.slice(at + 1)] }]
    })
    if (scripted !== undefined) return scripted
    const { random, route: planRoute } = yield* Ref.get(plan)
    if (random === undefined || !aimedAt(random.fault, planRoute, route, sessionId)) return undefined
    const draw = random.rng === undefined ? yield* Random.next : yield* random.rng.next
    return draw < random.rate ? random.fault : undefined
  })
