// The verify stage with --enable-trading-cache against the baseline stage: the same verdict for every
// packet of random mixes (valid, resubmitted, bad signature, mutated message, other signature's bytes),
// no signature passed twice, every first-seen valid one passed; and both caches sized from one byte
// bound that they never exceed.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { OUTCOME_SLOT_RETURNED } from "../../src/pipeline/outcomes.ts";
import { SIG_CACHE_CONFIG_INVALID } from "../../src/verify/sig-cache.ts";
import { createVerifyCaches, verifyCacheSizes } from "../../src/verify/verify-caches.ts";
import { VERIFY_BATCH_PACKETS_MAX } from "../../src/verify/verify-stage.ts";
import { expectCode } from "../helpers/expect-code.ts";
import { createVerifyHarness, signedTransfers } from "../helpers/verify-stage-harness.ts";

const POOL = signedTransfers(24, 6);
const noVerifier = { verifyBatch: () => 0 };

type Operation =
  | { kind: "send"; index: number }
  | { kind: "badSignature"; index: number; byte: number }
  | { kind: "mutateMessage"; index: number; byte: number }
  | { kind: "foreignSignature"; index: number; other: number };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("send" as const), index: fc.nat(POOL.length - 1) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("badSignature" as const),
      index: fc.nat(POOL.length - 1),
      byte: fc.nat(63),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("mutateMessage" as const),
      index: fc.nat(POOL.length - 1),
      byte: fc.nat(200),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("foreignSignature" as const),
      index: fc.nat(POOL.length - 1),
      other: fc.nat(POOL.length - 1),
    }),
  },
);

function wireOf(step: Operation): Uint8Array {
  const wire = Uint8Array.from(POOL[step.index]);
  if (step.kind === "badSignature") wire[1 + step.byte] ^= 0x20;
  else if (step.kind === "mutateMessage") wire[65 + (step.byte % (wire.length - 65))] ^= 0x01;
  else if (step.kind === "foreignSignature" && step.other !== step.index) {
    wire.set(POOL[step.other].subarray(1, 65), 1);
  }
  return wire;
}

