// The planner's account table (src/schedule/prio-graph-accounts.ts) against a Map model: keys read at
// any byte offset (packets put keys at unaligned offsets), keys that differ in one byte only, adds,
// finds and frees in any order, a full table refusing new keys.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { AccountTable } from "../../src/schedule/prio-graph-accounts.ts";

const KEYS = 12;
const ACCOUNTS_MAX = 8;

/** KEYS keys that share all bytes but one (position and value vary), so hashes and prefixes collide. */
function keyBuffer(shift: number): Uint8Array {
  const bytes = new Uint8Array(shift + KEYS * 32);
  for (let key = 0; key < KEYS; key++) {
    bytes.fill(0xab, shift + key * 32, shift + key * 32 + 32);
    bytes[shift + key * 32 + ((key * 5) % 32)] = key;
  }
  return bytes;
}

describe("AccountTable", () => {
  test("agrees with a Map over any sequence of adds, finds and frees, at any byte offset (property)", () => {
    const operation = fc.record({ kind: fc.constantFrom("add", "find", "free"), key: fc.nat(KEYS - 1) });
    fc.assert(
      fc.property(fc.nat(3), fc.array(operation, { maxLength: 200 }), (shift, operations) => {
        const bytes = keyBuffer(shift);
        const table = new AccountTable(ACCOUNTS_MAX);
        const model = new Map<number, number>();
        for (const { kind, key } of operations) {
          const offset = shift + key * 32;
          if (kind === "add") {
            const index = table.findOrAdd(bytes, offset);
            if (model.has(key)) expect(index).toBe(model.get(key)!);
            else if (model.size === ACCOUNTS_MAX) expect(index).toBe(-1);
            else {
              expect(index).toBeGreaterThanOrEqual(0);
              expect([...model.values()]).not.toContain(index);
              model.set(key, index);
            }
          } else if (kind === "find") {
            expect(table.find(bytes, offset)).toBe(model.get(key) ?? -1);
          } else if (model.has(key)) {
            table.free(model.get(key)!);
            model.delete(key);
          }
          expect(table.size).toBe(model.size);
        }
      }),
      { numRuns: 300 },
    );
  });
});
