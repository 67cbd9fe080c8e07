/** The tables `npm run bench` prints on stdout. */
import type { Results, StreamResults, Target } from "./results.js"
import { isBundleSize } from "./results.js"

const table = (title: string, headers: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? "").length)))
  // First column reads left to right; figures line up on the right.
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ")
  return [title, line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line), ""].join("\n")
}

const fixed = (digits: number) => (n: number | null | undefined): string =>
  n === undefined || n === null || !Number.isFinite(n) ? "—" : n.toFixed(digits)
const integer = (n: number | undefined): string =>
  n === undefined || !Number.isFinite(n) ? "—" : Math.round(n).toLocaleString("en-US")
const mb = (bytes: number | undefined): string => (bytes === undefined ? "—" : (bytes / 1024 / 1024).toFixed(1))
const signedMb = (bytes: number | undefined): string =>
  bytes === undefined ? "—" : `${bytes >= 0 ? "+" : ""}${(bytes / 1024 / 1024).toFixed(2)}`
const kib = (bytes: number | undefined): string => (bytes === undefined ? "—" : (bytes / 1024).toFixed(1))
const count = (n: number): string =>
  n >= 1_000_000 && n % 1_000_000 === 0 ? `${n / 1_000_000}M` : n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n)
const percent = (fraction: number | undefined): string =>
  fraction === undefined ? "—" : `${fraction >= 0 ? "+" : ""}${(fraction * 100).toFixed(1)} %`

const targetValue = (t: Target): string => {
  if (t.value === null) return "—"
  switch (t.unit) {
    case "ratio":
      return `${t.value.toFixed(2)}×`
    case "fraction":
      return percent(t.value)
    case "bytes":
      return `${(t.value / 1024).toFixed(1)} KiB`
    case "ms":
      return `${t.value >= 0 ? "+" : ""}${t.value.toFixed(2)} ms`
  }
}

