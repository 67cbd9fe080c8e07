/** The tables `npm run bench` prints on stdout. */
import type { EditionRow, ExitTime, FloorCheck, Results, StartupResults, StreamResults, Target } from "./results.js"
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
  // The library's rows read against the platform floor over the same transport and Effect line.
  const floorOf = (name: string) => stream.contenders[name.replace(/^effect(4?)-/, "platform$1-")]
  const against = (name: string, figure: "first" | "steady") => {
    if (!/^effect4?-/.test(name)) return ""
    const ours = stream.contenders[name]!.turn?.[figure].cpuUsPerEvent
    const floor = floorOf(name)?.turn?.[figure].cpuUsPerEvent
    return ours === undefined || floor === undefined ? "—" : `${(ours / floor).toFixed(2)}×`
  }
  out.push(table(
    `Streamed turns of ${count(s.turnEvents)} events, CPU = user+system µs per event of the client process. ` +
      `Per process: its first turn; then ${s.warmupTurns} turn(s) unmeasured and ${s.steadyTurns} measured, their median ` +
      `(steady). Medians of ${s.rounds} process(es); "/ platform" = the library over the platform floor of its transport`,
    ["contender", "first µs CPU", "first events/s", "steady µs CPU", "steady events/s", "steady min–max", "first / platform", "steady / platform"],
    names.map((name) => {
      const c = stream.contenders[name]!
      const spread = c.rounds.length === 0
        ? "—"
        : `${fixed(2)(Math.min(...c.rounds.map((r) => r.steady.cpuUsPerEventMin)))}–${fixed(2)(Math.max(...c.rounds.map((r) => r.steady.cpuUsPerEventMax)))}`
      return [
        shown(name),
        fixed(2)(c.turn?.first.cpuUsPerEvent),
        integer(c.turn?.first.eventsPerSec),
        fixed(2)(c.turn?.steady.cpuUsPerEvent),
        integer(c.turn?.steady.eventsPerSec),
        spread,
        against(name, "first"),
        against(name, "steady")
      ]
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
    `${count(s.heldTurns)} turns held open after their first event, after gc (one process each)`,
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

const renderStartup = (startup: StartupResults, out: Array<string>): void => {
  const ms = (time: ExitTime | null | undefined) => (time === null || time === undefined ? "—" : time.medianMs.toFixed(1))
  const times = (time: ExitTime | null | undefined, floor: ExitTime | null | undefined) =>
    time === null || time === undefined || floor === null || floor === undefined ? "—" : `${(time.medianMs / floor.medianMs).toFixed(2)}×`
  const { cli, importToExit, node } = startup
  out.push(table(
    `Start-up: ms from spawn to exit (median of ${node?.spawns ?? 0} spawn(s), round-robin)`,
    ["program", "ms", "ratio", "to"],
    [
      ["node -e 0", ms(node), "", ""],
      ["imports of a create, deep: platform floor (startup/platform)", ms(importToExit.platform), times(importToExit.platform, node), "node -e 0"],
      ["imports of a create, deep: library (startup/library)", ms(importToExit.library), times(importToExit.library, importToExit.platform), "platform floor"],
      cli.status === "measured"
        ? [`llamacloud-chat ${cli.args.join(" ")} (${cli.bin}, npm run build: ${cli.buildSec.toFixed(0)} s)`, ms(cli.help), times(cli.help, node), "node -e 0"]
        : [`llamacloud-chat: ${cli.note}`, "", "", ""],
      ["official SDK", "has no CLI", "", ""],
      ...(startup.effect4 === undefined ? [] : [
        ["node -e 0, Node 22 (the Effect 4 rows' Node)", ms(startup.effect4.node), times(startup.effect4.node, node), "node -e 0"],
        [
          "Effect 4, deep: platform floor (effect4/bench/startup/platform)",
          ms(startup.effect4.importToExit.platform),
          times(startup.effect4.importToExit.platform, startup.effect4.node),
          "node 22 -e 0"
        ],
        [
          "Effect 4, deep: library (effect4/bench/startup/library)",
          ms(startup.effect4.importToExit.library),
          times(startup.effect4.importToExit.library, startup.effect4.importToExit.platform),
          "Effect 4 floor"
        ]
      ])
    ]
  ))
}

const renderEditions = (rows: ReadonlyArray<EditionRow>, out: Array<string>): void => {
  if (rows.length === 0) return
  const value = (n: number | null, unit: EditionRow["unit"]) =>
    n === null ? "—" : unit === "calls/s" ? integer(n) : n.toFixed(unit === "KiB" ? 1 : 2)
  out.push(table(
    "Two editions over undici: Effect 3 (Node 20, the top's install) and Effect 4 (Node 22, effect4's); " +
      "ratio = Effect 3 / Effect 4 (above 1: Effect 4 costs less, or for calls/s does less)",
    ["figure", "unit", "Effect 3", "Effect 4", "ratio"],
    rows.map((r) => [r.figure, r.unit, value(r.effect3, r.unit), value(r.effect4, r.unit), r.ratio === null ? "—" : `${r.ratio.toFixed(2)}×`])
  ))
}

const renderFloorChecks = (checks: ReadonlyArray<FloorCheck>, out: Array<string>): void => {
  if (checks.length === 0) return
  const ratio = (n: number | null | undefined) => (n === null || n === undefined ? "—" : `${n.toFixed(2)}×`)
  out.push(table(
    "Floors against the raw client, this run (a floor that costs much more than raw is not the cheapest program, and flatters every ratio to it)",
    ["floor / raw", "figure", "ratio", "first turn", "limit", "check"],
    checks.map((c) => [
      `${c.floor} / ${c.raw}`,
      c.figure,
      ratio(c.ratio),
      c.firstTurnRatio === undefined ? "" : ratio(c.firstTurnRatio),
      c.limit === null ? "" : `≤ ${c.limit}×`,
      c.inflated === null ? (c.limit === null ? "reported" : "n/a") : c.inflated ? "INFLATED" : "ok"
    ])
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
  if (results.startup !== undefined) renderStartup(results.startup, out)
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
  renderFloorChecks(results.floorChecks, out)
  if (results.editions !== undefined) renderEditions(results.editions, out)
  out.push(table(
    "Targets (read from this run)",
    ["target", "value", "result"],
    results.targets.map((t) => [t.description, targetValue(t), t.met === null ? "n/a" : t.met ? "met" : "MISSED"])
  ))
  out.push(
    `Took ${Object.entries(results.durations).map(([part, sec]) => `${part} ${sec.toFixed(0)} s`).join(", ")}; ` +
      `${results.durationSec.toFixed(0)} s in all`,
    ""
  )
  const errors = [
    ...results.errors,
    ...Object.entries(results.contenders).flatMap(([name, r]) => r.errors.map((e) => `${name}: ${e}`)),
    ...Object.entries(results.stream?.contenders ?? {}).flatMap(([name, r]) => r.errors.map((e) => `stream ${name}: ${e}`)),
    ...Object.entries(results.bundle?.programs ?? {}).flatMap(([program, size]) =>
      isBundleSize(size) ? [] : [`bundle ${program}: ${size.error}`]
    ),
    ...(results.startup?.errors ?? []).map((e) => `start-up: ${e}`),
    ...results.floorChecks.flatMap((c) =>
      c.inflated === true ? [`floor ${c.floor} is inflated: ${c.ratio?.toFixed(2)}× ${c.raw}'s ${c.figure} (limit ${c.limit}×)`] : []
    )
  ]
  if (errors.length > 0) out.push("Errors", ...errors, "")
  return out.join("\n")
}
