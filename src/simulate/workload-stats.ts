// Statistics of a generated workload, reported with every run so a reader can check what was offered:
// offered rate (mean and peak second), transaction mix and compute-unit limits by kind, the priority-fee
// distribution (median, mean, mean ÷ median, tail), resubmission and bad-transaction shares, the
// UDP/RPC split, and conflicts per block: the schedule cut into slot-long blocks (by send time), each
// block's critical path ÷ total compute and share of transactions with a conflicting predecessor, from
// the scheduler model's conflictMetrics (src/schedule/executor-model.ts), in arrival order.
import { conflictMetrics, type ModelWorkload } from "../schedule/executor-model.ts";
import { mean, quantileSorted, roundForReport, sortedCopy } from "./stats.ts";
import { planLocks, planTransaction } from "./transaction-plan.ts";
import {
  BAD_NAMES,
  BAD_NONE,
  type BurstPattern,
  KIND_NAMES,
  PATH_NAMES,
  packetCount,
  type SimWorkload,
} from "./workload.ts";

export interface WorkloadStats {
  seed: number;
  transactions: number;
  packets: number;
  durationS: number;
  offeredTpsMean: number;
  /** Most distinct transactions offered in one second. */
  offeredTpsPeakSecond: number;
  bursts: BurstPattern | null;
  bots: number;
  markets: number;
  zipfExponent: number;
  kindShares: Record<string, number>;
  computeUnitLimitMedian: Record<string, number>;
  priorityFeeLamports: {
    median: number;
    mean: number;
    meanToMedian: number;
    p90: number;
    p99: number;
    max: number;
  };
  resubmission: {
    /** Share of transactions sent more than once. */
    transactionShare: number;
    /** Share of all packets that are copies of an earlier packet. */
    packetShare: number;
  };
  badShares: Record<string, number>;
  pathShares: Record<string, number>;
  conflict: {
    slotMs: number;
    blocks: number;
    /** Median over blocks of critical path ÷ total compute (Anza: above 0.25 for busy mainnet blocks). */
    criticalPathShareMedian: number;
    criticalPathShareP90: number;
    /** Median over blocks of the share of transactions that conflict with an earlier one. */
    conflictedShareMedian: number;
    /** Writes to the most written account other than fee payers ÷ good transactions. */
    hottestAccountWriteShare: number;
  };
}

const BLOCK_TRANSACTIONS_MAX = 8192;

function shares(counts: number[], names: readonly string[], total: number): Record<string, number> {
  return Object.fromEntries(names.map((name, index) => [name, roundForReport((counts[index] ?? 0) / total)]));
}

export function workloadStats(workload: SimWorkload): WorkloadStats {
  const { config, count } = workload;
  const kindCounts = new Array(KIND_NAMES.length).fill(0);
  const badCounts = new Array(BAD_NAMES.length).fill(0);
  const pathCounts = new Array(PATH_NAMES.length).fill(0);
  const limitsByKind: number[][] = KIND_NAMES.map(() => []);
  let resubmitted = 0;
  const seconds = new Float64Array(Math.ceil(config.durationS) + 1);
  for (let tx = 0; tx < count; tx++) {
    kindCounts[workload.kind[tx]]++;
    badCounts[workload.bad[tx]]++;
    pathCounts[workload.path[tx]]++;
    limitsByKind[workload.kind[tx]].push(workload.computeUnitLimit[tx]);
    if (workload.resubmits[tx] > 0) resubmitted++;
    seconds[Math.floor(workload.sendAtMs[tx] / 1000)]++;
  }
  const fees = sortedCopy(workload.priorityFeeLamports);
  const feeMedian = quantileSorted(fees, 0.5);
  const feeMean = mean(fees);
  const packets = packetCount(workload);
  return {
    seed: config.seed,
    transactions: count,
    packets,
    durationS: config.durationS,
    offeredTpsMean: roundForReport(count / config.durationS),
    offeredTpsPeakSecond: Math.max(0, ...seconds),
    bursts: config.bursts,
    bots: config.bots,
    markets: config.markets,
    zipfExponent: config.zipfExponent,
    kindShares: shares(kindCounts, KIND_NAMES, count),
    computeUnitLimitMedian: Object.fromEntries(
      KIND_NAMES.map((name, kind) => [name, quantileSorted(sortedCopy(limitsByKind[kind]), 0.5)]),
    ),
    priorityFeeLamports: {
      median: feeMedian,
      mean: roundForReport(feeMean),
      meanToMedian: roundForReport(feeMean / feeMedian),
      p90: quantileSorted(fees, 0.9),
      p99: quantileSorted(fees, 0.99),
      max: fees.length === 0 ? 0 : fees[fees.length - 1],
    },
    resubmission: {
      transactionShare: roundForReport(resubmitted / count),
      packetShare: roundForReport((packets - count) / packets),
    },
    badShares: shares(badCounts.slice(1), BAD_NAMES.slice(1), count),
    pathShares: shares(pathCounts, PATH_NAMES, count),
    conflict: blockConflicts(workload),
  };
}

