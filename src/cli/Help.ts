/**
 * The help of `llamacloud-chat` and its usage errors, as a person reads them. `@effect/cli` knows
 * each command's usage and the descriptions of its options and arguments; this module lays them out:
 * wrapped to the terminal (`Style`), coloured only where colour is wanted, every usage line led by
 * the program's name and the command's path, without the sentences `@effect/cli` adds to every
 * option ("A user-defined piece of text.", "This setting is optional."): each description here says
 * what its option is. `--wizard` is not offered (it does not fit a command that reads standard
 * input), so it is not listed.
 *
 * @since 0.2.0
 */
import type * as CliConfig from "@effect/cli/CliConfig"
import * as CommandDescriptor from "@effect/cli/CommandDescriptor"
import type * as HelpDoc from "@effect/cli/HelpDoc"
import type * as Span from "@effect/cli/HelpDoc/Span"
import * as Usage from "@effect/cli/Usage"
import * as Style from "./Style.js"

/**
 * The program's name, as the package's `bin` installs it.
 *
 * @since 0.2.0
 * @category constants
 */
export const program = "llamacloud-chat"

/**
 * The options every command takes, `@effect/cli`'s own: listed once, in the top level's help.
 * (`--wizard` is refused before parsing: see `Commands.run`.)
 */
const builtIns = [
  "  -h, --help               This help, or a command's: llamacloud-chat ask --help.",
  "  --version                The version.",
  "  --completions SHELL      A completion script for sh, bash, fish or zsh.",
  "  --log-level LEVEL        The least level logged on standard error, given before the command: " +
  "llamacloud-chat --log-level debug ask ... shows each retry."
].join("\n")

/** The plain text of a span. */
const text = (span: Span.Span): string => {
  switch (span._tag) {
    case "Text":
    case "URI":
      return span.value
    case "Highlight":
    case "Strong":
    case "Weak":
      return text(span.value)
    case "Sequence":
      return text(span.left) + text(span.right)
  }
}

/** The blocks of a document in order: headers, paragraphs, lists. */
const blocks = (doc: HelpDoc.HelpDoc): Array<HelpDoc.HelpDoc> => {
  switch (doc._tag) {
    case "Empty":
      return []
    case "Sequence":
      return [...blocks(doc.left), ...blocks(doc.right)]
    default:
      return [doc]
  }
}

/**
 * What an option or argument is, from its description block: `@effect/cli` opens it with its
 * value type's generic help and closes it with how often it may be given; the flag itself shows
 * both (`[--port N]`, `(--index ID)...`). A default it names is kept.
 */
const described = (doc: HelpDoc.HelpDoc): Array<string> =>
  blocks(doc).slice(1).flatMap((block) => {
    if (block._tag !== "Paragraph") return []
    const line = text(block.value)
    const fallback = /^This setting is optional\. Defaults to: (.*)$/.exec(line)
    if (fallback !== null) return [`Default: ${fallback[1]}.`]
    return /^This (setting|option|argument) (is optional|may be repeated|must be repeated)/.test(line) ? [] : [line]
  })

