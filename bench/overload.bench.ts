// Overload: a real `outrider run`, offered three times what its pipeline drains, for OVERLOAD_SECONDS,
// 10% of it paying a high priority fee (the top fee decile), once as the baseline (flags off: the FIFO
// that drops the newest) and once with --enable-adaptive-buffering, with equal memory: the same packet
// pool, which is where either mode holds what it has accepted (the baseline's FIFO queues and FIFO
// batcher, or the priority buffer plus the downstream window). The drain rate — transactions included
// per second — is measured first, on the baseline, at an offered load well above it. Reported, per mode: offered, executed and dropped, in all
// and in the top decile (outcomes from getSignatureStatuses after the run: executed, dropped with a
// reason, or never accepted), datagrams the kernel dropped before Outrider read them (/proc/net/snmp
// RcvbufErrors, the whole host), and with the flag, each second: p99 of the top decile's wait in the
// priority buffer and from arrival to executed, and the buffer utilisation while congested.
// Every transfer writes one of --hot-accounts recipients (48 by default: one per payer; 1 makes Agave's per-account
// write compute limit bind, as on one hot pool). Not part of `make test`.
// Usage: bun bench/overload.bench.ts [--seconds N] [--hot-accounts N] [--json FILE]
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Connection, Keypair, LAMPORTS_PER_SOL, type PublicKey } from "@solana/web3.js";
import { PRIORITY_DECADE_LABELS, priorityDecadeIndex } from "../src/metrics/labels.ts";
import {
  leaderRewardLamports,
  transactionCostUnits,
  transactionPriority,
} from "../src/schedule/prio-graph-cost.ts";
import { base58Encode } from "../src/tx/base58.ts";
import { parseTransaction } from "../src/tx/parse.ts";
import { ParsedTransaction } from "../src/tx/parsed-transaction.ts";
import { FeeTransferFactory } from "../tests/helpers/fee-transfers.ts";
import { type OutriderProcess, startOutrider } from "../tests/helpers/outrider-process.ts";
import { writeBenchJson } from "./json-output.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    seconds: { type: "string", default: "12" },
    "hot-accounts": { type: "string", default: "48" },
    json: { type: "string" },
  },
});
const OVERLOAD_SECONDS = Number(values.seconds);
/** Recipients every transfer writes, like trades hitting a few hot pools: 1 makes Agave's per-account write limit bind. */
const HOT_ACCOUNTS = Number(values["hot-accounts"]);
const POOL_PACKETS = 8_192;
const WINDOW_PACKETS_MAX = 1_024;
const HIGH_FEE_SHARE = 0.1;
const CALIBRATION_RATE_TPS = 10_000;
const CALIBRATION_SECONDS = 4;
const PAYERS = 48;
const SEND_CHUNK = 8;
const COMMON_ARGS = ["--set", `ingress.pool_packets=${POOL_PACKETS}`, "--slot-ms", "400"];
const ADAPTIVE_ARGS = [
  "--enable-adaptive-buffering",
  "--set",
  `adaptive_ingress.buffer_packets_max=${POOL_PACKETS - WINDOW_PACKETS_MAX}`,
  "--set",
  `adaptive_ingress.window_packets_max=${WINDOW_PACKETS_MAX}`,
];

type Udp = { send(data: Uint8Array, port: number, address: string): boolean; close(): void };

function kernelReceiveErrors(): number {
  const lines = readFileSync("/proc/net/snmp", "utf8")
    .split("\n")
    .filter((line) => line.startsWith("Udp:"));
  const names = lines[0].split(/\s+/);
  return Number(lines[1].split(/\s+/)[names.indexOf("RcvbufErrors")]);
}

async function metricsText(node: OutriderProcess): Promise<string> {
  return await (await fetch(`${node.rpcUrl}/metrics`)).text();
}

function series(text: string, prefix: string): number {
  let total = 0;
  for (const line of text.split("\n"))
    if (line.startsWith(prefix)) total += Number(line.slice(line.lastIndexOf(" ") + 1));
  return total;
}

/** Cumulative bucket counts of one histogram series, by upper bound. */
function buckets(text: string, name: string, labels: string): { bounds: number[]; counts: number[] } {
  const bounds: number[] = [];
  const counts: number[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}_bucket{${labels},le="`)) continue;
    const le = line.slice(line.indexOf('le="') + 4, line.lastIndexOf('"'));
    bounds.push(le === "+Inf" ? Number.POSITIVE_INFINITY : Number(le));
    counts.push(Number(line.slice(line.lastIndexOf(" ") + 1)));
  }
  return { bounds, counts };
}

