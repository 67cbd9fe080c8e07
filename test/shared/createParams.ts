/**
 * The parameters of `create`, accepted and rejected: one table for both editions' ChatParams tests.
 * A rejected case lists the paths of its issues (in any order) and what some messages must say.
 */

/** The most index ids a session takes (`MAX_INDEX_IDS` in both editions). */
const MAX = 10

export const indexIds = (n: number): Array<string> => Array.from({ length: n }, (_, i) => `idx-${i}`)

export interface Accepted {
  readonly name: string
  readonly params: unknown
}

export const accepted: ReadonlyArray<Accepted> = [
  { name: `exactly ${MAX} index ids`, params: { indexIds: indexIds(MAX) } },
  { name: "no argument at all", params: undefined },
  { name: "upper-case UUIDs", params: { organizationId: "8A3C1F52-2D4E-4B6F-9A7C-1E2F3A4B5C6D" } },
  { name: "null index ids (an unbound session)", params: { indexIds: null } },
  { name: "both sharing modes", params: { sharedAccess: "read_only" } }
]

export interface Rejected {
  readonly name: string
  readonly params: unknown
  /** The issues' paths, joined with `.`, in any order. */
  readonly paths: ReadonlyArray<string>
  /** What the issue at each index must say (a fragment of its message). */
  readonly says?: ReadonlyArray<readonly [index: number, fragment: string]>
}

export const rejected: ReadonlyArray<Rejected> = [
  {
    name: `more than ${MAX} index ids`,
    params: { indexIds: indexIds(MAX + 1) },
    paths: ["indexIds"],
    says: [[0, `at most ${MAX}`], [0, `got ${MAX + 1}`]]
  },
  { name: "empty index ids, each one named by its position", params: { indexIds: ["", "idx-ok", ""] }, paths: ["indexIds.0", "indexIds.2"] },
  {
    name: "an organization id that is not a UUID",
    params: { organizationId: "org-123" },
    paths: ["organizationId"],
    says: [[0, "UUID"], [0, "org-123"]]
  },
  { name: "a project id that is not a UUID, the empty string included", params: { projectId: "" }, paths: ["projectId"], says: [[0, "UUID"]] },
  {
    name: "a shared_access that is not one of the two modes",
    params: { sharedAccess: "everyone" },
    paths: ["sharedAccess"],
    says: [[0, `"query" or "read_only"`]]
  },
  {
    name: "index ids given as a string",
    params: { indexIds: "abc" },
    paths: ["indexIds"],
    says: [[0, "must be an array of index ids or null"]]
  },
  { name: "index ids that are not strings", params: { indexIds: [1, null, "idx-ok"] }, paths: ["indexIds.0", "indexIds.1"] },
  {
    name: "an index id that is not well-formed Unicode",
    params: { indexIds: ["idx-\ud800"] },
    paths: ["indexIds.0"],
    says: [[0, "lone surrogate"]]
  },
  { name: "null as the parameters", params: null, paths: [""], says: [[0, "create takes an object of parameters, got null"]] },
  {
    name: "null for each optional id and mode",
    params: { organizationId: null, projectId: null, sharedAccess: null },
    paths: ["organizationId", "projectId", "sharedAccess"]
  },
  { name: "a string as the parameters", params: "abc", paths: [""], says: [[0, "create takes an object of parameters"]] },
  { name: "a number as the parameters", params: 42, paths: [""], says: [[0, "create takes an object of parameters"]] },
  { name: "an array as the parameters", params: [], paths: [""], says: [[0, "create takes an object of parameters"]] },
  {
    name: "every problem at once, in one error",
    params: { indexIds: ["", "idx-ok"], organizationId: "nope", projectId: 7, sharedAccess: 1 },
    paths: ["indexIds.0", "organizationId", "projectId", "sharedAccess"]
  }
]
