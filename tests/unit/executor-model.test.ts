// The deterministic executor model and the seeded trading workload: the model's definitions on hand-made
// cases, its violation checks, the workload's heavy-tailed fees and Zipf skew, and the headline figure —
// batch efficiency of the prio-graph planner on the seeded trading mix with k = 2 and k = 4 workers,
// next to the FIFO batcher driven through the same model.
import { describe, expect, test } from "bun:test";
import { isOutriderError } from "../../src/errors.ts";
import {
  conflictMetrics,
  type ModelDriver,
  type ModelSession,
  runExecutorModel,
} from "../../src/schedule/executor-model.ts";
import { listSchedule } from "../../src/schedule/list-schedule-bound.ts";
import { FifoModelDriver, PrioGraphModelDriver } from "../../src/schedule/prio-graph-drivers.ts";
import { EXECUTOR_MODEL_VIOLATION, WORKLOAD_CONFIG_INVALID } from "../../src/schedule/prio-graph-errors.ts";
import {
  arrivalOrder,
  generateWorkload,
  lognormalSigmaForMeanToMedian,
  priorityOrder,
} from "../../src/schedule/workload-model.ts";

/** Three transactions: 0 writes A (10 CU), 1 reads A (20 CU), 2 writes B (30 CU). */
function tiny() {
  return {
    count: 3,
    accountsCount: 2,
    lockStart: Int32Array.of(0, 1, 2, 3),
    lockAccount: Int32Array.of(0, 0, 1),
    lockWritable: Uint8Array.of(1, 0, 1),
    computeUnits: Int32Array.of(10, 20, 30),
    costUnits: Int32Array.of(10, 20, 30),
  };
}

/** Sends fixed batches: batches[i] = [worker, ...transactions], all at time 0. */
function fixedDriver(batches: number[][]): ModelDriver {
  let sent = false;
  let left = batches.reduce((sum, batch) => sum + batch.length - 1, 0);
  return {
    plan(session: ModelSession) {
      if (sent) return;
      sent = true;
      batches.forEach(([worker, ...txs], token) => {
        session.dispatch(worker, token, txs, txs.length);
        left -= txs.length;
      });
    },
    complete() {},
    newSlot: () => false,
    remaining: () => left,
  };
}

const SEQUENTIAL = Int32Array.of(0, 1, 2);

describe("executor model", () => {
  test("definitions: critical path, lower bound, efficiency, conflict rates", () => {
    const workload = tiny();
    const metrics = conflictMetrics(workload, SEQUENTIAL);
    expect(metrics.totalComputeUnits).toBe(60);
    expect(metrics.criticalPathComputeUnits).toBe(30); // max(10 + 20, 30)
    expect(metrics.criticalPathShare).toBe(0.5);
    expect(metrics.conflictedShare).toBeCloseTo(1 / 3);
    expect(metrics.pairwiseDensity).toBeCloseTo(1 / 3);
    // Worker 0 runs 0 then (next batch) 1: 0..20 and 20..60 ns; worker 1 runs 2: 0..60 ns.
    const result = runExecutorModel(
      workload,
      fixedDriver([
        [0, 0],
        [0, 1],
        [1, 2],
      ]),
      { workers: 2, nanosecondsPerComputeUnit: 2 },
      SEQUENTIAL,
    );
    expect(result.makespanNs).toBe(60);
    expect(result.lowerBoundNs).toBe(60); // max(30, 60 ÷ 2) × 2 ns
    expect(result.batchEfficiency).toBe(1);
  });

  test("refuses conflicting batches, overlapping conflicting work, duplicates and losses", () => {
    const codeOf = (batches: number[][]) => {
      try {
        runExecutorModel(
          tiny(),
          fixedDriver(batches),
          { workers: 2, nanosecondsPerComputeUnit: 1 },
          SEQUENTIAL,
        );
      } catch (error) {
        return isOutriderError(error) ? error.code : -1;
      }
      return 0;
    };
    expect(
      codeOf([
        [0, 0, 1],
        [1, 2],
      ]),
    ).toBe(EXECUTOR_MODEL_VIOLATION); // 0 and 1 conflict in one batch
    expect(
      codeOf([
        [0, 0],
        [1, 1],
        [1, 2],
      ]),
    ).toBe(EXECUTOR_MODEL_VIOLATION); // 0 and 1 overlap in time
    expect(
      codeOf([
        [0, 0, 2],
        [1, 2],
      ]),
    ).toBe(EXECUTOR_MODEL_VIOLATION); // 2 twice
    expect(codeOf([[0, 0, 2]])).not.toBe(0); // 1 never runs (driver stuck)
    expect(
      codeOf([
        [0, 0, 2],
        [0, 1],
      ]),
    ).toBe(0);
  });
});

