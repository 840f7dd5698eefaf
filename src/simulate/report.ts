// Turns runs into the report: per profile, the runs pooled (landed tx/s as the mean over runs; client
// latency quantiles from the runs' pooled histograms, max exact; drops and cache counters summed; CPU,
// allocation and GC as means, RSS as the max), the ratios trading ÷ baseline with their spread over
// rounds (round r of trading ÷ round r of baseline), the JSON document (docs/SIMULATE.md), and the
// end-of-run table.
import type { GcSummary } from "./gc-log.ts";
import type { RunResult } from "./run-once.ts";
import { logHistogramQuantile, roundForReport } from "./stats.ts";
import type { Verdict } from "./verdicts.ts";
import type { WorkloadStats } from "./workload-stats.ts";

export interface ProfileSummary {
  runs: number;
  flagsOn: string[];
  flagsUnavailable: string[];
  offeredTps: number;
  landedTps: number;
  landedTpsRuns: number[];
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  latencyMsRuns: { p50: number; p99: number }[];
  serverLatencyMs: { p50: number; p90: number; p99: number };
  drops: Record<string, number>;
  executedWithError: Record<string, number>;
  serverDrops: Record<string, number>;
  cacheHitRates: Record<string, number>;
  batchTransactionsMean: number;
  cpuPercent: Record<string, number>;
  rssBytesMax: number;
  allocatedBytesPerSecond: number;
  gc: { pauseMsP99: number; pauseMsMax: number; pauseMsPerSecond: number; collections: number };
  udpKernelDrops: number;
  /** The client's UDP sends that failed, by error code. */
  udpSendErrors: Record<string, number>;
  ledgerOk: boolean;
  /** Highest 1-minute host load average seen at a run's start or end (2 = both cores busy). */
  hostLoadAverageMax: number;
  /** Most the load client ever fell behind its schedule (a loaded machine; the offered load was late). */
  clientSendLagMsMax: number;
}

export interface Spread {
  value: number;
  min: number;
  max: number;
  rounds: number[];
}

export interface SimulationReport {
  scenario: string;
  seed: number;
  command: string;
  startedAt: string;
  machine: Record<string, unknown>;
  durationSPerRun: number;
  rounds: number;
  workload: WorkloadStats;
  profiles: Record<string, ProfileSummary>;
  ratios: {
    landedTps: number;
    latencyP99: number;
    latencyP50: number;
    spread: { landedTps: Spread; latencyP99: Spread };
  } | null;
  verdict: Verdict;
  runs: RunResult[];
}

function addCounts(into: Record<string, number>, from: Record<string, number>, prefix = ""): void {
  for (const [key, value] of Object.entries(from))
    if (value > 0) into[prefix + key] = (into[prefix + key] ?? 0) + value;
}

const meanOf = (values: number[]) => values.reduce((sum, each) => sum + each, 0) / Math.max(1, values.length);