/** The bucket bound (ms) under which `quantile` of the observations between two scrapes fall. */
function quantileMs(before: ReturnType<typeof buckets>, after: ReturnType<typeof buckets>, quantile: number) {
  const deltas = after.counts.map((count, index) => count - (before.counts[index] ?? 0));
  const total = deltas[deltas.length - 1] ?? 0;
  if (total === 0) return null;
  for (let index = 0; index < deltas.length; index++)
    if (deltas[index] >= quantile * total) return after.bounds[index] * 1000;
  return null;
}

async function funded(connection: Connection, count: number, lamports: number): Promise<Keypair[]> {
  const keypairs = Array.from({ length: count }, () => Keypair.generate());
  const signatures = await Promise.all(
    keypairs.map((keypair) => connection.requestAirdrop(keypair.publicKey, lamports)),
  );
  const latest = await connection.getLatestBlockhash();
  await Promise.all(signatures.map((signature) => connection.confirmTransaction({ signature, ...latest })));
  return keypairs;
}

interface Offered {
  wires: Buffer[];
  high: Uint8Array;
}

/** `count` signed transfers, a random HIGH_FEE_SHARE of them at a high compute-unit price. */
async function makeTransfers(connection: Connection, count: number, salt: number): Promise<Offered> {
  const payers = await funded(connection, PAYERS, 100 * LAMPORTS_PER_SOL);
  const [recipient] = await funded(connection, 1, LAMPORTS_PER_SOL);
  const { blockhash } = await connection.getLatestBlockhash();
  const shape = (payer: Keypair, to: PublicKey, price: number) =>
    new FeeTransferFactory({
      payer,
      to,
      blockhash,
      microLamportsPerComputeUnit: price,
      computeUnitLimit: 1_000,
    });
  const low = payers.map((payer) =>
    [1, 10, 100, 1_000].map((price) => shape(payer, recipient.publicKey, price)),
  );
  const high = payers.map((payer) => shape(payer, recipient.publicKey, 1_000_000_000));
  const wires: Buffer[] = [];
  const isHigh = new Uint8Array(count);
  let random = (salt * 2654435761) >>> 0 || 1;
  const next = () => {
    random ^= random << 13;
    random ^= random >>> 17;
    random ^= random << 5;
    return (random >>> 0) / 2 ** 32;
  };
  for (let index = 0; index < count; index++) {
    const payer = index % PAYERS;
    isHigh[index] = next() < HIGH_FEE_SHARE ? 1 : 0;
    const factory = isHigh[index] === 1 ? high[payer] : low[payer][Math.floor(next() * 4)];
    wires.push(factory.make(1 + salt * 10_000_000 + index));
  }
  return { wires, high: isHigh };
}

/** Sends `wires` at `rateTps` in chunks; calls `tick` every 250 ms of sending. */
async function send(
  node: OutriderProcess,
  udp: Udp,
  wires: Buffer[],
  rateTps: number,
  tick?: () => Promise<void>,
) {
  const startedMs = performance.now();
  let nextTickMs = startedMs + 250;
  for (let index = 0; index < wires.length; index += SEND_CHUNK) {
    for (let offset = index; offset < Math.min(wires.length, index + SEND_CHUNK); offset++)
      // A full send buffer refuses the datagram: wait for room, so every transaction is really offered.
      while (!udp.send(wires[offset], node.tpuPort, node.tpuHost)) await Bun.sleep(0);
    const dueMs = startedMs + ((index + SEND_CHUNK) / rateTps) * 1000;
    if (tick && performance.now() >= nextTickMs) {
      nextTickMs += 250;
      await tick();
    }
    const waitMs = dueMs - performance.now();
    if (waitMs > 0) await Bun.sleep(waitMs);
  }
  return (performance.now() - startedMs) / 1000;
}

async function waitDrained(node: OutriderProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let previous = -1;
  while (Date.now() < deadline) {
    const text = await metricsText(node);
    const inUse = series(text, "outrider_pool_slots_in_use");
    const executed = series(text, "outrider_bank_transactions_received_total");
    if (inUse === 0 && executed === previous) return;
    previous = executed;
    await Bun.sleep(500);
  }
}

