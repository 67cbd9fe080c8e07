/**
 * A schema failure as a flat list of problems, each at its path, in the words our schemas give:
 * what the caller reads in a `ValidationError`'s issues and in an event's `DecodeError`.
 *
 * Effect's own formatter (`SchemaIssue.makeFormatterStandardSchemaV1`) words every problem this does
 * not; what this adds is one rule. A schema whose `message` annotation says what it expects (`the
 * prompt must be a string`), failed by a value of the wrong type, reads `<message>, got <value>`
 * when the parse reported its input (`reportInput: true`): Effect's formatter gives an annotated
 * message alone, and does not call its hooks for a union.
 */
import * as SchemaIssue from "effect/SchemaIssue"
import { show } from "../core/show.js"

/**
 * One problem: where (keys and indexes from the root of the input) and what.
 */
export interface Problem {
  readonly path: ReadonlyArray<string | number>
  readonly message: string
}

const standard = SchemaIssue.makeFormatterStandardSchemaV1()

const keyOf = (key: PropertyKey): string | number => typeof key === "symbol" ? String(key) : key

/** The `message` a schema node was annotated with, for a value of the wrong type. */
const annotated = (issue: SchemaIssue.InvalidType | SchemaIssue.AnyOf): string | undefined => {
  const message = issue.ast.annotations?.["message"]
  return typeof message === "string" ? message : undefined
}

const withInput = (message: string, issue: SchemaIssue.Issue): string =>
  SchemaIssue.hasInput(issue) ? `${message}, got ${show(issue.input)}` : message

/** Effect's own wording of `issue`, under `path`. */
const byEffect = (issue: SchemaIssue.Issue, path: ReadonlyArray<string | number>): Array<Problem> =>
  standard(issue).issues.map((problem) => ({
    path: [...path, ...(problem.path ?? []).map((key) => keyOf(typeof key === "object" ? key.key : key))],
    message: problem.message
  }))

/**
 * The problems of a schema failure, in the order Effect found them.
 */
export const problems = (issue: SchemaIssue.Issue, path: ReadonlyArray<string | number> = []): Array<Problem> => {
  switch (issue._tag) {
    case "Pointer":
      return problems(issue.issue, [...path, ...issue.path.map(keyOf)])
    case "Composite":
      return issue.issues.flatMap((inner) => problems(inner, path))
    case "Encoding":
      return problems(issue.issue, path)
    case "AnyOf": {
      if (issue.issues.length > 0) return issue.issues.flatMap((inner) => problems(inner, path))
      const message = annotated(issue)
      return message === undefined ? byEffect(issue, path) : [{ path, message: withInput(message, issue) }]
    }
    case "InvalidType": {
      const message = annotated(issue)
      return message === undefined ? byEffect(issue, path) : [{ path, message: withInput(message, issue) }]
    }
    default:
      return byEffect(issue, path)
  }
}

/** The problems as one line: `path: message; path: message`. */
export const describe = (issue: SchemaIssue.Issue): string =>
  problems(issue)
    .map((problem) => `${problem.path.length > 0 ? `${problem.path.join(".")}: ` : ""}${problem.message}`)
    .join("; ")
