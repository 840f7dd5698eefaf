// One run of one profile: start the companion, start the load client (a second process), wait for the
// market setup, then measure while the workload plays: every second the companion's RSS and CPU time
// (whole process and per stage thread, by the thread ids /status gives), the client's CPU time, and
// the client's progress, shown on one live line. At the end: a last metrics scrape (deltas against the
// scrape taken when setup finished), the GC log since then, the kernel's UDP drops at the TPU port, and
// SIGTERM. In the restart scenario the companion is killed with SIGKILL at the set time and started
// again, and the client is told where it now listens.
import { loadavg } from "node:os";
import type { Subprocess } from "bun";
import { type Companion, type CompanionStatus, selfCommand, startCompanion } from "./companion.ts";
import { simulateError } from "./errors.ts";
import type { GcMark, GcSummary } from "./gc-log.ts";
import { readLines } from "./lines.ts";
import {
  cacheHitRates,
  deltaSeries,
  dropsByReason,
  histogramQuantileMs,
  metricName,
  parseMetrics,
  type Series,
  total,
} from "./metrics-scrape.ts";
import { processCpuMs, rssBytes, threadCpuMs, udpReceiveDrops } from "./process-sampler.ts";
import type { ClientConfig, ClientMessage, ClientResult, ProgressMessage } from "./protocol.ts";
import { toJsonLine } from "./protocol.ts";
import type { SimWorkloadConfig } from "./workload.ts";

export interface RunSpec {
  scenario: string;
  profile: string;
  /** 1-based round (A B A B: round 1 of baseline, round 1 of trading, round 2 of baseline, …). */
  round: number;
  label: string;
  workload: SimWorkloadConfig;
  companionArgs: string[];
  /** Kill -9 the companion this long after the workload starts, then restart it (restart scenario). */
  restartAtMs: number | null;
  pollIntervalMs: number;
  drainMs: number;
  rpcConcurrency: number;
  onProgress: (line: string) => void;
}

export interface TimelineSample {
  second: number;
  rssBytes: number;
  companionCpuPercent: number;
}

export interface RunResult {
  scenario: string;
  profile: string;
  round: number;
  flags: Record<string, boolean>;
  flagsUnavailable: string[];
  durationS: number;
  landedTps: number;
  client: ClientResult;
  server: {
    /** Outrider's own intake → executed histogram (bucket upper bounds, ms). */
    latencyMs: { p50: number; p90: number; p99: number };
    drops: Record<string, number>;
    cacheHitRates: Record<string, { hits: number; misses: number; hitRate: number }>;
    batches: { batches: number; transactions: number; meanTransactionsPerBatch: number };
    /** Datagrams the kernel dropped at the TPU socket's receive buffer (never reached Outrider). */
    udpKernelDrops: number | null;
    /** Every counter series (`…_total`) that moved during the run, with its delta. */
    counters: Record<string, number>;
  };
  cpu: {
    /** CPU time ÷ run time, per stage thread (100 = one core busy all the time). */
    stagesPercent: Record<string, number>;
    /** Rest of the companion: main thread, JIT, GC helpers, Bun's pools. */
    otherPercent: number;
    companionPercent: number;
    clientPercent: number;
  };
  memory: { rssBytesStart: number; rssBytesEnd: number; rssBytesMax: number };
  gc: GcSummary & { allocatedBytesPerSecond: number; pauseMsPerSecond: number };
  timeline: TimelineSample[];
  restarts: number;
  /** The host's 1-minute load average when the workload started and when it ended (others share the machine). */
  hostLoadAverage: { start: number; end: number };
}

/** Setup can take a while on a loaded machine; after it the client reports every second. */
const CLIENT_SILENCE_MS_MAX = 120_000;

interface CpuBaseline {
  companionMs: number;
  stageMs: Map<string, number>;
}

function stageCpu(companion: Companion, stages: CompanionStatus["stages"]): Map<string, number> {
  const out = new Map<string, number>();
  for (const stage of stages) {
    if (stage.threadId === null || stage.threadId === undefined) continue;
    const ms = threadCpuMs(companion.pid, stage.threadId);
    if (ms !== null) out.set(stage.instance, ms);
  }
  return out;
}

