// An in-process verify stage over real rings and a real packet pool, for tests and benches that need
// the stage's own verdicts without the other stages: offer wire transactions, step the stage, read each
// one's outcome (0 = passed on to schedule). Transfers are signed with node:crypto over web3.js
// messages against a blockhash the harness publishes as valid.
import { sign } from "node:crypto";
import { Keypair, PublicKey, SystemProgram, Transaction } from "@solana/web3.js";
import type { PrefetchHintsDescriptor } from "../../src/accounts/prefetch-hints.ts";
import { TransactionPrefetchHints } from "../../src/accounts/transaction-prefetch-hints.ts";
import { ChainState, createChainState } from "../../src/pipeline/chain-state.ts";
import { attachDoorbell, createDoorbell } from "../../src/ring/doorbell.ts";
import { attachPacketPool, createPacketPool, SOURCE_KIND_UDP } from "../../src/ring/packet-pool.ts";
import { attachRing, createRing } from "../../src/ring/spsc-ring.ts";
import { keypairFromSeed } from "../../src/simulate/keys.ts";
import { INGRESS_ENTRY_RETURNED, VERIFY_SCHEDULE_ENTRY } from "../../src/topology.ts";
import { base58Encode } from "../../src/tx/base58.ts";
import { SignatureDedup } from "../../src/verify/dedup.ts";
import { createVerifier } from "../../src/verify/ed25519.ts";
import type { Ed25519Verifier } from "../../src/verify/ed25519-verifier.ts";
import { createVerifyCaches, type VerifyCaches } from "../../src/verify/verify-caches.ts";
import { VERIFY_BATCH_PACKETS_MAX, VerifyStage } from "../../src/verify/verify-stage.ts";

/** The blockhash every harness publishes as valid through block height 1,000,000. */
export const HARNESS_BLOCKHASH = new Uint8Array(32).fill(7);
const HARNESS_BLOCKHASH_BASE58 = base58Encode(HARNESS_BLOCKHASH);

export interface VerifyHarnessOptions {
  /** Build the --enable-trading-cache caches with this byte bound (per worker). */
  cacheBytesMax?: number;
  dedupSignaturesMax?: number;
  /** A specific strict verifier (default: createVerifier(), native when available). */
  verifier?: Ed25519Verifier;
  poolPackets?: number;
  /** Offer each passing transaction's accounts to this prefetch hint ring (as a verify worker does). */
  prefetchHints?: PrefetchHintsDescriptor;
}

export interface VerifyHarness {
  readonly stage: VerifyStage;
  caches: VerifyCaches | undefined;
  /** The hint producer, when `prefetchHints` was given. */
  hints: TransactionPrefetchHints | undefined;
  /**
   * Runs the wires through the stage (in batches of up to 64, as the ring delivers them) and writes
   * each one's outcome code into `outcomes` (0 = passed). Returns how many passed.
   */
  run(wires: readonly Uint8Array[], outcomes?: Int32Array): number;
  /**
   * Hands a transaction back as ingress does after the bank did not include it (it must have passed
   * verify): dedup forgets it and, with the caches, its verdicts are remembered. Returns the outcome
   * verify answered (OUTCOME_SLOT_RETURNED).
   */
  giveBack(wire: Uint8Array): number;
  /** Forgets everything seen: a fresh dedup table, empty caches (for repeated bench iterations). */
  reset(): void;
}

