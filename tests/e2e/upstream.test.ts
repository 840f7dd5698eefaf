// Upstream mode with two real processes: one `outrider run` on its embedded SVM plays the Solana node,
// a second `outrider run --upstream URL` stands in front of it. @solana/web3.js talks only to the front:
// transfers are verified, deduplicated and ordered by the front and forwarded to the node (the
// forwarder sink), statuses and confirmations come from the node, reads and every other method reach
// the node over real HTTP and WebSocket on loopback.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  type PublicKey,
  SystemProgram,
  sendAndConfirmTransaction,
  Transaction,
} from "@solana/web3.js";
import { base58Encode } from "../../src/tx/base58.ts";
import { type OutriderProcess, startOutrider } from "../helpers/outrider-process.ts";

let node: OutriderProcess;
let front: OutriderProcess;
let connection: Connection;
let nodeConnection: Connection;

beforeAll(async () => {
  node = await startOutrider();
  front = await startOutrider(["--upstream", node.rpcUrl, "--upstream-ws", node.pubsubUrl]);
  connection = new Connection(front.rpcUrl, { wsEndpoint: front.pubsubUrl, commitment: "confirmed" });
  nodeConnection = new Connection(node.rpcUrl, { wsEndpoint: node.pubsubUrl, commitment: "confirmed" });
});
afterAll(async () => {
  if (front?.child.exitCode === null) await front.stop();
  if (node?.child.exitCode === null) await node.stop();
});

async function rpc(url: string, method: string, params: unknown[] = []) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return (await response.json()) as { result?: unknown; error?: { code: number; message: string } };
}

async function fundedKeypair(lamports: number): Promise<Keypair> {
  const keypair = Keypair.generate();
  const signature = await connection.requestAirdrop(keypair.publicKey, lamports);
  const latest = await connection.getLatestBlockhash();
  await connection.confirmTransaction({ signature, ...latest }, "confirmed");
  return keypair;
}

async function signedTransfer(from: Keypair, to: PublicKey, lamports: number) {
  const transaction = new Transaction().add(
    SystemProgram.transfer({ fromPubkey: from.publicKey, toPubkey: to, lamports }),
  );
  transaction.recentBlockhash = (await connection.getLatestBlockhash()).blockhash;
  transaction.feePayer = from.publicKey;
  transaction.sign(from);
  return transaction;
}

async function waitForStatus(signature: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { value } = await connection.getSignatureStatuses([signature], { searchTransactionHistory: true });
    if (value[0]) return value[0] as (typeof value)[0] & { outriderDropped?: { reason: string } };
    await Bun.sleep(50);
  }
  throw new Error(`no status for ${signature} within ${timeoutMs} ms`);
}

