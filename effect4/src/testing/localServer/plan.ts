/**
 * A fault plan being played (`core/localServer/plan.ts` says what a plan is): what is left of its
 * script, and the random draw's generator.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import * as Ref from "effect/Ref"
import { aimedAt, type Fault } from "../../core/localServer/faults.js"
import { type FaultPlan, takeScripted } from "../../core/localServer/plan.js"
import type { Aim, Route } from "../../core/localServer/routes.js"

/** A plan being played: what is left of the script, and the random draw's generator. */
export interface PlanState {
  readonly script: ReadonlyArray<Fault>
  readonly route?: Aim | ReadonlyArray<Aim>
  readonly random?: { readonly rate: number; readonly fault: Fault; readonly rng: Random.Random | undefined }
}

/**
 * A plan, not yet played. A seeded plan keeps one generator for all its draws: the one
 * `Random.withSeed` provides, taken out of it.
 */
export const planState = (plan: FaultPlan | undefined): Effect.Effect<PlanState> =>
  Effect.gen(function*() {
    const random = plan?.random
    const rng = random?.seed === undefined ? undefined : yield* Random.withSeed(Random.Random, random.seed)
    return {
      script: plan?.script ?? [],
      ...(plan?.route === undefined ? {} : { route: plan.route }),
      ...(random === undefined ? {} : { random: { rate: random.rate, fault: random.fault, rng } })
    }
  })

/** The fault the request meets, if any, consuming it from the script. */
export const nextFault = (
  plan: Ref.Ref<PlanState>,
  route: Route,
  sessionId: string | undefined
): Effect.Effect<Fault | undefined> =>
  Effect.gen(function*() {
    const scripted = yield* Ref.modify(plan, (state): [Fault | undefined, PlanState] => {
      const taken = takeScripted(state.script, state.route, route, sessionId)
      return taken === undefined ? [undefined, state] : [taken.fault, { ...state, script: taken.rest }]
    })
    if (scripted !== undefined) return scripted
    const { random, route: planRoute } = yield* Ref.get(plan)
    if (random === undefined || !aimedAt(random.fault, planRoute, route, sessionId)) return undefined
    const rng = random.rng
    const draw = rng === undefined ? yield* Random.next : rng.nextDoubleUnsafe()
    return draw < random.rate ? random.fault : undefined
  })
