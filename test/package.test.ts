/**
 * The package as npm publishes it: its license and changelog, the metadata a registry page shows,
 * and links in the shipped Markdown that lead to files the tarball holds.
 */
import { assert, describe, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { VERSION } from "../src/index.js"

const root = fileURLToPath(new URL("..", import.meta.url))
const read = (file: string) => readFileSync(Path.join(root, file), "utf8")
const pkg = JSON.parse(read("package.json"))

/** The files `npm pack` puts in the tarball, as it reports them without writing one. */
const packed = (): ReadonlyArray<string> => {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm"
  const report = JSON.parse(execFileSync(npm, ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8" }))
  return report[0].files.map((file: { path: string }) => file.path)
}

/** The relative link targets of a Markdown text: inline links and images, without their #fragment. */
const relativeLinks = (markdown: string): ReadonlyArray<string> =>
  [...markdown.replace(/```[\s\S]*?```/g, "").matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((match) => match[1] ?? "")
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith("#"))
    .map((target) => decodeURIComponent(target.split("#")[0] ?? ""))

describe("the published package", () => {
  it("is MIT licensed, with the license text shipped", () => {
    assert.strictEqual(pkg.license, "MIT")
    const license = read("LICENSE")
    assert.match(license, /^MIT License\n\nCopyright \(c\) 2026 the effect-llamacloud authors\n/)
    assert.include(license, "THE SOFTWARE IS PROVIDED \"AS IS\"")
  })

  it("has a changelog whose latest entry is this version", () => {
    const versions = [...read("CHANGELOG.md").matchAll(/^## (\d+\.\d+\.\d+\S*)/gm)].map((match) => match[1])
    assert.strictEqual(versions[0], VERSION)
    assert.include(versions, "0.1.0")
  })

  it("names its repository, home page, issue tracker and keywords", () => {
    assert.match(pkg.repository?.url, /^git\+https:\/\/github\.com\/[^/]+\/[^/]+\.git$/)
    assert.match(pkg.homepage, /^https:\/\//)
    assert.match(pkg.bugs?.url, /^https:\/\/.+\/issues$/)
    assert.isAbove(pkg.keywords?.length ?? 0, 3)
    assert.include(pkg.keywords, "llamacloud")
    assert.include(pkg.keywords, "effect")
  })

  it("ships every file its Markdown links to, and the license, changelog and command line", () => {
    const files = new Set(packed())
    for (const file of ["LICENSE", "CHANGELOG.md", "README.md", "package.json"]) assert.isTrue(files.has(file), file)
    assert.isTrue(files.has("src/cli/main.ts"), "the command line's sources")
    const broken: Array<string> = []
    for (const file of [...files].filter((name) => name.endsWith(".md"))) {
      for (const target of relativeLinks(read(file))) {
        const resolved = Path.posix.normalize(Path.posix.join(Path.posix.dirname(file), target)).replace(/\/$/, "")
        const found = files.has(resolved) || [...files].some((name) => name.startsWith(`${resolved}/`))
        if (!found) broken.push(`${file} → ${target}`)
      }
    }
    assert.deepStrictEqual(broken, [], "links to files the tarball does not hold")
  })
})

describe("the two editions", () => {
  const edition4 = JSON.parse(read("effect4/package.json"))
  const major = (range: string) => /^\^?(\d+)\./.exec(range)?.[1]

  it("are one package name, each with its own major: 0.x for Effect 3, 1.x for Effect 4", () => {
    assert.strictEqual(edition4.name, pkg.name)
    assert.strictEqual(major(pkg.version), "0")
    assert.strictEqual(major(edition4.version), "1")
  })

  it("publish the Effect 4 edition as `latest` and the Effect 3 edition under the `effect3` dist-tag", () => {
    assert.deepStrictEqual(edition4.publishConfig, { tag: "latest" })
    assert.deepStrictEqual(pkg.publishConfig, { tag: "effect3" })
  })

  it("each admit only their own Effect line as peers", () => {
    assert.strictEqual(major(pkg.peerDependencies.effect), "3")
    assert.strictEqual(major(pkg.peerDependencies["@effect/platform-node"]), "0")
    assert.strictEqual(major(edition4.peerDependencies.effect), "4")
    assert.strictEqual(major(edition4.peerDependencies["@effect/platform-node"]), "4")
    // Effect 4 folds @effect/platform, @effect/ai and @effect/experimental into effect.
    for (const folded of ["@effect/platform", "@effect/ai", "@effect/experimental"]) {
      assert.notProperty(edition4.peerDependencies, folded)
    }
    for (const name of ["effect", "@effect/platform-node"]) {
      assert.strictEqual(edition4.devDependencies[name], edition4.peerDependencies[name], `${name}: developed against what it admits`)
    }
  })

  it("have the same entry points, types, command line, runtime dependencies and Node floor", () => {
    assert.deepStrictEqual(edition4.exports, pkg.exports)
    assert.deepStrictEqual(edition4.typesVersions, pkg.typesVersions)
    assert.deepStrictEqual(edition4.bin, pkg.bin)
    assert.strictEqual(edition4.main, pkg.main)
    assert.strictEqual(edition4.types, pkg.types)
    assert.deepStrictEqual(edition4.dependencies, pkg.dependencies)
    assert.deepStrictEqual(edition4.engines, pkg.engines)
    assert.strictEqual(edition4.type, "module")
    assert.strictEqual(edition4.sideEffects, false)
  })

  it("ship the same documents: the Effect 4 edition's build copies them from the top", () => {
    for (const file of ["README.md", "CHANGELOG.md", "LICENSE", "docs"]) assert.include(edition4.files, file)
    assert.include(edition4.files, "dist")
    assert.match(edition4.scripts.build, /scripts\/from-top\.mjs/)
  })
})
