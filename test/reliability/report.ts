/**
 * Renders the rows a reliability run recorded (RELIABILITY_ROWS, JSON lines) and the soak's JSON
 * into the generated sections of docs/reliability.md. The prose around them is the document's own:
 * only the text between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->` is replaced.
 */
import type { Row } from "./harness.js"
import type { LoadReport } from "./load.js"

export interface Soak {
  readonly calls: number
  readonly concurrency: number
  readonly node: string
  readonly reports: ReadonlyArray<LoadReport>
  readonly floor: { readonly wallMs: number; readonly callsPerSecond: number }
  readonly problems: ReadonlyArray<string>
}

export interface Meta {
  readonly date: string
  readonly node: string
  readonly commit: string
  readonly machine: string
  readonly vitest: { readonly passed: boolean; readonly tests: string; readonly durationS: number }
}

const cell = (value: unknown): string => String(value ?? "—").replace(/\|/g, "\\|").replace(/\n/g, " ")
const table = (head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<unknown>>): string =>
  [
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`)
  ].join("\n")

const short = (transport: string) =>
  transport.startsWith("NodeHttpClient") ? "undici" : transport.startsWith("FetchHttpClient") ? "fetch" : transport

const groupOrder = ["connection", "timing", "rate limit", "status", "2xx body", "client error"]

/** The matrix, one line per scenario where both transports agree, one per transport where not. */
const matrix = (rows: ReadonlyArray<Row>): string => {
  const byId = new Map<string, Array<Row>>()
  for (const row of rows.filter((r) => r.table === "matrix")) byId.set(row.id, [...(byId.get(row.id) ?? []), row])
  const lines: Array<ReadonlyArray<unknown>> = []
  const ordered = [...byId.values()].sort((a, b) => groupOrder.indexOf(a[0]!.group) - groupOrder.indexOf(b[0]!.group))
  for (const group of ordered) {
    const [first] = group
    if (first === undefined) continue
    const same = group.every((r) =>
      r.outcome === first.outcome && r.attempts === first.attempts && r.serverRequests === first.serverRequests &&
      r.sessions === first.sessions
    )
    const time = (rs: ReadonlyArray<Row>) => rs.map((r) => r.elapsedMs).join(" / ")
    const bound = Number(first.figures?.["boundMinMs"] ?? 0)
    const parts = same ? [group] : group.map((r) => [r])
    for (const rs of parts) {
      const r = rs[0]!
      lines.push([
        r.group,
        r.fault,
        r.policy,
        rs.map((x) => short(x.transport)).join(" + "),
        `\`${r.outcome}\``,
        r.attempts,
        r.serverRequests,
        r.sessions,
        time(rs),
        bound > 0 ? `≥ ${bound}` : ""
      ])
    }
  }
  return table(
    ["group", "fault", "policy", "transport", "outcome", "attempts", "server saw", "sessions", "time ms", "policy's floor ms"],
    lines
  )
}