/** A command in a list of commands: its path (`sessions create`) and what it does. */
const commandEntry = (paragraph: string): { readonly name: string; readonly summary: string } => {
  // The usage, padding, then the description, whose first paragraph is its summary.
  const [usage = "", summary = ""] = paragraph.split(/\s{2,}/)
  const words = usage.split(" ")
  const options = words.findIndex((word) => /^[[(<-]/.test(word))
  return { name: (options === -1 ? words : words.slice(0, options)).join(" "), summary }
}

/**
 * A message of `@effect/cli` (a usage error) as one line of plain text.
 *
 * @since 0.2.0
 * @category rendering
 */
export const message = (doc: HelpDoc.HelpDoc): string =>
  blocks(doc).flatMap((block) => block._tag === "Paragraph" || block._tag === "Header" ? [text(block.value)] : []).join(" ")

const joiner = "\u00a0"

/** A usage line whose bracketed items (`[--port PORT]`, `(-i, --index ID)...`) break only between them. */
const keptTogether = (usage: string): string => {
  let depth = 0
  return [...usage].map((char) => {
    if ("[(<".includes(char)) depth++
    if ("])>".includes(char)) depth--
    return char === " " && depth > 0 ? joiner : char
  }).join("")
}

/** One block laid out for `style`. */
const block = (doc: HelpDoc.HelpDoc, style: Style.Style): string | undefined => {
  switch (doc._tag) {
    case "Header":
      return Style.bold(style, text(doc.value))
    case "Paragraph":
      return Style.wrap(text(doc.value), style.width)
    case "DescriptionList": {
      const entries = doc.definitions.flatMap(([span, body]) => {
        const name = text(span)
        if (name.includes("--wizard")) return []
        const description = described(body).join(" ")
        return [`  ${Style.bold(style, name)}${description === "" ? "" : `\n      ${Style.wrap(description, style.width, 6, 6)}`}`]
      })
      return entries.join("\n")
    }
    case "Enumeration": {
      const entries = doc.elements.flatMap((element) => element._tag === "Paragraph" ? [commandEntry(text(element.value))] : [])
      const column = Math.max(...entries.map((entry) => entry.name.length)) + 4
      return entries.map(({ name, summary }) =>
        `  ${Style.bold(style, name)}${" ".repeat(column - 2 - name.length)}${Style.wrap(summary, style.width, column, column)}`
      ).join("\n")
    }
    default:
      return undefined
  }
}

/**
 * A command's help: the version line, the usage led by `path` (the program and the commands above
 * it), then what `@effect/cli` documents of it (description, arguments, options, subcommands),
 * and at the top level the options every command takes.
 *
 * @since 0.2.0
 * @category rendering
 */
export const render = (options: {
  readonly version: string
  readonly path: ReadonlyArray<string>
  readonly usage: Usage.Usage
  readonly doc: HelpDoc.HelpDoc
  readonly config: CliConfig.CliConfig
  readonly style: Style.Style
}): string => {
  const { style } = options
  const prefix = options.path.join(" ")
  const usages = Usage.enumerate(options.usage, options.config).map((span) => {
    const line = text(span)
    const usage = options.path.length === 0 ? line : `${prefix} ${line}`
    return `  ${Style.wrap(keptTogether(`$ ${usage}`), style.width, 6, 2).replaceAll(joiner, " ")}`
  })
  const body = blocks(options.doc).flatMap((doc) => {
    const laidOut = block(doc, style)
    return laidOut === undefined || laidOut === "" ? [] : [laidOut]
  })
  const sections = [
    `${program} ${options.version}`,
    Style.bold(style, "USAGE"),
    usages.join("\n"),
    ...body,
    ...(options.path.length === 0 ? [Style.bold(style, "GLOBAL OPTIONS"), Style.wrap(builtIns, style.width)] : [])
  ]
  return `${sections.join("\n\n")}\n`
}

/**
 * Every command below `root`, each as its path of names (`["sessions", "create"]`), in the order
 * they are declared: read from the list of commands `@effect/cli` writes in `root`'s help.
 *
 * @since 0.2.0
 * @category parsing
 */
export const commands = (root: CommandDescriptor.Command<unknown>, config: CliConfig.CliConfig): ReadonlyArray<ReadonlyArray<string>> =>
  blocks(CommandDescriptor.getHelp(root, config)).flatMap((doc) =>
    doc._tag === "Enumeration" ?
      doc.elements.flatMap((element) => element._tag === "Paragraph" ? [commandEntry(text(element.value)).name.split(" ")] : []) :
      []
  )

/**
 * The commands one level below `path`, by name.
 *
 * @since 0.2.0
 * @category parsing
 */
export const children = (all: ReadonlyArray<ReadonlyArray<string>>, path: ReadonlyArray<string>): ReadonlyArray<string> =>
  all.flatMap((candidate) =>
    candidate.length === path.length + 1 && path.every((name, i) => candidate[i] === name) ? [candidate[path.length]!] : []
  )

/**
 * Where `args` point among `all` (the commands, see `commands`): the names of the command they run,
 * from the top, and the word that names none of its subcommands, if any. Flags and the values of
 * the built-in ones are skipped (`--log-level debug`).
 *
 * @since 0.2.0
 * @category parsing
 */
export const locate = (
  all: ReadonlyArray<ReadonlyArray<string>>,
  args: ReadonlyArray<string>
): { readonly path: ReadonlyArray<string>; readonly unknown: string | undefined } => {
  const path: Array<string> = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === "--log-level" || arg === "--completions") i++
    if (arg.startsWith("-")) continue
    const next = children(all, path)
    if (next.length === 0) break
    if (!next.includes(arg)) return { path, unknown: arg }
    path.push(arg)
  }
  return { path, unknown: undefined }
}
