// The simulator's workload generator: deterministic per seed, the distributions it promises (mix,
// fees, bad shares, bursts, conflicts), and every planned transaction executes for real on the
// embedded SVM after the setup transactions (bad ones fail the way they should).
import { describe, expect, test } from "bun:test";
import { VersionedTransaction } from "@solana/web3.js";
import fc from "fast-check";
import { EmbeddedBank } from "../../src/bank/embedded-bank.ts";
import { SimKeys } from "../../src/simulate/keys.ts";
import { TransactionFactory } from "../../src/simulate/transaction-factory.ts";
import { planLocks, planTransaction, priorityFeeCharged } from "../../src/simulate/transaction-plan.ts";
import {
  BAD_EXPIRED_BLOCKHASH,
  BAD_NO_FUNDS,
  BAD_NONE,
  BAD_SIGNATURE,
  computeUnitFloor,
  DEFAULT_SIM_WORKLOAD,
  expectedTransactions,
  generateSimWorkload,
  inBurst,
  KIND_NAMES,
  type SimWorkload,
} from "../../src/simulate/workload.ts";
import { workloadStats } from "../../src/simulate/workload-stats.ts";
import { base58Decode } from "../../src/tx/base58.ts";
import { expectCode } from "../helpers/expect-code.ts";

const ARRAYS = [
  "sendAtMs",
  "kind",
  "bot",
  "market",
  "market2",
  "targetKind",
  "target",
  "computeUnitLimit",
  "priorityFeeLamports",
  "bad",
  "path",
  "resubmits",
  "botPath",
] as const;

