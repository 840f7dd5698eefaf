// The prio-graph planner, checked through the executor model over random workloads: no batch holds two
// conflicting transactions, conflicting transactions never overlap in time, nothing is lost or sent
// twice, no block exceeds the block or per-account write compute limit, batches respect their bound;
// plus the graph's priority order, thread-aware placement, lock predictions and stable errors.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { isOutriderError } from "../../src/errors.ts";
import { type ModelSession, runExecutorModel } from "../../src/schedule/executor-model.ts";
import { PrioGraph } from "../../src/schedule/prio-graph.ts";
import { PrioGraphModelDriver } from "../../src/schedule/prio-graph-drivers.ts";
import {
  SCHEDULE_BATCH_UNKNOWN,
  SCHEDULE_CONFIG_INVALID,
  SCHEDULE_LOCKS_INVALID,
  SCHEDULE_PRIORITY_INVALID,
} from "../../src/schedule/prio-graph-errors.ts";
import type { IndexedHeap } from "../../src/schedule/prio-graph-heap.ts";
import {
  ENQUEUE_FULL,
  ENQUEUE_NEVER_FITS,
  ENQUEUE_OK,
  PrioGraphPlanner,
} from "../../src/schedule/prio-graph-planner.ts";
import type { Workload } from "../../src/schedule/workload-model.ts";

const ACCOUNTS = 10;

/**
 * Schedules and completes batches until nothing more goes out (at most 10 rounds), appending the slots
 * sent to `sent`; optionally with the bank's cost per slot, and a step just before each completion.
 */
function drainPlanner(
  planner: PrioGraphPlanner,
  sent: number[],
  options: { costUnitsBySlot?: Float64Array; beforeComplete?: () => void } = {},
): void {
  for (let round = 0; round < 10; round++) {
    const batches = planner.schedule();
    if (batches === 0) break;
    for (let batch = 0; batch < batches; batch++) {
      const start = planner.outputStart[batch];
      sent.push(...planner.outputSlots.subarray(start, start + planner.outputSize[batch]));
      options.beforeComplete?.();
      planner.completeBatch(planner.outputBatchId[batch], options.costUnitsBySlot);
    }
  }
}

function keyBytes(accounts: number): Uint8Array {
  const bytes = new Uint8Array(accounts * 32);
  for (let key = 0; key < accounts; key++) bytes.fill(key * 7 + 1, key * 32, key * 32 + 32);
  return bytes;
}

interface TxSpec {
  locks: [number, boolean][];
  computeUnits: number;
  priority: number;
}

function toWorkload(specs: TxSpec[]): Workload {
  const count = specs.length;
  const lockStart = new Int32Array(count + 1);
  const total = specs.reduce((sum, spec) => sum + spec.locks.length, 0);
  const lockAccount = new Int32Array(total);
  const lockWritable = new Uint8Array(total);
  let at = 0;
  specs.forEach((spec, tx) => {
    lockStart[tx] = at;
    for (const [account, write] of spec.locks) {
      lockAccount[at] = account;
      lockWritable[at] = write ? 1 : 0;
      at++;
    }
  });
  lockStart[count] = at;
  return {
    count,
    accountsCount: ACCOUNTS,
    keyBytes: keyBytes(ACCOUNTS),
    lockStart,
    lockAccount,
    lockOffset: lockAccount.map((account) => account * 32),
    lockWritable,
    kind: new Uint8Array(count),
    computeUnits: Int32Array.from(specs, (spec) => spec.computeUnits),
    costUnits: Int32Array.from(specs, (spec) => spec.computeUnits),
    priorityFeeLamports: new Float64Array(count),
    priority: Float64Array.from(specs, (spec) => spec.priority),
    sourceId: new Uint32Array(count),
    packetBytes: new Int32Array(count).fill(200),
  };
}

const txSpec = fc.record({
  locks: fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: ACCOUNTS - 1 }), fc.boolean()), {
    minLength: 0,
    maxLength: 5,
    selector: ([account]) => account,
  }),
  computeUnits: fc.integer({ min: 1, max: 1000 }),
  priority: fc.integer({ min: 0, max: 50 }),
});