describe("workload model", () => {
  test("seeded and deterministic; heavy-tailed fees with mean ≈ 35 × median; Zipf-hot markets", () => {
    const a = generateWorkload({ transactions: 20_000, seed: 3 });
    const b = generateWorkload({ transactions: 20_000, seed: 3 });
    expect(a.priority).toEqual(b.priority);
    expect(a.lockAccount).toEqual(b.lockAccount);
    const logs = Array.from(a.priorityFeeLamports, (fee) => Math.log(Math.max(1, fee)));
    const meanLog = logs.reduce((sum, value) => sum + value, 0) / logs.length;
    const sdLog = Math.sqrt(logs.reduce((sum, value) => sum + (value - meanLog) ** 2, 0) / logs.length);
    // In log space the lognormal is exact: median 5,000 lamports, σ = √(2 ln 35) ≈ 2.67 (so mean ÷ median = 35).
    expect(Math.abs(meanLog - Math.log(5_000))).toBeLessThan(0.1);
    expect(Math.abs(sdLog - lognormalSigmaForMeanToMedian(35))).toBeLessThan(0.1);
    const fees = Float64Array.from(a.priorityFeeLamports).sort();
    const median = fees[fees.length >> 1];
    const mean = fees.reduce((sum, fee) => sum + fee, 0) / fees.length;
    expect(mean / median).toBeGreaterThan(10); // heavy tail (the sample mean is noisy by nature)
    // The hottest pool account is written far more often than the median one.
    const writes = new Map<number, number>();
    for (let lock = 0; lock < a.lockAccount.length; lock++)
      if (a.lockWritable[lock] === 1 && a.lockAccount[lock] >= 4 && a.lockAccount[lock] < 4 + 256)
        writes.set(a.lockAccount[lock], (writes.get(a.lockAccount[lock]) ?? 0) + 1);
    const counts = [...writes.values()].sort((x, y) => y - x);
    expect(counts[0]).toBeGreaterThan(10 * counts[counts.length >> 1]);
  });

  test("bad configuration is refused", () => {
    try {
      generateWorkload({ transactions: 0 });
      throw new Error("accepted");
    } catch (error) {
      expect(isOutriderError(error, WORKLOAD_CONFIG_INVALID)).toBe(true);
    }
  });
});

/** The planner configuration the figures use (docs/scheduling.md): batches of 2, two in flight per worker. */
const MODEL_PLANNER_CONFIG = {
  batchTransactionsMax: 2,
  inFlightBatchesPerWorkerMax: 2,
  // One trading burst, limits off: the figure is about packing, not block space.
  blockComputeUnitsMax: 2 ** 50,
  accountWriteComputeUnitsMax: 2 ** 50,
};
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

