/**
 * A `Schema.Class` whose wire side decodes in one pass. Effect's interpreter decodes a struct of
 * renamed, `Option` and nullable fields three times over: the wire struct, then each field's rename
 * or `Option` on its own (deleting keys, which slows every later read of the object), then the whole
 * domain struct again to check what those transformations made. The pass here decodes each wire
 * field with Effect's own parser for its schema, applies the same field transformations into a fresh
 * object, and trusts them, as their types already do.
 *
 * Nothing is declared twice: the fields, their wire names and transformations are read from the
 * class's own schema. Any input the pass does not accept, any parse option it does not honour and
 * any other schema shape takes Effect's own path, so failures and their messages are Effect's.
 *
 * The pass is a declaration in the schema, and Effect derives a declaration's encoded side without
 * its annotations: `Schema.encodedSchema` of these classes decodes and checks as before, but
 * `JSONSchema`, `Arbitrary` and `Pretty` cannot describe it (they still describe the class itself).
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"

type Fields = Record<PropertyKey, unknown>

const isFields = (input: unknown): input is Fields => typeof input === "object" && input !== null && !Array.isArray(input)

/** A wire field the input does not have. */
const absent: unique symbol = Symbol("absent")

/** The fields of a valid input, or undefined to leave the input (and its failure) to Effect. */
type Pass = (input: unknown, options: AST.ParseOptions) => Fields | undefined

type Decoder = (input: unknown, options: AST.ParseOptions) => Either.Either<unknown, ParseResult.ParseIssue>

/**
 * Effect's parser for a field's wire value. A `null` decodes the same way every time, so a result
 * that cannot be mutated (an optional field's `null`, most often) is kept rather than found again by
 * trying each member of the field's union.
 */
const fieldDecoder = (ast: AST.AST): Decoder => {
  const decode = ParseResult.decodeUnknownEither(Schema.make(ast))
  // Found on the first null, not while Effect builds the parser: a recursive schema may not be built yet.
  let ofNull: Either.Either<unknown, ParseResult.ParseIssue> | null | undefined
  return (input, options) => {
    if (input !== null) return decode(input, options)
    if (ofNull === undefined) {
      const result = decode(null, options)
      ofNull = Either.isRight(result) && !Predicate.isObject(result.right) ? result : null
      return result
    }
    return ofNull ?? decode(null, options)
  }
}

/**
 * The pass for a struct, or undefined for a schema that is not one: a struct without index
 * signatures, possibly with field transformations (renames, `Option`, defaults).
 */
const passOf = (ast: AST.AST): Pass | undefined => {
  const [from, to, transformations] = AST.isTransformation(ast) && AST.isTypeLiteralTransformation(ast.transformation)
    ? [ast.from, ast.to, ast.transformation.propertySignatureTransformations]
    : [ast, ast, []]
  if (!AST.isTypeLiteral(from) || !AST.isTypeLiteral(to)) return undefined
  if (from.indexSignatures.length > 0 || to.indexSignatures.length > 0) return undefined
  const wireFields = from.propertySignatures.map((field) => ({
    name: field.name,
    isOptional: field.isOptional,
    decode: fieldDecoder(field.type)
  }))
  // In the order of the domain struct, as Effect's last pass would leave them.
  const domainFields = to.propertySignatures.map((field) => {
    const transformation = transformations.find((t) => t.to === field.name)
    const from = transformation?.from ?? field.name
    return { name: field.name, wire: wireFields.findIndex((wire) => wire.name === from), decode: transformation?.decode }
  })
  return (input, options) => {
    if (!isFields(input)) return undefined
    const wire: Array<unknown> = []
    for (const field of wireFields) {
      if (field.isOptional && !Object.hasOwn(input, field.name)) {
        wire.push(absent)
        continue
      }
      const value = field.decode(input[field.name], options)
      if (Either.isLeft(value)) return undefined
      wire.push(value.right)
    }
    const fields: Fields = {}
    for (const field of domainFields) {
      const value = field.wire === -1 ? absent : wire[field.wire]
      if (field.decode === undefined) {
        if (value !== absent) fields[field.name] = value
        continue
      }
      const decoded = field.decode(value === absent ? Option.none() : Option.some(value))
      if (Option.isSome(decoded)) fields[field.name] = decoded.value
    }
    return fields
  }
}

// Options that change what a successful decode returns; under them inputs take Effect's path.
const passAgreesUnder = (options: AST.ParseOptions): boolean =>
  (options.onExcessProperty === undefined || options.onExcessProperty === "ignore") &&
  options.exact !== true && options.propertyOrder !== "original"

/**
 * `ast` decoded by its pass where there is one. A declaration over `ast`, so that the encoded and
 * type sides Effect derives from it decode as theirs would (by their own pass, or Effect's path).
 */
const inOnePass = (ast: AST.AST): AST.AST =>
  new AST.Declaration(
    [ast],
    (self) => {
      const pass = passOf(self)
      const decode = ParseResult.decodeUnknown(Schema.make(self))
      return (input, options) => {
        const fields = pass !== undefined && passAgreesUnder(options) ? pass(input, options) : undefined
        return fields === undefined ? decode(input, options) : Either.right(fields)
      }
    },
    (self) => ParseResult.encodeUnknown(Schema.make(self)),
    { ...ast.annotations, [AST.SurrogateAnnotationId]: ast }
  )

const classes = new WeakMap<AST.Transformation, AST.Transformation>()

/**
 * A class's schema (what `Schema.Class` builds: its wire struct, transformed to an instance) with
 * the wire struct decoded in one pass. For a class's `static get ast`, from `super.ast`.
 */
export const classAst = (ast: AST.Transformation): AST.Transformation => {
  let fast = classes.get(ast)
  if (fast === undefined) {
    fast = new AST.Transformation(inOnePass(ast.from), ast.to, ast.transformation, ast.annotations)
    classes.set(ast, fast)
  }
  return fast
}