export function summarizeProfile(runs: RunResult[]): ProfileSummary {
  const histogram = new Array(runs[0].client.latencyHistogram.length).fill(0);
  const drops: Record<string, number> = {};
  const udpSendErrors: Record<string, number> = {};
  const executedWithError: Record<string, number> = {};
  const serverDrops: Record<string, number> = {};
  const cache: Record<string, { hits: number; misses: number }> = {};
  let batches = 0;
  let batchTransactions = 0;
  const cpu: Record<string, number[]> = {};
  for (const run of runs) {
    run.client.latencyHistogram.forEach((count, index) => {
      histogram[index] += count;
    });
    addCounts(drops, run.client.dropped);
    addCounts(drops, run.client.refused, "refused:");
    if (run.client.unresolved.udp > 0) addCounts(drops, { no_outcome_udp: run.client.unresolved.udp });
    if (run.client.unresolved.rpc > 0) addCounts(drops, { no_outcome_rpc: run.client.unresolved.rpc });
    addCounts(executedWithError, run.client.executedWithError);
    addCounts(udpSendErrors, run.client.udpSendErrors ?? {});
    addCounts(serverDrops, run.server.drops);
    for (const [name, counts] of Object.entries(run.server.cacheHitRates)) {
      if (counts.hits + counts.misses === 0) continue;
      cache[name] ??= { hits: 0, misses: 0 };
      cache[name].hits += counts.hits;
      cache[name].misses += counts.misses;
    }
    batches += run.server.batches.batches;
    batchTransactions += run.server.batches.transactions;
    const stages: Record<string, number> = {};
    for (const [instance, percent] of Object.entries(run.cpu.stagesPercent)) {
      const stage = instance.replace(/#\d+$/, "");
      stages[stage] = (stages[stage] ?? 0) + percent;
    }
    stages.other = run.cpu.otherPercent;
    stages.companion = run.cpu.companionPercent;
    stages.client = run.cpu.clientPercent;
    for (const [stage, percent] of Object.entries(stages)) {
      cpu[stage] ??= [];
      cpu[stage].push(percent);
    }
  }
  const gcs: GcSummary[] = runs.map((run) => run.gc);
  return {
    runs: runs.length,
    flagsOn: Object.entries(runs[0].flags)
      .filter(([, on]) => on)
      .map(([key]) => key),
    flagsUnavailable: runs[0].flagsUnavailable,
    offeredTps: roundForReport(meanOf(runs.map((run) => run.client.sent / run.durationS))),
    landedTps: roundForReport(meanOf(runs.map((run) => run.landedTps))),
    landedTpsRuns: runs.map((run) => roundForReport(run.landedTps)),
    latencyMs: {
      p50: roundForReport(logHistogramQuantile(histogram, 0.5)),
      p90: roundForReport(logHistogramQuantile(histogram, 0.9)),
      p99: roundForReport(logHistogramQuantile(histogram, 0.99)),
      max: roundForReport(Math.max(...runs.map((run) => run.client.latencyMs.max))),
    },
    latencyMsRuns: runs.map((run) => ({
      p50: roundForReport(run.client.latencyMs.p50),
      p99: roundForReport(run.client.latencyMs.p99),
    })),
    serverLatencyMs: {
      p50: roundForReport(meanOf(runs.map((run) => run.server.latencyMs.p50))),
      p90: roundForReport(meanOf(runs.map((run) => run.server.latencyMs.p90))),
      p99: roundForReport(meanOf(runs.map((run) => run.server.latencyMs.p99))),
    },
    drops,
    executedWithError,
    serverDrops,
    cacheHitRates: Object.fromEntries(
      Object.entries(cache).map(([name, counts]) => [
        name,
        roundForReport(counts.hits / Math.max(1, counts.hits + counts.misses)),
      ]),
    ),
    batchTransactionsMean: roundForReport(batches === 0 ? 0 : batchTransactions / batches),
    cpuPercent: Object.fromEntries(
      Object.entries(cpu).map(([stage, values]) => [stage, roundForReport(meanOf(values))]),
    ),
    rssBytesMax: Math.max(...runs.map((run) => run.memory.rssBytesMax)),
    allocatedBytesPerSecond: Math.round(meanOf(runs.map((run) => run.gc.allocatedBytesPerSecond))),
    gc: {
      pauseMsP99: roundForReport(Math.max(...gcs.map((gc) => gc.pauseMsP99))),
      pauseMsMax: roundForReport(Math.max(...gcs.map((gc) => gc.pauseMsMax))),
      pauseMsPerSecond: roundForReport(meanOf(runs.map((run) => run.gc.pauseMsPerSecond))),
      collections: gcs.reduce((sum, gc) => sum + gc.collections, 0),
    },
    udpKernelDrops: runs.reduce((sum, run) => sum + (run.server.udpKernelDrops ?? 0), 0),
    udpSendErrors,
    ledgerOk: runs.every((run) => run.client.ledger.ok),
    clientSendLagMsMax: roundForReport(Math.max(...runs.map((run) => run.client.sendLagMsMax))),
    hostLoadAverageMax: roundForReport(
      Math.max(...runs.map((run) => Math.max(run.hostLoadAverage.start, run.hostLoadAverage.end))),
    ),
  };
}

function spread(values: number[], value: number): Spread {
  const finite = values.filter(Number.isFinite);
  return {
    value: roundForReport(value),
    min: roundForReport(finite.length === 0 ? Number.NaN : Math.min(...finite)),
    max: roundForReport(finite.length === 0 ? Number.NaN : Math.max(...finite)),
    rounds: values.map(roundForReport),
  };
}

export function computeRatios(
  profiles: Record<string, ProfileSummary>,
  runs: RunResult[],
): SimulationReport["ratios"] {
  const baseline = profiles.baseline;
  const trading = profiles.trading;
  if (!baseline || !trading) return null;
  const rounds = Math.max(...runs.map((run) => run.round));
  const landed: number[] = [];
  const p99: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const a = runs.find((run) => run.round === round && run.profile === "baseline");
    const b = runs.find((run) => run.round === round && run.profile === "trading");
    if (!a || !b) continue;
    landed.push(b.landedTps / a.landedTps);
    p99.push(b.client.latencyMs.p99 / a.client.latencyMs.p99);
  }
  const landedRatio = trading.landedTps / baseline.landedTps;
  const p99Ratio = trading.latencyMs.p99 / baseline.latencyMs.p99;
  return {
    landedTps: roundForReport(landedRatio),
    latencyP99: roundForReport(p99Ratio),
    latencyP50: roundForReport(trading.latencyMs.p50 / baseline.latencyMs.p50),
    spread: { landedTps: spread(landed, landedRatio), latencyP99: spread(p99, p99Ratio) },
  };
}

