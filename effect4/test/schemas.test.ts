/**
 * Every schema the package exports can be described by Effect's own derivations, on its type side
 * and on its encoded (wire) side: a user's `Schema.toJsonSchemaDocument`, `Arbitrary.schema` and
 * `Schema.toFormatter` work on them. The schemas are found by walking the package's exports, so a
 * schema added later is covered without touching this file.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Package from "../src/index.js"
import { mustFind } from "../../test/shared/exportedSchemas.js"

/** The exported schemas by name: top-level exports, and the members of exported namespaces. */
const exportedSchemas = (): ReadonlyArray<readonly [string, Schema.Top]> => {
  const found: Array<readonly [string, Schema.Top]> = []
  for (const [name, value] of Object.entries(Package)) {
    if (Schema.isSchema(value)) {
      found.push([name, value])
    } else if (typeof value === "object" && value !== null) {
      for (const [member, inner] of Object.entries(value)) {
        if (Schema.isSchema(inner)) found.push([`${name}.${member}`, inner])
      }
    }
  }
  return found
}

const schemas = exportedSchemas()

const sides = (schema: Schema.Top) => [["type", Schema.toType(schema)], ["encoded", Schema.toEncoded(schema)]] as const

describe("the exported schemas", () => {
  it("are found by the walk (every response class, event and parameter schema)", () => {
    const names = schemas.map(([name]) => name)
    for (const expected of mustFind) assert.include(names, expected)
  })

  for (const [name, schema] of schemas) {
    for (const [side, described] of sides(schema)) {
      it(`${name} (${side} side): Schema.toJsonSchemaDocument describes it`, () => {
        const document = Schema.toJsonSchemaDocument(described)
        assert.isObject(document.schema)
        assert.doesNotThrow(() => JSON.stringify(document))
      })

      it.effect(`${name} (${side} side): Arbitrary.schema generates values the schema accepts`, () =>
        Effect.gen(function*() {
          const is = Schema.is(described)
          const format = Schema.toFormatter(described)
          const samples = yield* Arbitrary.sampleEffect(Arbitrary.schema(described), { count: 20, seed: 17 })
          assert.strictEqual(samples.length, 20)
          for (const sample of samples) if (!is(sample)) assert.fail(`${name}: ${format(sample)} was generated but not accepted`)
        }))

      it.effect(`${name} (${side} side): Schema.toFormatter renders a generated value`, () =>
        Effect.gen(function*() {
          const format = Schema.toFormatter(described)
          const [sample] = yield* Arbitrary.sampleEffect(Arbitrary.schema(described), { count: 1, seed: 17 })
          assert.isString(format(sample))
        }))
    }
  }
})