describe("verify stage with the trading caches", () => {
  test("gives every packet the baseline's verdict; never passes a signature twice; passes every first-seen valid one", () => {
    fc.assert(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 300 }), (operations) => {
        const wires = operations.map(wireOf);
        const baseline = createVerifyHarness({ poolPackets: 512 });
        const cached = createVerifyHarness({ poolPackets: 512, cacheBytesMax: 1 << 20 });
        const baselineOutcomes = new Int32Array(wires.length);
        const cachedOutcomes = new Int32Array(wires.length);
        baseline.run(wires, baselineOutcomes);
        cached.run(wires, cachedOutcomes);
        expect(Array.from(cachedOutcomes)).toEqual(Array.from(baselineOutcomes));
        const passedSignatures = new Set<string>();
        for (let index = 0; index < wires.length; index++) {
          const signature = Buffer.from(wires[index].subarray(1, 65)).toString("hex");
          const original = POOL[operations[index].index];
          const unmodified = Buffer.from(wires[index]).equals(Buffer.from(original));
          // A valid transaction whose signature has not passed yet must pass (dedup never drops a
          // first-seen signature); nothing passes twice.
          if (unmodified && !passedSignatures.has(signature)) expect(cachedOutcomes[index]).toBe(0);
          if (cachedOutcomes[index] === 0) {
            expect(passedSignatures.has(signature)).toBe(false);
            passedSignatures.add(signature);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  test("with transactions handed back at random (not included), still the baseline's verdicts; a signature passes again only after it was handed back", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof({ weight: 3, arbitrary: operation }, { weight: 1, arbitrary: fc.nat(POOL.length - 1) }),
          {
            minLength: 1,
            maxLength: 120,
          },
        ),
        (steps) => {
          const baseline = createVerifyHarness({ poolPackets: 256 });
          const cached = createVerifyHarness({ poolPackets: 256, cacheBytesMax: 1 << 20 });
          const baselineOutcome = new Int32Array(1);
          const cachedOutcome = new Int32Array(1);
          /** Pool indices whose transaction passed and was not handed back since. */
          const mayRun = new Set<number>();
          for (const step of steps) {
            if (typeof step === "number") {
              if (!mayRun.has(step)) continue; // only what passed can come back from the bank
              expect(baseline.giveBack(POOL[step])).toBe(OUTCOME_SLOT_RETURNED);
              expect(cached.giveBack(POOL[step])).toBe(OUTCOME_SLOT_RETURNED);
              mayRun.delete(step);
              continue;
            }
            const wire = wireOf(step);
            baseline.run([wire], baselineOutcome);
            cached.run([wire], cachedOutcome);
            expect(cachedOutcome[0]).toBe(baselineOutcome[0]);
            const unmodified = Buffer.from(wire).equals(Buffer.from(POOL[step.index]));
            if (unmodified) expect(cachedOutcome[0] === 0).toBe(!mayRun.has(step.index));
            else expect(cachedOutcome[0]).not.toBe(0);
            if (cachedOutcome[0] === 0) mayRun.add(step.index);
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  test("a transaction handed back (not included) is forgotten by dedup and its retry answered from the cache; nothing else ever is", () => {
    const harness = createVerifyHarness({ cacheBytesMax: 1 << 20 });
    const [original] = signedTransfers(1, 1, 7);
    const counters = harness.caches!.verifier.counters;
    const mutated = Uint8Array.from(original);
    mutated[mutated.length - 1] ^= 1;
    expect(harness.run([original])).toBe(1);
    expect(harness.caches!.signatures.entries).toBe(0); // verdicts are entered on request only
    expect(harness.run([original])).toBe(0); // a duplicate while it may still run
    expect(harness.giveBack(original)).toBe(OUTCOME_SLOT_RETURNED);
    expect(harness.caches!.signatures.entries).toBe(1);
    const verifiedBefore = counters.signaturesVerified;
    expect(harness.run([original])).toBe(1); // the retry runs, without verifying again
    expect(counters.signaturesHit).toBe(1);
    expect(counters.signaturesVerified).toBe(verifiedBefore);
    expect(harness.run([original])).toBe(0); // and once it ran, it is a duplicate again
    expect(harness.run([mutated])).toBe(0); // dedup stops other bytes under a signature that may run
    expect(harness.giveBack(original)).toBe(OUTCOME_SLOT_RETURNED);
    expect(harness.run([mutated])).toBe(0); // out of dedup: verified afresh (no hit) and rejected
    expect(counters.signaturesHit).toBe(1);
    expect(counters.signaturesVerified).toBe(verifiedBefore + 1);
  });

  test("templates: one shape of transfer is one template; hits after the first", () => {
    const harness = createVerifyHarness({ cacheBytesMax: 1 << 20 });
    expect(harness.run(signedTransfers(100, 4, 3))).toBe(100);
    const templates = harness.caches!.templates;
    expect(templates.entries).toBe(1);
    expect(templates.misses).toBe(1);
    expect(templates.hits).toBe(99);
  });
});

describe("verify caches sized from one byte bound", () => {
  test("hold no more than verify.cache_bytes_max, whatever it is", () => {
    fc.assert(
      fc.property(fc.integer({ min: 256 * 1024, max: 24 << 20 }), (bytesMax) => {
        const caches = createVerifyCaches(noVerifier, bytesMax, VERIFY_BATCH_PACKETS_MAX);
        expect(caches.bytesHeld).toBeLessThanOrEqual(bytesMax);
        // And they use the bound: at least three quarters of it.
        expect(caches.bytesHeld).toBeGreaterThan(0.75 * bytesMax);
        const sizes = verifyCacheSizes(bytesMax, VERIFY_BATCH_PACKETS_MAX);
        expect(caches.signatures.entriesMax).toBe(sizes.signatureEntries);
        expect(caches.templates.entriesMax).toBe(sizes.templateEntries);
      }),
      { numRuns: 25 },
    );
  });

  test("a bound too small for the minimum caches is a clear error", () => {
    expectCode(() => verifyCacheSizes(32_768, VERIFY_BATCH_PACKETS_MAX), SIG_CACHE_CONFIG_INVALID);
  });
});
