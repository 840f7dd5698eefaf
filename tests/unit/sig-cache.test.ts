// The signature-verification cache never changes a verdict: over random mixes of real signed
// transactions (web3.js, one to four signers), exact resubmissions and one-byte mutations of the
// signature, the key or the message of cached transactions, CachedBatchVerifier answers exactly as the
// strict verifier alone; invalid verdicts are never entered; the cache stays within its bound; CLOCK
// keeps referenced entries; lookups, inserts and all-hit batches allocate nothing.
import { heapStats } from "bun:jsc";
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { isOutriderError } from "../../src/errors.ts";
import { parseTransactionFrame } from "../../src/tx/parse.ts";
import { ParsedTransaction } from "../../src/tx/parsed-transaction.ts";
import { createVerifier, ED25519_BATCH_OUT_OF_BOUNDS } from "../../src/verify/ed25519.ts";
import {
  SIG_CACHE_CONFIG_INVALID,
  SIG_CACHE_OUT_OF_BOUNDS,
  SignatureCache,
} from "../../src/verify/sig-cache.ts";
import { CachedBatchVerifier, type InnerBatchVerifier } from "../../src/verify/sig-cache-verifier.ts";
import { buildWeb3Legacy, txSpecArbitrary } from "../helpers/tx-build.ts";

const { verifier: strict } = createVerifier();

/** A pool of real signed transactions, built once. */
const pool: Uint8Array[] = fc
  .sample(txSpecArbitrary({ lookups: false }), { numRuns: 10, seed: 42 })
  .map((spec) => buildWeb3Legacy(spec).bytes);

interface Batch {
  bytes: Uint8Array;
  signatureOffsets: Uint32Array;
  publicKeyOffsets: Uint32Array;
  messageOffsets: Uint32Array;
  messageLengths: Uint32Array;
  count: number;
}

/**
 * Lays transactions out back to back (1232-byte slots, as a packet pool) and describes all signatures.
 * Offsets come from `layouts` (the unmutated originals), so a mutation that breaks parsing still yields
 * a batch, as the verifier would see it.
 */
function layOut(transactions: Uint8Array[], layouts: Uint8Array[] = transactions): Batch {
  const bytes = new Uint8Array(transactions.length * 1232);
  const parsed = new ParsedTransaction();
  const capacity = transactions.length * 19;
  const batch: Batch = {
    bytes,
    signatureOffsets: new Uint32Array(capacity),
    publicKeyOffsets: new Uint32Array(capacity),
    messageOffsets: new Uint32Array(capacity),
    messageLengths: new Uint32Array(capacity),
    count: 0,
  };
  transactions.forEach((transaction, index) => {
    const base = index * 1232;
    const layout = layouts[index];
    const code = parseTransactionFrame(layout, layout.length, parsed);
    bytes.set(transaction, base);
    if (code !== 0) throw new Error(`layOut: parse failed ${code}`);
    for (let signature = 0; signature < parsed.signatureCount; signature++) {
      batch.signatureOffsets[batch.count] = base + parsed.signatureOffset(signature);
      batch.publicKeyOffsets[batch.count] = base + parsed.staticKeyOffset(signature);
      batch.messageOffsets[batch.count] = base + parsed.messageOffset;
      batch.messageLengths[batch.count] = parsed.messageLength;
      batch.count++;
    }
  });
  return batch;
}

function verifyWith(verifier: InnerBatchVerifier, batch: Batch): Uint8Array {
  const results = new Uint8Array(batch.count).fill(7);
  verifier.verifyBatch(
    batch.bytes,
    batch.signatureOffsets,
    batch.publicKeyOffsets,
    batch.messageOffsets,
    batch.messageLengths,
    batch.count,
    results,
  );
  return results;
}

/** Region of a transaction to flip one byte in: signatures, signer keys, or anywhere in the message. */
type Mutation = { kind: "none" } | { kind: "signature" | "key" | "message"; position: number; xor: number };

function mutate(transaction: Uint8Array, mutation: Mutation): Uint8Array {
  if (mutation.kind === "none") return transaction;
  const parsed = new ParsedTransaction();
  const copy = transaction.slice();
  parseTransactionFrame(copy, copy.length, parsed);
  let offset: number;
  if (mutation.kind === "signature")
    offset = parsed.signaturesOffset + (mutation.position % (64 * parsed.signatureCount));
  else if (mutation.kind === "key")
    offset = parsed.staticKeysOffset + (mutation.position % (32 * parsed.numRequiredSignatures));
  else offset = parsed.messageOffset + (mutation.position % parsed.messageLength);
  copy[offset] ^= mutation.xor;
  return copy;
}

const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: "none" } as Mutation) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom("signature" as const, "key" as const, "message" as const),
      position: fc.nat(2000),
      xor: fc.integer({ min: 1, max: 255 }),
    }),
  },
);