function sameWorkload(a: SimWorkload, b: SimWorkload): boolean {
  return (
    a.count === b.count && ARRAYS.every((name) => Buffer.compare(bytesOf(a[name]), bytesOf(b[name])) === 0)
  );
}
function bytesOf(array: { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

describe("workload generator", () => {
  test("is deterministic per seed, and seeds differ", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: 50, max: 2000 }),
        (seed, rate) => {
          const config = { seed, rateTps: rate, durationS: 1.5 };
          const first = generateSimWorkload(config);
          const second = generateSimWorkload(config);
          expect(sameWorkload(first, second)).toBe(true);
          expect(workloadStats(first)).toEqual(workloadStats(second));
          const other = generateSimWorkload({ ...config, seed: (seed + 1) >>> 0 });
          expect(sameWorkload(first, other)).toBe(false);
        },
      ),
      { numRuns: 12 },
    );
  });

  test("structural invariants hold for any configuration", () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.nat(),
          rateTps: fc.integer({ min: 20, max: 3000 }),
          durationS: fc.double({ min: 0.2, max: 2, noNaN: true }),
          bots: fc.integer({ min: 2, max: 64 }),
          markets: fc.integer({ min: 2, max: 32 }),
          rpcShare: fc.double({ min: 0, max: 1, noNaN: true }),
          resubmitsMax: fc.integer({ min: 1, max: 5 }),
          coldTokenAccounts: fc.integer({ min: 1, max: 16 }),
        }),
        (config) => {
          const workload = generateSimWorkload(config);
          const layout = workload.layout;
          for (let tx = 0; tx < workload.count; tx++) {
            expect(workload.sendAtMs[tx]).toBeGreaterThanOrEqual(tx === 0 ? 0 : workload.sendAtMs[tx - 1]);
            expect(workload.sendAtMs[tx]).toBeLessThan(config.durationS * 1000);
            expect(workload.bot[tx]).toBeLessThan(config.bots);
            expect(workload.market[tx]).toBeLessThan(config.markets);
            expect(workload.path[tx]).toBe(workload.botPath[workload.bot[tx]]);
            expect(workload.resubmits[tx]).toBeLessThanOrEqual(config.resubmitsMax);
            expect(workload.computeUnitLimit[tx]).toBeGreaterThanOrEqual(
              computeUnitFloor(workload.kind[tx], workload.targetKind[tx]),
            );
            if (workload.market2[tx] >= 0) expect(workload.market2[tx]).not.toBe(workload.market[tx]);
            const plan = planTransaction(workload, tx);
            const locks = planLocks(plan);
            expect(locks.accounts[0]).toBe(plan.payer);
            expect(new Set(locks.accounts).size).toBe(locks.accounts.length);
            for (const account of locks.accounts)
              expect(account < layout.accountsCount || account === layout.fresh(tx)).toBe(true);
            expect(priorityFeeCharged(plan)).toBeLessThanOrEqual(
              BigInt(Math.ceil(workload.priorityFeeLamports[tx])),
            );
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  test("distributions: mix, fees, bad shares and counts match the configuration", () => {
    const config = { seed: 11, rateTps: 2000, durationS: 8 };
    const workload = generateSimWorkload(config);
    const stats = workloadStats(workload);
    const expected = expectedTransactions({ ...DEFAULT_SIM_WORKLOAD, ...config });
    expect(Math.abs(workload.count - expected)).toBeLessThan(6 * Math.sqrt(expected));
    KIND_NAMES.forEach((name, kind) => {
      expect(Math.abs(stats.kindShares[name] - DEFAULT_SIM_WORKLOAD.kindShares[kind])).toBeLessThan(0.03);
    });
    const fees = stats.priorityFeeLamports;
    expect(fees.median / DEFAULT_SIM_WORKLOAD.priorityFeeMedianLamports).toBeGreaterThan(0.85);
    expect(fees.median / DEFAULT_SIM_WORKLOAD.priorityFeeMedianLamports).toBeLessThan(1.15);
    expect(fees.meanToMedian).toBeGreaterThan(10);
    expect(fees.p99).toBeGreaterThan(fees.p90);
    expect(Math.abs(stats.badShares.bad_signature - DEFAULT_SIM_WORKLOAD.badSignatureShare)).toBeLessThan(
      0.006,
    );
    expect(Math.abs(stats.badShares.no_funds - DEFAULT_SIM_WORKLOAD.noFundsShare)).toBeLessThan(0.006);
    expect(Math.abs(stats.resubmission.transactionShare - DEFAULT_SIM_WORKLOAD.resubmitShare)).toBeLessThan(
      0.03,
    );
    expect(Math.abs(stats.pathShares.rpc - DEFAULT_SIM_WORKLOAD.rpcShare)).toBeLessThan(0.15);
  });

  test("the default market puts more than a quarter of each block's compute on its critical path", () => {
    for (const seed of [1, 2, 3]) {
      const stats = workloadStats(generateSimWorkload({ seed, durationS: 4 }));
      expect(stats.conflict.blocks).toBeGreaterThanOrEqual(9);
      expect(stats.conflict.criticalPathShareMedian).toBeGreaterThan(0.25);
      expect(stats.conflict.hottestAccountWriteShare).toBeGreaterThan(0.05);
    }
    // With uniform popularity over many markets the critical path is short: the statistic measures skew.
    const flat = workloadStats(
      generateSimWorkload({ seed: 1, durationS: 4, zipfExponent: 0, markets: 1024 }),
    );
    expect(flat.conflict.criticalPathShareMedian).toBeLessThan(0.1);
  });

  test("bursts multiply the offered rate inside their windows", () => {
    const bursts = { periodS: 2, lengthS: 0.5, factor: 3, offsetS: 0.5 };
    const workload = generateSimWorkload({ seed: 5, rateTps: 1000, durationS: 10, bursts });
    let inside = 0;
    let outside = 0;
    for (let tx = 0; tx < workload.count; tx++) {
      if (inBurst(workload.config, workload.sendAtMs[tx])) inside++;
      else outside++;
    }
    // Rate inside ÷ rate outside, over the exact time spent inside burst windows.
    let insideMs = 0;
    for (let time = 0; time < 10_000; time++) if (inBurst(workload.config, time)) insideMs++;
    const ratio = inside / insideMs / (outside / (10_000 - insideMs));
    expect(ratio).toBeGreaterThan(2.5);
    expect(ratio).toBeLessThan(3.5);
  });

  test("out-of-range parameters are refused with a stable code", () => {
    expectCode(() => generateSimWorkload({ rateTps: 0 }), 9001);
    expectCode(() => generateSimWorkload({ badSignatureShare: 0.6, noFundsShare: 0.6 }), 9001);
    expectCode(() => generateSimWorkload({ kindShares: [0, 0, 0, 0, 0] }), 9001);
    expectCode(
      () => generateSimWorkload({ bursts: { periodS: 1, lengthS: 2, factor: 3, offsetS: 0 } }),
      9001,
    );
  });
});

