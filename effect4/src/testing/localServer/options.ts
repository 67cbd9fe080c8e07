/**
 * `LocalServer.layer`'s options, checked when the server starts: what is accepted and how a
 * refusal reads is in `core/localServer/options.ts`; here a problem becomes the `ConfigError` a
 * test written in plain JavaScript (or one that casts) is given.
 */
import type * as Config from "effect/Config"
import * as Result from "effect/Result"
import { optionsProblem } from "../../core/localServer/options.js"
import { invalidData, missingData } from "../../internal/layerOptions.js"

/**
 * The options as given, each checked (see `optionsProblem`): the first problem as a `ConfigError`
 * under the option's path.
 */
export const check = (options: unknown): Result.Result<void, Config.ConfigError> => {
  const problem = optionsProblem(options)
  if (problem === undefined) return Result.succeed(undefined)
  return Result.fail(problem.missing ? missingData(problem.path, problem.message) : invalidData(problem.path, problem.message))
}
