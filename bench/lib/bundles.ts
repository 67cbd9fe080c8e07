/** The bundle-size figures: every program in `bench/bundle/`, and the library's marginal size. */
import type { MeasuredBundle } from "./build.js"
import { addedInputs, bundleSize, describeBuildError } from "./build.js"
import type { BundleResult, Marginal, Results } from "./results.js"

export const importStyles = ["barrel", "deep"] as const
export type ImportStyle = typeof importStyles[number]

/** `bench/bundle/<name>.ts`, without the extension. */
export const bundlePrograms: ReadonlyArray<string> = [
  "fetch",
  "sdk",
  ...importStyles.flatMap((style) => [`${style}/baseline`, `${style}/library`, `${style}/baseline-and-library`])
]

const isMeasured = (m: MeasuredBundle | { readonly error: string } | undefined): m is MeasuredBundle =>
  m !== undefined && "inputs" in m

/**
 * Sizes every program (or those of the given import styles); the marginal of a style is
 * `baseline-and-library` − `baseline`.
 */
export const measureBundles = async (
  styles: ReadonlyArray<ImportStyle> = importStyles
): Promise<NonNullable<Results["bundle"]>> => {
  const chosen = bundlePrograms.filter((program) =>
    !program.includes("/") || styles.some((style) => program.startsWith(`${style}/`))
  )
  const measured: Record<string, MeasuredBundle | { readonly error: string }> = Object.fromEntries(
    await Promise.all(chosen.map(async (program) => [
      program,
      await bundleSize(program).catch((error: unknown) => ({ error: describeBuildError(error) }))
    ]))
  )
  const programs: Record<string, BundleResult> = Object.fromEntries(
    Object.entries(measured).map((
      [program, m]
    ) => [program, isMeasured(m) ? { minifiedBytes: m.minifiedBytes, gzipBytes: m.gzipBytes } : m])
  )
  const marginal: Record<string, Marginal | null> = Object.fromEntries(styles.map((style) => {
    const baseline = measured[`${style}/baseline`]
    const both = measured[`${style}/baseline-and-library`]
    return [
      style,
      isMeasured(baseline) && isMeasured(both)
        ? {
          minifiedBytes: both.minifiedBytes - baseline.minifiedBytes,
          gzipBytes: both.gzipBytes - baseline.gzipBytes,
          largestAdditions: addedInputs(baseline, both, 12)
        }
        : null
    ]
  }))
  return { programs, marginal }
}