const summary = (rows: ReadonlyArray<Row>, meta: Meta): string => {
  const m = rows.filter((r) => r.table === "matrix")
  const scenarios = new Set(m.map((r) => r.id)).size
  const transports = new Set(m.map((r) => short(r.transport)))
  const successes = m.filter((r) => r.outcome === "success").length
  const tags = new Map<string, number>()
  for (const r of m) {
    const tag = r.outcome.replace(/\(.*$/, "")
    tags.set(tag, (tags.get(tag) ?? 0) + 1)
  }
  const duplicates = m.filter((r) => (r.sessions ?? 0) > 1)
  const defaultDuplicates = duplicates.filter((r) => r.policy.startsWith("default"))
  const sdk = rows.filter((r) => r.table === "sdk")
  const sdkDuplicates = sdk.filter((r) => (r.sessions ?? 0) > 1)
  const sdkHangs = sdk.filter((r) => r.outcome === "pending")
  return [
    `Run of ${meta.date} on ${meta.machine}, Node ${meta.node}, commit \`${meta.commit}\`: vitest ${
      meta.vitest.passed ? "passed" : "FAILED"
    } (${meta.vitest.tests}) in ${meta.vitest.durationS} s.`,
    "",
    `- **${scenarios} fault scenarios × ${transports.size} transports (${m.length} runs)** over real sockets: every one ended in its documented outcome — ${successes} successes, and ${
      [...tags.entries()].filter(([tag]) => tag !== "success").map(([tag, n]) => `${n} \`${tag}\``).join(", ")
    }; no defect, no hang, no unhandled rejection, no socket or timer left behind, the API key in none of the ${
      m.reduce((sum, r) => sum + Number(r.figures?.["renderedPlaces"] ?? 0), 0)
    } error renderings, log lines and spans checked.`,
    `- **Duplicates:** ${defaultDuplicates.length} runs under the default rules made more than one session (${
      defaultDuplicates.length === 0 ? "none" : defaultDuplicates.map((r) => r.id).join(", ")
    }); the ${duplicates.length} runs that did are all \`retryAmbiguous\`, the documented price of that opt-in.`,
    `- **Official SDK, same faults:** ${sdkDuplicates.length} of ${sdk.length} cases made more than one session (${
      sdkDuplicates.map((r) => `${r.fault}: ${r.sessions}`).join("; ")
    }); ${sdkHangs.length} never settled (${sdkHangs.map((r) => r.fault).join("; ")}).`
  ].join("\n")
}

/** The matrix row each SDK case mirrors, where the ids differ. */
const sdkMatrixId: Readonly<Record<string, string>> = {
  "429-retry-after-beyond-cap": "429-retry-after-3s"
}

const byOrder = (rows: ReadonlyArray<Row>): ReadonlyArray<Row> =>
  [...rows].sort((a, b) => Number(a.figures?.["order"] ?? 0) - Number(b.figures?.["order"] ?? 0))

const comparison = (rows: ReadonlyArray<Row>): string => {
  const ours = new Map(rows.filter((r) => r.table === "matrix" && short(r.transport) === "fetch").map((r) => [r.id, r]))
  const interruptions = rows.filter((r) => r.table === "interruption" && short(r.transport) === "fetch")
  const lines = byOrder(rows.filter((r) => r.table === "sdk")).map((sdk) => {
    let mine: Row | undefined = ours.get(sdkMatrixId[sdk.id] ?? sdk.id)
    let mineText: string
    if (sdk.id === "interrupt-backoff") {
      mine = interruptions.find((r) => r.fault.includes("Retry-After"))
      mineText = mine === undefined ? "—" : `interrupted in ${mine.figures?.["interruptMs"]} ms, no further request`
    } else if (sdk.id === "interrupt-request") {
      mine = interruptions.find((r) => r.fault.includes("headers not yet sent"))
      mineText = mine === undefined
        ? "—"
        : `interrupted in ${mine.figures?.["interruptMs"]} ms; the server saw the socket close ${mine.figures?.["serverSawCloseMs"]} ms after the interruption`
    } else {
      mineText = mine === undefined ? "—" : `\`${mine.outcome}\`, ${mine.attempts} att., ${mine.sessions} sess., ${mine.elapsedMs} ms`
    }
    const theirs = sdk.outcome === "pending"
      ? `no answer after ${sdk.elapsedMs} ms (aborted)`
      : `\`${sdk.outcome}\`, ${sdk.attempts} att., ${sdk.sessions} sess., ${sdk.elapsedMs} ms${
        sdk.figures?.["settledAfterAbortMs"] === undefined ? "" : ` (settled ${sdk.figures["settledAfterAbortMs"]} ms after the abort)`
      }`
    return [sdk.fault, mineText, theirs]
  })
  return table(["fault", "effect-llamacloud (fetch, matrix policy)", "@llamaindex/llama-cloud (maxRetries 2, timeout 300 ms)"], lines)
}