const fmt = (value: number, digits = 1) =>
  Number.isFinite(value)
    ? value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 })
    : "–";

/** A histogram bound: beyond the last finite bucket (1 s) it is only known to be more. */
const bound = (valueMs: number, digits: number) =>
  valueMs === Number.POSITIVE_INFINITY ? ">1000" : fmt(valueMs, digits);

function topCounts(counts: Record<string, number>, limit = 3): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return "none";
  const shown = entries.slice(0, limit).map(([key, value]) => `${key} ${fmt(value, 0)}`);
  if (entries.length > limit) shown.push(`+${entries.length - limit} more`);
  return shown.join(", ");
}

/** The end-of-run table (plain text, one row per figure, one column per profile, then the ratio). */
export function renderTable(report: SimulationReport): string {
  const names = Object.keys(report.profiles);
  const profiles = names.map((name) => report.profiles[name]);
  const w = report.workload;
  const lines: string[] = [];
  lines.push(
    `outrider simulate: scenario ${report.scenario}, seed ${report.seed}, ${report.durationSPerRun} s per run, ${report.rounds} round(s) per profile`,
  );
  lines.push(
    `workload: ${fmt(w.transactions, 0)} transactions (${fmt(w.packets, 0)} packets) at ${fmt(w.offeredTpsMean, 0)} tx/s mean, peak second ${fmt(w.offeredTpsPeakSecond, 0)}; ` +
      `critical path ${fmt(w.conflict.criticalPathShareMedian * 100, 0)}% of block compute (median); ` +
      `priority fee median ${fmt(w.priorityFeeLamports.median, 0)}, mean ${fmt(w.priorityFeeLamports.mean, 0)} lamports (${fmt(w.priorityFeeLamports.meanToMedian, 0)}×); ` +
      `resubmitted ${fmt(w.resubmission.transactionShare * 100, 0)}%; bad ${fmt((w.badShares.bad_signature + w.badShares.expired_blockhash + w.badShares.no_funds) * 100, 1)}%; ` +
      `UDP ${fmt(w.pathShares.udp * 100, 0)}% / RPC ${fmt(w.pathShares.rpc * 100, 0)}%`,
  );
  const rows: [string, ...string[]][] = [];
  const row = (label: string, values: string[], ratio = "") => rows.push([label, ...values, ratio]);
  const ratios = report.ratios;
  const ratio = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : "–");
  // A pooled ratio outside its rounds' range means the rounds disagree with the pool (one bad round
  // dominates a pooled p99): marked "!", read the rounds.
  const outside = (s: Spread) =>
    Number.isFinite(s.min) && (s.value < s.min * 0.999 || s.value > s.max * 1.001);
  const ratioText = (s: Spread | undefined, value: number | undefined) =>
    s
      ? `${ratio(s.value)}× (${ratio(s.min)}–${ratio(s.max)})${outside(s) ? " !" : ""}`
      : value !== undefined
        ? `${ratio(value)}×`
        : "";
  row(
    "flags on",
    profiles.map((p) =>
      p.flagsOn.length === 0 ? "none" : p.flagsOn.map((f) => f.replace("enable_", "")).join(","),
    ),
  );
  row(
    "flags unavailable",
    profiles.map((p) => (p.flagsUnavailable.length === 0 ? "none" : String(p.flagsUnavailable.length))),
  );
  row(
    "offered tx/s",
    profiles.map((p) => fmt(p.offeredTps, 0)),
  );
  row(
    "landed tx/s",
    profiles.map((p) => fmt(p.landedTps, 0)),
    ratios ? ratioText(ratios.spread.landedTps, undefined) : "",
  );
  row(
    "latency p50 ms",
    profiles.map((p) => fmt(p.latencyMs.p50, 1)),
    ratios ? ratioText(undefined, ratios.latencyP50) : "",
  );
  row(
    "latency p90 ms",
    profiles.map((p) => fmt(p.latencyMs.p90, 1)),
  );
  row(
    "latency p99 ms",
    profiles.map((p) => fmt(p.latencyMs.p99, 1)),
    ratios ? ratioText(ratios.spread.latencyP99, undefined) : "",
  );
  row(
    "latency max ms",
    profiles.map((p) => fmt(p.latencyMs.max, 1)),
  );
  row(
    "server p50/p99 ms ≤",
    profiles.map((p) => `${bound(p.serverLatencyMs.p50, 2)}/${bound(p.serverLatencyMs.p99, 1)}`),
  );
  row(
    "dropped",
    profiles.map((p) => topCounts(p.drops)),
  );
  row(
    "executed with error",
    profiles.map((p) => topCounts(p.executedWithError, 2)),
  );
  row(
    "client UDP send errors",
    profiles.map((p) => topCounts(p.udpSendErrors, 2)),
  );
  row(
    "kernel UDP drops",
    profiles.map((p) => fmt(p.udpKernelDrops, 0)),
  );
  row(
    "tx per batch",
    profiles.map((p) => fmt(p.batchTransactionsMean, 2)),
  );
  row(
    "cache hit rates",
    profiles.map((p) => {
      const entries = Object.entries(p.cacheHitRates);
      return entries.length === 0
        ? "none in use"
        : entries
            .map(
              ([name, rate]) =>
                `${name.replace(/^outrider_|_lookups_total$|_total$/g, "")} ${fmt(rate * 100, 1)}%`,
            )
            .join(", ");
    }),
  );
  for (const stage of ["ingress", "verify", "schedule", "bank", "other", "companion", "client"])
    row(
      `cpu % ${stage}`,
      profiles.map((p) => fmt(p.cpuPercent[stage] ?? Number.NaN, 0)),
    );
  row(
    "rss max MB",
    profiles.map((p) => fmt(p.rssBytesMax / 1048576, 0)),
  );
  row(
    "allocation MB/s",
    profiles.map((p) => fmt(p.allocatedBytesPerSecond / 1048576, 1)),
  );
  row(
    "gc pause p99/max ms",
    profiles.map((p) => `${fmt(p.gc.pauseMsP99, 2)}/${fmt(p.gc.pauseMsMax, 1)}`),
  );
  row(
    "gc pause ms per s",
    profiles.map((p) => fmt(p.gc.pauseMsPerSecond, 1)),
  );
  row(
    "ledger (no double execution)",
    profiles.map((p) => (p.ledgerOk ? "ok" : "MISMATCH")),
  );
  row(
    "client send lag max ms",
    profiles.map((p) => fmt(p.clientSendLagMsMax, 0)),
  );
  row(
    "host load average (max)",
    profiles.map((p) => fmt(p.hostLoadAverageMax, 1)),
  );
  const header: [string, ...string[]] = ["", ...names, ratios ? "trading ÷ baseline (spread)" : ""];
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((line) => (line[column] ?? "").length)));
  for (const line of all)
    lines.push(
      line
        .map((cell, column) => (cell ?? "").padEnd(widths[column]))
        .join("  ")
        .trimEnd(),
    );
  lines.push(
    "latency: send → first getSignatureStatuses answer showing it executed (client, pooled over runs, 5% buckets); server: Outrider's intake → executed histogram (bucket bounds)",
  );
  if (ratios && [ratios.spread.landedTps, ratios.spread.latencyP99].some(outside))
    lines.push(
      "!: the pooled ratio lies outside the per-round ratios (one round dominates the pool): read the rounds",
    );
  for (const run of report.runs) {
    const restart = run.client.restart;
    if (restart === null) continue;
    const outcomes = run.client.ackedOutcomes;
    lines.push(
      `restart (${run.profile}#${run.round}): killed with SIGKILL, back at ${(restart.restartedAtMs / 1000).toFixed(1)} s; acknowledged ${fmt(run.client.acked, 0)} = landed ${fmt(outcomes.landed + outcomes.executedWithError, 0)} + dropped ${fmt(outcomes.dropped, 0)} + unknown ${fmt(outcomes.unknown, 0)}` +
        `; before the crash: acknowledged ${fmt(restart.ackedBeforeCrash, 0)}, landed ${fmt(restart.landedBeforeCrash, 0)}, dropped ${fmt(restart.droppedBeforeCrash, 0)}, unknown ${fmt(restart.unknownAtCrash, 0)}` +
        `; re-sent ${fmt(restart.replayed, 0)} copies to the restarted companion: ${topCounts(restart.replayOutcomes, 5)}` +
        `; executed again ${fmt(restart.executedAfterRestart, 0)} (twice: ${fmt(restart.executedTwice, 0)}); bots waited ${fmt(restart.resetupMs / 1000, 1)} s for the market's re-setup; landed after the restart ${fmt(restart.landedAfterRestart, 0)}`,
    );
  }
  lines.push(`verdict (${report.scenario}): ${report.verdict.pass ? "PASS" : "FAIL"}`);
  for (const check of report.verdict.checks)
    lines.push(`  ${check.pass ? "ok  " : "FAIL"} ${check.name}: ${check.detail}`);
  return lines.join("\n");
}
