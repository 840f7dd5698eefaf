// The baseline batcher: no batch ever holds two conflicting transactions, nothing is
// lost or duplicated, and a transaction is only ever overtaken by non-conflicting ones.
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