describe("PrioGraphPlanner through the executor model", () => {
  test("conflict-free, complete, within block and account limits (property)", () => {
    fc.assert(
      fc.property(
        fc.array(txSpec, { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 4 }),
        (specs, workers, batchMax, inFlight, blockFactor, accountFactor) => {
          const workload = toWorkload(specs);
          const costMax = Math.max(...specs.map((spec) => spec.computeUnits));
          const blockComputeUnitsMax = costMax * blockFactor;
          const accountWriteComputeUnitsMax = costMax * accountFactor;
          const driver = new PrioGraphModelDriver(workload, {
            workers,
            pendingMax: specs.length,
            batchTransactionsMax: batchMax,
            inFlightBatchesPerWorkerMax: inFlight,
            blockComputeUnitsMax,
            accountWriteComputeUnitsMax,
            lookAheadMax: 16,
          });
          const plan = driver.plan.bind(driver);
          driver.plan = (session: ModelSession) => {
            plan(session);
            for (let batch = 0; batch < driver.planner.outputCount; batch++)
              expect(driver.planner.outputSize[batch]).toBeLessThanOrEqual(batchMax);
          };
          // The model throws on a conflicting batch, an overlap, a duplicate or a lost transaction.
          const result = runExecutorModel(
            workload,
            driver,
            { workers, nanosecondsPerComputeUnit: 1 },
            new Int32Array(specs.length).map((_, index) => index),
          );
          const blockUnits = new Map<number, number>();
          const accountUnits = new Map<string, number>();
          for (let tx = 0; tx < specs.length; tx++) {
            const slot = result.slotOf[tx];
            blockUnits.set(slot, (blockUnits.get(slot) ?? 0) + specs[tx].computeUnits);
            for (const [account, write] of specs[tx].locks) {
              if (!write) continue;
              const key = `${slot}:${account}`;
              accountUnits.set(key, (accountUnits.get(key) ?? 0) + specs[tx].computeUnits);
            }
          }
          for (const units of blockUnits.values()) expect(units).toBeLessThanOrEqual(blockComputeUnitsMax);
          for (const units of accountUnits.values())
            expect(units).toBeLessThanOrEqual(accountWriteComputeUnitsMax);
          expect(driver.planner.held).toBe(0);
          expect(driver.planner.counters.completed).toBe(specs.length);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("PrioGraphPlanner", () => {
  const bytes = keyBytes(ACCOUNTS);
  const offsets = (...accounts: number[]) => Int32Array.from(accounts, (account) => account * 32);
  const flags = (...writes: number[]) => Uint8Array.from(writes);

  test("a full planner drops the lowest pending transaction, through fills and drains (property)", () => {
    // Bursts of arrivals (each making room on a full planner as the stage does) and of scheduling calls
    // with completions, so the planner fills, drops on capacity, drains and fills again (its lowest-first
    // view of the container is kept only while it is that full): whatever is dropped is the lowest-ranked
    // transaction of the container (pending, not in the look-ahead graph; read white-box), and only
    // when it ranks below the newcomer.
    const arrival = fc.record({ priority: fc.integer({ min: 0, max: 20 }), account: fc.nat(ACCOUNTS - 1) });
    const burst = fc.record({ arrivals: fc.array(arrival, { maxLength: 20 }), rounds: fc.nat(6) });
    fc.assert(
      fc.property(fc.array(burst, { maxLength: 12 }), (bursts) => {
        const planner = new PrioGraphPlanner(bytes, {
          workers: 2,
          pendingMax: 12,
          batchTransactionsMax: 2,
          inFlightBatchesPerWorkerMax: 1,
          lookAheadMax: 4,
        });
        const pending = new Map<number, number>();
        const inFlight: number[] = [];
        let nextSlot = 0;
        for (const { arrivals, rounds } of bursts) {
          for (const { priority, account } of arrivals) {
            const slot = nextSlot++;
            if (planner.full) {
              // The container's lowest (ids → slots: slot of id is its arrival order here).
              const container = (planner as unknown as { container: IndexedHeap }).container;
              const slotOf = (planner as unknown as { slotOf: Int32Array }).slotOf;
              let lowest = -1;
              for (let index = 0; index < container.size; index++) {
                const slotHere = slotOf[container.at(index)];
                const priorityHere = pending.get(slotHere)!;
                if (
                  lowest < 0 ||
                  priorityHere < pending.get(lowest)! ||
                  (priorityHere === pending.get(lowest)! && slotHere > lowest)
                )
                  lowest = slotHere;
              }
              const victim = planner.evictLowestBelow(priority);
              if (lowest >= 0 && pending.get(lowest)! < priority) expect(victim).toBe(lowest);
              else expect(victim).toBe(-1);
              if (victim < 0) continue;
              pending.delete(victim);
            }
            expect(planner.enqueue(slot, priority, 10, offsets(account), flags(1), 1)).toBe(ENQUEUE_OK);
            pending.set(slot, priority);
          }
          for (let round = 0; round < rounds; round++) {
            const batches = planner.schedule();
            for (let batch = 0; batch < batches; batch++) {
              inFlight.push(planner.outputBatchId[batch]);
              const start = planner.outputStart[batch];
              for (let index = 0; index < planner.outputSize[batch]; index++)
                pending.delete(planner.outputSlots[start + index]);
            }
            while (inFlight.length > 0) planner.completeBatch(inFlight.shift()!);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  test("sends in priority order; a conflicting successor waits for a later batch on the same worker", () => {
    const planner = new PrioGraphPlanner(bytes, {
      workers: 2,
      pendingMax: 8,
      inFlightBatchesPerWorkerMax: 4,
    });
    planner.enqueue(10, 1, 100, offsets(0), flags(1), 1);
    planner.enqueue(11, 9, 100, offsets(0), flags(1), 1);
    planner.enqueue(12, 5, 100, offsets(1), flags(1), 1);
    const batches = planner.schedule();
    const sent: { worker: number; slots: number[] }[] = [];
    for (let batch = 0; batch < batches; batch++) {
      const start = planner.outputStart[batch];
      sent.push({
        worker: planner.outputWorker[batch],
        slots: Array.from(planner.outputSlots.subarray(start, start + planner.outputSize[batch])),
      });
    }
    // 11 (priority 9) first; 10 conflicts with it and follows on 11's worker, in a later batch.
    expect(sent.flatMap((batch) => batch.slots)).toEqual([11, 12, 10]);
    const workerOf = (slot: number) => sent.find((batch) => batch.slots.includes(slot))!.worker;
    expect(workerOf(10)).toBe(workerOf(11));
    expect(sent.find((batch) => batch.slots.includes(10))).not.toBe(
      sent.find((batch) => batch.slots.includes(11)),
    );
  });

  test("a transaction conflicting with two workers waits until one finishes", () => {
    const planner = new PrioGraphPlanner(bytes, {
      workers: 2,
      pendingMax: 8,
      inFlightBatchesPerWorkerMax: 4,
    });
    planner.enqueue(1, 9, 100, offsets(0), flags(1), 1);
    planner.enqueue(2, 8, 100, offsets(1), flags(1), 1);
    expect(planner.schedule()).toBe(2);
    const firstIds = [planner.outputBatchId[0], planner.outputBatchId[1]];
    planner.enqueue(3, 7, 100, offsets(0, 1), flags(1, 1), 2);
    expect(planner.schedule()).toBe(0);
    expect(planner.counters.unschedulable).toBe(1);
    planner.completeBatch(firstIds[0]);
    expect(planner.schedule()).toBe(1);
    expect(planner.outputSlots[0]).toBe(3);
  });

  test("block and per-account write limits put work off to the next slot", () => {
    const planner = new PrioGraphPlanner(bytes, {
      workers: 1,
      pendingMax: 8,
      blockComputeUnitsMax: 1000,
      accountWriteComputeUnitsMax: 500,
    });
    planner.enqueue(1, 9, 400, offsets(0), flags(1), 1);
    planner.enqueue(2, 8, 200, offsets(0), flags(1), 1);
    planner.enqueue(3, 7, 300, offsets(1), flags(0), 1);
    planner.enqueue(4, 6, 400, offsets(2), flags(1), 1);
    expect(planner.enqueue(5, 1, 600, offsets(3), flags(1), 1)).toBe(ENQUEUE_NEVER_FITS);
    const sent: number[] = [];
    drainPlanner(planner, sent);
    expect(sent).toEqual([1, 3]);
    expect(planner.pending).toBe(2);
    planner.beginSlot();
    drainPlanner(planner, sent);
    expect(sent).toEqual([1, 3, 2, 4]);
    expect(planner.counters.deferredAccountLimit).toBeGreaterThan(0);
    expect(planner.counters.deferredBlockLimit).toBeGreaterThan(0);
  });

  test("compute charged beyond the bank's cost is given back to the current block only", () => {
    const run = (refund: boolean, slotBetween: boolean) => {
      const planner = new PrioGraphPlanner(bytes, {
        workers: 1,
        pendingMax: 8,
        blockComputeUnitsMax: 1000,
        accountWriteComputeUnitsMax: 1000,
      });
      // Each asks for 400 and costs 100: two fit the block as charged, the third waits.
      planner.enqueue(1, 9, 400, offsets(0), flags(1), 1);
      planner.enqueue(2, 8, 400, offsets(0), flags(1), 1);
      planner.enqueue(3, 7, 400, offsets(0), flags(1), 1);
      const costBySlot = new Float64Array(8).fill(100);
      const sent: number[] = [];
      drainPlanner(planner, sent, {
        costUnitsBySlot: refund ? costBySlot : undefined,
        beforeComplete: slotBetween ? () => planner.beginSlot() : undefined,
      });
      return { sent, planner };
    };
    const refunded = run(true, false);
    expect(refunded.sent).toEqual([1, 2, 3]);
    expect(refunded.planner.counters.refundedComputeUnits).toBe(3 * 300);
    expect(refunded.planner.blockComputeUnitsUsed).toBe(300);
    const charged = run(false, false);
    expect(charged.sent).toEqual([1, 2]);
    expect(charged.planner.blockComputeUnitsUsed).toBe(800);
    // A batch charged to an earlier block gives nothing back to the new one.
    const late = run(true, true);
    expect(late.planner.counters.refundedComputeUnits).toBe(0);
  });

  test("predicted locks count as locks", () => {
    const planner = new PrioGraphPlanner(bytes, {
      workers: 2,
      pendingMax: 8,
      inFlightBatchesPerWorkerMax: 4,
    });
    const predictionBytes = keyBytes(ACCOUNTS);
    planner.enqueue(1, 9, 100, offsets(0), flags(1), 1);
    planner.enqueue(2, 8, 100, offsets(1), flags(1), 1, {
      bytes: predictionBytes,
      offsets: offsets(0),
      writable: flags(0),
      count: 1,
    });
    const batches = planner.schedule();
    const batchOf = new Map<number, number>();
    for (let batch = 0; batch < batches; batch++)
      for (let index = 0; index < planner.outputSize[batch]; index++)
        batchOf.set(planner.outputSlots[planner.outputStart[batch] + index], batch);
    expect(batchOf.get(1)).not.toBe(batchOf.get(2));
    expect(planner.outputWorker[batchOf.get(1)!]).toBe(planner.outputWorker[batchOf.get(2)!]);
  });

  test("bounded, and bad input is an OutriderError with a stable code", () => {
    const planner = new PrioGraphPlanner(bytes, { workers: 1, pendingMax: 1 });
    expect(planner.enqueue(1, 1, 1, offsets(0), flags(1), 1)).toBe(ENQUEUE_OK);
    expect(planner.enqueue(2, 1, 1, offsets(0), flags(1), 1)).toBe(ENQUEUE_FULL);
    const codeOf = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return isOutriderError(error) ? error.code : -1;
      }
      return 0;
    };
    const other = new PrioGraphPlanner(bytes, { workers: 1, pendingMax: 4 });
    expect(codeOf(() => new PrioGraphPlanner(bytes, { workers: 0, pendingMax: 4 }))).toBe(
      SCHEDULE_CONFIG_INVALID,
    );
    expect(codeOf(() => new PrioGraphPlanner(bytes, { workers: 33, pendingMax: 4 }))).toBe(
      SCHEDULE_CONFIG_INVALID,
    );
    expect(codeOf(() => other.enqueue(1, Number.NaN, 1, offsets(0), flags(1), 1))).toBe(
      SCHEDULE_PRIORITY_INVALID,
    );
    expect(codeOf(() => other.enqueue(1, 1, 1, Int32Array.of(ACCOUNTS * 32), flags(1), 1))).toBe(
      SCHEDULE_LOCKS_INVALID,
    );
    expect(codeOf(() => other.enqueue(1, 1, 1, offsets(0), flags(1), 200))).toBe(SCHEDULE_LOCKS_INVALID);
    expect(codeOf(() => other.completeBatch(12345))).toBe(SCHEDULE_BATCH_UNKNOWN);
    expect(other.held).toBe(0);
  });
});

describe("PrioGraph kept between calls", () => {
  // Random operations as the planner performs them: insert at any rank (also a transaction that left
  // before), pop then remove or park, wake and begin a call, trim the lowest, move the window's boundary,
  // compact. After each, a node is blocked exactly when a node still in the graph conflicts with it and
  // ranks above it — what a graph built from the remaining nodes in priority order would say — the window
  // is the highest-ranked nodes, and the ready set is every unblocked window node not asleep.
  const operation = fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant("insert" as const), tx: fc.nat(59) }) },
    {
      weight: 3,
      arbitrary: fc.record({ kind: fc.constant("pop" as const), park: fc.boolean(), lane: fc.nat(3) }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("call" as const), wake: fc.nat(3) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("trim" as const) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("window" as const), count: fc.nat(40) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("compact" as const) }) },
  );
  const transactions = fc.array(
    fc.record({
      locks: fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.boolean()), {
        minLength: 1,
        maxLength: 3,
        selector: ([account]) => account,
      }),
      priority: fc.integer({ min: 0, max: 9 }),
    }),
    { minLength: 60, maxLength: 60 },
  );

  test("matches a build over the remaining nodes in priority order after any sequence (property)", () => {
    fc.assert(
      fc.property(
        transactions,
        fc.array(operation, { minLength: 1, maxLength: 150 }),
        // A tight lock budget makes the graph refuse inserts and recycle its entry blocks across sizes.
        fc.constantFrom(512, 7),
        (txs, operations, locksMax) => {
          const stride = 8;
          const account = new Int32Array(txs.length * stride);
          const writable = new Uint8Array(txs.length * stride);
          const count = new Uint8Array(txs.length);
          const priority = Float64Array.from(txs, (tx) => tx.priority);
          const sequence = Float64Array.from(txs, (_, index) => index);
          txs.forEach((tx, id) => {
            count[id] = tx.locks.length;
            tx.locks.forEach(([key, write], lock) => {
              account[id * stride + lock] = key;
              writable[id * stride + lock] = write ? 1 : 0;
            });
          });
          const graph = new PrioGraph(txs.length, 6, locksMax, priority, sequence, {
            account,
            writable,
            count,
            stride,
          });
          const ranksAbove = (a: number, b: number) =>
            priority[a] > priority[b] || (priority[a] === priority[b] && sequence[a] < sequence[b]);
          const conflict = (a: number, b: number) =>
            txs[a].locks.some(([keyA, writeA]) =>
              txs[b].locks.some(([keyB, writeB]) => keyA === keyB && (writeA || writeB)),
            );
          const members = new Set<number>();
          const asleep = new Map<number, number>();
          let windowCount = 0;
          const rankOf = (id: number) => [...members].filter((other) => ranksAbove(other, id)).length;
          for (const op of operations) {
            if (op.kind === "insert") {
              if (members.has(op.tx)) continue;
              if (!graph.hasRoomFor(count[op.tx])) {
                expect(members.size).toBeGreaterThan(0); // an empty graph takes any transaction
                continue;
              }
              if (rankOf(op.tx) < windowCount) windowCount++;
              graph.insert(op.tx);
              members.add(op.tx);
            } else if (op.kind === "pop") {
              const id = graph.pop();
              if (id < 0) continue;
              expect(members.has(id)).toBe(true);
              if (op.park) {
                graph.park(id, 1 << op.lane);
                asleep.set(id, op.lane);
              } else {
                graph.remove(id);
                members.delete(id);
                windowCount--;
              }
            } else if (op.kind === "call") {
              graph.wakeWorker(op.wake);
              graph.beginCall();
              for (const [id, lane] of asleep) if (lane === op.wake) asleep.delete(id);
            } else if (op.kind === "trim") {
              const id = graph.trimLowest();
              if (id < 0) continue;
              for (const other of members) if (other !== id) expect(ranksAbove(id, other)).toBe(false);
              if (windowCount === members.size) windowCount--;
              members.delete(id);
              asleep.delete(id);
            } else if (op.kind === "window") {
              graph.setWindow(op.count);
              windowCount = Math.min(op.count, members.size);
            } else {
              graph.compact();
            }
            for (const id of asleep.keys()) if (rankOf(id) >= windowCount) asleep.delete(id);
            expect(graph.size).toBe(members.size);
            expect(graph.windowCount).toBe(windowCount);
            let readyExpected = 0;
            for (const id of members) {
              const blocked = [...members].some(
                (other) => other !== id && ranksAbove(other, id) && conflict(other, id),
              );
              expect(graph.isBlocked(id)).toBe(blocked);
              const inWindow = rankOf(id) < windowCount;
              expect(graph.isInWindow(id)).toBe(inWindow);
              if (inWindow && !blocked && !asleep.has(id)) readyExpected++;
            }
            expect(graph.readyCount).toBe(readyExpected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
