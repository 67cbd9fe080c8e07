#!/usr/bin/env node
/**
 * `llamacloud-chat`: the command line's entry point. Runs the command, then exits with its code
 * (`ExitCode`): 0 done, 1 failed, 2 usage error, 3 auth error, 4 network error, 130 interrupted.
 *
 * @since 0.2.0
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Commands from "./Commands.js"
import * as ExitCode from "./ExitCode.js"

// A reader that goes away (`| head`) ends the output, not the process with a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(ExitCode.ok)
  throw error
})

const main = Commands.run(process.argv).pipe(
  Effect.as(ExitCode.ok),
  // Every failure has been shown already: by the command that met it, or by @effect/cli for a usage error.
  Effect.catchAll((error) => Effect.succeed(ExitCode.fromFailure(error))),
  // What @effect/cli asks for, and no more: NodeContext would load the child-process and worker
  // services too, which no command uses, on every start.
  Effect.provide(Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeTerminal.layer)),
  // Logs (`--log-level debug` shows each retry) go to standard error: standard output is the result's.
  Effect.provide(Logger.replace(Logger.defaultLogger, Logger.prettyLogger({ stderr: true })))
)

NodeRuntime.runMain(main, {
  disablePrettyLogger: true,
  teardown: (exit, onExit) => {
    if (Exit.isSuccess(exit)) return onExit(typeof exit.value === "number" ? exit.value : ExitCode.failure)
    // Ctrl-C (or SIGTERM) is how a chat or the server stops; any other command it cuts short.
    onExit(Cause.isInterruptedOnly(exit.cause) ? Commands.interruptedExitCode(process.argv) : ExitCode.failure)
  }
})
