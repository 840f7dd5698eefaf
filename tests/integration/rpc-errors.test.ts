// Error cases of the JSON-RPC face over real HTTP: envelope errors, params errors, and the transaction
// rejections Solana gives (signature failure, AlreadyProcessed, expired blockhash, unfunded fee payer).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  SystemProgram,
  Transaction,
  TransactionInstruction,
} from "@solana/web3.js";
import type { LocalNode } from "../../src/server/local-node.ts";
import { rpcCall, startTestNode } from "../helpers/local-node.ts";

let node: LocalNode;
let connection: Connection;
let payer: Keypair;

beforeAll(async () => {
  node = await startTestNode({ slotMs: 0 });
  connection = new Connection(node.httpUrl, { commitment: "processed", wsEndpoint: node.wsUrl });
  payer = Keypair.generate();
  await connection.requestAirdrop(payer.publicKey, 10 * LAMPORTS_PER_SOL);
});
afterAll(async () => {
  await node.stop();
});

function signedTransfer(lamports: number, blockhash: string, from = payer): Transaction {
  const transaction = new Transaction().add(
    SystemProgram.transfer({ fromPubkey: from.publicKey, toPubkey: Keypair.generate().publicKey, lamports }),
  );
  transaction.recentBlockhash = blockhash;
  transaction.feePayer = from.publicKey;
  transaction.sign(from);
  return transaction;
}

const send = (wire: Uint8Array, config: Record<string, unknown> = {}) =>
  rpcCall(node.httpUrl, {
    jsonrpc: "2.0",
    id: 7,
    method: "sendTransaction",
    params: [Buffer.from(wire).toString("base64"), { encoding: "base64", ...config }],
  });

describe("JSON-RPC envelope", () => {
  test("malformed JSON is -32700 with id null", async () => {
    const response = await rpcCall(node.httpUrl, "{not json");
    expect(response).toEqual({ jsonrpc: "2.0", error: { code: -32700, message: "Parse error" }, id: null });
  });
  test("unknown method is -32601", async () => {
    const response = await rpcCall(node.httpUrl, { jsonrpc: "2.0", id: 1, method: "getNothing", params: [] });
    expect(response.error).toEqual({ code: -32601, message: "Method not found" });
    expect(response.id).toBe(1);
  });
  test("invalid request is -32600", async () => {
    const response = await rpcCall(node.httpUrl, { id: 2, method: "getSlot" });
    expect(response.error.code).toBe(-32600);
    const empty = await rpcCall(node.httpUrl, []);
    expect(empty.error.code).toBe(-32600);
  });
  test("invalid params name the parameter", async () => {
    const response = await rpcCall(node.httpUrl, {
      jsonrpc: "2.0",
      id: 3,
      method: "getBalance",
      params: ["xyz"],
    });
    expect(response.error.code).toBe(-32602);
    expect(response.error.message).toContain("pubkey");
    const commitment = await rpcCall(node.httpUrl, {
      jsonrpc: "2.0",
      id: 4,
      method: "getSlot",
      params: [{ commitment: "soon" }],
    });
    expect(commitment.error.code).toBe(-32602);
    expect(commitment.error.message).toContain("commitment");
  });
  test("batch requests answer each in order", async () => {
    const response = await rpcCall(node.httpUrl, [
      { jsonrpc: "2.0", id: 1, method: "getSlot" },
      { jsonrpc: "2.0", id: 2, method: "nope" },
      { jsonrpc: "2.0", id: 3, method: "getGenesisHash" },
    ]);
    expect(response.map((r: { id: number }) => r.id)).toEqual([1, 2, 3]);
    expect(typeof response[0].result).toBe("number");
    expect(response[1].error.code).toBe(-32601);
    expect(response[2].result).toBe(node.bank.genesisHash);
  });
  test("context carries slot and apiVersion; /health is ok", async () => {
    const response = await rpcCall(node.httpUrl, { jsonrpc: "2.0", id: 1, method: "getLatestBlockhash" });
    expect(response.result.context).toEqual({ apiVersion: expect.any(String), slot: expect.any(Number) });
    expect(await (await fetch(`${node.httpUrl}/health`)).text()).toBe("ok");
  });
});

