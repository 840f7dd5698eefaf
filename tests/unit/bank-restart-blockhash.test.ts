// A restarted embedded bank must not accept a transaction signed before the restart: litesvm's own
// blockhash chain is identical at every start, so the bank salts it per start. Found by
// `outrider simulate --scenario restart` (every replayed pre-crash transaction executed again).
import { expect, test } from "bun:test";
import { EmbeddedBank } from "../../src/bank/embedded-bank.ts";
import { AccountLayout } from "../../src/simulate/account-layout.ts";
import { SimKeys } from "../../src/simulate/keys.ts";
import { compileLegacyMessage, signSingle, systemTransfer } from "../../src/simulate/wire-builder.ts";
import { base58Decode } from "../../src/tx/base58.ts";

test("two starts of the bank share no blockhash; a pre-restart transaction does not execute again", () => {
  const first = new EmbeddedBank({ slotMs: 0 });
  const second = new EmbeddedBank({ slotMs: 0 });
  expect(first.genesisHash).not.toBe(second.genesisHash);
  for (let slot = 0; slot < 5; slot++) {
    first.advanceSlot();
    second.advanceSlot();
  }
  const firstHashes = new Set(first.recentBlockhashes().map((entry) => entry.blockhash));
  for (const entry of second.recentBlockhashes()) expect(firstHashes.has(entry.blockhash)).toBe(false);

  const keys = new SimKeys(
    1,
    new AccountLayout({ bots: 2, markets: 2, coldTokenAccounts: 1, brokePayers: 1 }),
  );
  const payer = keys.keypair(0);
  for (const bank of [first, second]) bank.airdrop(keys.base58(0), 1_000_000_000n);
  const wire = signSingle(
    compileLegacyMessage(
      payer.publicKey,
      [systemTransfer(payer.publicKey, keys.address(1), 1_000_000n)],
      base58Decode(first.latestBlockhash().blockhash)!,
    ),
    payer.privateKey,
  );
  expect(first.executeBatchWithResults({ slot: first.slot, transactions: [wire] }).results[0].err).toBeNull();
  const replay = second.executeBatchWithResults({ slot: second.slot, transactions: [wire] }).results[0];
  expect(replay.included).toBe(false);
  expect(replay.err).toBe("BlockhashNotFound");
});
