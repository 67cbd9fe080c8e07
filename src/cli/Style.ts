/**
 * How the command line's text looks on the stream it goes to: coloured only on a terminal that
 * wants colour, wrapped to the terminal's width. A pipe, a file, `NO_COLOR` (set and not empty) or
 * `TERM=dumb` get plain text, so what a script or a log reads holds no escape sequence.
 *
 * @since 0.2.0
 */

/**
 * The facts about an output stream that decide how text is shown on it.
 *
 * @since 0.2.0
 * @category models
 */
export interface Style {
  /** Whether escape sequences (colours, bold) may be written. */
  readonly colour: boolean
  /** The width to wrap to: the terminal's columns, 80 when there is no terminal to ask. */
  readonly width: number
}

/**
 * The width used when the output is not a terminal.
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultWidth = 80

/**
 * The style of `stream` under `env` (the process's environment by default).
 *
 * @since 0.2.0
 * @category constructors
 */
export const of = (
  stream: { readonly isTTY?: boolean; readonly columns?: number },
  env: Readonly<Record<string, string | undefined>> = process.env
): Style => {
  const terminal = stream.isTTY === true
  const noColor = env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== ""
  return {
    colour: terminal && !noColor && env["TERM"] !== "dumb",
    width: terminal && typeof stream.columns === "number" && stream.columns > 0 ? stream.columns : defaultWidth
  }
}

/**
 * Standard output's style.
 *
 * @since 0.2.0
 * @category constructors
 */
export const stdout = (): Style => of(process.stdout)

/**
 * Standard error's style.
 *
 * @since 0.2.0
 * @category constructors
 */
export const stderr = (): Style => of(process.stderr)

const sgr = (open: string, close: string) => (style: Style, text: string): string =>
  style.colour && text !== "" ? `\x1b[${open}m${text}\x1b[${close}m` : text

/**
 * Bold text (headings, flags), plain without colour.
 *
 * @since 0.2.0
 * @category text
 */
export const bold = sgr("1", "22")

/**
 * Faint text (the agent's steps, the usage line), plain without colour.
 *
 * @since 0.2.0
 * @category text
 */
export const dim = sgr("2", "22")

/**
 * Cyan text (the sources), plain without colour.
 *
 * @since 0.2.0
 * @category text
 */
export const cyan = sgr("36", "39")

/**
 * Red text (a failure), plain without colour.
 *
 * @since 0.2.0
 * @category text
 */
export const red = sgr("31", "39")

/**
 * `text` wrapped to `width` at spaces, each line after the first indented by `indent` spaces; the
 * first line starts at column `start` (the caller has placed what comes before it). Line breaks in
 * the text are kept. A line that starts with a space is a row of a table laid out already: its
 * second column (after two spaces or more) is wrapped under itself, and a row with no second column
 * is kept as it is. A word longer than a line stands on a line of its own.
 *
 * @since 0.2.0
 * @category text
 */
export const wrap = (text: string, width: number, indent = 0, start = 0): string => {
  const limit = Math.max(width, indent + 20)
  const lines: Array<string> = []
  text.split("\n").forEach((paragraph, p) => {
    if (paragraph.startsWith(" ")) {
      const row = /^(\s+\S.*?\s{2,})(\S.*)$/.exec(paragraph)
      lines.push(row === null ? paragraph : row[1]! + wrap(row[2]!, width - indent, row[1]!.length, row[1]!.length))
      return
    }
    let line = ""
    let column = p === 0 ? start : indent
    for (const word of paragraph.split(" ")) {
      if (line === "") {
        line = word
        column += word.length
      } else if (column + 1 + word.length > limit) {
        lines.push(line)
        line = word
        column = indent + word.length
      } else {
        line = `${line} ${word}`
        column += 1 + word.length
      }
    }
    lines.push(line)
  })
  const pad = " ".repeat(indent)
  return lines.map((line, i) => i === 0 || line === "" ? line : `${pad}${line}`).join("\n")
}