const renderCreate = (results: Results, out: Array<string>): void => {
  const names = Object.keys(results.contenders)
  // A reference point is marked so nobody reads it as an alternative.
  const shown = (name: string) => (results.contenders[name]!.reference ? `${name} (ref)` : name)
  const { config } = results
  const c = `c${config.concurrency}`
  out.push(table(
    "Create: throughput, CPU and latency (client process; CPU = user+system µs per call)",
    ["contender", "seq calls/s", "seq µs CPU", "seq p50 ms", "seq p99 ms", `${c} calls/s`, `${c} µs CPU`, `${c} p50 ms`, `${c} p99 ms`],
    names.filter((name) => results.contenders[name]!.sequential !== undefined).map((name) => {
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
    `Create memory after gc, MB (${c}; one run each)`,
    ["contender", `heap @${checkpoint}`, `heap @${total}`, "heap growth", `rss @${checkpoint}`, `rss @${total}`, "rss growth"],
    names.filter((name) => results.contenders[name]!.memory !== undefined).map((name) => {
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
    `Start-up: ms from process start to first create done (median of ${config.coldSpawns} spawn(s)); ` +
      `node_modules = packages and the library installed (the documented import path)`,
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
}

const renderOperations = (results: Results, out: Array<string>): void => {
  const c = `c${results.config.concurrency}`
  const rows = Object.entries(results.contenders).flatMap(([name, r]) =>
    (["listPage", "retrieve"] as const).flatMap((operation) => {
      const o = r.operations?.[operation]
      return o === undefined ? [] : [[
        `${operation === "listPage" ? "list page" : "retrieve"}: ${name}${r.reference ? " (ref)" : ""}`,
        integer(o.sequential?.callsPerSec),
        integer(o.sequential?.cpuUsPerCall),
        fixed(3)(o.sequential?.p50Ms),
        integer(o.concurrent?.callsPerSec),
        integer(o.concurrent?.cpuUsPerCall),
        fixed(3)(o.concurrent?.p50Ms)
      ]]
    })
  ).sort((a, b) => a[0]!.localeCompare(b[0]!))
  if (rows.length === 0) return
  out.push(table(
    `Other operations (${count(results.config.operationCalls)} calls per phase): a list page of 20 sessions; retrieve of a session with a 1 000-event history`,
    ["operation: contender", "seq calls/s", "seq µs CPU", "seq p50 ms", `${c} calls/s`, `${c} µs CPU`, `${c} p50 ms`],
    rows
  ))
}

const renderStream = (stream: StreamResults, out: Array<string>): void => {
  const names = Object.keys(stream.contenders)
  const shown = (name: string) => (stream.contenders[name]!.floor ? `${name} (floor)` : name)
  const s = stream.config
  out.push(table(
    `Streamed turn of ${count(s.turnEvents)} events (median of ${s.rounds} round(s); CPU = user+system of the client process)`,
    ["contender", "events/s", "µs CPU/event"],
    names.map((name) => {
      const turn = stream.contenders[name]!.turn
      return [shown(name), integer(turn?.eventsPerSec), fixed(2)(turn?.cpuUsPerEvent)]
    })
  ))
  const ms = fixed(2)
  out.push(table(
    `Time to first event, ms from the request's start (paced turns, ${1000 / 10} events/s each; pooled over rounds): ` +
      `one at a time (${s.aloneEvents}-event turns), and with ${s.concurrency} concurrent turns (${s.concurrentEvents} events each)`,
    ["contender", "alone p50", "alone p99", "alone turn end p50", `c${s.concurrency} p50`, `c${s.concurrency} p99`, `c${s.concurrency} turn end p50`],
    names.map((name) => {
      const f = stream.contenders[name]!.firstEvent
      return [
        shown(name),
        ms(f?.alone.firstEventP50Ms),
        ms(f?.alone.firstEventP99Ms),
        ms(f?.alone.turnP50Ms),
        ms(f?.concurrent.firstEventP50Ms),
        ms(f?.concurrent.firstEventP99Ms),
        ms(f?.concurrent.turnP50Ms)
      ]
    })
  ))
  const checkpoint = count(Math.floor(s.memoryEvents / 10))
  out.push(table(
    `Heap during one turn of ${count(s.memoryEvents)} events, MB after gc (read before the stop event)`,
    ["contender", "before", `@${checkpoint}`, `@${count(s.memoryEvents)}`, "growth", `rss @${count(s.memoryEvents)}`],
    names.map((name) => {
      const memory = stream.contenders[name]!.memory
      return [
        shown(name),
        mb(memory?.start.heapUsedBytes),
        mb(memory?.atCheckpoint.heapUsedBytes),
        mb(memory?.beforeStop.heapUsedBytes),
        percent(memory?.heapGrowthRatio),
        mb(memory?.beforeStop.rssBytes)
      ]
    })
  ))
  out.push(table(
    `${count(s.heldTurns)} turns held open after their first event, after gc`,
    ["contender", "heap MB", "rss MB", "heap KiB/turn", "rss KiB/turn"],
    names.map((name) => {
      const held = stream.contenders[name]!.held
      return [
        shown(name),
        mb(held?.held.heapUsedBytes),
        mb(held?.held.rssBytes),
        kib(held?.heapPerTurnBytes),
        kib(held?.rssPerTurnBytes)
      ]
    })
  ))
}

export const render = (results: Results): string => {
  const out: Array<string> = []
  const m = results.machine
  const { config } = results
  out.push(
    `effect-llamacloud bench — ${results.date}${results.smoke ? " (SMOKE: the harness's self-check, figures mean nothing)" : results.quick ? " (QUICK: figures are for smoke only)" : ""}`,
    `${m.cpuModel}, ${m.cores} cores, node ${m.node}, load at end ${m.loadAverageAtEnd.map((l) => l.toFixed(1)).join(" ")}; ` +
      `suites ${results.suites.join(", ")}; ${config.rounds} round(s) × ${count(config.calls)} creates per phase, median of rounds; ` +
      `${results.durationSec.toFixed(0)} s`,
    ...(results.library === undefined ? [] : [`library installed from ${results.library} (a proposed change), not src/`]),
    ""
  )
  if (results.suites.includes("create")) renderCreate(results, out)
  if (results.startup !== undefined) {
    const { cli, nodePrintMs } = results.startup
    out.push(table(
      "CLI: ms from spawn to its first output",
      ["program", "node_modules", "bundled"],
      [
        ["node -e console.log (floor)", fixed(1)(nodePrintMs), ""],
        cli.status === "absent"
          ? [cli.note, "", ""]
          : [`${cli.entry} ${cli.args.join(" ")}`, fixed(1)(cli.nodeModulesMs), fixed(1)(cli.bundledMs)],
        ["official SDK", "has no CLI", ""]
      ]
    ))
  }
  if (results.bundle !== undefined) {
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
  }
  renderOperations(results, out)
  if (results.stream !== undefined) renderStream(results.stream, out)
  if (results.decode !== undefined) {
    out.push(table(
      "Decoding in isolation, µs per call (one process, best of 3)",
      ["decoder", "µs", "note"],
      results.decode.rows.map((row) => [row.name, fixed(2)(row.microseconds), row.note])
    ))
  }
  out.push(table(
    "Targets (ratios from this run)",
    ["target", "value", "result"],
    results.targets.map((t) => [t.description, targetValue(t), t.pass === null ? "n/a" : t.pass ? "pass" : "MISS"])
  ))
  const errors = [
    ...results.errors,
    ...Object.entries(results.contenders).flatMap(([name, r]) => r.errors.map((e) => `${name}: ${e}`)),
    ...Object.entries(results.stream?.contenders ?? {}).flatMap(([name, r]) => r.errors.map((e) => `stream ${name}: ${e}`)),
    ...Object.entries(results.bundle?.programs ?? {}).flatMap(([program, size]) =>
      isBundleSize(size) ? [] : [`bundle ${program}: ${size.error}`]
    ),
    ...(results.startup?.cli.status === "measured" ? results.startup.cli.errors.map((e) => `cli: ${e}`) : [])
  ]
  if (errors.length > 0) out.push("Errors", ...errors, "")
  return out.join("\n")
}
