/**
 * Which failure ends `llamacloud-chat` with which code: a script tells a mistake in the command line
 * (2) from a refused key (3), an unreachable server (4) and anything else (1).
 */
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as CliValidationError from "@effect/cli/ValidationError"
import { assert, describe, it } from "@effect/vitest"
import * as ConfigError from "effect/ConfigError"
import * as Option from "effect/Option"
import * as ExitCode from "../../src/cli/ExitCode.js"
import { ApiError, AuthError, DecodeError, NetworkError, NotFoundError, RateLimitError, ServerError, TurnError, ValidationError } from "../../src/index.js"

const facts = { operation: "ChatService.retrieve", sessionId: "ses-1" }
const noRequestId = { requestId: Option.none() }

describe("ExitCode.fromFailure", () => {
  it.each([
    ["a flag or argument @effect/cli rejected", CliValidationError.invalidValue(HelpDoc.p("Received unknown argument: '--bogus'"))],
    ["configuration that cannot be used", ConfigError.MissingData(["LLAMA_CLOUD_API_KEY"], "No LlamaCloud API key")],
    ["a command line a command cannot run", new ExitCode.UsageError({ message: "unknown fault" })],
    ["input rejected before sending", new ValidationError({ ...facts, ...noRequestId, status: Option.none(), issues: [] })]
  ])("2 for %s", (_, error) => {
    assert.strictEqual(ExitCode.fromFailure(error), ExitCode.usage)
  })

  it("3 when LlamaCloud refuses the key, 401 or 403", () => {
    for (const status of [401, 403]) {
      assert.strictEqual(ExitCode.fromFailure(new AuthError({ ...facts, ...noRequestId, status, detail: "no" })), ExitCode.auth)
    }
  })

  it.each(["ConnectFailed", "ConnectionLost", "AttemptTimeout", "IdleTimeout", "DeadlineExceeded"] as const)(
    "4 for a network error (%s)",
    (reason) => {
      const error = new NetworkError({ ...facts, reason, detail: "x", timeout: Option.none() })
      assert.strictEqual(ExitCode.fromFailure(error), ExitCode.network)
    }
  )

  it.each([
    ["a server's 422", new ValidationError({ ...facts, ...noRequestId, status: Option.some(422), issues: [] })],
    ["no such session", new NotFoundError({ ...facts, ...noRequestId, status: 404, detail: "Chat session not found" })],
    ["a rate limit", new RateLimitError({ ...facts, ...noRequestId, status: 429, detail: "slow down", retryAfter: Option.none() })],
    ["a server error", new ServerError({ ...facts, ...noRequestId, status: 503, detail: "busy", retryAfter: Option.none() })],
    ["another status", new ApiError({ ...facts, ...noRequestId, status: 409, detail: "busy" })],
    ["an undecodable answer", new DecodeError({ ...facts, ...noRequestId, status: 200, problem: "not JSON", bodyExcerpt: "<html>" })],
    [
      "a failed turn",
      new TurnError({ ...facts, error: Option.some("index unavailable"), usage: { durationMs: 0, totalInputTokens: Option.none(), totalOutputTokens: Option.none(), turns: 1 } })
    ],
    ["anything else", new Error("boom")]
  ])("1 for %s", (_, error) => {
    assert.strictEqual(ExitCode.fromFailure(error), ExitCode.failure)
  })

  it("the code a reported failure carries", () => {
    assert.strictEqual(ExitCode.fromFailure(new ExitCode.Reported({ exitCode: ExitCode.network })), ExitCode.network)
  })
})
