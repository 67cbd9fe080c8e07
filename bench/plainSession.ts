/**
 * A create body as a struct of plain wire fields: no renames, no `Option`, no timestamp. The
 * `effect-platform` contender decodes with it, and the decode suite times it beside the library's
 * `ChatSession`; one definition, so that the row and the contender measure the same schema. It
 * imports the `effect` barrel, as the contender (a first Effect program) does.
 */
import { Schema } from "effect"

export const PlainSession = Schema.Struct({
  session_id: Schema.String,
  last_updated_at: Schema.String,
  generated_title: Schema.NullOr(Schema.String),
  index_ids: Schema.NullOr(Schema.Array(Schema.String)),
  job_metadata: Schema.NullOr(Schema.Unknown)
})