export function createVerifyHarness(options: VerifyHarnessOptions = {}): VerifyHarness {
  const poolPackets = options.poolPackets ?? 4096;
  const pool = attachPacketPool(createPacketPool(poolPackets));
  const ringOptions = (name: string, wordsPerEntry: number) =>
    attachRing(createRing(poolPackets, wordsPerEntry, { name }));
  const input = ringOptions("ingress_verify#0", 4);
  const output = ringOptions("verify_schedule#0", VERIFY_SCHEDULE_ENTRY.length);
  const outcomes = ringOptions("verify_ingress#0", 6);
  const chainDescriptor = createChainState();
  const chain = new ChainState(chainDescriptor);
  chain.publish(
    { slot: 10, blockHeight: 10, confirmedSlot: 9, finalizedSlot: 0 },
    { hash: HARNESS_BLOCKHASH, slot: 10, lastValidBlockHeight: 1_000_000 },
  );
  const strict = options.verifier ?? createVerifier().verifier;
  const caches =
    options.cacheBytesMax === undefined
      ? undefined
      : createVerifyCaches(strict, options.cacheBytesMax, VERIFY_BATCH_PACKETS_MAX);
  const hints = options.prefetchHints ? new TransactionPrefetchHints(options.prefetchHints) : undefined;
  const doorbell = () => attachDoorbell(createDoorbell());
  const newStage = () =>
    new VerifyStage({
      pool,
      input,
      output,
      outcomes,
      chain,
      verifier: caches?.verifier ?? strict,
      dedup: new SignatureDedup(options.dedupSignaturesMax ?? 1 << 16),
      templates: caches?.templates,
      verdicts: caches?.verifier,
      prefetchHints: hints,
      scheduleDoorbell: doorbell(),
      ingressDoorbell: doorbell(),
      outputSpaceDoorbell: doorbell(),
      inputSpaceDoorbell: doorbell(),
    });
  let stage = newStage();
  const outcomeOfSlot = new Int32Array(poolPackets);
  const wireOfSlot = new Int32Array(poolPackets);

  const drain = (outcomesOut: Int32Array | undefined): number => {
    let passed = 0;
    const forwarded = output.available();
    for (let entry = 0; entry < forwarded; entry++) {
      const slot = output.readWord(entry, 0);
      if (outcomesOut) outcomesOut[wireOfSlot[slot]] = 0;
      outcomeOfSlot[slot] = 0;
      passed++;
    }
    output.release(forwarded);
    const rejected = outcomes.available();
    for (let entry = 0; entry < rejected; entry++) {
      const slot = outcomes.readWord(entry, 0);
      if (outcomesOut) outcomesOut[wireOfSlot[slot]] = outcomes.readWord(entry, 1);
    }
    outcomes.release(rejected);
    return passed;
  };

  return {
    get stage() {
      return stage;
    },
    caches,
    hints,
    giveBack(wire) {
      const slot = poolPackets - 1;
      pool.writePacket(slot, wire, SOURCE_KIND_UDP, 0, 0, pool.clock.nowNs());
      if (!input.tryPush(slot, wire.length, SOURCE_KIND_UDP, INGRESS_ENTRY_RETURNED)) {
        throw new Error("harness input full");
      }
      while (input.available() > 0) stage.step();
      if (output.available() !== 0 || outcomes.available() !== 1) throw new Error("harness: no answer");
      const answer = outcomes.readWord(0, 1);
      outcomes.release(1);
      return answer;
    },
    reset() {
      stage = newStage();
      caches?.signatures.clear();
      caches?.templates.clear();
    },
    run(wires, outcomesOut) {
      let passed = 0;
      let next = 0;
      while (next < wires.length) {
        const batch = Math.min(VERIFY_BATCH_PACKETS_MAX, wires.length - next);
        for (let index = 0; index < batch; index++) {
          const slot = (next + index) % poolPackets;
          const wire = wires[next + index];
          pool.writePacket(slot, wire, SOURCE_KIND_UDP, 0, 0, pool.clock.nowNs());
          wireOfSlot[slot] = next + index;
          if (!input.tryPush(slot, wire.length, SOURCE_KIND_UDP, 0)) throw new Error("harness input full");
        }
        while (input.available() > 0) stage.step();
        passed += drain(outcomesOut);
        next += batch;
      }
      return passed;
    },
  };
}

/** `count` distinct signed SOL transfers from `payerCount` payers, against HARNESS_BLOCKHASH. */
export function signedTransfers(count: number, payerCount = 16, salt = 0): Uint8Array[] {
  const payers = Array.from({ length: payerCount }, () => Keypair.generate());
  const keys = payers.map((payer) => keypairFromSeed(payer.secretKey.subarray(0, 32)).privateKey);
  const recipient = new PublicKey(new Uint8Array(32).fill(9));
  const wires: Uint8Array[] = [];
  for (let index = 0; index < count; index++) {
    const from = index % payerCount;
    const transaction = new Transaction().add(
      SystemProgram.transfer({
        fromPubkey: payers[from].publicKey,
        toPubkey: recipient,
        lamports: 1_000_000 + salt * count + index,
      }),
    );
    transaction.recentBlockhash = HARNESS_BLOCKHASH_BASE58;
    transaction.feePayer = payers[from].publicKey;
    transaction.addSignature(payers[from].publicKey, sign(null, transaction.serializeMessage(), keys[from]));
    wires.push(new Uint8Array(transaction.serialize()));
  }
  return wires;
}
