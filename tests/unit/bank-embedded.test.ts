// EmbeddedBank: fees to the lamport, reason codes per outcome, blockhash window, bounds.
import { describe, expect, test } from "bun:test";
import {
  type Address,
  address,
  appendTransactionMessageInstructions,
  type Blockhash,
  createTransactionMessage,
  generateKeyPairSigner,
  getTransactionEncoder,
  type Instruction,
  type KeyPairSigner,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
} from "@solana/kit";
import { getTransferSolInstruction } from "@solana-program/system";
import { EmbeddedBank } from "../../src/bank/embedded-bank.ts";
import { transactionFee } from "../../src/bank/fee-and-cost.ts";
import {
  MAX_TRANSACTIONS_PER_MESSAGE,
  NOT_INCLUDED_REASONS,
  PROCESSED_CODES,
} from "../../src/bank/scheduler-bindings.ts";
import { viewWireTransaction } from "../../src/bank/wire-view.ts";

const COMPUTE_BUDGET = address("ComputeBudget111111111111111111111111111111");
const MEMO = address("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr");
const price = (microLamports: bigint): Instruction => {
  const data = new Uint8Array(9);
  data[0] = 3;
  new DataView(data.buffer).setBigUint64(1, microLamports, true);
  return { programAddress: COMPUTE_BUDGET, data };
};
const limit = (units: number): Instruction => {
  const data = new Uint8Array(5);
  data[0] = 2;
  new DataView(data.buffer).setUint32(1, units, true);
  return { programAddress: COMPUTE_BUDGET, data };
};
const memo = (text: string): Instruction => ({ programAddress: MEMO, data: new TextEncoder().encode(text) });

async function wire(
  payer: KeyPairSigner,
  blockhash: string,
  instructions: Instruction[],
): Promise<Uint8Array> {
  const message = pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayerSigner(payer, m),
    (m) =>
      setTransactionMessageLifetimeUsingBlockhash(
        { blockhash: blockhash as Blockhash, lastValidBlockHeight: 0n },
        m,
      ),
    (m) => appendTransactionMessageInstructions(instructions, m),
  );
  return new Uint8Array(getTransactionEncoder().encode(await signTransactionMessageWithSigners(message)));
}

async function setup() {
  const bank = new EmbeddedBank({ slotMs: 0 });
  const payer = await generateKeyPairSigner();
  const recipient = await generateKeyPairSigner();
  expect(bank.airdrop(payer.address, 10_000_000_000n).included).toBe(true);
  bank.airdrop(recipient.address, 1_000_000_000n);
  return { bank, payer, recipient: recipient.address as Address };
}

describe("EmbeddedBank fees", () => {
  const cases: [string, (recipient: Address, payer: KeyPairSigner) => Instruction[], bigint][] = [
    [
      "plain transfer",
      (to, from) => [getTransferSolInstruction({ source: from, destination: to, amount: 7n })],
      5000n,
    ],
    [
      "priority fee, default limit 2×3000 CU",
      (to, from) => [
        price(1_000_000n),
        getTransferSolInstruction({ source: from, destination: to, amount: 7n }),
      ],
      5000n + 6000n,
    ],
    [
      "priority fee with memo (non-builtin 200k CU)",
      (to, from) => [
        price(1_000_000n),
        memo("x"),
        getTransferSolInstruction({ source: from, destination: to, amount: 7n }),
      ],
      5000n + 206_000n,
    ],
    [
      "explicit limit, fractional price rounds up",
      (to, from) => [
        limit(1000),
        price(1500n),
        getTransferSolInstruction({ source: from, destination: to, amount: 7n }),
      ],
      5000n + 2n,
    ],
  ];
  for (const [name, build, expectedFee] of cases) {
    test(`${name}: charged ${expectedFee} lamports`, async () => {
      const { bank, payer, recipient } = await setup();
      const bytes = await wire(payer, bank.latestBlockhash().blockhash, build(recipient, payer));
      expect(transactionFee(viewWireTransaction(bytes)).totalFeeLamports).toBe(expectedFee);
      const before = bank.getBalance(payer.address);
      const outcome = bank.executeBatchWithResults({ slot: bank.slot, transactions: [bytes] });
      expect(outcome.results[0]!.err).toBeNull();
      expect(outcome.results[0]!.feeLamports).toBe(expectedFee);
      expect(bank.getBalance(payer.address)).toBe(before - 7n - expectedFee);
      expect(outcome.responses[0]!.fee_payer_balance).toBe(before - 7n - expectedFee);
      expect(outcome.responses[0]!.cost_units).toBeGreaterThan(0n);
    });
  }
});