const interruption = (rows: ReadonlyArray<Row>): string =>
  table(
    ["case", "transport", "interrupt returned ms", "server saw the close ms", "requests after (watched 1 s)", "sessions"],
    byOrder(rows.filter((r) => r.table === "interruption")).map((r) => [
      r.fault,
      short(r.transport),
      r.figures?.["interruptMs"],
      r.figures?.["serverSawCloseMs"],
      (r.serverRequests ?? 1) - 1,
      r.sessions
    ])
  )

const memory = (rows: ReadonlyArray<Row>): string =>
  table(
    ["body", "transport", "outcome", "time ms", "peak heap growth MiB", "held after MiB", "server wrote MiB"],
    rows.filter((r) => r.table === "memory").map((r) => [
      r.fault,
      short(r.transport),
      `\`${r.outcome}\``,
      r.elapsedMs,
      r.figures?.["peakGrowthMiB"],
      r.figures?.["heldAfterMiB"],
      r.figures?.["serverWroteMiB"] ?? "—"
    ])
  )

const loadCi = (rows: ReadonlyArray<Row>): string =>
  table(
    ["run", "transport", "outcomes", "server requests", "sessions", "calls/s", "p50 / p99 ms", "connections (new / max open)", "heap growth MiB"],
    rows.filter((r) => r.table === "load").map((r) => [
      `${r.figures?.["calls"]} at ${r.figures?.["concurrency"]}, faults: ${r.fault}`,
      short(r.transport),
      r.outcome,
      r.serverRequests,
      r.sessions,
      r.figures?.["callsPerSecond"],
      `${r.figures?.["p50Ms"]} / ${r.figures?.["p99Ms"]}`,
      `${r.figures?.["connectionsTotal"]} / ${r.figures?.["connectionsMaxOpen"]}`,
      r.figures?.["heapGrowthMiB"]
    ])
  )

const soakTable = (soak: Soak): string =>
  [
    `\`npm run soak\`: ${soak.calls} creates at concurrency ${soak.concurrency}, server in a child process, Node ${soak.node}.`,
    "",
    table(
      ["transport", "faults", "outcomes", "attempts (n × calls)", "server requests", "sessions", "calls/s", "p50 / p99 ms", "connections (new / max open)", "heap before → after MiB"],
      soak.reports.map((r) => [
        short(r.transport),
        r.faultRate === 0 ? "none" : `${r.faultRate * 100} % 503`,
        Object.entries(r.outcomes).map(([label, n]) => `${label} ${n}`).join(", "),
        Object.entries(r.attempts).map(([n, count]) => `${n} × ${count}`).join(", "),
        r.serverRequests,
        r.sessions,
        r.callsPerSecond,
        `${r.latencyMs.p50} / ${r.latencyMs.p99}`,
        `${r.connectionsTotal} / ${r.connectionsMaxOpen}`,
        `${r.heapBeforeMiB} → ${r.heapAfterMiB} (${r.heapGrowthMiB >= 0 ? "+" : ""}${r.heapGrowthMiB})`
      ])
    ),
    "",
    `Floor: undici's bare \`request\` against the same server, same calls and concurrency: ${soak.floor.callsPerSecond} calls/s.`,
    soak.problems.length === 0
      ? "Every outcome was a documented one."
      : `**Problems:**\n${soak.problems.map((p) => `- ${p}`).join("\n")}`
  ].join("\n")

export const sections = (rows: ReadonlyArray<Row>, meta: Meta, soak: Soak | undefined): Readonly<Record<string, string>> => ({
  summary: summary(rows, meta),
  matrix: matrix(rows),
  interruption: interruption(rows),
  memory: memory(rows),
  load: loadCi(rows),
  ...(soak === undefined ? {} : { soak: soakTable(soak) }),
  sdk: comparison(rows)
})

/** Replaces each generated section of `doc` that `generated` has; leaves the others as they are. */
export const fill = (doc: string, generated: Readonly<Record<string, string>>): string =>
  Object.entries(generated).reduce((text, [name, content]) => {
    const start = `<!-- generated:${name} -->`
    const end = `<!-- /generated:${name} -->`
    const from = text.indexOf(start)
    const to = text.indexOf(end)
    if (from === -1 || to === -1) return text
    return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`
  }, doc)
