/**
 * Renders the rows a reliability run recorded (RELIABILITY_ROWS, JSON lines) and the soak's JSON
 * into the generated sections of docs/reliability.md. The prose around them is the document's own:
 * only the text between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->` is replaced.
 * One renderer per section, side by side, which is most of its length.
 */
import { names } from "../../src/internal/operations.js"
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

/** The tables whose rows are fault scenarios, each run over every transport. */
const scenarioTables = ["matrix", "operations", "streams"]

const isTurn = (r: Row) => r.operation === "sendMessage" || r.operation === "ask"

/** A turn's failure that came after its 2xx: its events had begun, or the wait for them had. */
const afterTheHeaders = (r: Row) =>
  isTurn(r) && /event stream|no event for|did not end by its deadline/.test(String(r.figures?.["detail"] ?? ""))

/** Distinct scenarios among `rows` (a scenario runs once per transport). */
const scenariosOf = (rows: ReadonlyArray<Row>) => new Set(rows.map((r) => `${r.table}/${r.operation ?? "create"}/${r.id}`)).size

/** How many fault scenarios ran, over how many transports, in how many runs: for the report and its script. */
export const scenarioCounts = (rows: ReadonlyArray<Row>) => {
  const m = rows.filter((r) => scenarioTables.includes(r.table))
  return { scenarios: scenariosOf(m), transports: new Set(m.map((r) => short(r.transport))).size, runs: m.length }
}

const summary = (rows: ReadonlyArray<Row>, meta: Meta): string => {
  const m = rows.filter((r) => scenarioTables.includes(r.table))
  const { scenarios, transports } = scenarioCounts(rows)
  const inTable = (table: string) => m.filter((r) => r.table === table)
  const operations = inTable("operations")
  const streams = inTable("streams")
  const successes = m.filter((r) => r.outcome === "success").length
  const tags = new Map<string, number>()
  for (const r of m) {
    const tag = r.outcome.replace(/\(.*$/, "")
    tags.set(tag, (tags.get(tag) ?? 0) + 1)
  }
  const acting = m.filter((r) => (r.operation ?? "create") === "create" || isTurn(r))
  const duplicates = acting.filter((r) => (r.sessions ?? 0) > 1)
  const defaultDuplicates = duplicates.filter((r) => r.policy.startsWith("default"))
  const begun = m.filter((r) => r.table === "streams" || afterTheHeaders(r))
  // The requests before the answer began (attempts that ended before any 2xx), then exactly one.
  const before2xx = (r: Row) => Number(r.figures?.["attemptsEndedBefore2xx"] ?? 0)
  const retriedFirst = begun.filter((r) => before2xx(r) > 0 && r.serverRequests === before2xx(r) + 1)
  const reposted = begun.filter((r) => r.serverRequests !== before2xx(r) + 1)
  const sdk = rows.filter((r) => r.table === "sdk")
  const sdkDuplicates = sdk.filter((r) => (r.sessions ?? 0) > 1)
  const sdkHangs = sdk.filter((r) => r.outcome === "pending")
  const label = (r: Row) => `${r.operation ?? "create"} ${r.id}`
  return [
    `Run of ${meta.date} on ${meta.machine}, Node ${meta.node}, commit \`${meta.commit}\`: vitest ${
      meta.vitest.passed ? "passed" : "FAILED"
    } (${meta.vitest.tests}) in ${meta.vitest.durationS} s.`,
    "",
    `- **${scenarios} fault scenarios × ${transports} transports (${m.length} runs)** over real sockets: every one ended in its documented outcome — ${successes} successes, and ${
      [...tags.entries()].filter(([tag]) => tag !== "success").map(([tag, n]) => `${n} \`${tag}\``).join(", ")
    }; no defect, no hang, no unhandled rejection, no socket or timer left behind, the API key in none of the ${
      m.reduce((sum, r) => sum + Number(r.figures?.["renderedPlaces"] ?? 0), 0)
    } error renderings, log lines and spans checked. Of them:`,
    `  - create in depth (rate limits, redirects, error bodies of every shape): ${scenariosOf(inTable("matrix"))} scenarios;`,
    `  - every operation × every fault: ${new Set(operations.map((r) => r.id)).size} faults, each met by the ${
      new Set(operations.map((r) => r.operation)).size
    } operations it applies to: ${scenariosOf(operations)} scenarios;`,
    `  - a turn's event stream broken: ${scenariosOf(streams)} scenarios (${
      scenariosOf(streams.filter((r) => r.operation === "sendMessage"))
    } on \`sendMessage\`, ${scenariosOf(streams.filter((r) => r.operation === "ask"))} on \`ask\`).`,
    `- **Duplicates:** ${defaultDuplicates.length} runs under the default rules made a second session or ran a turn twice (${
      defaultDuplicates.length === 0 ? "none" : defaultDuplicates.map(label).join(", ")
    }); the ${duplicates.length} runs that did are all \`retryAmbiguous\`, the documented price of that opt-in (${
      [...new Set(duplicates.map(label))].join(", ")
    }).`,
    `- **A turn is never posted again once its answer has begun:** ${begun.length} turn runs ended after their 2xx had arrived (every stream fault; the body faults, stalls, drips and the deadline on a turn), ${
      begun.filter((r) => r.policy.startsWith("retryAmbiguous")).length
    } of them under \`retryAmbiguous\`. ${
      begun.filter((r) => r.serverRequests === 1).length
    } saw exactly one request at the server${
      retriedFirst.length === 0 ? "" : `; the ${retriedFirst.length} others (${
        [...new Set(retriedFirst.map(label))].join(", ")
      }) one more for each attempt that had ended before any 2xx, then the one whose answer began`
    }${reposted.length === 0 ? "" : `; **${[...new Set(reposted.map(label))].join(", ")} posted the turn again after its 2xx**`}.`,
    `- **Official SDK, same faults (create):** ${sdkDuplicates.length} of ${sdk.length} cases made more than one session (${
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
  // Create's rows: its own faults (the create matrix) and those every operation meets.
  const ours = new Map(
    rows.filter((r) =>
      (r.table === "matrix" || (r.table === "operations" && r.operation === "create")) && short(r.transport) === "fetch"
    ).map((r) => [r.id, r])
  )
  const interruptions = rows.filter((r) =>
    r.table === "interruption" && short(r.transport) === "fetch" && (r.operation ?? "create") === "create"
  )
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
  return table(
    ["fault", "effect-llamacloud (fetch, matrix policy)", "@llamaindex/llama-cloud (maxRetries 2; timeout 300 ms on the timing rows, 2 s elsewhere)"],
    lines
  )
}

const interruption = (rows: ReadonlyArray<Row>): string =>
  table(
    ["case", "stopped by", "transport", "interrupt returned ms", "server saw the close ms", "requests after (watched 1 s)", "server acted"],
    byOrder(rows.filter((r) => r.table === "interruption")).map((r) => [
      r.fault,
      r.policy.startsWith("Stream.take") ? `\`${r.policy}\`` : "`Fiber.interrupt`",
      short(r.transport),
      r.figures?.["interruptMs"],
      r.figures?.["serverSawCloseMs"],
      (r.serverRequests ?? 1) - 1,
      actedText(r.operation ?? "create", r.sessions)
    ])
  )

