// @solana/kit against a LocalNode over real HTTP and WebSocket: airdropFactory,
// sendAndConfirmTransactionFactory for a SOL transfer and an SPL token transfer.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { LocalNode } from "../../src/server/local-node.ts";
import { type KitClient, kitClient, solTransferFlow, splTransferFlow } from "../helpers/kit-flows.ts";
import { startTestNode } from "../helpers/local-node.ts";

let node: LocalNode;
let client: KitClient;

beforeAll(async () => {
  node = await startTestNode({ slotMs: 50 });
  client = kitClient(node.httpUrl, node.wsUrl);
});
afterAll(async () => {
  await node.stop();
});

describe("@solana/kit", () => {
  test("airdrop and SOL transfer, balances to the lamport", async () => {
    const amount = 10_000_000n;
    const balances = await solTransferFlow(client, amount);
    expect(balances.payerFunded).toBe(1_000_000_000n);
    expect(balances.recipientAfter).toBe(amount);
    expect(balances.payerAfter).toBe(1_000_000_000n - amount - 5000n);
  });

  test("SPL token: create mint and accounts, mintTo, transfer", async () => {
    const result = await splTransferFlow(client);
    expect(result.sourceAmount).toBe(750_000n);
    expect(result.destinationAmount).toBe(250_000n);
    expect(result.mintOwner).toBe(result.expectedMintOwner);
    expect(result.mintSpace).toBe(result.expectedMintSpace);
  });
});
