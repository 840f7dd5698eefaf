// The trading cache in embedded mode over a real EmbeddedBank (litesvm) behind LocalBackend: reads hit
// after the first, every bank write (transfers, airdrops) is seen at once, so a read never shows a
// balance from before a write; writable accounts a real v0 transaction (web3.js, a lookup table created
// and extended by the address-lookup-table program in litesvm) loads through its table are resolved by
// the bank from the table's bytes and reach subscribers and the cache as written too.
import { describe, expect, test } from "bun:test";
import {
  AddressLookupTableAccount,
  AddressLookupTableProgram,
  Keypair,
  LAMPORTS_PER_SOL,
  SystemProgram,
  Transaction,
  type TransactionInstruction,
  TransactionMessage,
  VersionedTransaction,
} from "@solana/web3.js";
import { EmbeddedAccounts } from "../../src/accounts/embedded-accounts.ts";
import { KIND_OTHER } from "../../src/accounts/market-layouts.ts";
import { EmbeddedBank } from "../../src/bank/embedded-bank.ts";
import { StatusStore } from "../../src/bank/status-store.ts";
import { LocalBackend } from "../../src/server/local-backend.ts";

function setup() {
  const bank = new EmbeddedBank({ slotMs: 60_000, sigverify: false });
  const cache = new EmbeddedAccounts(bank, { capacityBytes: 1 << 24, entriesMax: 1024 });
  const backend = new LocalBackend(bank, new StatusStore(), cache);
  backend.subscribe((event) => {
    if (event.type === "accountsWritten") cache.written(event.slot, event.addresses);
  });
  return { bank, cache, backend };
}

describe("EmbeddedAccounts", () => {
  test("reads hit after the first; a transfer's new balances are served at once, never the old ones", async () => {
    const { bank, cache, backend } = setup();
    const payer = Keypair.generate();
    const recipient = Keypair.generate();
    await backend.requestAirdrop(payer.publicKey.toBase58(), 2n * BigInt(LAMPORTS_PER_SOL));
    const address = payer.publicKey.toBase58();
    expect((await backend.getAccounts([address], "processed")).accounts[0]?.lamports).toBe(
      2n * BigInt(LAMPORTS_PER_SOL),
    );
    for (let read = 0; read < 5; read++) {
      expect((await backend.getAccounts([address], "confirmed")).accounts[0]?.lamports).toBe(
        2n * BigInt(LAMPORTS_PER_SOL),
      );
    }
    expect(cache.cached.counters.hits[KIND_OTHER]).toBe(5);
    const transaction = new Transaction().add(
      SystemProgram.transfer({
        fromPubkey: payer.publicKey,
        toPubkey: recipient.publicKey,
        lamports: 1_000_000,
      }),
    );
    transaction.recentBlockhash = bank.latestBlockhash("processed").blockhash;
    transaction.feePayer = payer.publicKey;
    transaction.sign(payer);
    const wire = new Uint8Array(transaction.serialize());
    const outcome = bank.executeBatchWithResults({ slot: bank.slot, transactions: [wire] });
    backend.recordResult(outcome.results[0]);
    const after = await backend.getAccounts([address, recipient.publicKey.toBase58()], "processed");
    expect(after.accounts[0]?.lamports).toBe(2n * BigInt(LAMPORTS_PER_SOL) - 1_000_000n - 5000n);
    expect(after.accounts[1]?.lamports).toBe(1_000_000n);
    expect(cache.cached.counters.stale[KIND_OTHER]).toBe(1);
    // And it is cached again: the next read is a hit with the new value.
    expect((await backend.getAccounts([address], "processed")).accounts[0]?.lamports).toBe(
      2n * BigInt(LAMPORTS_PER_SOL) - 1_000_000n - 5000n,
    );
    expect(cache.cached.counters.hits[KIND_OTHER]).toBe(6);
  });

  test("a v0 transaction's writes through a lookup table reach subscribers and the cache", async () => {
    const { bank, cache, backend } = setup();
    const payer = Keypair.generate();
    await backend.requestAirdrop(payer.publicKey.toBase58(), 10n * BigInt(LAMPORTS_PER_SOL));
    const send = (instructions: TransactionInstruction[]) => {
      const transaction = new Transaction().add(...instructions);
      transaction.recentBlockhash = bank.latestBlockhash("processed").blockhash;
      transaction.feePayer = payer.publicKey;
      transaction.sign(payer);
      const outcome = bank.executeBatchWithResults({
        slot: bank.slot,
        transactions: [new Uint8Array(transaction.serialize())],
      });
      backend.recordResult(outcome.results[0]);
      return outcome.results[0];
    };
    // A real table: created (recent slot 0, the one litesvm's SlotHashes holds) and extended.
    const written = Keypair.generate().publicKey;
    const readOnly = Keypair.generate().publicKey;
    const [create, table] = AddressLookupTableProgram.createLookupTable({
      authority: payer.publicKey,
      payer: payer.publicKey,
      recentSlot: 0,
    });
    const extend = AddressLookupTableProgram.extendLookupTable({
      lookupTable: table,
      authority: payer.publicKey,
      payer: payer.publicKey,
      addresses: [readOnly, written],
    });
    expect(send([create, extend]).err).toBeNull();
    bank.advanceSlot(); // entries added in a slot are usable from the next one
    const tableData = bank.getAccount(table.toBase58())?.data;
    expect(tableData).toBeDefined();
    const lookup = new AddressLookupTableAccount({
      key: table,
      state: AddressLookupTableAccount.deserialize(tableData as Uint8Array),
    });
    // The recipient is cached (as absent) before the transfer.
    const recipient = written.toBase58();
    expect((await backend.getAccounts([recipient], "processed")).accounts[0]).toBeNull();
    expect((await backend.getAccounts([recipient], "processed")).accounts[0]).toBeNull();
    const hitsBefore = cache.cached.counters.hits[KIND_OTHER];
    expect(hitsBefore).toBeGreaterThanOrEqual(1);
    const events: string[][] = [];
    backend.subscribe((event) => {
      if (event.type === "accountsWritten") events.push(event.addresses);
    });
    const message = new TransactionMessage({
      payerKey: payer.publicKey,
      recentBlockhash: bank.latestBlockhash("processed").blockhash,
      instructions: [
        SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: written, lamports: 5_000_000 }),
      ],
    }).compileToV0Message([lookup]);
    expect(message.addressTableLookups[0]?.writableIndexes).toEqual([1]);
    const transaction = new VersionedTransaction(message);
    transaction.sign([payer]);
    const outcome = bank.executeBatchWithResults({
      slot: bank.slot,
      transactions: [transaction.serialize()],
    });
    const result = outcome.results[0];
    expect(result.err).toBeNull();
    expect(result.writableAddresses).toEqual([payer.publicKey.toBase58()]);
    expect(result.lookupWritableAddresses).toEqual([recipient]);
    backend.recordResult(result);
    // Subscribers hear of the account written through the table; the cache serves its new value.
    expect(events).toEqual([[payer.publicKey.toBase58(), recipient]]);
    expect((await backend.getAccounts([recipient], "processed")).accounts[0]?.lamports).toBe(5_000_000n);
    expect((await backend.getAccounts([readOnly.toBase58()], "processed")).accounts[0]).toBeNull();
  });
});