describe("batch efficiency on the seeded trading mix (2,000 transactions, seeds 1–10)", () => {
  const workloads = SEEDS.map((seed) => generateWorkload({ transactions: 2_000, seed }));
  for (const workers of [2, 4]) {
    test(`k = ${workers}: prio-graph mean ≥ 0.95 over the seeds, above the FIFO batcher on every seed`, () => {
      const options = { workers, nanosecondsPerComputeUnit: 1 };
      const figures = workloads.map((workload) => {
        const prio = runExecutorModel(
          workload,
          new PrioGraphModelDriver(workload, {
            workers,
            pendingMax: workload.count,
            ...MODEL_PLANNER_CONFIG,
          }),
          options,
          priorityOrder(workload),
        );
        const fifo = runExecutorModel(
          workload,
          new FifoModelDriver(workload, workers),
          options,
          arrivalOrder(workload),
        );
        expect(prio.batchEfficiency).toBeLessThanOrEqual(1);
        expect(fifo.batchEfficiency).toBeLessThan(prio.batchEfficiency);
        return { prio, fifo };
      });
      const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
      const prio = figures.map((figure) => figure.prio.batchEfficiency);
      const fifo = figures.map((figure) => figure.fifo.batchEfficiency);
      const seven = figures[SEEDS.indexOf(7)].prio;
      console.log(
        `k=${workers} prio-graph efficiency mean ${mean(prio).toFixed(3)} (min ${Math.min(...prio).toFixed(3)}, ` +
          `max ${Math.max(...prio).toFixed(3)}, ${prio.filter((value) => value >= 0.95).length}/${prio.length} seeds ≥ 0.95) | ` +
          `FIFO batcher mean ${mean(fifo).toFixed(3)} (max ${Math.max(...fifo).toFixed(3)}); seed 7: critical path ` +
          `${(seven.criticalPathShare * 100).toFixed(1)}% of compute, conflicted ${(seven.conflictedShare * 100).toFixed(1)}%, ` +
          `pair density ${seven.pairwiseDensity.toFixed(4)}, ${seven.batches} batches`,
      );
      expect(mean(prio)).toBeGreaterThanOrEqual(0.95);
    });
  }

  // Why "≥ 0.95 on every seed" is not met with k = 4: an ideal list scheduler that always starts the
  // highest-priority runnable transaction (no batches, no lanes, no delay) is itself below 0.95 on some
  // seeds; only leaving priority order (longest chain first) reaches the bound.
  test("k = 4: the planner next to the ideal list schedules (priority order; longest chain first)", () => {
    const rows = workloads.map((workload, index) => {
      const order = priorityOrder(workload);
      const planner = runExecutorModel(
        workload,
        new PrioGraphModelDriver(workload, {
          workers: 4,
          pendingMax: workload.count,
          ...MODEL_PLANNER_CONFIG,
        }),
        { workers: 4, nanosecondsPerComputeUnit: 1 },
        order,
      );
      const byPriority = listSchedule(workload, 4, order, "priority");
      const byChain = listSchedule(workload, 4, order, "critical-path");
      expect(byPriority.lowerBoundNs).toBe(planner.lowerBoundNs);
      expect(byChain.lowerBoundNs).toBe(planner.lowerBoundNs);
      return { seed: SEEDS[index], planner: planner.batchEfficiency, byPriority, byChain };
    });
    console.log(
      "k=4 seed: planner / ideal priority-order list schedule / ideal longest-chain-first list schedule\n" +
        rows
          .map(
            (row) =>
              `  ${row.seed}: ${row.planner.toFixed(3)} / ${row.byPriority.batchEfficiency.toFixed(3)} / ` +
              `${row.byChain.batchEfficiency.toFixed(3)}`,
          )
          .join("\n"),
    );
    for (const row of rows) expect(row.byChain.batchEfficiency).toBeGreaterThanOrEqual(0.95);
    expect(rows.filter((row) => row.byPriority.batchEfficiency < 0.95).length).toBeGreaterThan(0);
  });
});

describe("ideal list schedules", () => {
  test("hand-made: both rules run 0 and 2 at once, then 1 after 0", () => {
    for (const rule of ["priority", "critical-path"] as const) {
      const result = listSchedule(tiny(), 2, SEQUENTIAL, rule);
      expect(result.makespanNs).toBe(30); // 0: 0..10, 1: 10..30 (after 0), 2: 0..30
      expect(result.lowerBoundNs).toBe(30);
      expect(result.batchEfficiency).toBe(1);
    }
    // One worker: everything in a row.
    expect(listSchedule(tiny(), 1, SEQUENTIAL, "priority").makespanNs).toBe(60);
  });
});
