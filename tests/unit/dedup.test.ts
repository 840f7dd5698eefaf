// Exact dedup: never drops a first-seen signature, never admits one twice while valid,
// forgets signatures once their blockhash has expired, and stays within its bound.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { SignatureDedup } from "../../src/verify/dedup.ts";

const signature = fc.uint8Array({ minLength: 64, maxLength: 64 });

describe("SignatureDedup", () => {
  test("agrees with an exact model on random inserts across advancing block heights", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 40 }),
            fc.integer({ min: 0, max: 3 }),
            fc.integer({ min: 0, max: 20 }),
          ),
          {
            maxLength: 400,
          },
        ),
        (operations) => {
          const dedup = new SignatureDedup(64);
          const model = new Map<number, number>();
          let blockHeight = 0;
          for (const [id, heightStep, validFor] of operations) {
            blockHeight += heightStep;
            const bytes = new Uint8Array(64);
            bytes[0] = id; // few distinct ids: many repeats
            bytes[63] = id ^ 0x5a;
            const lastValid = blockHeight + validFor;
            const expiry = model.get(id);
            const expectedNew = expiry === undefined || expiry < blockHeight;
            expect(dedup.insert(bytes, 0, lastValid, blockHeight)).toBe(expectedNew);
            if (expectedNew) model.set(id, lastValid);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  test("a first-seen signature is never rejected, even at the bound (evicting the soonest-expiring)", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(signature, { minLength: 1, maxLength: 300, selector: (s) => s.join(",") }),
        (signatures) => {
          const dedup = new SignatureDedup(32);
          for (const bytes of signatures) expect(dedup.insert(bytes, 0, 1000, 0)).toBe(true);
          expect(dedup.stats().entries).toBeLessThanOrEqual(32);
        },
      ),
      { numRuns: 50 },
    );
  });

  test("a duplicate is rejected while valid, admitted after its blockhash expires", () => {
    const dedup = new SignatureDedup(16);
    const bytes = new Uint8Array(100).fill(7);
    expect(dedup.insert(bytes, 10, 150, 0)).toBe(true);
    expect(dedup.insert(bytes, 10, 150, 150)).toBe(false);
    expect(dedup.has(bytes, 10, 150)).toBe(true);
    expect(dedup.has(bytes, 10, 151)).toBe(false);
    expect(dedup.insert(bytes, 10, 301, 151)).toBe(true);
  });

  test("forget: agrees with an exact model on random inserts, forgets and lookups (tombstones and rebuilds included)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom("insert", "forget", "has"), fc.integer({ min: 0, max: 40 })), {
          maxLength: 600,
        }),
        (operations) => {
          const dedup = new SignatureDedup(48);
          const model = new Set<number>();
          const bytes = new Uint8Array(64);
          for (const [kind, id] of operations) {
            bytes[0] = id;
            bytes[63] = id ^ 0x5a;
            if (kind === "insert") {
              expect(dedup.insert(bytes, 0, 100, 0)).toBe(!model.has(id));
              model.add(id);
            } else if (kind === "forget") {
              const held = dedup.has(bytes, 0, 0);
              expect(dedup.forget(bytes, 0)).toBe(held);
              model.delete(id);
              expect(dedup.has(bytes, 0, 0)).toBe(false);
            } else {
              expect(dedup.has(bytes, 0, 0)).toBe(model.has(id)); // 41 ids < 48 entries: no eviction
            }
            expect(dedup.stats().entries).toBeLessThanOrEqual(48);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  test("rejects an out-of-range bound", () => {
    expect(() => new SignatureDedup(1)).toThrow(RangeError);
  });
});
