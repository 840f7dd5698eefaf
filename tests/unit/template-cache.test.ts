// The template cache never changes a verdict: over real transactions (web3.js legacy and v0 with
// lookups), resubmissions, value changes that keep the shape (duplicate keys, bad heap frames, zero
// loaded-data limits, other CU prices) and random byte flips, check() returns the same code, error
// offset and compute-budget / fee fields as sanitizeTransaction + readComputeBudget. It also: stays
// within its bound, gives equal shapes equal ids, predicts the lock pattern, reaches > 70% hits on a
// trading-like mix, and allocates nothing on its hit path.
import { heapStats } from "bun:jsc";
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { isOutriderError } from "../../src/errors.ts";
import { readComputeBudget } from "../../src/tx/compute-budget.ts";
import { parseTransactionWire } from "../../src/tx/parse-wire.ts";
import { ParsedTransaction } from "../../src/tx/parsed-transaction.ts";
import { sanitizeTransaction } from "../../src/tx/sanitize.ts";
import { TEMPLATE_CACHE_CONFIG_INVALID, TemplateCache } from "../../src/verify/template-cache.ts";
import {
  LockHint,
  ROLE_INSTRUCTION_ACCOUNT,
  ROLE_PROGRAM,
  ROLE_SIGNER,
  ROLE_WRITABLE,
} from "../../src/verify/template-lock-hint.ts";
import { tradingMix } from "../../src/verify/template-trading-mix.ts";
import {
  buildWeb3Legacy,
  buildWeb3V0,
  rawKey,
  rawTransaction,
  txSpecArbitrary,
} from "../helpers/tx-build.ts";

const pool: Uint8Array[] = [
  ...fc
    .sample(txSpecArbitrary({ lookups: false }), { numRuns: 16, seed: 21 })
    .map((spec) => buildWeb3Legacy(spec).bytes),
  ...fc
    .sample(txSpecArbitrary({ lookups: true }), { numRuns: 16, seed: 22 })
    .map((spec) => buildWeb3V0(spec).bytes),
];

const BUDGET_FIELDS = [
  "computeUnitLimitRequested",
  "computeUnitPriceRequested",
  "computeUnitPriceLo",
  "computeUnitPriceHi",
  "heapFrameBytesRequested",
  "loadedAccountsDataSizeLimitRequested",
  "computeUnitLimit",
  "heapFrameBytes",
  "loadedAccountsDataSizeLimit",
  "precompileSignatureCount",
  "feeSignatureCount",
  "baseFeeLamports",
  "priorityFeeLamports",
  "totalFeeLamports",
] as const;

const fullParsed = new ParsedTransaction();
const cachedParsed = new ParsedTransaction();

/** Checks one transaction both ways; returns the code. */
function compare(cache: TemplateCache, bytes: Uint8Array): number {
  const wire = parseTransactionWire(bytes, 0, bytes.length, fullParsed);
  expect(parseTransactionWire(bytes, 0, bytes.length, cachedParsed)).toBe(wire);
  if (wire !== 0) return wire;
  let expected = sanitizeTransaction(fullParsed);
  if (expected === 0) expected = readComputeBudget(fullParsed);
  const actual = cache.check(cachedParsed);
  expect(actual).toBe(expected);
  if (expected !== 0) {
    expect(cachedParsed.errorOffset).toBe(fullParsed.errorOffset);
    return expected;
  }
  for (const field of BUDGET_FIELDS) expect([field, cachedParsed[field]]).toEqual([field, fullParsed[field]]);
  return 0;
}

/** Mutations that keep the shape (so they reach the hit path) or change any byte. */
type Mutation =
  | { kind: "none" }
  | { kind: "duplicateKey"; from: number; to: number }
  | { kind: "budgetValue"; instruction: number; value: number }
  | { kind: "flip"; position: number; xor: number };

function mutate(bytes: Uint8Array, mutation: Mutation): Uint8Array {
  if (mutation.kind === "none") return bytes;
  const copy = bytes.slice();
  const parsed = new ParsedTransaction();
  if (parseTransactionWire(copy, 0, copy.length, parsed) !== 0) return copy;
  if (mutation.kind === "flip") {
    copy[mutation.position % copy.length] ^= mutation.xor;
  } else if (mutation.kind === "duplicateKey") {
    const keys = parsed.staticKeyCount;
    const from = parsed.staticKeyOffset(mutation.from % keys);
    copy.copyWithin(parsed.staticKeyOffset(mutation.to % keys), from, from + 32);
  } else {
    const instruction = mutation.instruction % parsed.instructionCount;
    if (parsed.ixDataLength[instruction] >= 5) {
      new DataView(copy.buffer).setUint32(parsed.ixDataOffset[instruction] + 1, mutation.value, true);
    }
  }
  return copy;
}

