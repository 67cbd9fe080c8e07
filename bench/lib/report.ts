/** The tables `npm run bench` prints on stdout. */
import type { Results, Target } from "./results.js"
import { isBundleSize } from "./results.js"

const table = (title: string, headers: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? "").length)))
  // First column reads left to right; figures line up on the right.
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ")
  return [title, line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line), ""].join("\n")
}

const fixed = (digits: number) => (n: number | undefined): string =>
  n === undefined || !Number.isFinite(n) ? "—" : n.toFixed(digits)
const integer = (n: number | undefined): string =>
  n === undefined || !Number.isFinite(n) ? "—" : Math.round(n).toLocaleString("en-US")
const mb = (bytes: number | undefined): string => (bytes === undefined ? "—" : (bytes / 1024 / 1024).toFixed(1))
const signedMb = (bytes: number | undefined): string =>
  bytes === undefined ? "—" : `${bytes >= 0 ? "+" : ""}${(bytes / 1024 / 1024).toFixed(2)}`
const kib = (bytes: number | undefined): string => (bytes === undefined ? "—" : (bytes / 1024).toFixed(1))
const count = (n: number): string => (n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n))

const targetValue = (t: Target): string => {
  if (t.value === null) return "—"
  switch (t.unit) {
    case "ratio":
      return `${t.value.toFixed(2)}×`
    case "fraction":
      return `${t.value >= 0 ? "+" : ""}${(t.value * 100).toFixed(1)} %`
    case "bytes":
      return `${(t.value / 1024).toFixed(1)} KiB`
  }
}

export const render = (results: Results): string => {
  const names = Object.keys(results.contenders)
  // A reference point is marked so nobody reads it as an alternative.
  const shown = (name: string) => (results.contenders[name]!.reference ? `${name} (ref)` : name)
  const { config } = results
  const c = `c${config.concurrency}`
  const out: Array<string> = []
  const m = results.machine
  out.push(
    `effect-llamacloud bench — ${results.date}${results.quick ? " (QUICK: figures are for smoke only)" : ""}`,
    `${m.cpuModel}, ${m.cores} cores, node ${m.node}, load ${m.loadAverageAtEnd.map((l) => l.toFixed(1)).join(" ")}; ` +
      `${config.rounds} round(s) × ${count(config.calls)} calls per phase, median of rounds; ${results.durationSec.toFixed(0)} s`,
    ""
  )
  out.push(table(
    "Throughput, CPU and latency (client process; CPU = user+system µs per call)",
    ["contender", "seq calls/s", "seq µs CPU", "seq p50 ms", "seq p99 ms", `${c} calls/s`, `${c} µs CPU`, `${c} p50 ms`, `${c} p99 ms`],
    names.map((name) => {
      const r = results.contenders[name]!
      return [
        shown(name),
        integer(r.sequential?.callsPerSec),
        integer(r.sequential?.cpuUsPerCall),
        fixed(3)(r.sequential?.p50Ms),
        fixed(3)(r.sequential?.p99Ms),
        integer(r.concurrent?.callsPerSec),
        integer(r.concurrent?.cpuUsPerCall),
        fixed(3)(r.concurrent?.p50Ms),
        fixed(3)(r.concurrent?.p99Ms)
      ]
    })
  ))
  const checkpoint = count(config.memoryCheckpointCalls)
  const total = count(config.memoryCalls)
  out.push(table(
    `Memory after gc, MB (${c}; one run each)`,
    ["contender", `heap @${checkpoint}`, `heap @${total}`, "heap growth", `rss @${checkpoint}`, `rss @${total}`, "rss growth"],
    names.filter((name) => !results.contenders[name]!.reference).map((name) => {
      const memory = results.contenders[name]!.memory
      return [
        name,
        mb(memory?.atCheckpoint.heapUsedBytes),
        mb(memory?.atEnd.heapUsedBytes),
        memory === undefined ? "—" : `${signedMb(memory.heapGrowthBytes)} (${(memory.heapGrowthRatio * 100).toFixed(1)} %)`,
        mb(memory?.atCheckpoint.rssBytes),
        mb(memory?.atEnd.rssBytes),
        signedMb(memory?.rssGrowthBytes)
      ]
    })
  ))
  const ms = fixed(1)
  out.push(table(
    `Cold start: ms from process start to first create done (median of ${config.coldSpawns} spawn(s))`,
    ["contender", "imports done", "node_modules", "deep imports", "bundled"],
    [
      ...(results.nodeColdStart
        ? [["node (empty)", ms(results.nodeColdStart.importedMs), ms(results.nodeColdStart.firstCreateMs), "", ""]]
        : []),
      ...names.map((name) => {
        const cold = results.contenders[name]!.coldStart
        return [
          shown(name),
          ms(cold.nodeModules?.importedMs),
          ms(cold.nodeModules?.firstCreateMs),
          cold.deepImports === undefined ? "" : ms(cold.deepImports.firstCreateMs),
          ms(cold.bundled?.firstCreateMs)
        ]
      })
    ]
  ))
  out.push(table(
    "Bundle of a minimal create program (esbuild, minified, node, ESM), KiB",
    ["program", "minified", "gzip"],
    Object.entries(results.bundle.programs).map(([program, size]) =>
      isBundleSize(size) ? [program, kib(size.minifiedBytes), kib(size.gzipBytes)] : [program, "build failed", ""]
    )
  ))
  for (const [style, marginal] of Object.entries(results.bundle.marginal)) {
    if (marginal === null) continue
    out.push(
      `Marginal, ${style} imports (baseline-and-library − baseline): +${kib(marginal.gzipBytes)} KiB gzip, ` +
        `+${kib(marginal.minifiedBytes)} KiB minified; largest additions (minified):`,
      ...marginal.largestAdditions.slice(0, 6).map(({ bytes, input }) => `  ${kib(bytes).padStart(6)}  ${input}`),
      ""
    )
  }
  out.push(table(
    "Targets (ratios from this run)",
    ["target", "value", "result"],
    results.targets.map((t) => [t.description, targetValue(t), t.pass === null ? "n/a" : t.pass ? "pass" : "MISS"])
  ))
  const errors = names.flatMap((name) => results.contenders[name]!.errors.map((e) => `${name}: ${e}`))
  const bundleErrors = Object.entries(results.bundle.programs).flatMap(([program, size]) =>
    isBundleSize(size) ? [] : [`bundle ${program}: ${size.error}`]
  )
  if (errors.length + bundleErrors.length > 0) out.push("Errors", ...errors, ...bundleErrors, "")
  return out.join("\n")
}
