/**
 * The exit codes of `llamacloud-chat`, and which failure ends in which. A script tells a mistake in
 * the command line from a refused key and from an unreachable server by the code alone.
 *
 * @since 0.2.0
 */
import * as CliValidationError from "@effect/cli/ValidationError"
import * as ConfigError from "effect/ConfigError"
import * as Data from "effect/Data"
import * as Option from "effect/Option"
import { isLlamaCloudError } from "../LlamaCloudError.js"

/**
 * - `0` the command did what it was asked;
 * - `1` any other failure: the server refused or failed the request, a session does not exist, the
 *   agent's turn failed, an answer could not be decoded;
 * - `2` a usage error: an unknown flag, a missing or malformed argument, input the client rejects
 *   before sending (an empty prompt, no `--index` for a turn), or configuration that cannot be used
 *   (no API key, a base URL that is not an http(s) URL);
 * - `3` an auth error: LlamaCloud refused the API key (HTTP 401 or 403);
 * - `4` a network error: no connection, a connection that broke, a timeout;
 * - `130` interrupted (Ctrl-C, SIGTERM) before it finished: an answer cut short is told from a
 *   whole one. `chat` and `server` run until they are stopped, so for them Ctrl-C is `0`.
 *
 * @since 0.2.0
 * @category models
 */
export type ExitCode = 0 | 1 | 2 | 3 | 4 | 130

/**
 * @since 0.2.0
 * @category constants
 */
export const ok: ExitCode = 0

/**
 * @since 0.2.0
 * @category constants
 */
export const failure: ExitCode = 1

/**
 * @since 0.2.0
 * @category constants
 */
export const usage: ExitCode = 2

/**
 * @since 0.2.0
 * @category constants
 */
export const auth: ExitCode = 3

/**
 * @since 0.2.0
 * @category constants
 */
export const network: ExitCode = 4

/**
 * 128 + SIGINT's number, as a shell reports a command Ctrl-C stopped.
 *
 * @since 0.2.0
 * @category constants
 */
export const interrupted: ExitCode = 130

/**
 * A command line that parsed but cannot be run as written, found by a command itself (a fault spec
 * the local server does not know, say).
 *
 * @since 0.2.0
 * @category errors
 */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

/**
 * A failure already shown to the user (as text or JSON, by the command that met it): it only
 * carries the code to end with.
 *
 * @since 0.2.0
 * @category errors
 */
export class Reported extends Data.TaggedError("Reported")<{ readonly exitCode: ExitCode }> {}

/**
 * The code a failure ends the command with.
 *
 * @since 0.2.0
 * @category constructors
 */
export const fromFailure = (error: unknown): ExitCode => {
  if (CliValidationError.isValidationError(error) || ConfigError.isConfigError(error) || error instanceof UsageError) {
    return usage
  }
  if (error instanceof Reported) return error.exitCode
  if (!isLlamaCloudError(error)) return failure
  switch (error._tag) {
    case "AuthError":
      return auth
    case "NetworkError":
      return network
    case "ValidationError":
      // Rejected before sending: the input given on the command line. A server's 422 is not a usage error.
      return Option.isNone(error.status) ? usage : failure
    default:
      return failure
  }
}
