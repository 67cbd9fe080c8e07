// The smoke program every runtime runs against the Effect 4 edition: create a session, one streamed
// turn (a Stop must arrive), list (the session must be there), delete (and the session must be gone),
// against the local LlamaCloud whose URL it is given. Imports only the published entry points of the
// packed package; it also loads `effect-llamacloud/testing`, which must import nothing from Node.
// The same steps as ../../smoke/smoke.mjs, written for Effect 4.
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { ChatService, LlamaCloudClient } from "effect-llamacloud"
import * as Testing from "effect-llamacloud/testing"

export const API_KEY = "llx-ecosystem-smoke"

/**
 * The smoke as one Effect, given the server URL and the transport layer (an `HttpClient` layer).
 * Resolves with a short summary; fails with an Error saying which step broke.
 */
export const smoke = (baseUrl, transport) => {
  const program = Effect.gen(function*() {
    const chat = yield* ChatService
    const steps = []
    if (Testing.InMemoryChat === undefined || Testing.MockTransport === undefined) {
      return yield* Effect.fail(new Error("effect-llamacloud/testing: InMemoryChat or MockTransport missing"))
    }
    const session = yield* chat.create({ indexIds: ["idx-smoke"] })
    if (typeof session.sessionId !== "string" || session.sessionId === "") return yield* Effect.fail(new Error(`create: no session id`))
    steps.push("create")

    const events = yield* Stream.runCollect(chat.sendMessage(session.sessionId, { prompt: "Where do llamas live?", indexIds: ["idx-smoke"] }))
    const tags = events.map((event) => event._tag)
    if (tags.at(-1) !== "Stop") return yield* Effect.fail(new Error(`sendMessage: no Stop at the end (${tags.join(",")})`))
    steps.push(`turn(${events.length} events)`)

    const listed = yield* Stream.runCollect(chat.list())
    if (!listed.some((s) => s.sessionId === session.sessionId)) return yield* Effect.fail(new Error("list: the new session is missing"))
    steps.push("list")

    yield* chat.delete(session.sessionId)
    const after = yield* Stream.runCollect(chat.list())
    if (after.some((s) => s.sessionId === session.sessionId)) return yield* Effect.fail(new Error("delete: the session is still listed"))
    steps.push("delete")
    return steps.join(" ")
  })
  const layer = ChatService.layer.pipe(
    Layer.provide(LlamaCloudClient.layer({ apiKey: Redacted.make(API_KEY), baseUrl })),
    Layer.provide(transport)
  )
  // The layers are built in a scope of their own, released once the steps have ended, so that what is
  // reported is the steps' outcome: under Effect 4 a release that fails (undici's dispatcher on Bun,
  // which has no `destroy`) turns every failure of the scope it closes into a defect, the steps' typed
  // error included. A failed release is reported too, after the steps' error or as the failure.
  return Effect.gen(function*() {
    const scope = yield* Scope.make()
    const steps = yield* Layer.buildWithScope(layer, scope).pipe(
      Effect.flatMap((context) => Effect.provideContext(program, context)),
      Effect.timeoutOrElse({ duration: "20 seconds", orElse: () => Effect.fail(new Error("timed out after 20 s")) }),
      Effect.mapError((error) =>
        error instanceof Error && error._tag === undefined ?
          error :
          new Error(`${error._tag ?? "error"}${error.reason ? `(${error.reason})` : ""}: ${error.message ?? String(error)}`)
      ),
      Effect.exit
    )
    const released = yield* Effect.exit(Scope.close(scope, steps))
    if (Exit.isSuccess(released)) return yield* steps
    const release = `releasing the transport failed: ${Cause.pretty(released.cause).split("\n")[0]}`
    if (Exit.isSuccess(steps)) return yield* Effect.fail(new Error(release))
    return yield* Effect.mapError(steps, (error) => new Error(`${error.message} (then ${release})`))
  })
}
