/**
 * The one-pass decoding of the response classes: whatever the input and the parse options, the
 * result is the one Effect's own path gives for the same class (`super.ast`), failures included.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"
import { ChatSession, ChatSessionDetail, ChatSessionPage, JobMetadata } from "../../src/ChatSession.js"
import { sessionJson } from "../fixtures/harness.js"

/** The class's schema as `Schema.Class` built it, before the override. */
const effectsOwn = (self: object): AST.AST => Reflect.get(Object.getPrototypeOf(self), "ast", self)

const job = { duration_ms: 1834, error: null, is_error: false, total_input_tokens: 5120, turns: 2 }

const bodies: ReadonlyArray<unknown> = [
  sessionJson(),
  sessionJson({ generated_title: "Q3", index_ids: ["idx-a"], job_metadata: job, shared_access: "read_only" }),
  sessionJson({ generated_title: null, index_ids: null, job_metadata: null, shared_access: null, owner: { id: 7 } }),
  sessionJson({ job_metadata: {}, events: [{ type: "user_input", content: "hi" }, { type: "new_kind" }] }),
  sessionJson({ generated_title: undefined, events: null }),
  { items: [sessionJson(), sessionJson({ job_metadata: job })], next_page_token: "tok-2" },
  { items: [], next_page_token: "" },
  // Not the documented shape:
  null,
  [sessionJson()],
  { id: "ses-1", index_ids: "idx-a" },
  sessionJson({ last_updated_at: "2026-13-45T99:00:00" }),
  sessionJson({ session_id: 5, job_metadata: { turns: "2" }, shared_access: "everyone" }),
  sessionJson({ events: [{ type: "text" }] }),
  { items: [{}], next_page_token: 3 }
]

const optionSets: ReadonlyArray<AST.ParseOptions | undefined> = [
  undefined,
  { errors: "all" },
  { onExcessProperty: "error" },
  { onExcessProperty: "preserve" },
  { exact: true },
  { propertyOrder: "original" }
]

const outcome = (result: Either.Either<unknown, ParseResult.ParseIssue>) =>
  Either.isRight(result)
    ? { value: result.right, keys: Object.keys(Object(result.right)) }
    : { error: ParseResult.TreeFormatter.formatIssueSync(result.left) }

describe("a class decoded in one pass", () => {
  const classes: ReadonlyArray<Schema.Schema.AnyNoContext & { readonly identifier: string }> = [
    ChatSession,
    ChatSessionDetail,
    ChatSessionPage,
    JobMetadata
  ]
  for (const self of classes) {
    it(`${self.identifier} decodes every body as Effect's own path does, under every parse option`, () => {
      for (const options of optionSets) {
        const fast = ParseResult.decodeUnknownEither(self, options)
        const own = ParseResult.decodeUnknownEither(Schema.make(effectsOwn(self)), options)
        for (const body of bodies) {
          assert.deepStrictEqual(outcome(fast(body)), outcome(own(body)), `${JSON.stringify(options)} ${JSON.stringify(body)}`)
        }
      }
    })
  }

  it("is what the classes decode with", () => {
    // Otherwise the comparisons above would compare Effect's path with itself.
    for (const self of classes) assert.notStrictEqual(self.ast, effectsOwn(self))
  })

  it("keeps the class's encoded and type sides", () => {
    const session = Schema.decodeUnknownSync(ChatSession)(sessionJson({ job_metadata: job }))
    assert.instanceOf(session, ChatSession)
    assert.deepStrictEqual(Schema.encodeSync(ChatSession)(session), Schema.encodeSync(Schema.make(effectsOwn(ChatSession)))(session))
    assert.isTrue(Schema.is(ChatSession)(session))
    assert.isFalse(Schema.is(Schema.typeSchema(ChatSession))({ ...session }))
    assert.isTrue(Schema.is(Schema.encodedSchema(ChatSession))(sessionJson()))
    assert.isFalse(Schema.is(Schema.encodedSchema(ChatSession))({ session_id: "ses-1" }))
  })
})