describe("SignatureCache", () => {
  test("rejects a bad bound and out-of-range offsets with stable codes", () => {
    for (const entriesMax of [0, 7, 1.5, 2 ** 25]) {
      let caught: unknown;
      try {
        new SignatureCache({ entriesMax });
      } catch (error) {
        caught = error;
      }
      expect(isOutriderError(caught, SIG_CACHE_CONFIG_INVALID)).toBe(true);
    }
    const cache = new SignatureCache({ entriesMax: 64, seed: 1 });
    const bytes = new Uint8Array(128);
    const hash = new Uint8Array(32);
    for (const [signatureOffset, keyOffset, hashOffset] of [
      [100, 0, 0],
      [0, 120, 0],
      [0, 64, 1],
      [-1, 64, 0],
    ]) {
      expect(() => cache.lookup(bytes, signatureOffset, keyOffset, hash, hashOffset)).toThrow(
        expect.objectContaining({ code: SIG_CACHE_OUT_OF_BOUNDS }),
      );
      expect(() => cache.insert(bytes, signatureOffset, keyOffset, hash, hashOffset)).toThrow(
        expect.objectContaining({ code: SIG_CACHE_OUT_OF_BOUNDS }),
      );
    }
    expect(cache.mayContainSignature(bytes, 100)).toBe(false);
  });

  test("agrees with an exact set model: never a hit for a triple not inserted; bound kept", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.nat(15), fc.nat(3), fc.nat(3)), { maxLength: 300 }),
        fc.integer({ min: 8, max: 40 }),
        (operations, entriesMax) => {
          const cache = new SignatureCache({ entriesMax, seed: 9 });
          const inserted = new Set<string>();
          const bytes = new Uint8Array(96);
          const hash = new Uint8Array(32);
          for (const [isInsert, signatureId, keyId, hashId] of operations) {
            bytes.fill(0);
            hash.fill(0);
            bytes[0] = signatureId; // set index and tag both vary with the signature
            bytes[40] = signatureId;
            bytes[63] = signatureId;
            bytes[64 + 31] = keyId;
            hash[17] = hashId;
            const name = `${signatureId}/${keyId}/${hashId}`;
            if (isInsert) {
              cache.insert(bytes, 0, 64, hash, 0);
              inserted.add(name);
              expect(cache.lookup(bytes, 0, 64, hash, 0)).toBe(true);
            } else if (cache.lookup(bytes, 0, 64, hash, 0)) {
              expect(inserted.has(name)).toBe(true);
            }
            expect(cache.entries).toBeLessThanOrEqual(cache.entriesMax);
          }
          const stats = cache.stats();
          expect(stats.entries).toBe(Math.min(stats.inserts, stats.entries));
          expect(stats.inserts - stats.evictions).toBe(stats.entries);
        },
      ),
      { numRuns: 200, seed: 3 },
    );
  });

  test("CLOCK keeps a referenced entry and evicts one never hit", () => {
    const cache = new SignatureCache({ entriesMax: 8, seed: 5 }); // one set of 8 ways
    const bytes = new Uint8Array(96);
    const hash = new Uint8Array(32);
    const put = (id: number) => {
      bytes[0] = id;
      bytes[32] = id;
      cache.insert(bytes, 0, 64, hash, 0);
    };
    const has = (id: number) => {
      bytes[0] = id;
      bytes[32] = id;
      return cache.lookup(bytes, 0, 64, hash, 0);
    };
    for (let id = 1; id <= 8; id++) put(id);
    expect(has(1)).toBe(true);
    put(9);
    expect(cache.evictions).toBe(1);
    expect(has(1)).toBe(true);
    expect(has(9)).toBe(true);
    expect(has(2)).toBe(false); // the first unreferenced entry past the hand
    expect(cache.entries).toBe(8);
  });
});