/** What the server did, in the operation's words. */
const actedText = (operation: string, acted: number | null): string => {
  const n = acted ?? 0
  switch (operation) {
    case "create":
      return n === 1 ? "1 session" : `${n} sessions`
    case "delete":
      return n === 1 ? "deleted" : "not deleted"
    case "sendMessage":
    case "ask":
      return n === 1 ? "1 turn" : `${n} turns`
    default:
      return ""
  }
}

/** `NetworkError(ConnectionLost)` → `ConnectionLost`: the reason says it in a narrow cell. */
const shortOutcome = (outcome: string) => outcome.replace(/^NetworkError\((.*)\)$/, "$1")

/** The table of operations' order. */
const operationOrder: ReadonlyArray<string> = names

/**
 * Every operation × every fault: one line per fault, one column per operation; a cell is the
 * outcome, the requests the server saw, and what it did. Where the transports disagree, the cell
 * has one entry per transport.
 */
const operationsGrid = (rows: ReadonlyArray<Row>): string => {
  const operations = rows.filter((r) => r.table === "operations")
  const ids = [...new Set(operations.map((r) => r.id))]
  const cell = (rs: ReadonlyArray<Row>) => {
    const text = (r: Row) =>
      [`\`${shortOutcome(r.outcome)}\``, `${r.serverRequests} req`, actedText(r.operation ?? "", r.sessions)].filter((part) => part !== "")
        .join(", ")
    const texts = rs.map(text)
    if (texts.length === 0) return "—"
    return texts.every((t) => t === texts[0]) ? texts[0]! : rs.map((r, i) => `${short(r.transport)}: ${texts[i]}`).join(" / ")
  }
  const lines = ids.map((id) => {
    const of = operations.filter((r) => r.id === id)
    const first = of[0]!
    return [
      first.group,
      first.fault,
      first.policy,
      ...operationOrder.map((op) => cell(of.filter((r) => r.operation === op))),
      Math.max(...of.map((r) => r.elapsedMs))
    ]
  })
  return table(["group", "fault", "policy", ...operationOrder.map((op) => `\`${op}\``), "slowest run ms"], lines)
}

/** The stream faults: one line per scenario where the transports agree, one per transport where not. */
const streamsTable = (rows: ReadonlyArray<Row>): string => {
  const streams = rows.filter((r) => r.table === "streams")
  const keys = [...new Set(streams.map((r) => `${r.operation}/${r.id}`))]
  const events = (r: Row) => {
    const n = Number(r.figures?.["eventsDelivered"] ?? 0)
    return n === 1 ? "1 event" : `${n} events`
  }
  const got = (r: Row) =>
    r.operation === "ask" ? r.outcome === "success" ? `a reply of ${events(r)}` : "nothing" : events(r)
  const lines = keys.flatMap((key) => {
    const group = streams.filter((r) => `${r.operation}/${r.id}` === key)
    const first = group[0]!
    const same = group.every((r) =>
      r.outcome === first.outcome && r.serverRequests === first.serverRequests && r.sessions === first.sessions &&
      got(r) === got(first) && r.figures?.["detail"] === first.figures?.["detail"]
    )
    return (same ? [group] : group.map((r) => [r])).map((rs) => {
      const r = rs[0]!
      return [
        `\`${r.operation}\``,
        r.fault,
        r.policy,
        rs.map((x) => short(x.transport)).join(" + "),
        `\`${r.outcome}\``,
        r.figures?.["detail"] ?? "",
        got(r),
        r.serverRequests,
        actedText(r.operation ?? "", r.sessions),
        rs.map((x) => x.elapsedMs).join(" / ")
      ]
    })
  })
  return table(
    ["operation", "fault", "policy", "transport", "outcome", "detail", "the caller got", "server saw", "server ran", "time ms"],
    lines
  )
}

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
  operations: operationsGrid(rows),
  streams: streamsTable(rows),
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
