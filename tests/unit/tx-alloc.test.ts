// The hot path allocates nothing: 100,000 parse + sanitize + compute budget + message hash calls over
// real transactions leave the JS heap's object count unchanged.
import { heapStats } from "bun:jsc";
import { expect, test } from "bun:test";
import fc from "fast-check";
import { ParsedTransaction, parsedMessageHashInto, parseTransaction } from "../../src/tx/index.ts";
import { buildWeb3Legacy, buildWeb3V0, txSpecArbitrary } from "../helpers/tx-build.ts";

test("parseTransaction and the message hash allocate no objects per packet", () => {
  const transactions = [
    ...fc
      .sample(txSpecArbitrary({ lookups: false }), { numRuns: 8, seed: 5 })
      .map((spec) => buildWeb3Legacy(spec).bytes),
    ...fc
      .sample(txSpecArbitrary({ lookups: true }), { numRuns: 8, seed: 6 })
      .map((spec) => buildWeb3V0(spec).bytes),
  ];
  const parsed = new ParsedTransaction();
  const hash = new Uint8Array(32);
  const loop = (iterations: number): number => {
    let codes = 0;
    for (let iteration = 0; iteration < iterations; iteration++) {
      const bytes = transactions[iteration & 15];
      codes += parseTransaction(bytes, 0, bytes.length, parsed);
      parsedMessageHashInto(parsed, hash);
    }
    return codes;
  };
  expect(loop(20_000)).toBe(0); // warm up (JIT tiers)
  Bun.gc(true);
  const objectsBefore = heapStats().objectCount;
  expect(loop(100_000)).toBe(0);
  const objectsAfter = heapStats().objectCount;
  // Per-packet allocation would add ≥ 100,000 objects; allow a little runtime noise.
  expect(objectsAfter - objectsBefore).toBeLessThan(1_000);
});
