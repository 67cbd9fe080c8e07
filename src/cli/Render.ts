/**
 * What `llamacloud-chat` prints: sessions, a turn's events as they arrive, failures; as text for a
 * person or as JSON for a program. JSON keeps LlamaCloud's wire names (snake_case), so a script reads
 * the same fields it would read from the API.
 *
 * One module because each thing shown has its text and its JSON side by side (a session, a turn's
 * events, a failure), and the two must stay in step.
 *
 * @since 0.2.0
 */
import * as ConfigError from "effect/ConfigError"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as ChatEvent from "../ChatEvent.js"
import { ChatSession, ChatSessionDetail } from "../ChatSession.js"
import { isLlamaCloudError } from "../LlamaCloudError.js"
import * as ExitCode from "./ExitCode.js"
import * as Style from "./Style.js"

/**
 * Writes text to standard output as it is.
 *
 * @since 0.2.0
 * @category output
 */
export const write = (text: string): Effect.Effect<void> =>
  Effect.sync(() => {
    if (text !== "") process.stdout.write(text)
  })

/**
 * Writes one JSON value on a line of its own.
 *
 * @since 0.2.0
 * @category output
 */
export const jsonLine = (value: unknown): Effect.Effect<void> => write(`${JSON.stringify(value)}\n`)

// -------------------------------------------------------------------------------------------------
// sessions

/**
 * A session in its wire form, as LlamaCloud sends it.
 *
 * @since 0.2.0
 * @category json
 */
export const sessionJson: (session: ChatSession) => unknown = Schema.encodeSync(ChatSession)

/**
 * A session with its history, in its wire form.
 *
 * @since 0.2.0
 * @category json
 */
export const sessionDetailJson: (session: ChatSessionDetail) => unknown = Schema.encodeSync(ChatSessionDetail)

const indexList = (session: ChatSession): string =>
  Option.match(session.indexIds, {
    onNone: () => "no indexes",
    onSome: (ids) => ids.length === 0 ? "no indexes" : ids.join(", ")
  })

/**
 * One line per session: id, last update, title, indexes.
 *
 * @since 0.2.0
 * @category text
 */
export const sessionLine = (session: ChatSession): string =>
  [
    session.sessionId,
    DateTime.formatIso(session.lastUpdatedAt),
    Option.getOrElse(session.generatedTitle, () => "(untitled)"),
    `[${indexList(session)}]`
  ].join("  ") + "\n"

/**
 * A session's facts, then its conversation as a transcript.
 *
 * @since 0.2.0
 * @category text
 */
export const sessionDetail = (session: ChatSessionDetail, style: Style.Style = plain): string => {
  const lastRun = Option.flatMap(session.jobMetadata, (job) => {
    const parts = [
      Option.map(job.totalInputTokens, (n) => `${n} tokens in`),
      Option.map(job.totalOutputTokens, (n) => `${n} tokens out`),
      Option.map(job.durationMs, formatMillis)
    ].flatMap(Option.toArray)
    return parts.length === 0 ? Option.none() : Option.some(parts.join(", "))
  })
  const facts = [
    `session  ${session.sessionId}`,
    `title    ${Option.getOrElse(session.generatedTitle, () => "(untitled)")}`,
    `updated  ${DateTime.formatIso(session.lastUpdatedAt)}`,
    `indexes  ${indexList(session)}`,
    ...Option.toArray(Option.map(lastRun, (run) => `last run ${run}`))
  ]
  const render = turnRenderer(style)
  const history = session.events.map(render).join("")
  return `${facts.join("\n")}\n${history === "" ? "\n(no messages yet)\n" : `\n${history}`}`
}

// -------------------------------------------------------------------------------------------------
// turns

/**
 * An event in its wire form: what the stream carried, `type` and snake_case fields.
 *
 * @since 0.2.0
 * @category json
 */
export const eventJson = (event: ChatEvent.ChatEvent): unknown => ChatEvent.encode(event)