const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: "none" } as Mutation) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("duplicateKey" as const), from: fc.nat(40), to: fc.nat(40) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("budgetValue" as const),
      instruction: fc.nat(8),
      value: fc.oneof(fc.constantFrom(0, 1, 32 * 1024, 33 * 1024 + 1, 256 * 1024, 300 * 1024), fc.nat()),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("flip" as const),
      position: fc.nat(1300),
      xor: fc.integer({ min: 1, max: 255 }),
    }),
  },
);

describe("TemplateCache", () => {
  test("rejects a bad bound with a stable code", () => {
    for (const entriesMax of [0, 3, 2.5, 2 ** 21]) {
      let caught: unknown;
      try {
        new TemplateCache({ entriesMax });
      } catch (error) {
        caught = error;
      }
      expect(isOutriderError(caught, TEMPLATE_CACHE_CONFIG_INVALID)).toBe(true);
    }
  });

  test("never changes a verdict or a compute-budget field: resubmissions, value changes, byte flips", () => {
    const cache = new TemplateCache({ entriesMax: 16 }); // small: evictions happen
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(pool.length - 1), mutationArbitrary), { minLength: 1, maxLength: 12 }),
        (picks) => {
          for (const [index, mutation] of picks) compare(cache, mutate(pool[index], mutation));
          expect(cache.entries).toBeLessThanOrEqual(cache.entriesMax);
        },
      ),
      { numRuns: 300, seed: 23 },
    );
    const stats = cache.stats();
    expect(stats.hits).toBeGreaterThan(100);
    expect(stats.evictions).toBeGreaterThan(0);
    expect(stats.inserts - stats.evictions).toBe(stats.entries);
  });

  test("shape-only failures are never cached; value failures on a cached shape are still caught", () => {
    const cache = new TemplateCache({ entriesMax: 64 });
    const keys = [rawKey(0), rawKey(1), rawKey(2)];
    const good = rawTransaction({
      header: [1, 0, 1],
      keys,
      instructions: [{ programIdIndex: 2, accounts: [0, 1], data: [1, 2, 3] }],
    });
    const badShape = rawTransaction({
      header: [1, 0, 1],
      keys,
      instructions: [{ programIdIndex: 2, accounts: [0, 9], data: [1, 2, 3] }],
    });
    expect(compare(cache, badShape)).not.toBe(0);
    expect(compare(cache, badShape)).not.toBe(0);
    expect(cache.entries).toBe(0);
    expect(cache.notCached).toBe(2);
    expect(compare(cache, good)).toBe(0);
    expect(compare(cache, good)).toBe(0);
    expect(cache.hits).toBe(1);
    const duplicate = rawTransaction({
      header: [1, 0, 1],
      keys: [keys[0], keys[0], keys[2]],
      instructions: [{ programIdIndex: 2, accounts: [0, 1], data: [1, 2, 3] }],
    });
    expect(compare(cache, duplicate)).not.toBe(0);
    expect(cache.hits).toBe(2); // same shape: the hit path found the duplicate key
  });

  test("shapes beyond the descriptor bounds take the full path with the same verdict", () => {
    const cache = new TemplateCache({ entriesMax: 64 });
    const keys = [rawKey(0), rawKey(1), rawKey(2)];
    const many = rawTransaction({
      header: [1, 0, 1],
      keys,
      instructions: Array.from({ length: 20 }, () => ({ programIdIndex: 2, accounts: [1], data: [7] })),
    });
    expect(compare(cache, many)).toBe(0);
    expect(compare(cache, many)).toBe(0);
    expect(cache.notCached).toBe(2);
    expect(cache.entries).toBe(0);
  });

  test("equal shapes share a template id; the lock hint matches the header and instructions", () => {
    const mix = tradingMix({ transactionCount: 200, seed: 3, noiseShare: 0 });
    const cache = new TemplateCache();
    const hint = new LockHint();
    const idsByShape = new Map<string, bigint>();
    const parsed = new ParsedTransaction();
    for (const bytes of mix) {
      expect(parseTransactionWire(bytes, 0, bytes.length, parsed)).toBe(0);
      expect(cache.check(parsed)).toBe(0);
      expect(cache.fillLockHint(parsed, hint)).toBe(true);
      expect(hint.keyCount).toBe(parsed.staticKeyCount);
      const programs = new Set<number>();
      const accounts = new Set<number>();
      for (let instruction = 0; instruction < parsed.instructionCount; instruction++) {
        programs.add(parsed.ixProgramIdIndex[instruction]);
        for (let account = 0; account < parsed.ixAccountsCount[instruction]; account++)
          accounts.add(bytes[parsed.ixAccountsOffset[instruction] + account]);
      }
      for (let key = 0; key < parsed.staticKeyCount; key++) {
        expect(hint.keyOffsets[key]).toBe(parsed.staticKeyOffset(key));
        const expectedRole =
          (parsed.isWritable(key) ? ROLE_WRITABLE : 0) |
          (parsed.isSigner(key) ? ROLE_SIGNER : 0) |
          (programs.has(key) ? ROLE_PROGRAM : 0) |
          (accounts.has(key) ? ROLE_INSTRUCTION_ACCOUNT : 0);
        expect(hint.roles[key]).toBe(expectedRole);
      }
      expect(hint.costUnits).toBeGreaterThan(parsed.computeUnitLimit);
      // Shape key computed independently of the cache: header, instruction layout, program ids.
      const shape = JSON.stringify([
        Array.from(bytes.subarray(parsed.headerOffset, parsed.headerOffset + 3)),
        parsed.staticKeyCount,
        Array.from({ length: parsed.instructionCount }, (_, instruction) => [
          parsed.ixProgramIdIndex[instruction],
          Array.from(
            bytes.subarray(
              parsed.ixAccountsOffset[instruction],
              parsed.ixAccountsOffset[instruction] + parsed.ixAccountsCount[instruction],
            ),
          ),
          parsed.ixDataLength[instruction],
          bytes[parsed.ixDataOffset[instruction]],
          Buffer.from(
            bytes.subarray(
              parsed.staticKeyOffset(parsed.ixProgramIdIndex[instruction]),
              parsed.staticKeyOffset(parsed.ixProgramIdIndex[instruction]) + 32,
            ),
          ).toString("hex"),
        ]),
      ]);
      const id = cache.lastTemplateId();
      expect(id).not.toBeNull();
      const known = idsByShape.get(shape);
      if (known === undefined) idsByShape.set(shape, id as bigint);
      else expect(id).toBe(known);
    }
    const distinctIds = new Set(idsByShape.values());
    expect(distinctIds.size).toBe(idsByShape.size);
    expect(cache.entries).toBe(idsByShape.size);
  });

  test("hit rate on a trading-like mix (bots, SOL/SPL transfers, memos, compute budget, 10% noise) exceeds 70%", () => {
    const mix = tradingMix({ transactionCount: 3000, seed: 11 });
    const cache = new TemplateCache();
    const parsed = new ParsedTransaction();
    for (const bytes of mix) {
      expect(parseTransactionWire(bytes, 0, bytes.length, parsed)).toBe(0);
      expect(cache.check(parsed)).toBe(0);
    }
    const hitRate = cache.hits / (cache.hits + cache.misses);
    expect(hitRate).toBeGreaterThan(0.7);
  });

  test("the hit path allocates no objects", () => {
    const mix = tradingMix({ transactionCount: 64, seed: 5, noiseShare: 0 });
    const cache = new TemplateCache();
    const parsed = new ParsedTransaction();
    const hint = new LockHint();
    const run = (iterations: number): number => {
      let codes = 0;
      for (let iteration = 0; iteration < iterations; iteration++) {
        const bytes = mix[iteration & 63];
        codes += parseTransactionWire(bytes, 0, bytes.length, parsed);
        codes += cache.check(parsed);
        cache.fillLockHint(parsed, hint);
      }
      return codes;
    };
    expect(run(20_000)).toBe(0);
    Bun.gc(true);
    const before = heapStats().objectCount;
    expect(run(100_000)).toBe(0);
    expect(heapStats().objectCount - before).toBeLessThan(1000);
    expect(cache.hits).toBeGreaterThan(119_000);
  });
});
