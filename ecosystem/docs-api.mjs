// The API reference: TypeDoc over the package's four entry points (src/index.ts, src/testing.ts,
// src/testing/node.ts, src/ai.ts), from their TSDoc, into ecosystem/out/api/ (gitignored). Exits non-zero when
// TypeDoc reports an error (a broken {@link}, an entry point that does not convert...); warnings
// are printed and do not fail.
//
// It then lists the exports whose TSDoc has no @example, the operations and layers first (every
// one of those should have one), into out/api/missing-examples.json and on stdout.
//
//   npm run docs:api              (from the repository root; needs `npm ci --prefix ecosystem`)
//   node ecosystem/docs-api.mjs   (the same)
import { mkdirSync, writeFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { Application, LogLevel, ReflectionKind } from "typedoc"

const here = dirname(fileURLToPath(import.meta.url))

const hasExample = (reflection) =>
  [reflection.comment, ...(reflection.signatures ?? []).map((s) => s.comment), reflection.getSignature?.comment]
    .some((comment) => comment?.blockTags.some((tag) => tag.tag === "@example"))

const isFunction = (reflection) =>
  (reflection.signatures?.length ?? 0) > 0 || (reflection.type?.type === "reflection" && (reflection.type.declaration.signatures?.length ?? 0) > 0)

/** What an export is, for the report: an operation of a service, a layer, or anything else. */
const kindOf = (path, reflection) => {
  if (/^layer/.test(path.at(-1)) || /^Layer(<|$)/.test(String(reflection.type ?? ""))) return "layer"
  if (path.at(-2) === "Service" && isFunction(reflection)) return "operation"
  return "other"
}

/** Walks the exported declarations (into namespaces, classes' static members and Service interfaces). */
const collect = (reflection, path, out) => {
  for (const child of reflection.children ?? []) {
    const childPath = [...path, child.name]
    const kind = child.kind
    if (kind === ReflectionKind.Reference) continue // a re-export: reported where it is declared
    if (kind === ReflectionKind.Module || kind === ReflectionKind.Namespace) {
      collect(child, childPath, out)
      continue
    }
    const isMember = kind === ReflectionKind.Property || kind === ReflectionKind.Method || kind === ReflectionKind.Accessor
    // Members count when they are a class's static API or a service's operations.
    if (isMember && !(child.flags.isStatic || path.at(-1) === "Service")) continue
    if (kind === ReflectionKind.Constructor) continue
    // A service's data (a base URL, a key) is no operation.
    if (isMember && path.at(-1) === "Service" && !isFunction(child)) continue
    if (kind === ReflectionKind.TypeAlias || kind === ReflectionKind.Interface) {
      if (child.name === "Service") collect(child, childPath, out)
      continue
    }
    out.push({ path: childPath.join("."), kind: kindOf(childPath, child), example: hasExample(child) })
    if (kind === ReflectionKind.Class) collect(child, childPath, out)
  }
}

export const buildApiReference = async ({ root = resolve(here, ".."), out = join(here, "out", "api") } = {}) => {
  const app = await Application.bootstrapWithPlugins({
    name: "effect-llamacloud",
    entryPoints: ["src/index.ts", "src/testing.ts", "src/testing/node.ts", "src/ai.ts"].map((p) => join(root, p)),
    tsconfig: join(root, "tsconfig.build.json"),
    readme: join(root, "README.md"),
    out,
    // `npm run typecheck` is the type check; TypeDoc only documents.
    skipErrorChecking: true,
    excludePrivate: true,
    excludeInternal: true,
    excludeExternals: true,
    // No repository URL yet for source links (package.json has none).
    disableSources: true,
    sort: ["kind", "instance-first", "alphabetical-ignoring-documents"],
    validation: { notExported: true, invalidLink: true, notDocumented: false },
    treatWarningsAsErrors: false,
    logLevel: LogLevel.Warn
  })
  const project = await app.convert()
  if (project === undefined) return { ok: false, exports: [] }
  app.validate(project)
  await app.generateOutputs(project)
  const exports = []
  collect(project, [], exports)
  const missing = exports.filter((e) => !e.example)
  mkdirSync(out, { recursive: true })
  writeFileSync(join(out, "missing-examples.json"), JSON.stringify(missing, null, 2) + "\n")
  return { ok: !app.logger.hasErrors(), warnings: app.logger.warningCount, exports, missing }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const result = await buildApiReference()
  if (result.missing !== undefined) {
    for (const kind of ["operation", "layer", "other"]) {
      const names = result.missing.filter((e) => e.kind === kind).map((e) => e.path)
      console.log(`without @example (${kind}s, ${names.length}): ${names.join(", ") || "none"}`)
    }
  }
  console.log(`API reference: ${result.ok ? "built" : "FAILED"} (${result.warnings ?? 0} warnings) → ecosystem/out/api/index.html`)
  process.exit(result.ok ? 0 : 1)
}
