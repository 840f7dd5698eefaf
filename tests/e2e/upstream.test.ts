// Upstream mode with real processes: one `outrider run` on its embedded SVM plays the Solana node, a
// second `outrider run --upstream URL --enable-trading-cache` stands in front of it. @solana/web3.js
// talks only to the front: transfers are verified, deduplicated and ordered by the front and forwarded
// to the node (the forwarder sink), statuses and confirmations come from the node, account reads are
// served from the front's cache (kept coherent by the node's account notifications over a real
// WebSocket), every other method reaches the node over real HTTP on loopback. A third process, the
// front without the flag, shows the baseline: reads pass through.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
import { type OutriderProcess, startOutrider, waitForMetric } from "../helpers/outrider-process.ts";
import {
  fundedKeypair,
  readThroughChange,
  transferAndConfirm,
  waitForStatus,
} from "../helpers/web3-waits.ts";

let node: OutriderProcess;
let front: OutriderProcess;
let connection: Connection;
let nodeConnection: Connection;
const directory = mkdtempSync(join(tmpdir(), "outrider-upstream-e2e-"));
const warmFile = join(directory, "warm.txt");
const traceFile = join(directory, "trace.txt");

beforeAll(async () => {
  node = await startOutrider();
  front = await startOutrider([
    "--upstream",
    node.rpcUrl,
    "--upstream-ws",
    node.pubsubUrl,
    "--enable-trading-cache",
    "--set",
    `accounts.cache_warm_file=${warmFile}`,
    "--set",
    `accounts.cache_trace_file=${traceFile}`,
  ]);
  connection = new Connection(front.rpcUrl, { wsEndpoint: front.pubsubUrl, commitment: "confirmed" });
  nodeConnection = new Connection(node.rpcUrl, { wsEndpoint: node.pubsubUrl, commitment: "confirmed" });
});
afterAll(async () => {
  if (front?.child.exitCode === null) await front.stop();
  if (node?.child.exitCode === null) await node.stop();
  rmSync(directory, { recursive: true, force: true });
});

async function rpc(url: string, method: string, params: unknown[] = []) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return (await response.json()) as { result?: unknown; error?: { code: number; message: string } };
}

/** Sends a transfer straight to the node (not through the front) and waits until it is processed. */
const transferOnNode = (from: Keypair, to: PublicKey, lamports: number) =>
  transferAndConfirm(nodeConnection, from, to, lamports);

const cacheSeries = (result: string) =>
  `outrider_accounts_cache_lookups_total{result="${result}",kind="other"}`;

async function signedTransfer(from: Keypair, to: PublicKey, lamports: number) {
  const transaction = new Transaction().add(
    SystemProgram.transfer({ fromPubkey: from.publicKey, toPubkey: to, lamports }),
  );
  transaction.recentBlockhash = (await connection.getLatestBlockhash()).blockhash;
  transaction.feePayer = from.publicKey;
  transaction.sign(from);
  return transaction;
}