describe("planned transactions on the embedded SVM", () => {
  test("setup builds the market; good transactions execute, bad ones fail as they should", () => {
    const bank = new EmbeddedBank({ slotMs: 0, airdropLamportsMax: 10n ** 15n });
    const workload = generateSimWorkload({
      seed: 9,
      rateTps: 150,
      durationS: 1,
      bots: 8,
      markets: 4,
      coldTokenAccounts: 4,
      badSignatureShare: 0.05,
      expiredBlockhashShare: 0.05,
      noFundsShare: 0.05,
    });
    const keys = new SimKeys(9, workload.layout);
    const factory = new TransactionFactory(keys, workload.layout);
    const rent = {
      mint: bank.minimumBalanceForRentExemption(82),
      tokenAccount: bank.minimumBalanceForRentExemption(165),
    };
    expect(bank.airdrop(keys.base58(workload.layout.funder), factory.setupLamports(rent)).included).toBe(
      true,
    );
    const blockhash = base58Decode(bank.latestBlockhash().blockhash)!;
    for (const phase of factory.setupTransactions(blockhash, rent))
      for (const wire of phase) {
        const result = bank.executeBatchWithResults({ slot: bank.slot, transactions: [wire] }).results[0];
        expect({ included: result.included, err: result.err }).toEqual({ included: true, err: null });
      }
    const stale = new Uint8Array(32).fill(7);
    const seen = new Set<string>();
    for (let tx = 0; tx < workload.count; tx++) {
      const plan = planTransaction(workload, tx);
      const bad = workload.bad[tx];
      const wire = factory.build(plan, bad === BAD_EXPIRED_BLOCKHASH ? stale : blockhash, bad);
      // A real client decodes what the simulator sends.
      const decoded = VersionedTransaction.deserialize(wire);
      expect(decoded.message.staticAccountKeys[0].toBytes()).toEqual(keys.address(plan.payer));
      expect(decoded.message.compiledInstructions.length).toBe(2 + plan.instructions.length);
      const signature = Buffer.from(wire.subarray(1, 65)).toString("hex");
      expect(seen.has(signature)).toBe(false);
      seen.add(signature);
      const balanceBefore = bank.getBalance(keys.base58(plan.payer));
      const result = bank.executeBatchWithResults({ slot: bank.slot, transactions: [wire] }).results[0];
      if (bad === BAD_NONE) {
        expect({ tx, err: result.err, included: result.included }).toEqual({ tx, err: null, included: true });
        expect(result.computeUnitsConsumed).toBeLessThanOrEqual(plan.computeUnitLimit);
        const fee = 5000n + priorityFeeCharged(plan);
        const moved = plan.instructions.reduce(
          (sum, each) => sum + (each.op === "transfer" && each.from === plan.payer ? each.lamports : 0n),
          0n,
        );
        expect(bank.getBalance(keys.base58(plan.payer))).toBe(balanceBefore - fee - moved);
      } else if (bad === BAD_SIGNATURE) expect(result.err).toBe("SignatureFailure");
      else if (bad === BAD_NO_FUNDS) expect(result.err).toBe("AccountNotFound");
      else expect(result.err).toBe("BlockhashNotFound");
    }
  });
});
