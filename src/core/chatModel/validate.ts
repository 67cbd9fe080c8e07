/**
 * Request validation as LlamaCloud's FastAPI does it: every problem of a request collected into
 * pydantic-style issues (`loc`, `msg`, `type`, `input`), query first, then body.
 *
 * @since 0.2.0
 */
import type { SharedAccess, WireIssue } from "./wire.js"

/**
 * A request body that did not parse as JSON (or was empty): kept as a value so that its issue is
 * reported beside the query's, in one 422, as FastAPI does.
 *
 * @since 0.2.0
 * @category models
 */
export class UnparsableBody {
  readonly _tag = "UnparsableBody"
  constructor(readonly issue: WireIssue) {}
}

/**
 * A request body as JSON, or an {@link UnparsableBody}.
 *
 * @since 0.2.0
 * @category parsing
 */
export const parseBody = (text: string): unknown => {
  if (text.trim() === "") return new UnparsableBody({ loc: ["body"], msg: "Field required", type: "missing", input: null })
  try {
    return JSON.parse(text)
  } catch {
    return new UnparsableBody({ loc: ["body"], msg: "JSON decode error", type: "json_invalid", input: {} })
  }
}

/**
 * Which organization and project a request speaks for (UUIDs, lower case, dashed); absent means the
 * key's default.
 *
 * @since 0.2.0
 * @category models
 */
export interface Scope {
  readonly organizationId?: string
  readonly projectId?: string
}

/**
 * Query parameters as sent, one value per name.
 *
 * @since 0.2.0
 * @category models
 */
export type Query = Readonly<Record<string, string>>

/** Issues, or the value they would have stopped. */
export type Checked<A> = { readonly issues: ReadonlyArray<WireIssue>; readonly value?: A }

const uuid = /^(?:urn:uuid:)?(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})$/i

/** `organization_id` and `project_id`, when given, must be UUIDs. */
export const checkScope = (query: Query): Checked<Scope> => {
  const issues = (["organization_id", "project_id"] as const).flatMap((name) => {
    const value = query[name]
    return value === undefined || uuid.test(value) ?
      [] :
      [{ loc: ["query", name], msg: "Input should be a valid UUID", type: "uuid_parsing", input: value }]
  })
  const organizationId = query["organization_id"]
  const projectId = query["project_id"]
  return issues.length > 0 ? { issues } : {
    issues,
    value: {
      ...(organizationId === undefined ? {} : { organizationId: canonicalUuid(organizationId) }),
      ...(projectId === undefined ? {} : { projectId: canonicalUuid(projectId) })
    }
  }
}