describe("transaction rejections", () => {
  test("corrupted signature: -32003 with preflight, dropped without", async () => {
    const wire = signedTransfer(1000, node.bank.latestBlockhash().blockhash).serialize();
    wire[10] ^= 0xff;
    const response = await send(wire);
    expect(response.error).toEqual({ code: -32003, message: "Transaction signature verification failure" });
    const skipped = await send(wire, { skipPreflight: true });
    expect(typeof skipped.result).toBe("string");
    // Outrider shows the drop (Solana would show nothing): a failed status carrying the reason.
    const status = await connection.getSignatureStatus(skipped.result);
    expect(status.value?.err).toBe("SignatureFailure");
    expect((status.value as unknown as { outriderDropped: { reason: string } }).outriderDropped.reason).toBe(
      "signature_failure",
    );
    expect(node.statusStore.get(skipped.result)?.kind).toBe("dropped");
  });

  test("resubmitted signature is AlreadyProcessed", async () => {
    const wire = signedTransfer(5_000_000, node.bank.latestBlockhash().blockhash).serialize();
    const first = await send(wire);
    expect(typeof first.result).toBe("string");
    const second = await send(wire);
    expect(second.error.code).toBe(-32002);
    expect(second.error.message).toBe(
      "Transaction simulation failed: This transaction has already been processed",
    );
    expect(second.error.data.err).toBe("AlreadyProcessed");
  });

  test("blockhash older than 150 slots is BlockhashNotFound", async () => {
    const oldBlockhash = node.bank.latestBlockhash().blockhash;
    for (let slot = 0; slot < 150; slot++) node.bank.advanceSlot();
    const stillValid = await send(signedTransfer(5_000_001, oldBlockhash).serialize());
    expect(typeof stillValid.result).toBe("string");
    node.bank.advanceSlot();
    const valid = await rpcCall(node.httpUrl, {
      jsonrpc: "2.0",
      id: 1,
      method: "isBlockhashValid",
      params: [oldBlockhash],
    });
    expect(valid.result.value).toBe(false);
    const expired = await send(signedTransfer(5_000_002, oldBlockhash).serialize());
    expect(expired.error.code).toBe(-32002);
    expect(expired.error.data.err).toBe("BlockhashNotFound");
    expect(expired.error.message).toBe("Transaction simulation failed: Blockhash not found");
  });

  test("fee payer that cannot pay the fee is InsufficientFundsForFee; one left below rent is InsufficientFundsForRent", async () => {
    const poor = Keypair.generate();
    const rentExemptLamports = await connection.getMinimumBalanceForRentExemption(0);
    await connection.requestAirdrop(poor.publicKey, rentExemptLamports + 1000);
    expect(await connection.getBalance(poor.publicKey)).toBe(rentExemptLamports + 1000);
    const belowRent = await send(signedTransfer(1, node.bank.latestBlockhash().blockhash, poor).serialize());
    expect(belowRent.error.code).toBe(-32002);
    expect(belowRent.error.data.err).toEqual({ InsufficientFundsForRent: { account_index: 0 } });

    // 1e9 µlamports/CU × 6,000 CU (two builtin instructions) = 6,000,000 lamports: more than the balance.
    const transaction = new Transaction().add(
      new TransactionInstruction({
        programId: new PublicKey("ComputeBudget111111111111111111111111111111"),
        keys: [],
        data: Buffer.from([3, 0x00, 0xca, 0x9a, 0x3b, 0, 0, 0, 0]),
      }),
      SystemProgram.transfer({ fromPubkey: poor.publicKey, toPubkey: payer.publicKey, lamports: 1 }),
    );
    transaction.recentBlockhash = node.bank.latestBlockhash().blockhash;
    transaction.feePayer = poor.publicKey;
    transaction.sign(poor);
    const response = await send(transaction.serialize());
    expect(response.error.code).toBe(-32002);
    expect(response.error.data.err).toBe("InsufficientFundsForFee");
    expect(response.error.message).toBe("Transaction simulation failed: Insufficient funds for fee");
  });

  test("malformed transaction bytes are -32602 and the node keeps serving", async () => {
    const response = await send(new Uint8Array([1, 2, 3]));
    expect(response.error.code).toBe(-32602);
    expect(response.error.message).toContain("invalid transaction");
    const skipped = await send(new Uint8Array([1, 2, 3]), { skipPreflight: true });
    expect(skipped.error.code).toBe(-32602);
    expect(typeof (await connection.getSlot())).toBe("number");
  });

  test("instruction error is included, fee charged, err as Solana shows it", async () => {
    const before = await connection.getBalance(payer.publicKey);
    const wire = signedTransfer(100 * LAMPORTS_PER_SOL, node.bank.latestBlockhash().blockhash).serialize();
    const response = await send(wire, { skipPreflight: true });
    const statuses = await connection.getSignatureStatuses([response.result]);
    expect(statuses.value[0]?.err).toEqual({ InstructionError: [0, { Custom: 1 }] });
    expect(await connection.getBalance(payer.publicKey)).toBe(before - 5000);
  });
});
