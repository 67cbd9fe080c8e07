/**
 * Every schema the package exports can be described by Effect's own derivations, on its type side
 * and on its encoded (wire) side: a user's `JSONSchema.make`, `Arbitrary.make` and `Pretty.make`
 * work on them. The schemas are found by walking the package's exports, so a schema added later is
 * covered without touching this file.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as FastCheck from "effect/FastCheck"
import * as JSONSchema from "effect/JSONSchema"
import * as Pretty from "effect/Pretty"
import * as Schema from "effect/Schema"
import * as Package from "../src/index.js"
import { mustFind } from "./shared/exportedSchemas.js"

/** The exported schemas by name: top-level exports, and the members of exported namespaces. */
const exportedSchemas = (): ReadonlyArray<readonly [string, Schema.Schema.AnyNoContext]> => {
  const found: Array<readonly [string, Schema.Schema.AnyNoContext]> = []
  for (const [name, value] of Object.entries(Package)) {
    if (Schema.isSchema(value)) {
      found.push([name, value as Schema.Schema.AnyNoContext])
    } else if (typeof value === "object" && value !== null) {
      for (const [member, inner] of Object.entries(value)) {
        if (Schema.isSchema(inner)) found.push([`${name}.${member}`, inner as Schema.Schema.AnyNoContext])
      }
    }
  }
  return found
}

const schemas = exportedSchemas()

const sides = (schema: Schema.Schema.AnyNoContext) =>
  [["type", schema], ["encoded", Schema.encodedSchema(schema)]] as const

describe("the exported schemas", () => {
  it("are found by the walk (every response class, event and parameter schema)", () => {
    const names = schemas.map(([name]) => name)
    for (const expected of mustFind) assert.include(names, expected)
  })

  for (const [name, schema] of schemas) {
    for (const [side, described] of sides(schema)) {
      it(`${name} (${side} side): JSONSchema.make describes it`, () => {
        const jsonSchema = JSONSchema.make(described)
        assert.isObject(jsonSchema)
        assert.doesNotThrow(() => JSON.stringify(jsonSchema))
      })

      it(`${name} (${side} side): Arbitrary.make generates values the schema accepts`, () => {
        const is = Schema.is(Schema.typeSchema(described))
        const samples = FastCheck.sample(Arbitrary.make(described), { numRuns: 20, seed: 17 })
        assert.strictEqual(samples.length, 20)
        for (const sample of samples) assert.isTrue(is(sample), `${name}: ${String(sample)}`)
      })

      it(`${name} (${side} side): Pretty.make renders a generated value`, () => {
        const pretty = Pretty.make(described)
        const [sample] = FastCheck.sample(Arbitrary.make(described), { numRuns: 1, seed: 17 })
        assert.isString(pretty(sample))
      })
    }
  }
})
