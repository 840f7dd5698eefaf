// @solana/web3.js 1.x against a LocalNode over real HTTP and WebSocket on loopback.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { getBase58Decoder } from "@solana/kit";
import {
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  SystemProgram,
  sendAndConfirmTransaction,
  Transaction,
} from "@solana/web3.js";
import type { LocalNode } from "../../src/server/local-node.ts";
import { startTestNode } from "../helpers/local-node.ts";

let node: LocalNode;
let connection: Connection;

beforeAll(async () => {
  node = await startTestNode({ slotMs: 50 });
  connection = new Connection(node.httpUrl, { commitment: "confirmed", wsEndpoint: node.wsUrl });
});
afterAll(async () => {
  await node.stop();
});

describe("web3.js", () => {
  test("airdrop, confirm, SOL transfer, balances to the lamport", async () => {
    const payer = Keypair.generate();
    const recipient = Keypair.generate();
    const airdropSignature = await connection.requestAirdrop(payer.publicKey, 2 * LAMPORTS_PER_SOL);
    const latest = await connection.getLatestBlockhash();
    const confirmation = await connection.confirmTransaction({ signature: airdropSignature, ...latest });
    expect(confirmation.value.err).toBeNull();
    expect(await connection.getBalance(payer.publicKey)).toBe(2 * LAMPORTS_PER_SOL);

    const amount = 123_456_789;
    const transfer = new Transaction().add(
      SystemProgram.transfer({
        fromPubkey: payer.publicKey,
        toPubkey: recipient.publicKey,
        lamports: amount,
      }),
    );
    const signature = await sendAndConfirmTransaction(connection, transfer, [payer]);
    expect(typeof signature).toBe("string");
    expect(await connection.getBalance(recipient.publicKey)).toBe(amount);
    expect(await connection.getBalance(payer.publicKey)).toBe(2 * LAMPORTS_PER_SOL - amount - 5000);

    const statuses = await connection.getSignatureStatuses([signature]);
    expect(statuses.value[0]?.err).toBeNull();
    expect(statuses.value[0]?.confirmationStatus ?? "none").toMatch(/^(confirmed|finalized)$/);
  });

  test("onSignature notifies when the transfer is confirmed", async () => {
    const payer = Keypair.generate();
    const airdrop = await connection.requestAirdrop(payer.publicKey, LAMPORTS_PER_SOL);
    await connection.confirmTransaction({ signature: airdrop, ...(await connection.getLatestBlockhash()) });
    const transfer = new Transaction().add(
      SystemProgram.transfer({
        fromPubkey: payer.publicKey,
        toPubkey: Keypair.generate().publicKey,
        lamports: 1_000_000,
      }),
    );
    transfer.recentBlockhash = (await connection.getLatestBlockhash()).blockhash;
    transfer.feePayer = payer.publicKey;
    transfer.sign(payer);
    const notified = new Promise<{ err: unknown; slot: number }>((resolve) => {
      const signature = transfer.signatures[0]!.signature!;
      connection.onSignature(
        getBase58Decoder().decode(signature),
        (result, context) => resolve({ err: result.err, slot: context.slot }),
        "confirmed",
      );
    });
    await connection.sendRawTransaction(transfer.serialize());
    const result = await notified;
    expect(result.err).toBeNull();
    expect(result.slot).toBeGreaterThan(0);
  });

  test("fee payer without funds is refused at preflight", async () => {
    const poor = Keypair.generate();
    const transfer = new Transaction().add(
      SystemProgram.transfer({
        fromPubkey: poor.publicKey,
        toPubkey: Keypair.generate().publicKey,
        lamports: 1,
      }),
    );
    await expect(sendAndConfirmTransaction(connection, transfer, [poor])).rejects.toThrow(
      /Attempt to debit an account but found no record of a prior credit/,
    );
  });
});
