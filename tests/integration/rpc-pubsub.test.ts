// PubSub WebSocket over loopback with a raw client: slot, account and signature subscriptions
// (including enableReceivedNotification) and unsubscribes, with manual slots.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Keypair, LAMPORTS_PER_SOL, SystemProgram, Transaction } from "@solana/web3.js";
import type { LocalNode } from "../../src/server/local-node.ts";
import { rpcCall, startTestNode } from "../helpers/local-node.ts";

let node: LocalNode;
let socket: WebSocket;
const inbox: any[] = [];
const waiters: { match: (m: any) => boolean; resolve: (m: any) => void }[] = [];

function next(match: (message: any) => boolean): Promise<any> {
  const found = inbox.findIndex(match);
  if (found >= 0) return Promise.resolve(inbox.splice(found, 1)[0]);
  return new Promise((resolve) => waiters.push({ match, resolve }));
}
let requestId = 0;
async function request(method: string, params: unknown[] = []): Promise<any> {
  const id = ++requestId;
  socket.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
  return next((message) => message.id === id);
}

beforeAll(async () => {
  node = await startTestNode({ slotMs: 0 });
  socket = new WebSocket(node.wsUrl);
  socket.onmessage = (event) => {
    const message = JSON.parse(String(event.data));
    const waiter = waiters.findIndex((w) => w.match(message));
    if (waiter >= 0) waiters.splice(waiter, 1)[0]!.resolve(message);
    else inbox.push(message);
  };
  await new Promise((resolve) => {
    socket.onopen = resolve;
  });
});
afterAll(async () => {
  socket.close();
  await node.stop();
});

describe("PubSub", () => {
  test("slotSubscribe notifies parent/root/slot; unsubscribe; bad id", async () => {
    const { result: id } = await request("slotSubscribe");
    node.bank.advanceSlot();
    const notification = await next((m) => m.method === "slotNotification");
    expect(notification.params.subscription).toBe(id);
    expect(notification.params.result).toEqual({
      parent: node.bank.slot - 1,
      root: node.bank.finalizedSlot,
      slot: node.bank.slot,
    });
    expect((await request("slotUnsubscribe", [id])).result).toBe(true);
    const again = await request("slotUnsubscribe", [id]);
    expect(again.error).toEqual({ code: -32602, message: "Invalid subscription id." });
  });

  test("signatureSubscribe: received, then processed; accountSubscribe sees the transfer", async () => {
    const payer = Keypair.generate();
    const recipient = Keypair.generate();
    await rpcCall(node.httpUrl, {
      jsonrpc: "2.0",
      id: 1,
      method: "requestAirdrop",
      params: [payer.publicKey.toBase58(), LAMPORTS_PER_SOL],
    });
    const transaction = new Transaction().add(
      SystemProgram.transfer({
        fromPubkey: payer.publicKey,
        toPubkey: recipient.publicKey,
        lamports: 2_000_000,
      }),
    );
    transaction.recentBlockhash = node.bank.latestBlockhash().blockhash;
    transaction.feePayer = payer.publicKey;
    transaction.sign(payer);
    const { getBase58Decoder } = await import("@solana/kit");
    const signature = getBase58Decoder().decode(transaction.signature!);
    const { result: signatureSub } = await request("signatureSubscribe", [
      signature,
      { commitment: "processed", enableReceivedNotification: true },
    ]);
    const { result: accountSub } = await request("accountSubscribe", [
      recipient.publicKey.toBase58(),
      { commitment: "confirmed", encoding: "base64" },
    ]);
    const sent = await rpcCall(node.httpUrl, {
      jsonrpc: "2.0",
      id: 2,
      method: "sendTransaction",
      params: [transaction.serialize().toString("base64"), { encoding: "base64" }],
    });
    expect(sent.result).toBe(signature);
    const received = await next(
      (m) => m.method === "signatureNotification" && m.params.result.value === "receivedSignature",
    );
    expect(received.params.subscription).toBe(signatureSub);
    const processed = await next(
      (m) => m.method === "signatureNotification" && m.params.result.value.err === null,
    );
    expect(processed.params.subscription).toBe(signatureSub);
    const executedSlot = node.bank.slot;
    expect(processed.params.result.context.slot).toBe(executedSlot);
    node.bank.advanceSlot();
    const account = await next((m) => m.method === "accountNotification");
    expect(account.params.subscription).toBe(accountSub);
    expect(account.params.result.context.slot).toBe(executedSlot);
    expect(account.params.result.value.lamports).toBe(2_000_000);
    expect(account.params.result.value.data).toEqual(["", "base64"]);
  });

  test("bad params and unknown method", async () => {
    expect((await request("signatureSubscribe", ["nope"])).error.code).toBe(-32602);
    expect((await request("blockSubscribe", [])).error.code).toBe(-32601);
  });
});
