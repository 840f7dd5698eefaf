// The trading cache in embedded mode over a real EmbeddedBank (litesvm) behind LocalBackend: reads hit
// after the first, every bank write (transfers, airdrops) is seen at once, so a read never shows a
// balance from before a write; writable accounts loaded through lookup tables are resolved from the
// table's bytes (LookupTableMeta, then 32-byte addresses) and marked written too.
import { describe, expect, test } from "bun:test";
import { Keypair, LAMPORTS_PER_SOL, SystemProgram, Transaction } from "@solana/web3.js";
import { EmbeddedAccounts, LOOKUP_TABLE_META_BYTES } from "../../src/accounts/embedded-accounts.ts";
import { KIND_OTHER } from "../../src/accounts/market-layouts.ts";
import { EmbeddedBank } from "../../src/bank/embedded-bank.ts";
import { StatusStore } from "../../src/bank/status-store.ts";
import { LocalBackend } from "../../src/server/local-backend.ts";
import type { AccountView } from "../../src/server/rpc-backend.ts";
import { base58Encode } from "../../src/tx/base58.ts";
import { rawKey, rawTransaction } from "../helpers/tx-build.ts";

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
    cache.writtenThroughLookups(outcome.results[0].slot, wire);
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

  test("writable accounts loaded through a lookup table are marked written", async () => {
    const table = rawKey(1);
    const inTable = [rawKey(10), rawKey(11), rawKey(12)];
    const tableData = new Uint8Array(LOOKUP_TABLE_META_BYTES + 32 * inTable.length);
    for (const [index, key] of inTable.entries()) tableData.set(key, LOOKUP_TABLE_META_BYTES + 32 * index);
    const accounts = new Map<string, AccountView>();
    const account = (lamports: bigint, data = new Uint8Array(0)): AccountView => ({
      lamports,
      data,
      owner: "AddressLookupTab1e1111111111111111111111111",
      executable: false,
      rentEpoch: 0n,
    });
    accounts.set(base58Encode(table), account(1n, tableData));
    for (const key of inTable) accounts.set(base58Encode(key), account(100n));
    const bank = { slot: 7, slotAt: () => 7, getAccount: (address: string) => accounts.get(address) ?? null };
    const cache = new EmbeddedAccounts(bank, { capacityBytes: 1 << 20, entriesMax: 16 });
    const addresses = inTable.map((key) => base58Encode(key));
    await cache.read(addresses, "processed");
    expect((await cache.read(addresses, "processed")).fromCache).toBe(true);
    for (const key of inTable) accounts.set(base58Encode(key), account(200n));
    // A v0 transaction writing table entries 0 and 2, reading 1.
    const wire = rawTransaction({
      version: 0,
      header: [1, 0, 1],
      keys: [rawKey(0), rawKey(2)],
      instructions: [{ programIdIndex: 1, accounts: [0, 2, 3, 4], data: [] }],
      lookups: [{ key: table, writable: [0, 2], readonly: [1] }],
    });
    cache.writtenThroughLookups(7, wire);
    const answer = await cache.read(addresses, "processed");
    expect(answer.accounts.map((view) => view?.lamports)).toEqual([200n, 100n, 200n]);
  });
});