function formatCount(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

export async function runOnce(spec: RunSpec): Promise<RunResult> {
  let companion = await startCompanion({
    profile: spec.profile,
    slotMs: spec.workload.slotMs,
    extraArgs: spec.companionArgs,
  });
  let status = await companion.status();
  const client = Bun.spawn([...selfCommand(), "simulate", "__client"], {
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
  });
  const clientStderr: string[] = [];
  void (async () => {
    for await (const line of readLines(client.stderr as ReadableStream<Uint8Array>)) {
      clientStderr.push(line);
      if (clientStderr.length > 40) clientStderr.shift();
    }
  })();
  const clientConfig: ClientConfig = {
    workload: spec.workload,
    companion: { rpcUrl: companion.rpcUrl, tpuHost: companion.tpuHost, tpuPort: companion.tpuPort },
    pollIntervalMs: spec.pollIntervalMs,
    drainMs: spec.drainMs,
    rpcConcurrency: spec.rpcConcurrency,
    replayAfterRestart: spec.restartAtMs !== null,
  };
  const writeClient = (message: unknown) => {
    (client.stdin as import("bun").FileSink).write(toJsonLine(message));
    (client.stdin as import("bun").FileSink).flush();
  };
  writeClient({ type: "start", config: clientConfig });

  try {
    return await measure(spec, client, clientStderr, writeClient, companion, status, (next, nextStatus) => {
      companion = next;
      status = nextStatus;
    });
  } finally {
    if (client.exitCode === null) client.kill("SIGKILL");
    await companion.stop();
  }
}

async function measure(
  spec: RunSpec,
  client: Subprocess,
  clientStderr: string[],
  writeClient: (message: unknown) => void,
  firstCompanion: Companion,
  firstStatus: CompanionStatus,
  onRestart: (companion: Companion, status: CompanionStatus) => void,
): Promise<RunResult> {
  let companion = firstCompanion;
  let status = firstStatus;
  let companionExpectedDown = false;
  let restarts = 0;
  // Counters, CPU and GC of companions already killed (restart scenario) are carried here.
  let carriedMetrics: Series = new Map();
  let carriedCpuMs = 0;
  const carriedStageMs = new Map<string, number>();
  let carriedGc: GcSummary | null = null;

  let metricsBefore: Series = new Map();
  let cpuBaseline: CpuBaseline = { companionMs: 0, stageMs: new Map() };
  let gcMark: GcMark | null = null;
  let startedAt = 0;
  let loadAtStart = 0;
  let rssStart = 0;
  let rssMax = 0;
  let lastCpuMs = 0;
  let lastSampleAt = 0;
  const timeline: TimelineSample[] = [];
  let lastProgress: ProgressMessage | null = null;
  let lastCpuPercent = 0;
  let lastRss = 0;

  const sample = () => {
    const rss = rssBytes(companion.pid);
    const cpuMs = processCpuMs(companion.pid);
    const now = performance.now();
    if (rss !== null) {
      lastRss = rss;
      rssMax = Math.max(rssMax, rss);
    }
    if (cpuMs !== null && lastSampleAt > 0) {
      lastCpuPercent = ((cpuMs - lastCpuMs) / (now - lastSampleAt)) * 100;
      timeline.push({
        second: Math.round((now - startedAt) / 1000),
        rssBytes: lastRss,
        companionCpuPercent: lastCpuPercent,
      });
    }
    if (cpuMs !== null) lastCpuMs = cpuMs;
    lastSampleAt = now;
  };

  const takeBaseline = async () => {
    metricsBefore = parseMetrics(await companion.metricsText());
    cpuBaseline = {
      companionMs: processCpuMs(companion.pid) ?? 0,
      stageMs: stageCpu(companion, status.stages),
    };
    gcMark = companion.gcMark();
  };

  let restartTimer: ReturnType<typeof setTimeout> | null = null;
  const restartCompanion = async () => {
    companionExpectedDown = true;
    const metricsAtKill = parseMetrics(await companion.metricsText());
    carriedMetrics = addSeries(carriedMetrics, deltaSeries(metricsBefore, metricsAtKill));
    carriedCpuMs += (processCpuMs(companion.pid) ?? cpuBaseline.companionMs) - cpuBaseline.companionMs;
    for (const [instance, ms] of stageCpu(companion, status.stages))
      carriedStageMs.set(
        instance,
        (carriedStageMs.get(instance) ?? 0) + ms - (cpuBaseline.stageMs.get(instance) ?? 0),
      );
    await companion.kill9();
    carriedGc = companion.gc(gcMark ?? undefined);
    const next = await startCompanion({
      profile: spec.profile,
      slotMs: spec.workload.slotMs,
      extraArgs: spec.companionArgs,
    });
    companion = next;
    status = await next.status();
    onRestart(next, status);
    metricsBefore = new Map();
    cpuBaseline = { companionMs: 0, stageMs: new Map() };
    gcMark = null;
    lastCpuMs = 0;
    lastSampleAt = 0;
    restarts++;
    companionExpectedDown = false;
    writeClient({
      type: "companion",
      companion: { rpcUrl: next.rpcUrl, tpuHost: next.tpuHost, tpuPort: next.tpuPort },
    });
  };

  let sampler: ReturnType<typeof setInterval> | null = null;
  let result: ClientResult | null = null;
  let clientError: string | null = null;
  // A client that says nothing for this long (it reports every second) is stuck: stop it.
  let lastClientMessageAt = performance.now();
  const watchdog = setInterval(() => {
    if (performance.now() - lastClientMessageAt < CLIENT_SILENCE_MS_MAX) return;
    clientError = `no message from the load client for ${CLIENT_SILENCE_MS_MAX / 1000} s`;
    client.kill("SIGKILL");
  }, 1000);
  const companionDied = (async () => {
    for (;;) {
      const watched = companion;
      const code = await watched.exited;
      if (watched === companion && !companionExpectedDown) return code;
      await Bun.sleep(50);
    }
  })();
  const reading = (async () => {
    for await (const line of readLines(client.stdout as ReadableStream<Uint8Array>)) {
      if (line.trim() === "") continue;
      lastClientMessageAt = performance.now();
      let message: ClientMessage;
      try {
        message = JSON.parse(line) as ClientMessage;
      } catch {
        clientError = `load client wrote a line that is not JSON: ${line.slice(0, 200)}`;
        return;
      }
      if (message.type === "setup-done") {
        await takeBaseline();
        startedAt = performance.now();
        loadAtStart = loadavg()[0];
        rssStart = rssBytes(companion.pid) ?? 0;
        sample();
        sampler = setInterval(sample, 1000);
        if (spec.restartAtMs !== null)
          restartTimer = setTimeout(() => {
            void restartCompanion().catch((error) => {
              clientError = `restart failed: ${String(error)}`;
            });
          }, spec.restartAtMs);
      } else if (message.type === "progress") {
        lastProgress = message;
        spec.onProgress(progressLine(spec, message, lastRss, lastCpuPercent));
      } else if (message.type === "result") {
        result = message;
      } else if (message.type === "error") {
        clientError = message.message;
      }
    }
  })();
  const outcome = await Promise.race([
    reading.then(() => "client" as const),
    companionDied.then((code) => ({ companionExit: code })),
  ]);
  clearInterval(watchdog);
  if (sampler !== null) clearInterval(sampler);
  if (restartTimer !== null) clearTimeout(restartTimer);
  if (typeof outcome === "object")
    throw simulateError(
      "COMPANION_EXITED",
      `the companion (profile ${spec.profile}) exited with code ${outcome.companionExit} during the run: ${companion.stderrTail().split("\n").slice(-8).join("\n")}`,
    );
  const clientResult = result as ClientResult | null;
  if (clientResult === null) {
    await client.exited;
    const companionState =
      companion.child.exitCode !== null || companion.child.signalCode !== null
        ? `the companion had exited (${companion.child.signalCode ?? `code ${companion.child.exitCode}`})`
        : "the companion was still running";
    throw simulateError(
      "CLIENT_FAILED",
      `the load client failed: ${clientError ?? `exit ${client.exitCode}`}\n${clientStderr.slice(-8).join("\n")}\n${companionState}; its last log lines:\n${companion.stderrTail().split("\n").slice(-8).join("\n")}`,
    );
  }
  void lastProgress;

  const runSeconds = (performance.now() - startedAt) / 1000;
  const metricsAfter = parseMetrics(await companion.metricsText());
  const metrics = addSeries(carriedMetrics, deltaSeries(metricsBefore, metricsAfter));
  const stagesNow = stageCpu(companion, status.stages);
  const stageMs = new Map(carriedStageMs);
  for (const [instance, ms] of stagesNow)
    stageMs.set(instance, (stageMs.get(instance) ?? 0) + ms - (cpuBaseline.stageMs.get(instance) ?? 0));
  const companionMs = carriedCpuMs + (processCpuMs(companion.pid) ?? 0) - cpuBaseline.companionMs;
  // The client measures itself (process.cpuUsage over its run): it has exited by now.
  const clientMs = clientResult.clientCpuMs;
  const udpKernelDrops = udpReceiveDrops(companion.tpuPort);
  const rssEnd = rssBytes(companion.pid) ?? lastRss;
  const percent = (ms: number) => (ms / 1000 / runSeconds) * 100;
  let stagesTotalMs = 0;
  for (const ms of stageMs.values()) stagesTotalMs += ms;
  const gcNow = companion.gc(gcMark ?? undefined);
  const gc = carriedGc === null ? gcNow : mergeGc(carriedGc, gcNow);
  const batches = total(metrics, "outrider_schedule_batches_sent_total");
  const scheduled = total(metrics, "outrider_schedule_transactions_scheduled_total");
  return {
    scenario: spec.scenario,
    profile: spec.profile,
    round: spec.round,
    flags: status.flags,
    flagsUnavailable: status.flagsUnavailable.map((each) => each.key),
    durationS: spec.workload.durationS,
    landedTps: clientResult.landedInWindow / spec.workload.durationS,
    client: clientResult,
    server: {
      latencyMs: {
        p50: histogramQuantileMs(metrics, "outrider_pipeline_transaction_latency_seconds", 0.5, {
          outcome: "executed",
        }),
        p90: histogramQuantileMs(metrics, "outrider_pipeline_transaction_latency_seconds", 0.9, {
          outcome: "executed",
        }),
        p99: histogramQuantileMs(metrics, "outrider_pipeline_transaction_latency_seconds", 0.99, {
          outcome: "executed",
        }),
      },
      drops: dropsByReason(metrics),
      cacheHitRates: cacheHitRates(metrics),
      batches: {
        batches,
        transactions: scheduled,
        meanTransactionsPerBatch: batches === 0 ? 0 : scheduled / batches,
      },
      udpKernelDrops,
      counters: Object.fromEntries(
        [...metrics].filter(([key, value]) => metricName(key).endsWith("_total") && value !== 0),
      ),
    },
    cpu: {
      stagesPercent: Object.fromEntries([...stageMs].map(([instance, ms]) => [instance, percent(ms)])),
      otherPercent: percent(companionMs - stagesTotalMs),
      companionPercent: percent(companionMs),
      clientPercent: percent(clientMs),
    },
    memory: { rssBytesStart: rssStart, rssBytesEnd: rssEnd, rssBytesMax: Math.max(rssMax, rssEnd) },
    gc: {
      ...gc,
      allocatedBytesPerSecond: gc.allocatedBytes / runSeconds,
      pauseMsPerSecond: gc.pauseMsTotal / runSeconds,
    },
    timeline,
    restarts,
    hostLoadAverage: { start: loadAtStart, end: loadavg()[0] },
  };
}

function addSeries(a: Series, b: Series): Series {
  const out: Series = new Map(a);
  for (const [key, value] of b) out.set(key, (out.get(key) ?? 0) + value);
  return out;
}

function mergeGc(a: GcSummary, b: GcSummary): GcSummary {
  return {
    collections: a.collections + b.collections,
    fullCollections: a.fullCollections + b.fullCollections,
    pauses: a.pauses + b.pauses,
    pauseMsTotal: a.pauseMsTotal + b.pauseMsTotal,
    pauseMsMax: Math.max(a.pauseMsMax, b.pauseMsMax),
    pauseMsP99: Math.max(a.pauseMsP99, b.pauseMsP99),
    allocatedBytes: a.allocatedBytes + b.allocatedBytes,
    heaps: Math.max(a.heaps, b.heaps),
  };
}

function progressLine(spec: RunSpec, progress: ProgressMessage, rss: number, cpuPercent: number): string {
  const seconds = progress.elapsedMs / 1000;
  const p50 = Number.isFinite(progress.latencyMsP50LastSecond)
    ? progress.latencyMsP50LastSecond.toFixed(1)
    : "–";
  const p99 = Number.isFinite(progress.latencyMsP99LastSecond)
    ? progress.latencyMsP99LastSecond.toFixed(1)
    : "–";
  const phase =
    seconds <= spec.workload.durationS ? `${seconds.toFixed(0)}/${spec.workload.durationS}s` : "draining";
  return (
    `[${spec.label}] ${phase}  sent ${formatCount(progress.sent)}  landed ${formatCount(progress.landed)}` +
    ` (${formatCount(progress.landedLastSecond)}/s)  p50 ${p50} ms  p99 ${p99} ms` +
    `  pending ${formatCount(progress.pending)}  dropped ${formatCount(progress.dropped)}` +
    `  rss ${(rss / 1048576).toFixed(0)} MB  cpu ${cpuPercent.toFixed(0)}%` +
    (progress.sendLagMs > 50 ? `  client lag ${progress.sendLagMs.toFixed(0)} ms` : "")
  );
}
