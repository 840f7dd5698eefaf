// Verify → bank prefetch hints over real rings: a verify stage (real packet pool, real SPSC rings, the
// trading-cache template and signature caches) offers the data accounts of every transaction that
// passed — writable and readonly static keys, not invoked programs, builtins or sysvars — to a real
// shared-memory hint ring, where the bank side's reader finds them. A rejected transaction offers
// nothing; a full ring drops and counts hints without touching the transactions; the producer
// allocates nothing per transaction.
import { heapStats } from "bun:jsc";
import { describe, expect, test } from "bun:test";
import {
  Keypair,
  PublicKey,
  SYSVAR_CLOCK_PUBKEY,
  SystemProgram,
  Transaction,
  TransactionInstruction,
} from "@solana/web3.js";
import { createPrefetchHints, PrefetchHintReader } from "../../src/accounts/prefetch-hints.ts";
import { isSysvarKey, TransactionPrefetchHints } from "../../src/accounts/transaction-prefetch-hints.ts";
import { base58Decode, base58Encode } from "../../src/tx/base58.ts";
import { createVerifyHarness, HARNESS_BLOCKHASH } from "../helpers/verify-stage-harness.ts";

const MEMO_PROGRAM = new PublicKey("MemoSq4gqABAXKb96qnH8TuhcQmxcqsqUgEqDUgZscK");
const BLOCKHASH = base58Encode(HARNESS_BLOCKHASH);

/** A transfer plus a memo naming a readonly account and the clock sysvar: 6 static keys, 3 of them data. */
function tradeLike(payer: Keypair, recipient: PublicKey, readonlyAccount: PublicKey, lamports: number) {
  const transaction = new Transaction().add(
    SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: recipient, lamports }),
    new TransactionInstruction({
      programId: MEMO_PROGRAM,
      keys: [
        { pubkey: readonlyAccount, isSigner: false, isWritable: false },
        { pubkey: SYSVAR_CLOCK_PUBKEY, isSigner: false, isWritable: false },
      ],
      data: Buffer.from("hint"),
    }),
  );
  transaction.recentBlockhash = BLOCKHASH;
  transaction.feePayer = payer.publicKey;
  transaction.sign(payer);
  return new Uint8Array(transaction.serialize());
}

function drainAll(reader: PrefetchHintReader): string[] {
  const seen: string[] = [];
  reader.drain((bytes, offset) => seen.push(base58Encode(bytes, offset, 32)));
  return seen;
}

describe("verify offers prefetch hints", () => {
  test("a passing transaction's writable and readonly data accounts reach the hint ring; programs and sysvars do not", () => {
    const ring = createPrefetchHints(64);
    const harness = createVerifyHarness({ cacheBytesMax: 1 << 20, prefetchHints: ring });
    const reader = new PrefetchHintReader(ring);
    const payer = Keypair.generate();
    const recipient = Keypair.generate().publicKey;
    const readonlyAccount = Keypair.generate().publicKey;
    const outcomes = new Int32Array(1);
    expect(harness.run([tradeLike(payer, recipient, readonlyAccount, 1_000)], outcomes)).toBe(1);
    expect(outcomes[0]).toBe(0);
    expect(drainAll(reader).sort()).toEqual(
      [payer.publicKey.toBase58(), recipient.toBase58(), readonlyAccount.toBase58()].sort(),
    );
    expect(harness.hints?.offered).toBe(3);
    expect(harness.hints?.dropped).toBe(0);
  });

  test("rejected transactions (bad signature, duplicate) offer nothing", () => {
    const ring = createPrefetchHints(64);
    const harness = createVerifyHarness({ cacheBytesMax: 1 << 20, prefetchHints: ring });
    const reader = new PrefetchHintReader(ring);
    const payer = Keypair.generate();
    const good = tradeLike(payer, Keypair.generate().publicKey, Keypair.generate().publicKey, 7);
    const bad = tradeLike(payer, Keypair.generate().publicKey, Keypair.generate().publicKey, 8);
    bad[1] ^= 0x40; // inside the signature
    const outcomes = new Int32Array(3);
    expect(harness.run([bad, good, good], outcomes)).toBe(1);
    expect(outcomes[0]).not.toBe(0);
    expect(outcomes[1]).toBe(0);
    expect(outcomes[2]).not.toBe(0);
    expect(drainAll(reader)).toHaveLength(3);
    expect(harness.hints?.offered).toBe(3);
  });

  test("a full ring drops hints and counts them; every transaction still passes", () => {
    const ring = createPrefetchHints(8);
    const harness = createVerifyHarness({ cacheBytesMax: 1 << 20, prefetchHints: ring });
    const reader = new PrefetchHintReader(ring);
    const payer = Keypair.generate();
    const wires = Array.from({ length: 5 }, (_, index) =>
      tradeLike(payer, Keypair.generate().publicKey, Keypair.generate().publicKey, 100 + index),
    );
    expect(harness.run(wires)).toBe(5);
    // 5 × 3 data accounts offered to a ring of 8 that nobody drains.
    expect(harness.hints?.offered).toBe(8);
    expect(harness.hints?.dropped).toBe(7);
    expect(reader.dropped).toBe(7);
    expect(drainAll(reader)).toHaveLength(8);
    // Drained: the ring takes hints again (the system program named as a plain account is still a builtin).
    expect(harness.run([tradeLike(payer, Keypair.generate().publicKey, PublicKey.default, 1)])).toBe(1);
    expect(harness.hints?.offered).toBe(10);
  });

  test("isSysvarKey knows the sysvars and nothing else", () => {
    const clock = base58Decode(SYSVAR_CLOCK_PUBKEY.toBase58()) as Uint8Array;
    expect(isSysvarKey(clock, 0)).toBe(true);
    const instructions = base58Decode("Sysvar1nstructions1111111111111111111111111") as Uint8Array;
    expect(isSysvarKey(instructions, 0)).toBe(true);
    expect(isSysvarKey(Keypair.generate().publicKey.toBytes(), 0)).toBe(false);
    const nearClock = clock.slice();
    nearClock[31] ^= 1;
    expect(isSysvarKey(nearClock, 0)).toBe(false);
  });

  test("offering allocates no objects per transaction", () => {
    const ring = createPrefetchHints(1024);
    const hints = new TransactionPrefetchHints(ring);
    const reader = new PrefetchHintReader(ring);
    const payer = Keypair.generate();
    const wires = Array.from({ length: 8 }, (_, index) =>
      tradeLike(payer, Keypair.generate().publicKey, Keypair.generate().publicKey, index + 1),
    );
    let sink = 0;
    const visit = (bytes: Uint8Array, offset: number) => {
      sink += bytes[offset];
    };
    const loop = (iterations: number) => {
      let taken = 0;
      for (let iteration = 0; iteration < iterations; iteration++) {
        const wire = wires[iteration & 7];
        taken += hints.offerTransaction(wire, wire.length);
        if ((iteration & 63) === 63) reader.drain(visit);
      }
      reader.drain(visit);
      return taken;
    };
    expect(loop(20_000)).toBe(60_000);
    Bun.gc(true);
    const objectsBefore = heapStats().objectCount;
    expect(loop(100_000)).toBe(300_000);
    expect(heapStats().objectCount - objectsBefore).toBeLessThan(1_000);
    expect(sink).toBeGreaterThan(0);
  });
});