/** Text with no colour, 80 columns: what a pipe gets. */
const plain: Style.Style = { colour: false, width: Style.defaultWidth }

/**
 * The text of each event as it arrives: the agent's steps (thinking, each search and what it found)
 * on lines of their own, the answer as it streams, the sources its `[n]` citations point to, then
 * the usage. With colour, the steps, the sources and the usage are set apart from the answer. Keeps
 * what it needs to know of the turn so far; a `UserInput` starts a new turn, so a whole history
 * renders as a transcript.
 *
 * @since 0.2.0
 * @category text
 */
export const turnRenderer = (style: Style.Style = plain): (event: ChatEvent.ChatEvent) => string => {
  let thinking = false
  let answering = false
  let steps = false
  let sources: Array<string> = []
  const step = (text: string) => {
    steps = true
    return `${answering ? "\n" : ""}${Style.dim(style, `· ${text}`)}\n`
  }
  const answer = (text: string) => {
    const lead = !answering && steps ? "\n" : ""
    answering = true
    return `${lead}${text}`
  }
  return (event) => {
    switch (event._tag) {
      case "UserInput":
        thinking = false
        answering = false
        steps = false
        sources = []
        return `${Style.bold(style, `> ${event.content}`)}\n\n`
      case "ThinkingDelta":
      case "Thinking":
        if (thinking) return ""
        thinking = true
        return step("thinking…")
      case "ToolCall": {
        const query = event.arguments["query"]
        return step(typeof query === "string" ? `${event.name}: ${JSON.stringify(query)}` : event.name)
      }
      case "ToolResult":
        sources = [...sources, ...sourcesOf(event.result)]
        return step(`${event.name}: ${found(event.result)}`)
      case "TextDelta":
        return answer(event.content)
      case "Text": {
        // The deltas already showed the answer; a server that sends only the whole text shows it here.
        const shown = answering
        const text = answer(shown ? "" : event.content)
        answering = false
        return `${text}\n`
      }
      case "Stop": {
        const end = answering ? "\n" : ""
        answering = false
        const cited = sources.length === 0 ?
          "" :
          `\n${sources.map((source, i) => Style.cyan(style, `[${i + 1}] ${source}`)).join("\n")}\n`
        sources = []
        return `${end}${cited}\n${Style.dim(style, usageLine(event))}\n\n`
      }
      case "UnknownEvent":
        return ""
    }
  }
}

/** The passages of a search's result, when it has them. */
const passagesOf = (result: unknown): ReadonlyArray<unknown> | undefined =>
  Predicate.hasProperty(result, "passages") && Array.isArray(result.passages) ? result.passages : undefined

/** What a search returned, in a few words. */
const found = (result: unknown): string => {
  const passages = passagesOf(result)
  if (passages === undefined) return "done"
  return `${passages.length} passage${passages.length === 1 ? "" : "s"} found`
}

/** The first of `keys` that `value` holds as a non-empty string. */
const firstText = (value: unknown, keys: ReadonlyArray<string>): string | undefined => {
  for (const key of keys) {
    const field = Predicate.hasProperty(value, key) ? value[key] : undefined
    if (typeof field === "string" && field !== "") return field
  }
  return undefined
}

/**
 * What each passage a search found is, in the order the answer numbers its citations: its title or
 * file name when the result carries one (at the top or in its `metadata`), else its node's id, else
 * the start of its text; with the index it came from.
 */
const sourcesOf = (result: unknown): ReadonlyArray<string> =>
  (passagesOf(result) ?? []).map((passage) => {
    const metadata = Predicate.hasProperty(passage, "metadata") ? passage.metadata : undefined
    const name = firstText(passage, ["title", "file_name", "document_title"]) ??
      firstText(metadata, ["title", "file_name", "document_title"]) ??
      firstText(passage, ["node_id", "id"]) ??
      Option.match(Option.fromNullable(firstText(passage, ["text"])), {
        onNone: () => "(a passage with no title, id or text)",
        onSome: (text) => JSON.stringify(text.length > 60 ? `${text.slice(0, 59)}…` : text)
      })
    const index = firstText(passage, ["index_id", "pipeline_id"])
    return index === undefined ? name : `${name} (${index})`
  })