/** Conflict statistics per slot-long block of good transactions, in arrival order. */
export function blockConflicts(workload: SimWorkload): WorkloadStats["conflict"] {
  const slotMs = workload.config.slotMs;
  const criticalShares: number[] = [];
  const conflictedShares: number[] = [];
  const writesByAccount = new Map<number, number>();
  let good = 0;
  let start = 0;
  while (start < workload.count) {
    const blockEndMs = (Math.floor(workload.sendAtMs[start] / slotMs) + 1) * slotMs;
    let end = start;
    while (
      end < workload.count &&
      workload.sendAtMs[end] < blockEndMs &&
      end - start < BLOCK_TRANSACTIONS_MAX
    )
      end++;
    const local = new Map<number, number>();
    const lockStart: number[] = [0];
    const lockAccount: number[] = [];
    const lockWritable: number[] = [];
    const computeUnits: number[] = [];
    for (let tx = start; tx < end; tx++) {
      if (workload.bad[tx] !== BAD_NONE) continue;
      good++;
      const plan = planTransaction(workload, tx);
      const locks = planLocks(plan);
      locks.accounts.forEach((account, index) => {
        let id = local.get(account);
        if (id === undefined) {
          id = local.size;
          local.set(account, id);
        }
        lockAccount.push(id);
        lockWritable.push(locks.writable[index] ? 1 : 0);
        if (locks.writable[index] && account !== plan.payer)
          writesByAccount.set(account, (writesByAccount.get(account) ?? 0) + 1);
      });
      lockStart.push(lockAccount.length);
      computeUnits.push(plan.computeUnitLimit);
    }
    const blockCount = computeUnits.length;
    if (blockCount >= 2) {
      const model: ModelWorkload = {
        count: blockCount,
        accountsCount: local.size,
        lockStart: Int32Array.from(lockStart),
        lockAccount: Int32Array.from(lockAccount),
        lockWritable: Uint8Array.from(lockWritable),
        computeUnits: Int32Array.from(computeUnits),
        costUnits: Int32Array.from(computeUnits),
      };
      const metrics = conflictMetrics(
        model,
        Int32Array.from({ length: blockCount }, (_, index) => index),
      );
      criticalShares.push(metrics.criticalPathShare);
      conflictedShares.push(metrics.conflictedShare);
    }
    start = end;
  }
  const critical = sortedCopy(criticalShares);
  let hottest = 0;
  for (const writes of writesByAccount.values()) hottest = Math.max(hottest, writes);
  return {
    slotMs,
    blocks: critical.length,
    criticalPathShareMedian: roundForReport(quantileSorted(critical, 0.5)),
    criticalPathShareP90: roundForReport(quantileSorted(critical, 0.9)),
    conflictedShareMedian: roundForReport(quantileSorted(sortedCopy(conflictedShares), 0.5)),
    hottestAccountWriteShare: roundForReport(good === 0 ? 0 : hottest / good),
  };
}