// One spelling per UUID, so that `urn:uuid:…`, upper case and undashed forms name the same scope.
const canonicalUuid = (text: string): string => {
  const hex = text.toLowerCase().replace(/^urn:uuid:/, "").replaceAll("-", "")
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** `page_size`, when given, must be an integer greater than 0 (as pydantic reads a query string). */
export const checkPageSize = (query: Query): Checked<number | undefined> => {
  const text = query["page_size"]
  if (text === undefined) return { issues: [], value: undefined }
  const trimmed = text.trim()
  if (!/^[+-]?\d+$/.test(trimmed)) {
    return {
      issues: [{
        loc: ["query", "page_size"],
        msg: "Input should be a valid integer, unable to parse string as an integer",
        type: "int_parsing",
        input: text
      }]
    }
  }
  const size = Number(trimmed)
  return size > 0 ?
    { issues: [], value: size } :
    {
      issues: [{ loc: ["query", "page_size"], msg: "Input should be greater than 0", type: "greater_than", input: text }]
    }
}

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/** The body must be a JSON object. */
const checkObject = (body: unknown): Checked<Readonly<Record<string, unknown>>> => {
  if (body instanceof UnparsableBody) return { issues: [body.issue] }
  return isRecord(body) ? { issues: [], value: body } : {
    issues: [{
      loc: ["body"],
      msg: "Input should be a valid dictionary or object to extract fields from",
      type: "model_attributes_type",
      input: body
    }]
  }
}

const maxIndexIds = 10

/** A list of 1 (or 0, on create) to 10 non-empty strings. */
const checkIndexIds = (value: unknown, minItems: number): Checked<ReadonlyArray<string>> => {
  const loc = ["body", "index_ids"]
  if (!Array.isArray(value)) return { issues: [{ loc, msg: "Input should be a valid list", type: "list_type", input: value }] }
  const issues: Array<WireIssue> = []
  const ids: Array<string> = []
  value.forEach((id: unknown, i) => {
    if (typeof id !== "string") {
      issues.push({ loc: [...loc, i], msg: "Input should be a valid string", type: "string_type", input: id })
    } else if (id === "") {
      issues.push({ loc: [...loc, i], msg: "String should have at least 1 character", type: "string_too_short", input: id })
    } else {
      ids.push(id)
    }
  })
  if (value.length < minItems) {
    issues.push({
      loc,
      msg: `List should have at least ${minItems} item after validation, not ${value.length}`,
      type: "too_short",
      input: value
    })
  }
  if (value.length > maxIndexIds) {
    issues.push({
      loc,
      msg: `List should have at most ${maxIndexIds} items after validation, not ${value.length}`,
      type: "too_long",
      input: value
    })
  }
  return issues.length > 0 ? { issues } : { issues, value: ids }
}

/** What a valid create body asks for. */
export interface CreateBody {
  readonly indexIds: ReadonlyArray<string> | null
  readonly sharedAccess?: SharedAccess
}

/** `{index_ids?: string[] | null, shared_access?: "query" | "read_only" | null}`. */
export const checkCreateBody = (body: unknown): Checked<CreateBody> => {
  const json = checkObject(body)
  if (json.value === undefined) return { issues: json.issues }
  const fields = json.value
  const rawIds = fields["index_ids"]
  const ids = rawIds === undefined || rawIds === null ? { issues: [], value: null } : checkIndexIds(rawIds, 0)
  const sharedAccess = fields["shared_access"]
  const accessIssues: ReadonlyArray<WireIssue> =
    sharedAccess === undefined || sharedAccess === null || sharedAccess === "query" || sharedAccess === "read_only" ?
      [] :
      [{ loc: ["body", "shared_access"], msg: "Input should be 'query' or 'read_only'", type: "enum", input: sharedAccess }]
  const issues = [...ids.issues, ...accessIssues]
  if (issues.length > 0 || ids.value === undefined) return { issues }
  return {
    issues,
    value: {
      indexIds: ids.value,
      ...(sharedAccess === "query" || sharedAccess === "read_only" ? { sharedAccess } : {})
    }
  }
}

const maxPromptCodePoints = 1000

/** What a valid turn body asks for. */
export interface TurnBody {
  readonly indexIds: ReadonlyArray<string>
  readonly prompt: string
  readonly requireAllIndexes: boolean
}

/** `{index_ids: string[] (1..10), prompt: string (1..1000 code points), require_all_indexes?: boolean}`. */
export const checkTurnBody = (body: unknown): Checked<TurnBody> => {
  const json = checkObject(body)
  if (json.value === undefined) return { issues: json.issues }
  const fields = json.value
  const missing = (name: string): WireIssue => ({ loc: ["body", name], msg: "Field required", type: "missing", input: fields })
  const rawIds = fields["index_ids"]
  const ids = rawIds === undefined ? { issues: [missing("index_ids")] } : checkIndexIds(rawIds, 1)
  const prompt = fields["prompt"]
  const promptIssues: ReadonlyArray<WireIssue> = (() => {
    if (prompt === undefined) return [missing("prompt")]
    if (typeof prompt !== "string") {
      return [{ loc: ["body", "prompt"], msg: "Input should be a valid string", type: "string_type", input: prompt }]
    }
    // pydantic counts code points, not UTF-16 units: an emoji is one character.
    const length = [...prompt].length
    if (length < 1) {
      return [{ loc: ["body", "prompt"], msg: "String should have at least 1 character", type: "string_too_short", input: prompt }]
    }
    return length > maxPromptCodePoints ?
      [{
        loc: ["body", "prompt"],
        msg: `String should have at most ${maxPromptCodePoints} characters`,
        type: "string_too_long",
        input: prompt
      }] :
      []
  })()
  const requireAll = fields["require_all_indexes"]
  const requireIssues: ReadonlyArray<WireIssue> = requireAll === undefined || requireAll === null || typeof requireAll === "boolean" ?
    [] :
    [{ loc: ["body", "require_all_indexes"], msg: "Input should be a valid boolean", type: "bool_type", input: requireAll }]
  const issues = [...ids.issues, ...promptIssues, ...requireIssues]
  if (issues.length > 0 || ids.value === undefined || typeof prompt !== "string") return { issues }
  return { issues, value: { indexIds: ids.value, prompt, requireAllIndexes: requireAll === true } }
}