/**
 * A turn's end: tokens, time, the indexes it could not search, and its error when it failed.
 *
 * @since 0.2.0
 * @category text
 */
export const usageLine = (stop: ChatEvent.Stop): string => {
  const usage = stop.usage
  const tokens = [
    Option.map(usage.totalInputTokens, (n) => `${n} in`),
    Option.map(usage.totalOutputTokens, (n) => `${n} out`)
  ].flatMap(Option.toArray)
  const parts = [
    tokens.length === 0 ? "usage not reported" : `${tokens.join(", ")} tokens`,
    formatMillis(usage.durationMs),
    ...(stop.skippedIndexIds.length === 0 ? [] : [`could not search ${stop.skippedIndexIds.join(", ")}`]),
    ...(stop.isError ? [`failed: ${Option.getOrElse(stop.error, () => "no reason given")}`] : [])
  ]
  return `— ${parts.join(" · ")}`
}

const formatMillis = (ms: number): string => ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`

// -------------------------------------------------------------------------------------------------
// failures

const configMessage = (error: ConfigError.ConfigError): string => {
  switch (error._op) {
    case "And":
      return `${configMessage(error.left)}; ${configMessage(error.right)}`
    case "Or":
      return configMessage(error.left)
    default:
      return error.message
  }
}

/**
 * A failure as one message that says what to do: the library's own message for its errors.
 *
 * @since 0.2.0
 * @category failures
 */
export const failureMessage = (error: unknown): string => {
  if (ConfigError.isConfigError(error)) return configMessage(error)
  if (error instanceof Error) return error.message
  return String(error)
}

/**
 * A failure for a program: its tag, message, exit code, and the facts a caller acts on (HTTP status,
 * request id, network failure reason) when it has them.
 *
 * @since 0.2.0
 * @category failures
 */
export const failureJson = (error: unknown, exitCode: ExitCode.ExitCode): unknown => {
  const facts: Record<string, unknown> = {}
  if (isLlamaCloudError(error)) {
    if ("status" in error) facts["status"] = Option.isOption(error.status) ? Option.getOrNull(error.status) : error.status
    if ("requestId" in error) facts["request_id"] = Option.getOrNull(error.requestId)
    if ("reason" in error) facts["reason"] = error.reason
  }
  const tag = ConfigError.isConfigError(error) ? "ConfigError" :
    Predicate.hasProperty(error, "_tag") && typeof error._tag === "string" ? error._tag :
    "Error"
  return { error: { tag, message: failureMessage(error), exit_code: exitCode, ...facts } }
}

/**
 * Shows a command's failure on standard error (a message, or with `json` one JSON value), then fails
 * with the code to exit with. Output already written stays: a stream that breaks off keeps what it
 * printed.
 *
 * @since 0.2.0
 * @category failures
 */
export const reportFailure = (json: boolean) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, ExitCode.Reported, R> =>
  Effect.catchAll(effect, (error) =>
    Effect.zipRight(showFailure(json)(error), Effect.fail(new ExitCode.Reported({ exitCode: ExitCode.fromFailure(error) }))))

/**
 * Shows a failure on standard error: a message, or with `json` one JSON value.
 *
 * @since 0.2.0
 * @category failures
 */
export const showFailure = (json: boolean) => (error: unknown): Effect.Effect<void> =>
  Effect.sync(() => {
    const shown = json ?
      JSON.stringify(failureJson(error, ExitCode.fromFailure(error))) :
      `llamacloud-chat: ${failureMessage(error)}`
    process.stderr.write(`${shown}\n`)
  })