async function outcomes(connection: Connection, offered: Offered) {
  const counts = { executed: 0, executedHigh: 0, droppedWithReason: 0, neverAccepted: 0 };
  const reasons: Record<string, number> = {};
  for (let start = 0; start < offered.wires.length; start += 256) {
    const slice = offered.wires.slice(start, start + 256);
    const signatures = slice.map((wire) => base58Encode(new Uint8Array(wire), 1, 64));
    const { value } = await connection.getSignatureStatuses(signatures, { searchTransactionHistory: true });
    value.forEach((status, offset) => {
      const dropped = (status as { outriderDropped?: { reason: string } } | null)?.outriderDropped;
      if (status === null) counts.neverAccepted++;
      else if (dropped) {
        counts.droppedWithReason++;
        reasons[dropped.reason] = (reasons[dropped.reason] ?? 0) + 1;
      } else {
        counts.executed++;
        if (offered.high[start + offset] === 1) counts.executedHigh++;
      }
    });
  }
  return { ...counts, reasons };
}

/** Measures the baseline's drain rate: transactions executed (included) per second while offered CALIBRATION_RATE_TPS. */
async function calibrate(): Promise<number> {
  const node = await startOutrider(COMMON_ARGS);
  try {
    const connection = new Connection(node.rpcUrl, { wsEndpoint: node.pubsubUrl, commitment: "confirmed" });
    const offered = await makeTransfers(connection, CALIBRATION_RATE_TPS * CALIBRATION_SECONDS, 1);
    const udp = (await Bun.udpSocket({})) as unknown as Udp;
    let first = { atMs: 0, executed: 0 };
    let last = { atMs: 0, executed: 0 };
    const startedMs = performance.now();
    await send(node, udp, offered.wires, CALIBRATION_RATE_TPS, async () => {
      const executed = series(
        await metricsText(node),
        'outrider_bank_transactions_processed_total{result="ok"}',
      );
      const sample = { atMs: performance.now(), executed };
      if (sample.atMs - startedMs < 1_000) first = sample;
      last = sample;
    });
    udp.close();
    return ((last.executed - first.executed) / (last.atMs - first.atMs)) * 1000;
  } finally {
    await node.stop();
  }
}

async function overload(mode: "baseline" | "adaptive", rateTps: number) {
  const node = await startOutrider(mode === "adaptive" ? [...COMMON_ARGS, ...ADAPTIVE_ARGS] : COMMON_ARGS);
  try {
    const connection = new Connection(node.rpcUrl, { wsEndpoint: node.pubsubUrl, commitment: "confirmed" });
    const offered = await makeTransfers(
      connection,
      Math.round(rateTps * OVERLOAD_SECONDS),
      mode === "baseline" ? 2 : 3,
    );
    // The high-fee transfers' priority decade, as Outrider computes it, names their histogram series.
    const parsed = new ParsedTransaction();
    const highIndex = offered.high.indexOf(1);
    parseTransaction(offered.wires[highIndex], 0, offered.wires[highIndex].length, parsed);
    const cost = transactionCostUnits(parsed);
    const highDecade =
      PRIORITY_DECADE_LABELS[
        priorityDecadeIndex(
          transactionPriority(leaderRewardLamports(parsed.baseFeeLamports, parsed.priorityFeeLamports), cost),
        )
      ];
    const labels = `priority_decade="${highDecade}"`;
    const udp = (await Bun.udpSocket({})) as unknown as Udp;
    const kernelBefore = kernelReceiveErrors();
    const timeline: {
      second: number;
      queueMsP99: number | null;
      executedMsP99: number | null;
      utilizationMean: number | null;
      congestedShare: number;
    }[] = [];
    let windowStart = await metricsText(node);
    let samples: { utilization: number; congested: boolean }[] = [];
    let ticks = 0;
    const elapsedSeconds = await send(node, udp, offered.wires, rateTps, async () => {
      const text = await metricsText(node);
      samples.push({
        utilization: series(text, "outrider_ingress_buffer_utilization_ratio"),
        congested: series(text, "outrider_ingress_congestion_state") === 2,
      });
      if (++ticks % 4 !== 0) return;
      const congested = samples.filter((sample) => sample.congested);
      timeline.push({
        second: ticks / 4,
        queueMsP99: quantileMs(
          buckets(windowStart, "outrider_ingress_queue_duration_seconds", labels),
          buckets(text, "outrider_ingress_queue_duration_seconds", labels),
          0.99,
        ),
        executedMsP99: quantileMs(
          buckets(windowStart, "outrider_ingress_executed_latency_seconds", labels),
          buckets(text, "outrider_ingress_executed_latency_seconds", labels),
          0.99,
        ),
        utilizationMean:
          congested.length === 0
            ? null
            : congested.reduce((sum, sample) => sum + sample.utilization, 0) / congested.length,
        congestedShare: congested.length / samples.length,
      });
      windowStart = text;
      samples = [];
    });
    const kernelDropped = kernelReceiveErrors() - kernelBefore;
    udp.close();
    await waitDrained(node);
    const finalText = await metricsText(node);
    const result = await outcomes(connection, offered);
    const offeredHigh = offered.high.reduce((sum, flag) => sum + flag, 0);
    const ingressDrops: Record<string, number> = {};
    for (const line of finalText.split("\n")) {
      const match = line.match(/^outrider_ingress_packets_dropped_total\{reason="([^"]+)"\} (\S+)/);
      if (match && Number(match[2]) > 0) ingressDrops[match[1]] = Number(match[2]);
    }
    return {
      mode,
      offered: offered.wires.length,
      offeredHigh,
      sendSeconds: elapsedSeconds,
      offeredTps: offered.wires.length / elapsedSeconds,
      executed: result.executed,
      dropped: offered.wires.length - result.executed,
      droppedHigh: offeredHigh - result.executedHigh,
      droppedWithReason: result.droppedWithReason,
      neverAccepted: result.neverAccepted,
      statusReasons: result.reasons,
      ingressDrops,
      kernelDropped,
      highPriorityDecade: highDecade,
      timeline: mode === "adaptive" ? timeline : [],
    };
  } finally {
    await node.stop();
  }
}