describe("EmbeddedBank outcomes → not_included_reason", () => {
  test("success, instruction error (included, fee charged), duplicates, expiry, unfunded, malformed", async () => {
    const { bank, payer, recipient } = await setup();
    const blockhash = bank.latestBlockhash().blockhash;
    const ok = await wire(payer, blockhash, [
      getTransferSolInstruction({ source: payer, destination: recipient, amount: 1n }),
    ]);
    const tooMuch = await wire(payer, blockhash, [
      getTransferSolInstruction({ source: payer, destination: recipient, amount: 10n ** 15n }),
    ]);
    const unfunded = await generateKeyPairSigner();
    const noPayer = await wire(unfunded, blockhash, [
      getTransferSolInstruction({ source: unfunded, destination: recipient, amount: 1n }),
    ]);
    const outcome = bank.executeBatchWithResults({
      slot: bank.slot,
      transactions: [ok, tooMuch, ok, noPayer, new Uint8Array([1, 2, 3])],
    });
    expect(outcome.processedCode).toBe(PROCESSED_CODES.PROCESSED);
    expect(outcome.responses.map((r) => r.not_included_reason)).toEqual([
      NOT_INCLUDED_REASONS.NONE,
      NOT_INCLUDED_REASONS.NONE,
      NOT_INCLUDED_REASONS.ALREADY_PROCESSED,
      NOT_INCLUDED_REASONS.ACCOUNT_NOT_FOUND,
      NOT_INCLUDED_REASONS.SANITIZE_FAILURE,
    ]);
    expect(outcome.results[1]!.err).toEqual({ InstructionError: [0, { Custom: 1 }] });
    expect(outcome.results[1]!.feeLamports).toBe(5000n);
    expect(outcome.results[2]!.err).toBe("AlreadyProcessed");
    expect(outcome.results[3]!.err).toBe("AccountNotFound");

    for (let slot = 0; slot < 150; slot++) bank.advanceSlot();
    const lastValid = await wire(payer, blockhash, [
      getTransferSolInstruction({ source: payer, destination: recipient, amount: 2n }),
    ]);
    expect(bank.executeBatch({ slot: bank.slot, transactions: [lastValid] })[0]!.not_included_reason).toBe(0);
    bank.advanceSlot();
    const expired = await wire(payer, blockhash, [
      getTransferSolInstruction({ source: payer, destination: recipient, amount: 3n }),
    ]);
    expect(bank.executeBatch({ slot: bank.slot, transactions: [expired] })[0]!.not_included_reason).toBe(
      NOT_INCLUDED_REASONS.BLOCKHASH_NOT_FOUND,
    );
    // The dedup set only holds signatures whose blockhash is still in the window; the window is bounded.
    expect(bank.blockhashWindowSize).toBeLessThanOrEqual(151);
    expect(bank.processedSignatureCount).toBeLessThanOrEqual(2);
  });

  test("stale max_working_slot and oversized batches", async () => {
    const { bank, payer, recipient } = await setup();
    const bytes = await wire(payer, bank.latestBlockhash().blockhash, [
      getTransferSolInstruction({ source: payer, destination: recipient, amount: 1n }),
    ]);
    const staleSlot = bank.slot;
    bank.advanceSlot();
    const stale = bank.executeBatchWithResults({ slot: staleSlot, transactions: [bytes] });
    expect(stale.processedCode).toBe(PROCESSED_CODES.MAX_WORKING_SLOT_EXCEEDED);
    expect(stale.responses[0]!.not_included_reason).toBe(NOT_INCLUDED_REASONS.BANK_NOT_AVAILABLE);
    const tooMany = new Array(MAX_TRANSACTIONS_PER_MESSAGE + 1).fill(bytes);
    expect(() => bank.executeBatch({ slot: bank.slot, transactions: tooMany })).toThrow(/more than 64/);
  });

  test("signaturesVerified skips only the runtime's signature check, for that batch only", async () => {
    const { bank, payer, recipient } = await setup();
    const transfer = async (amount: bigint) => {
      const bytes = await wire(payer, bank.latestBlockhash().blockhash, [
        getTransferSolInstruction({ source: payer, destination: recipient, amount }),
      ]);
      bytes[64] ^= 0x01; // the last byte of the signature: no longer valid for the message
      return bytes;
    };
    const unverified = bank.executeBatchWithResults({ slot: bank.slot, transactions: [await transfer(1n)] });
    expect(unverified.results[0]!.included).toBe(false);
    expect(unverified.results[0]!.err).toBe("SignatureFailure");
    // The pipeline's verify stage vouches for the batch: the runtime trusts it.
    const trusted = bank.executeBatchWithResults({
      slot: bank.slot,
      transactions: [await transfer(2n)],
      signaturesVerified: true,
    });
    expect(trusted.results[0]!.included).toBe(true);
    expect(trusted.results[0]!.err).toBeNull();
    // The next batch without the promise is checked again.
    const after = bank.executeBatchWithResults({ slot: bank.slot, transactions: [await transfer(3n)] });
    expect(after.results[0]!.err).toBe("SignatureFailure");
  });

  test("commitment levels follow slots: processed, confirmed at slot end, finalized 32 later", () => {
    const bank = new EmbeddedBank({ slotMs: 0 });
    const start = bank.slot;
    expect(bank.slotAt("confirmed")).toBe(start - 1);
    for (let slot = 0; slot < 40; slot++) bank.advanceSlot();
    expect(bank.slotAt("processed")).toBe(start + 40);
    expect(bank.slotAt("confirmed")).toBe(start + 39);
    expect(bank.slotAt("finalized")).toBe(start + 39 - 32);
    const latest = bank.latestBlockhash("processed");
    expect(latest.lastValidBlockHeight).toBe(bank.slot + 150);
  });
});

describe("EmbeddedBank robustness", () => {
  test("mutated transactions never crash the bank; each gets a response", async () => {
    const { bank, payer, recipient } = await setup();
    const valid = await wire(payer, bank.latestBlockhash().blockhash, [
      memo("fuzz"),
      getTransferSolInstruction({ source: payer, destination: recipient, amount: 1n }),
    ]);
    let seed = 99;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let round = 0; round < 300; round++) {
      const mutated = valid.slice(0, valid.length - (round % 7 === 0 ? random() % 20 : 0));
      for (let flips = 0; flips < 1 + (round % 4); flips++)
        mutated[random() % mutated.length] = random() & 0xff;
      const responses = bank.executeBatch({ slot: bank.slot, transactions: [mutated] });
      expect(responses).toHaveLength(1);
    }
  });
});
