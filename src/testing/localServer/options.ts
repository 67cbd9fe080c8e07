/**
 * `LocalServer.layer`'s options, checked when the server starts: what is accepted and how a
 * refusal reads is in `core/localServer/options.ts`; here a problem becomes the `ConfigError` a
 * test written in plain JavaScript (or one that casts) is given.
 */
import * as ConfigError from "effect/ConfigError"
import * as Either from "effect/Either"
import { optionsProblem } from "../../core/localServer/options.js"

/**
 * The options as given, each checked (see `optionsProblem`): the first problem as a `ConfigError`
 * under the option's path.
 */
export const check = (options: unknown): Either.Either<void, ConfigError.ConfigError> => {
  const problem = optionsProblem(options)
  if (problem === undefined) return Either.right(undefined)
  const path = [...problem.path]
  return Either.left(
    problem.missing ? ConfigError.MissingData(path, problem.message) : ConfigError.InvalidData(path, problem.message)
  )
}