const drainTps = await calibrate();
const rateTps = 3 * drainTps;
console.log(
  `drain rate (baseline, offered ${CALIBRATION_RATE_TPS}/s): ${drainTps.toFixed(0)}/s → offered ${rateTps.toFixed(0)}/s for ${OVERLOAD_SECONDS} s`,
);
const baseline = await overload("baseline", rateTps);
const adaptive = await overload("adaptive", rateTps);
const congestedRows = adaptive.timeline.filter((row) => row.utilizationMean !== null);
const p99s = adaptive.timeline
  .map((row) => row.queueMsP99)
  .filter((value): value is number => value !== null);
const summary = {
  hotAccounts: HOT_ACCOUNTS,
  drainTps,
  offeredTps: rateTps,
  overloadSeconds: OVERLOAD_SECONDS,
  poolPackets: POOL_PACKETS,
  baseline,
  adaptive,
  ratios: {
    totalDropsAdaptiveOverBaseline: adaptive.dropped / baseline.dropped,
    topDecileDropsAdaptive: adaptive.droppedHigh,
    topDecileDropsBaseline: baseline.droppedHigh,
  },
  topDecileQueueMsP99: { max: Math.max(...p99s), min: Math.min(...p99s) },
  utilizationWhileCongested:
    congestedRows.reduce((sum, row) => sum + (row.utilizationMean ?? 0), 0) /
    Math.max(1, congestedRows.length),
};
for (const run of [baseline, adaptive])
  console.log(
    `${run.mode}: offered ${run.offered} (${run.offeredTps.toFixed(0)}/s, top decile ${run.offeredHigh}), executed ${run.executed}, ` +
      `dropped ${run.dropped} (top decile ${run.droppedHigh}; with a reason ${run.droppedWithReason}, never accepted ${run.neverAccepted}); ` +
      `kernel dropped ${run.kernelDropped}; ingress drops ${JSON.stringify(run.ingressDrops)}; status reasons ${JSON.stringify(run.statusReasons)}`,
  );
console.log(
  "second | top-decile queue p99 ms | top-decile arrival→executed p99 ms | utilisation while congested | congested share",
);
for (const row of adaptive.timeline)
  console.log(
    `${row.second} | ${row.queueMsP99 ?? "-"} | ${row.executedMsP99 ?? "-"} | ${row.utilizationMean?.toFixed(3) ?? "-"} | ${row.congestedShare.toFixed(2)}`,
  );
console.log(
  `total drops adaptive ÷ baseline ${summary.ratios.totalDropsAdaptiveOverBaseline.toFixed(3)}; top-decile drops ${adaptive.droppedHigh} vs ${baseline.droppedHigh}; ` +
    `utilisation while congested ${summary.utilizationWhileCongested.toFixed(3)}`,
);
writeBenchJson(summary);
