// The baseline batcher: no batch ever holds two conflicting transactions, nothing is
// lost or duplicated, a transaction is only ever overtaken by non-conflicting ones, and
// its batches are exactly those of the plain greedy FIFO scan written out below with sets.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { FifoBatcher } from "../../src/schedule/fifo-batcher.ts";

const ACCOUNTS = 12;

/** Bytes holding ACCOUNTS distinct 32-byte keys; key k is at offset k × 32. */
function keyBytes(): Uint8Array {
  const bytes = new Uint8Array(ACCOUNTS * 32);
  for (let key = 0; key < ACCOUNTS; key++) bytes.fill(key * 7 + 1, key * 32, key * 32 + 32);
  return bytes;
}

const transaction = fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: ACCOUNTS - 1 }), fc.boolean()), {
  minLength: 1,
  maxLength: 6,
  selector: ([key]) => key,
});

function conflicts(a: [number, boolean][], b: [number, boolean][]): boolean {
  for (const [keyA, writeA] of a)
    for (const [keyB, writeB] of b) if (keyA === keyB && (writeA || writeB)) return true;
  return false;
}

describe("FifoBatcher", () => {
  test("batches are conflict-free, complete, and respect the order of conflicting transactions", () => {
    fc.assert(
      fc.property(
        fc.array(transaction, { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 64 }),
        (txs, batchMax) => {
          const batcher = new FifoBatcher(keyBytes(), 256, 1024);
          const offsets = new Int32Array(96);
          const writable = new Uint8Array(96);
          txs.forEach((locks, slot) => {
            locks.forEach(([key, write], index) => {
              offsets[index] = key * 32;
              writable[index] = write ? 1 : 0;
            });
            expect(batcher.enqueue(slot, offsets, writable, locks.length)).toBe(true);
          });
          const out = new Int32Array(64);
          const executedAt = new Map<number, number>();
          let batchNumber = 0;
          while (batcher.pending > 0) {
            const size = batcher.nextBatch(out, batchMax);
            expect(size).toBeGreaterThan(0);
            expect(size).toBeLessThanOrEqual(batchMax);
            const batch = Array.from(out.subarray(0, size));
            for (let i = 0; i < batch.length; i++) {
              for (let j = i + 1; j < batch.length; j++)
                expect(conflicts(txs[batch[i]], txs[batch[j]])).toBe(false);
              expect(executedAt.has(batch[i])).toBe(false);
              executedAt.set(batch[i], batchNumber);
            }
            batchNumber++;
          }
          expect(executedAt.size).toBe(txs.length);
          // Conflicting transactions execute in arrival order.
          for (let i = 0; i < txs.length; i++) {
            for (let j = i + 1; j < txs.length; j++) {
              if (conflicts(txs[i], txs[j])) expect(executedAt.get(i)!).toBeLessThan(executedAt.get(j)!);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  test("cuts exactly the batches of a plain greedy FIFO scan (reference written with Sets)", () => {
    /** The definition: scan the first scanMax in order; take one unless it conflicts with the batch or a waiting one. */
    function referenceBatches(txs: [number, boolean][][], batchMax: number, scanMax: number): number[][] {
      let queue = txs.map((_, slot) => slot);
      const batches: number[][] = [];
      while (queue.length > 0) {
        const batch: number[] = [];
        const waiting: number[] = [];
        let scanned = 0;
        for (const slot of queue) {
          if (scanned >= scanMax || batch.length >= batchMax) break;
          scanned++;
          const blocked =
            batch.some((other) => conflicts(txs[other], txs[slot])) ||
            waiting.some((other) => conflicts(txs[other], txs[slot]));
          if (blocked) waiting.push(slot);
          else batch.push(slot);
        }
        batches.push(batch);
        queue = queue.filter((slot) => !batch.includes(slot));
      }
      return batches;
    }
    fc.assert(
      fc.property(
        fc.array(transaction, { minLength: 1, maxLength: 150 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 40 }),
        (txs, batchMax, scanMax) => {
          const batcher = new FifoBatcher(keyBytes(), 256, scanMax);
          const offsets = new Int32Array(96);
          const writable = new Uint8Array(96);
          txs.forEach((locks, slot) => {
            locks.forEach(([key, write], index) => {
              offsets[index] = key * 32;
              writable[index] = write ? 1 : 0;
            });
            expect(batcher.enqueue(slot, offsets, writable, locks.length)).toBe(true);
          });
          const out = new Int32Array(64);
          const batches: number[][] = [];
          while (batcher.pending > 0)
            batches.push(Array.from(out.subarray(0, batcher.nextBatch(out, batchMax))));
          expect(batches).toEqual(referenceBatches(txs, batchMax, scanMax));
          expect(batcher.accountsHeld).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  test("a full account table refuses enqueue (back-pressure) and forgets accounts once their transactions leave", () => {
    const bytes = new Uint8Array(200 * 32);
    for (let key = 0; key < 200; key++) bytes.fill(key + 1, key * 32, key * 32 + 32);
    const batcher = new FifoBatcher(bytes, 64, 1024, 100);
    const offsets = new Int32Array(96);
    const writable = new Uint8Array(96).fill(1);
    for (let index = 0; index < 60; index++) offsets[index] = index * 32;
    expect(batcher.enqueue(0, offsets, writable, 60)).toBe(true);
    expect(batcher.full).toBe(true); // 40 accounts left: fewer than a whole transaction may need
    for (let index = 0; index < 60; index++) offsets[index] = (100 + index) * 32;
    expect(batcher.enqueue(1, offsets, writable, 60)).toBe(false); // table full: nothing half-added
    expect(batcher.accountsHeld).toBe(60);
    const out = new Int32Array(64);
    expect(batcher.nextBatch(out, 64)).toBe(1);
    expect(batcher.accountsHeld).toBe(0);
    expect(batcher.full).toBe(false);
    expect(batcher.enqueue(1, offsets, writable, 60)).toBe(true);
  });

  test("is bounded: enqueue refuses when full", () => {
    const batcher = new FifoBatcher(keyBytes(), 2);
    const offsets = new Int32Array([0]);
    const writable = new Uint8Array([1]);
    expect(batcher.enqueue(0, offsets, writable, 1)).toBe(true);
    expect(batcher.enqueue(1, offsets, writable, 1)).toBe(true);
    expect(batcher.enqueue(2, offsets, writable, 1)).toBe(false);
    const out = new Int32Array(64);
    expect(batcher.nextBatch(out, 64)).toBe(1);
    expect(out[0]).toBe(0);
  });
});
