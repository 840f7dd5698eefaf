// The planner's live plan figures: on a hand-made case the numbers are worked out by hand; over random
// workloads and lane assignments the critical path and the share of conflicted transactions equal the
// executor model's definitions (conflictMetrics, same order), the per-account pair count bounds the exact
// pairwise density from above, and the efficiency lies in (0, 1].
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { conflictMetrics } from "../../src/schedule/executor-model.ts";
import { PlanMeter } from "../../src/schedule/plan-meter.ts";

interface Tx {
  locks: [number, boolean][];
  cost: number;
  lane: number;
}

function place(meter: PlanMeter, txs: Tx[]): void {
  for (const tx of txs) {
    const accounts = Int32Array.from(tx.locks, ([account]) => account);
    const writable = Uint8Array.from(tx.locks, ([, write]) => (write ? 1 : 0));
    meter.place(accounts, writable, 0, accounts.length, tx.cost, tx.lane);
  }
  meter.endWindow();
}

describe("PlanMeter", () => {
  test("hand-made: two lanes, a chain on account 0 and a free transaction", () => {
    const meter = new PlanMeter(4, 2);
    // 0 writes A (10) on lane 0; 1 reads A (20) on lane 1 (waits for 0); 2 writes B (30) on lane 0.
    place(meter, [
      { locks: [[0, true]], cost: 10, lane: 0 },
      { locks: [[0, false]], cost: 20, lane: 1 },
      { locks: [[1, true]], cost: 30, lane: 0 },
    ]);
    const last = meter.last;
    expect(last.totalComputeUnits).toBe(60);
    expect(last.criticalPathComputeUnits).toBe(30); // max(10 + 20, 30)
    expect(last.makespanComputeUnits).toBe(40); // lane 0: 0..10, 10..40; lane 1: 10..30
    expect(last.lowerBoundComputeUnits).toBe(30);
    expect(last.batchEfficiency).toBe(0.75);
    expect(last.conflictedShare).toBeCloseTo(1 / 3);
    expect(last.pairwiseDensity).toBeCloseTo(1 / 3);
    // A new window starts from scratch.
    place(meter, [{ locks: [[0, true]], cost: 5, lane: 1 }]);
    expect(meter.last.totalComputeUnits).toBe(5);
    expect(meter.last.conflictedShare).toBe(0);
  });

  test("same definitions as the executor model, over random plans (property)", () => {
    const accounts = 6;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(
          fc.record({
            locks: fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: accounts - 1 }), fc.boolean()), {
              maxLength: 4,
              selector: ([account]) => account,
            }),
            cost: fc.integer({ min: 1, max: 1000 }),
            lane: fc.nat(),
          }),
          { minLength: 1, maxLength: 60 },
        ),
        (lanes, drawn) => {
          const txs = drawn.map((tx) => ({ ...tx, lane: tx.lane % lanes }));
          const meter = new PlanMeter(accounts, lanes);
          place(meter, txs);
          const lockStart = new Int32Array(txs.length + 1);
          txs.forEach((tx, index) => {
            lockStart[index + 1] = lockStart[index] + tx.locks.length;
          });
          const workload = {
            count: txs.length,
            accountsCount: accounts,
            lockStart,
            lockAccount: Int32Array.from(txs.flatMap((tx) => tx.locks.map(([account]) => account))),
            lockWritable: Uint8Array.from(txs.flatMap((tx) => tx.locks.map(([, write]) => (write ? 1 : 0)))),
            computeUnits: Int32Array.from(txs, (tx) => tx.cost),
            costUnits: Int32Array.from(txs, (tx) => tx.cost),
          };
          const exact = conflictMetrics(
            workload,
            Int32Array.from(txs, (_, index) => index),
          );
          const last = meter.last;
          expect(last.criticalPathComputeUnits).toBe(exact.criticalPathComputeUnits);
          expect(last.totalComputeUnits).toBe(exact.totalComputeUnits);
          expect(last.conflictedShare).toBeCloseTo(exact.conflictedShare, 12);
          expect(last.pairwiseDensity).toBeGreaterThanOrEqual(exact.pairwiseDensity - 1e-12);
          expect(last.makespanComputeUnits).toBeGreaterThanOrEqual(last.lowerBoundComputeUnits);
          expect(last.batchEfficiency).toBeGreaterThan(0);
          expect(last.batchEfficiency).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 200 },
    );
  });
});
