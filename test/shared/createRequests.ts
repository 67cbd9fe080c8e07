/**
 * What `ChatService.create` puts on the wire, for both editions' wire tests (test/wire.test.ts,
 * effect4/test/wire.test.ts): each case is the client's options, the call's parameters, and what the
 * one recorded request must show. Each edition makes the call over its own mock transport and
 * compares `requestSeen(request, expected)` with `expected`.
 */
import { API_KEY, BASE_URL, ORG_ID, OTHER_ORG_ID, OTHER_PROJECT_ID, PROJECT_ID } from "./fixtures.js"

/** A request as the mock transport records it. */
export interface Recorded {
  readonly method: string
  readonly url: string
  readonly body: string
  readonly headers: Readonly<Record<string, string>>
}

/** What the request must show; a fact left out is not checked. */
export interface Expected {
  readonly method?: string
  readonly url?: string
  /** The URL's query string, `""` when it has none. */
  readonly search?: string
  readonly query?: Readonly<Record<string, string>>
  /** Keys the URL must not hold. */
  readonly urlLacks?: ReadonlyArray<string>
  /** The body, byte for byte. */
  readonly bodyText?: string
  readonly body?: unknown
  /** These headers (lower-case names) with these values. */
  readonly headers?: Readonly<Record<string, string>>
}

/** What `request` shows of the facts `expected` names, in the same shape. */
export const requestSeen = (request: Recorded, expected: Expected): Record<string, unknown> => {
  const url = new URL(request.url)
  return {
    ...(expected.method === undefined ? {} : { method: request.method }),
    ...(expected.url === undefined ? {} : { url: request.url }),
    ...(expected.search === undefined ? {} : { search: url.search }),
    ...(expected.query === undefined ? {} : { query: Object.fromEntries(url.searchParams) }),
    ...(expected.urlLacks === undefined ? {} : { urlLacks: expected.urlLacks.filter((key) => !request.url.includes(key)) }),
    ...(expected.bodyText === undefined ? {} : { bodyText: request.body }),
    ...(expected.body === undefined ? {} : { body: JSON.parse(request.body) }),
    ...(expected.headers === undefined ? {} : {
      headers: Object.fromEntries(Object.keys(expected.headers).map((name) => [name, request.headers[name]]))
    })
  }
}

export interface Case {
  readonly name: string
  /** The client's options (`LlamaCloudClient.layer`), over the tests' key and base URL. */
  readonly client?: {
    readonly baseUrl?: string
    readonly organizationId?: string
    readonly projectId?: string
    readonly headers?: Readonly<Record<string, string>>
  }
  /** `ChatService.create`'s parameters. */
  readonly params?: {
    readonly indexIds?: ReadonlyArray<string> | null
    readonly sharedAccess?: "read_only"
    readonly organizationId?: string
    readonly projectId?: string
  }
  readonly expected: Expected
}

const defaults = { organizationId: ORG_ID, projectId: PROJECT_ID }

/** The request line, the query, the body and the headers of a created session; `version`: the edition's package version. */
export const createRequests = (version: string): ReadonlyArray<{ readonly title: string; readonly cases: ReadonlyArray<Case> }> => [
  {
    title: "the request line",
    cases: [
      { name: "is POST /api/v1/chat at the base URL", expected: { method: "POST", url: `${BASE_URL}/api/v1/chat` } },
      {
        name: "joins a base URL with a trailing slash without doubling it",
        client: { baseUrl: "https://api.test/" },
        expected: { url: "https://api.test/api/v1/chat" }
      },
      {
        name: "keeps a base URL's path prefix",
        client: { baseUrl: "https://proxy.test/llama/cloud/" },
        expected: { url: "https://proxy.test/llama/cloud/api/v1/chat" }
      }
    ]
  },
  {
    title: "the query",
    cases: [
      { name: "is empty when no organization or project is set anywhere", expected: { search: "" } },
      {
        name: "carries the client's default organization_id and project_id",
        client: defaults,
        expected: { query: { organization_id: ORG_ID, project_id: PROJECT_ID } }
      },
      {
        name: "sends only the id that is set, never an empty key=",
        client: { projectId: PROJECT_ID },
        expected: { query: { project_id: PROJECT_ID }, urlLacks: ["organization_id"] }
      },
      { name: "treats an empty default id as unset", client: { organizationId: "", projectId: "" }, expected: { search: "" } },
      {
        name: "uses the ids given to the call over the client's defaults",
        client: defaults,
        params: { organizationId: OTHER_ORG_ID, projectId: OTHER_PROJECT_ID },
        expected: { query: { organization_id: OTHER_ORG_ID, project_id: OTHER_PROJECT_ID } }
      },
      {
        name: "overrides one default id and keeps the other",
        client: defaults,
        params: { projectId: OTHER_PROJECT_ID },
        expected: { query: { organization_id: ORG_ID, project_id: OTHER_PROJECT_ID } }
      },
      {
        name: "sends a call's id when the client has no default",
        params: { organizationId: OTHER_ORG_ID },
        expected: { query: { organization_id: OTHER_ORG_ID } }
      }
    ]
  },
  {
    title: "the body",
    cases: [
      { name: "is {\"index_ids\":null} for an unbound session", expected: { bodyText: `{"index_ids":null}` } },
      { name: "sends index_ids null when the caller passes null", params: { indexIds: null }, expected: { body: { index_ids: null } } },
      {
        name: "lists the index ids in order",
        params: { indexIds: ["idx-b", "idx-a", "idx-c"] },
        expected: { body: { index_ids: ["idx-b", "idx-a", "idx-c"] } }
      },
      { name: "sends an empty list as an empty list", params: { indexIds: [] }, expected: { body: { index_ids: [] } } },
      {
        name: "includes shared_access only when it is set",
        params: { indexIds: ["idx-a"], sharedAccess: "read_only" },
        expected: { body: { index_ids: ["idx-a"], shared_access: "read_only" } }
      },
      {
        name: "never puts the organization or project in the body",
        params: { organizationId: OTHER_ORG_ID, projectId: OTHER_PROJECT_ID },
        expected: { body: { index_ids: null } }
      }
    ]
  },
  {
    title: "the headers",
    cases: [
      {
        name: "carry the bearer token, JSON accept and content type, and the package's User-Agent",
        expected: {
          headers: {
            authorization: `Bearer ${API_KEY}`,
            accept: "application/json",
            "content-type": "application/json",
            "user-agent": `effect-llamacloud/${version}`
          }
        }
      },
      {
        name: "add the user's own headers",
        client: { headers: { "X-Team": "search", "x-trace-tag": "a b c" } },
        expected: { headers: { "x-team": "search", "x-trace-tag": "a b c" } }
      },
      {
        name: "let the user replace the User-Agent",
        client: { headers: { "User-Agent": "my-app/2.0" } },
        expected: { headers: { "user-agent": "my-app/2.0" } }
      },
      {
        name: "do not let the user's headers replace Authorization or Accept",
        client: { headers: { Authorization: "Bearer someone-else", authorization: "Basic eDp5", Accept: "text/html" } },
        expected: { headers: { authorization: `Bearer ${API_KEY}`, accept: "application/json" } }
      }
    ]
  }
]