describe("CachedBatchVerifier", () => {
  test.each([
    ["default (native when loaded)", strict],
    ["node:crypto fallback", createVerifier({ prefer: "fallback" }).verifier],
  ])(
    "never changes a verdict (%s): random batches, resubmissions, mutations of cached transactions",
    (_name, inner) => {
      const cache = new SignatureCache({ entriesMax: 16, seed: 11 }); // small: evictions happen
      const cached = new CachedBatchVerifier(inner, cache, 64 * 19);
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat(pool.length - 1), mutationArbitrary), { minLength: 1, maxLength: 6 }),
          (picks) => {
            const batch = layOut(
              picks.map(([index, mutation]) => mutate(pool[index], mutation)),
              picks.map(([index]) => pool[index]),
            );
            const expected = verifyWith(inner, batch);
            const actual = verifyWith(cached, batch);
            expect(Array.from(actual)).toEqual(Array.from(expected));
            expect(cache.entries).toBeLessThanOrEqual(cache.entriesMax);
            // An immediate identical resubmission answers the same (now partly from the cache).
            expect(Array.from(verifyWith(cached, batch))).toEqual(Array.from(expected));
          },
        ),
        { numRuns: 150, seed: 17 },
      );
      expect(cached.counters.signaturesHit).toBeGreaterThan(0);
      expect(cache.stats().hits).toBeGreaterThan(0);
    },
  );

  test("a cached transaction with any single byte of signature, key or message flipped is rejected", () => {
    const cache = new SignatureCache({ entriesMax: 1024, seed: 2 });
    const cached = new CachedBatchVerifier(strict, cache);
    const original = pool.find((transaction) => transaction[0] >= 2) ?? pool[0];
    expect(Array.from(verifyWith(cached, layOut([original]))).every((verdict) => verdict === 1)).toBe(true);
    const parsed = new ParsedTransaction();
    parseTransactionFrame(original, original.length, parsed);
    const signedEnd = parsed.messageOffset + parsed.messageLength;
    let checked = 0;
    for (let position = 1; position < signedEnd; position += 3) {
      const copy = original.slice();
      copy[position] ^= 0x40;
      const batch = layOut([copy], [original]);
      const expected = verifyWith(strict, batch);
      expect(Array.from(verifyWith(cached, batch))).toEqual(Array.from(expected));
      expect(Array.from(expected).some((verdict) => verdict === 0)).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
  });

  test("only valid verdicts are entered; misses go to the inner verifier in one call", () => {
    let innerCalls = 0;
    let innerSignatures = 0;
    const counting: InnerBatchVerifier = {
      verifyBatch(bytes, signatureOffsets, publicKeyOffsets, messageOffsets, messageLengths, count, results) {
        innerCalls++;
        innerSignatures += count;
        return strict.verifyBatch(
          bytes,
          signatureOffsets,
          publicKeyOffsets,
          messageOffsets,
          messageLengths,
          count,
          results,
        );
      },
    };
    const cache = new SignatureCache({ entriesMax: 256, seed: 4 });
    const cached = new CachedBatchVerifier(counting, cache);
    // Every signature of every transaction corrupted.
    const invalid = pool.map((transaction) => {
      let copy = transaction;
      for (let signature = 0; signature < transaction[0]; signature++)
        copy = mutate(copy, { kind: "signature", position: signature * 64 + 5, xor: 1 });
      return copy;
    });
    const invalidBatch = layOut(invalid);
    expect(Array.from(verifyWith(cached, invalidBatch)).some((verdict) => verdict === 1)).toBe(false);
    expect(cache.entries).toBe(0);
    expect(cache.inserts).toBe(0);
    expect(innerCalls).toBe(1);

    const validBatch = layOut(pool);
    const first = verifyWith(cached, validBatch);
    expect(innerCalls).toBe(2);
    expect(cache.entries).toBe(Array.from(first).filter((verdict) => verdict === 1).length);
    const signaturesBefore = innerSignatures;
    const again = verifyWith(cached, validBatch);
    expect(Array.from(again)).toEqual(Array.from(first));
    expect(innerCalls).toBe(2); // all hits: no inner call
    expect(innerSignatures).toBe(signaturesBefore);
    // Multi-signature transactions share one message hash per transaction.
    expect(cached.counters.messagesHashed).toBeLessThanOrEqual(2 * pool.length);
  });

  test("a malformed batch throws the strict verifiers' codes before any verdict", () => {
    const cached = new CachedBatchVerifier(strict, new SignatureCache({ entriesMax: 64, seed: 1 }), 4);
    const batch = layOut([pool[0]]);
    batch.signatureOffsets[0] = batch.bytes.length - 10;
    expect(() => verifyWith(cached, batch)).toThrow(
      expect.objectContaining({ code: ED25519_BATCH_OUT_OF_BOUNDS }),
    );
    const big = layOut(pool);
    expect(() => verifyWith(cached, big)).toThrow(
      expect.objectContaining({ code: SIG_CACHE_CONFIG_INVALID }),
    );
  });

  test("all-hit batches, lookups and inserts allocate no objects", () => {
    const cache = new SignatureCache({ entriesMax: 4096, seed: 8 });
    const cached = new CachedBatchVerifier(strict, cache);
    const batch = layOut(pool);
    const results = new Uint8Array(batch.count);
    const run = (iterations: number) => {
      for (let iteration = 0; iteration < iterations; iteration++) {
        cached.verifyBatch(
          batch.bytes,
          batch.signatureOffsets,
          batch.publicKeyOffsets,
          batch.messageOffsets,
          batch.messageLengths,
          batch.count,
          results,
        );
      }
    };
    run(1); // fills the cache
    const hash = new Uint8Array(32);
    const scratch = new Uint8Array(96);
    const churnCache = new SignatureCache({ entriesMax: 1024, seed: 8 });
    const churn = (iterations: number) => {
      for (let iteration = 0; iteration < iterations; iteration++) {
        scratch[0] = iteration & 0xff;
        scratch[1] = iteration >> 8;
        scratch[32] = iteration & 0xff;
        churnCache.insert(scratch, 0, 64, hash, 0);
        churnCache.lookup(scratch, 0, 64, hash, 0);
      }
    };
    run(2000);
    churn(20_000);
    Bun.gc(true);
    const before = heapStats().objectCount;
    run(5000);
    churn(50_000);
    const after = heapStats().objectCount;
    expect(after - before).toBeLessThan(1000);
    expect(cached.counters.innerCalls).toBe(1);
  });
});