describe("outrider run --upstream: in front of a Solana node", () => {
  test("web3.js sends and confirms a transfer through the front; the node executed it", async () => {
    const payer = await fundedKeypair(connection, 2 * LAMPORTS_PER_SOL);
    const recipient = Keypair.generate();
    const forwardedBefore = await front.metric(
      'outrider_upstream_transactions_forwarded_total{result="forwarded"}',
    );
    const executedBefore = await node.metric('outrider_bank_transactions_processed_total{result="ok"}');
    const latencyCount = (process: OutriderProcess, outcome: string) =>
      process.metric(`outrider_pipeline_transaction_latency_seconds_count{outcome="${outcome}"}`);
    const frontForwardedBefore = await latencyCount(front, "forwarded");
    const nodeExecutedBefore = await latencyCount(node, "executed");
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
    // The front's latency histogram counts it as forwarded (never executed); the node's as executed.
    expect(await latencyCount(front, "forwarded")).toBe(frontForwardedBefore + 1);
    expect(await latencyCount(front, "executed")).toBe(0);
    expect(await latencyCount(node, "executed")).toBeGreaterThan(nodeExecutedBefore);
    const [viaFront, viaNode] = await Promise.all([
      connection.getSignatureStatus(signature),
      nodeConnection.getSignatureStatus(signature),
    ]);
    expect(viaFront.value?.slot).toBe(viaNode.value?.slot as number);
    expect(viaFront.value?.err).toBeNull();
  });

  test("onSignature through the front fires for a transaction sent with sendRawTransaction", async () => {
    const payer = await fundedKeypair(connection, LAMPORTS_PER_SOL);
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
    const payer = await fundedKeypair(connection, LAMPORTS_PER_SOL);
    const transaction = await signedTransfer(payer, Keypair.generate().publicKey, 1000);
    const wire = transaction.serialize();
    wire[wire.length - 1] ^= 0xff;
    const nodeReceivedBefore = await node.metric('outrider_ingress_packets_received_total{source="rpc"}');
    await connection.sendRawTransaction(wire, { skipPreflight: true });
    const status = await waitForStatus(
      connection,
      base58Encode(new Uint8Array(transaction.signatures[0].signature!)),
    );
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

  test("repeated reads are served from the front's cache: the node is not asked again", async () => {
    const owner = await fundedKeypair(nodeConnection, LAMPORTS_PER_SOL);
    const nodeReadsSeries = 'outrider_rpc_requests_received_total{method="getMultipleAccounts"}';
    const first = await connection.getAccountInfo(owner.publicKey, "processed");
    expect(first?.lamports).toBe(LAMPORTS_PER_SOL);
    // The value is cached once the node confirmed its account subscription (a background fill).
    await waitForMetric(front, 'outrider_accounts_cache_entries{kind="other"}', 1);
    await Bun.sleep(100);
    const hitsBefore = await front.metric(cacheSeries("hit"));
    const nodeReadsBefore = await node.metric(nodeReadsSeries);
    for (let read = 0; read < 20; read++) {
      const info = await connection.getAccountInfo(owner.publicKey, "processed");
      expect(info?.lamports).toBe(LAMPORTS_PER_SOL);
      expect(await connection.getBalance(owner.publicKey, "processed")).toBe(LAMPORTS_PER_SOL);
    }
    expect(await waitForMetric(front, cacheSeries("hit"), hitsBefore + 40)).toBeGreaterThanOrEqual(
      hitsBefore + 40,
    );
    expect(await node.metric(nodeReadsSeries)).toBe(nodeReadsBefore);
    expect(
      await front.metric('outrider_accounts_read_duration_seconds_count{served="cache"}'),
    ).toBeGreaterThanOrEqual(40);
    expect(
      await front.metric('outrider_upstream_subscriptions_active{kind="account"}'),
    ).toBeGreaterThanOrEqual(1);
  });

  test("a change on the node is served new by the front over real notifications, never an older value", async () => {
    const owner = await fundedKeypair(nodeConnection, LAMPORTS_PER_SOL);
    expect(await connection.getBalance(owner.publicKey, "processed")).toBe(LAMPORTS_PER_SOL);
    await waitForMetric(front, 'outrider_accounts_cache_entries{kind="other"}', 1);
    const notificationsBefore = await front.metric(
      'outrider_accounts_cache_updates_total{source="notification"}',
    );
    // Read through the front continuously while the node's value changes three times.
    const sink = Keypair.generate().publicKey;
    const expected = LAMPORTS_PER_SOL - 600_000_000 - 3 * 5000;
    const seen = await readThroughChange(
      () => connection.getBalance(owner.publicKey, "processed"),
      async () => {
        for (const lamports of [100_000_000, 200_000_000, 300_000_000])
          await transferOnNode(owner, sink, lamports);
      },
      expected,
    );
    expect(seen[seen.length - 1]).toBe(expected);
    // The payer only ever loses lamports: a later read never shows more than an earlier one.
    for (let index = 1; index < seen.length; index++)
      expect(seen[index]).toBeLessThanOrEqual(seen[index - 1]);
    expect(
      await waitForMetric(
        front,
        'outrider_accounts_cache_updates_total{source="notification"}',
        notificationsBefore + 1,
      ),
    ).toBeGreaterThan(notificationsBefore);
    expect(await nodeConnection.getBalance(owner.publicKey, "processed")).toBe(expected);
  });

  test("read-your-writes: after a transfer through the front confirms, the front never shows the old balance", async () => {
    const payer = await fundedKeypair(connection, LAMPORTS_PER_SOL);
    expect(await connection.getBalance(payer.publicKey, "processed")).toBe(LAMPORTS_PER_SOL);
    await waitForMetric(front, 'outrider_accounts_cache_entries{kind="other"}', 1);
    const recipient = Keypair.generate();
    const transaction = new Transaction().add(
      SystemProgram.transfer({
        fromPubkey: payer.publicKey,
        toPubkey: recipient.publicKey,
        lamports: 5_000_000,
      }),
    );
    await sendAndConfirmTransaction(connection, transaction, [payer], { commitment: "processed" });
    expect(await connection.getBalance(payer.publicKey, "processed")).toBe(
      LAMPORTS_PER_SOL - 5_000_000 - 5000,
    );
    expect(await connection.getBalance(recipient.publicKey, "processed")).toBe(5_000_000);
  });

  test("accountSubscribe through the front: web3.js onAccountChange fires when the node's account changes", async () => {
    const owner = await fundedKeypair(nodeConnection, LAMPORTS_PER_SOL);
    const changed = new Promise<number>((resolve) => {
      const id = connection.onAccountChange(
        owner.publicKey,
        (info) => {
          void connection.removeAccountChangeListener(id);
          resolve(info.lamports);
        },
        { commitment: "processed" },
      );
    });
    await Bun.sleep(300); // the subscription reaches the node
    await transferOnNode(owner, Keypair.generate().publicKey, 50_000_000);
    expect(await changed).toBe(LAMPORTS_PER_SOL - 50_000_000 - 5000);
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

  test("verify's prefetch hint loads a sent transaction's accounts: the read after it is a prefetched cache hit", async () => {
    const payer = await fundedKeypair(connection, LAMPORTS_PER_SOL);
    // An account the transaction names read-only, funded on the node and never read through the front:
    // only a prefetch can bring it into the front's cache. (A written account's prefetch can lose the
    // race with the transaction's own write; this one has no write.)
    const watched = await fundedKeypair(nodeConnection, LAMPORTS_PER_SOL / 2);
    const series = (name: string) => `outrider_accounts_prefetch_${name}_total{trigger="verify"}`;
    const issuedBefore = await front.metric(series("issued"));
    const usedBefore = await front.metric(series("used"));
    const offeredBefore = await front.metric("outrider_verify_prefetch_hints_offered_total");
    const hitsBefore = await front.metric(cacheSeries("hit"));
    const transfer = SystemProgram.transfer({
      fromPubkey: payer.publicKey,
      toPubkey: Keypair.generate().publicKey,
      lamports: 3_000_000,
    });
    // The system program ignores accounts after the two a transfer needs.
    transfer.keys.push({ pubkey: watched.publicKey, isSigner: false, isWritable: false });
    await sendAndConfirmTransaction(connection, new Transaction().add(transfer), [payer], {
      commitment: "processed",
    });
    // Verify offered payer, recipient and the read-only account (not the system program).
    expect(await front.metric("outrider_verify_prefetch_hints_offered_total")).toBe(offeredBefore + 3);
    expect(await waitForMetric(front, series("issued"), issuedBefore + 3)).toBe(issuedBefore + 3);
    // A read that comes while the prefetch is still on its way joins it (a miss); then reads hit.
    const deadline = Date.now() + 10_000;
    let used = usedBefore;
    while (used === usedBefore && Date.now() < deadline) {
      expect(await connection.getBalance(watched.publicKey, "processed")).toBe(LAMPORTS_PER_SOL / 2);
      used = await front.metric(series("used"));
      if (used === usedBefore) await Bun.sleep(25);
    }
    expect(used).toBe(usedBefore + 1);
    expect(await front.metric(cacheSeries("hit"))).toBeGreaterThan(hitsBefore);
    expect(await front.metric("outrider_verify_prefetch_hints_dropped_total")).toBe(0);
  });

  test("SIGTERM stops the front (exit 0) while the node keeps running; hot set and trace are on disk", async () => {
    expect(await front.stop("SIGTERM")).toBe(0);
    expect((await rpc(node.rpcUrl, "getHealth")).result).toBe("ok");
    const warm = readFileSync(warmFile, "utf8")
      .split("\n")
      .filter((line) => line !== "" && !line.startsWith("#"));
    expect(warm.length).toBeGreaterThan(0);
    const trace = readFileSync(traceFile, "utf8")
      .split("\n")
      .filter((line) => line !== "" && !line.startsWith("#"));
    expect(trace.length).toBeGreaterThan(40);
    expect(trace[0]).toMatch(/^[1-9A-HJ-NP-Za-km-z]{32,44} \d+$/);
  });
});

describe("outrider run --upstream without the trading cache (the baseline)", () => {
  test("account reads pass through to the node, every time", async () => {
    const plain = await startOutrider(["--upstream", node.rpcUrl, "--upstream-ws", node.pubsubUrl]);
    try {
      const plainConnection = new Connection(plain.rpcUrl, { commitment: "confirmed" });
      const owner = await fundedKeypair(nodeConnection, LAMPORTS_PER_SOL);
      const series = 'outrider_rpc_requests_received_total{method="getBalance"}';
      const before = await node.metric(series);
      for (let read = 0; read < 5; read++) {
        expect(await plainConnection.getBalance(owner.publicKey, "processed")).toBe(LAMPORTS_PER_SOL);
      }
      expect(await node.metric(series)).toBe(before + 5);
      expect(await plain.metric(cacheSeries("hit"))).toBe(0);
    } finally {
      expect(await plain.stop("SIGTERM")).toBe(0);
    }
  });
});