describe("outrider run --upstream: in front of a Solana node", () => {
  test("web3.js sends and confirms a transfer through the front; the node executed it", async () => {
    const payer = await fundedKeypair(2 * LAMPORTS_PER_SOL);
    const recipient = Keypair.generate();
    const forwardedBefore = await front.metric(
      'outrider_upstream_transactions_forwarded_total{result="forwarded"}',
    );
    const executedBefore = await node.metric('outrider_bank_transactions_processed_total{result="ok"}');
    const transaction = new Transaction().add(
      SystemProgram.transfer({
        fromPubkey: payer.publicKey,
        toPubkey: recipient.publicKey,
        lamports: 1_234_567,
      }),
    );
    const signature = await sendAndConfirmTransaction(connection, transaction, [payer]);
    // Balances through the front, and straight from the node: the same.
    expect(await connection.getBalance(recipient.publicKey)).toBe(1_234_567);
    expect(await nodeConnection.getBalance(recipient.publicKey)).toBe(1_234_567);
    expect(await connection.getBalance(payer.publicKey)).toBe(2 * LAMPORTS_PER_SOL - 1_234_567 - 5000);
    const info = await connection.getAccountInfo(payer.publicKey);
    expect(info?.owner.toBase58()).toBe(SystemProgram.programId.toBase58());
    expect(info?.lamports).toBe(2 * LAMPORTS_PER_SOL - 1_234_567 - 5000);
    // The front forwarded it (after its own verify); the node executed it; the status is the node's.
    expect(
      await front.metric('outrider_upstream_transactions_forwarded_total{result="forwarded"}'),
    ).toBeGreaterThan(forwardedBefore);
    expect(await node.metric('outrider_bank_transactions_processed_total{result="ok"}')).toBeGreaterThan(
      executedBefore,
    );
    expect(await front.metric('outrider_verify_signatures_checked_total{result="valid"}')).toBeGreaterThan(0);
    const [viaFront, viaNode] = await Promise.all([
      connection.getSignatureStatus(signature),
      nodeConnection.getSignatureStatus(signature),
    ]);
    expect(viaFront.value?.slot).toBe(viaNode.value?.slot as number);
    expect(viaFront.value?.err).toBeNull();
  });

  test("onSignature through the front fires for a transaction sent with sendRawTransaction", async () => {
    const payer = await fundedKeypair(LAMPORTS_PER_SOL);
    const transaction = await signedTransfer(payer, Keypair.generate().publicKey, 1_000_000);
    const notified = new Promise<unknown>((resolve) => {
      connection.onSignature(
        base58Encode(new Uint8Array(transaction.signatures[0].signature!)),
        (result) => resolve(result.err),
        "confirmed",
      );
    });
    await connection.sendRawTransaction(transaction.serialize(), { skipPreflight: true });
    expect(await notified).toBeNull();
  });

  test("a bad signature is dropped by the front's own verify and never reaches the node", async () => {
    const payer = await fundedKeypair(LAMPORTS_PER_SOL);
    const transaction = await signedTransfer(payer, Keypair.generate().publicKey, 1000);
    const wire = transaction.serialize();
    wire[wire.length - 1] ^= 0xff;
    const nodeReceivedBefore = await node.metric('outrider_ingress_packets_received_total{source="rpc"}');
    await connection.sendRawTransaction(wire, { skipPreflight: true });
    const status = await waitForStatus(base58Encode(new Uint8Array(transaction.signatures[0].signature!)));
    expect(status.outriderDropped?.reason).toBe("bad_signature");
    expect(await node.metric('outrider_ingress_packets_received_total{source="rpc"}')).toBe(
      nodeReceivedBefore,
    );
    expect(await connection.getBalance(payer.publicKey)).toBe(LAMPORTS_PER_SOL);
  });

  test("preflight runs on the node: an unfunded payer is refused with Solana's -32002", async () => {
    const broke = Keypair.generate();
    const transaction = await signedTransfer(broke, Keypair.generate().publicKey, 1000);
    const answer = await rpc(front.rpcUrl, "sendTransaction", [
      Buffer.from(transaction.serialize()).toString("base64"),
      { encoding: "base64" },
    ]);
    expect(answer.error?.code).toBe(-32002);
  });

  test("every other method passes through unchanged (results and errors)", async () => {
    for (const method of ["getGenesisHash", "getVersion", "getEpochInfo"]) {
      const [viaFront, viaNode] = await Promise.all([rpc(front.rpcUrl, method), rpc(node.rpcUrl, method)]);
      if (method === "getEpochInfo") {
        expect(Object.keys(viaFront.result as object).sort()).toEqual(
          Object.keys(viaNode.result as object).sort(),
        );
      } else expect(viaFront.result).toEqual(viaNode.result);
    }
    const unknown = await rpc(front.rpcUrl, "getNothing");
    expect(unknown.error?.code).toBe(-32601);
    const badParams = await rpc(front.rpcUrl, "getMinimumBalanceForRentExemption", ["x"]);
    expect(badParams.error).toEqual(
      (await rpc(node.rpcUrl, "getMinimumBalanceForRentExemption", ["x"])).error,
    );
    expect(
      await front.metric('outrider_upstream_requests_sent_total{method="passthrough",result="ok"}'),
    ).toBeGreaterThan(0);
  });

  test("/status says upstream; /health is the node's", async () => {
    const status = (await (await fetch(`${front.rpcUrl}/status`)).json()) as { status: string; slot: number };
    expect(status.status).toBe("upstream");
    expect(status.slot).toBeGreaterThan(0);
    expect(await (await fetch(`${front.rpcUrl}/health`)).text()).toBe("ok");
  });

  test("SIGTERM stops the front (exit 0) while the node keeps running", async () => {
    expect(await front.stop("SIGTERM")).toBe(0);
    expect((await rpc(node.rpcUrl, "getHealth")).result).toBe("ok");
  });
});
