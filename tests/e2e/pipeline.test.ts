// The whole baseline pipeline as a user runs it: a real `outrider run` process
// (ingress, verify, schedule and bank Workers over shared-memory rings, litesvm
// executing), driven by @solana/web3.js, @solana/kit and raw UDP datagrams; bad
// input is answered or dropped with its counter while the process keeps serving.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createPublicKey, verify } from "node:crypto";
import {
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  SystemProgram,
  sendAndConfirmTransaction,
  Transaction,
} from "@solana/web3.js";
import { base58Encode } from "../../src/tx/base58.ts";
import { kitClient, solTransferFlow, splTransferFlow } from "../helpers/kit-flows.ts";
import {
  type OutriderProcess,
  startOutrider,
  waitForMetric as waitForMetricOn,
} from "../helpers/outrider-process.ts";
import { fundedKeypair, waitForStatus } from "../helpers/web3-waits.ts";

const bs58 = (bytes: Uint8Array) => base58Encode(new Uint8Array(bytes));

let node: OutriderProcess;
let connection: Connection;
let udp: { send(data: Uint8Array, port: number, address: string): boolean; close(): void };

async function signedTransfer(from: Keypair, to: PublicKey, lamports: number, blockhash?: string) {
  const transaction = new Transaction().add(
    SystemProgram.transfer({ fromPubkey: from.publicKey, toPubkey: to, lamports }),
  );
  transaction.recentBlockhash = blockhash ?? (await connection.getLatestBlockhash()).blockhash;
  transaction.feePayer = from.publicKey;
  transaction.sign(from);
  return transaction;
}

function sendDatagram(bytes: Uint8Array): void {
  expect(udp.send(bytes, node.tpuPort, node.tpuHost)).toBe(true);
}

/** Polls getSignatureStatuses until the signature has a status (executed or dropped). */
const waitForMetric = (series: string, atLeast: number, timeoutMs = 10_000) =>
  waitForMetricOn(node, series, atLeast, timeoutMs);

async function rpcRaw(body: string) {
  const response = await fetch(node.rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  return (await response.json()) as { error?: { code: number; message: string }; result?: unknown };
}

/** sendTransaction with preflight, base64, as the raw JSON-RPC answer. */
function sendTransactionRpc(wire: Uint8Array) {
  return rpcRaw(
    JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "sendTransaction",
      params: [Buffer.from(wire).toString("base64"), { encoding: "base64" }],
    }),
  );
}

/** Sends one datagram and waits for exactly one more verify drop with this reason. */
async function expectDroppedOverUdp(wire: Uint8Array, reason: string): Promise<void> {
  const series = `outrider_verify_transactions_dropped_total{reason="${reason}"}`;
  const before = await node.metric(series);
  sendDatagram(wire);
  expect(await waitForMetric(series, before + 1)).toBe(before + 1);
}

// Every flow and every bad input runs against the baseline, again with the verify caches on, and
// again with the trading profile (every available flag): no optimisation may change what a client sees.
const MODES = [
  { name: "baseline", args: [] as string[], tradingCache: false },
  { name: "--enable-trading-cache", args: ["--enable-trading-cache"], tradingCache: true },
  { name: "trading (every available flag)", args: ["--profile", "trading"], tradingCache: true },
];

for (const mode of MODES) {
  describe(`profile ${mode.name}`, () => {
    beforeAll(async () => {
      node = await startOutrider(mode.args);
      connection = new Connection(node.rpcUrl, { wsEndpoint: node.pubsubUrl, commitment: "confirmed" });
      udp = (await Bun.udpSocket({})) as unknown as typeof udp;
    });
    afterAll(async () => {
      udp.close();
      if (node.child.exitCode === null) await node.stop();
    });

    describe("outrider run: clients through the whole pipeline", () => {
      test("web3.js: airdrop, sendAndConfirmTransaction, balances to the lamport (fee included)", async () => {
        const payer = await fundedKeypair(connection, 2 * LAMPORTS_PER_SOL);
        const recipient = Keypair.generate();
        const transaction = new Transaction().add(
          SystemProgram.transfer({
            fromPubkey: payer.publicKey,
            toPubkey: recipient.publicKey,
            lamports: 1_234_567,
          }),
        );
        const signature = await sendAndConfirmTransaction(connection, transaction, [payer]);
        expect(typeof signature).toBe("string");
        expect(await connection.getBalance(recipient.publicKey)).toBe(1_234_567);
        expect(await connection.getBalance(payer.publicKey)).toBe(2 * LAMPORTS_PER_SOL - 1_234_567 - 5000);
        expect(
          await node.metric('outrider_bank_transactions_processed_total{result="ok"}'),
        ).toBeGreaterThanOrEqual(1);
      });

      test("web3.js: onSignature fires for a transaction sent with sendRawTransaction", async () => {
        const payer = await fundedKeypair(connection, LAMPORTS_PER_SOL);
        const transaction = await signedTransfer(payer, Keypair.generate().publicKey, 1_000_000);
        const notified = new Promise<unknown>((resolve) => {
          const signature = transaction.signatures[0].signature!;
          connection.onSignature(bs58(signature), (result) => resolve(result.err), "confirmed");
        });
        await connection.sendRawTransaction(transaction.serialize(), { skipPreflight: true });
        expect(await notified).toBeNull();
      });

      test("@solana/kit: SOL transfer and SPL token transfer", async () => {
        const client = kitClient(node.rpcUrl, node.pubsubUrl);
        const balances = await solTransferFlow(client, 10_000_000n);
        expect(balances.recipientAfter).toBe(10_000_000n);
        expect(balances.payerAfter).toBe(balances.payerFunded - 10_000_000n - 5000n);
        const spl = await splTransferFlow(client);
        expect(spl.sourceAmount).toBe(750_000n);
        expect(spl.destinationAmount).toBe(250_000n);
        expect(spl.mintOwner).toBe(spl.expectedMintOwner);
      });

      test("a signed transfer sent as one UDP datagram lands and shows in getSignatureStatuses", async () => {
        const payer = await fundedKeypair(connection, LAMPORTS_PER_SOL);
        const recipient = Keypair.generate();
        const transaction = await signedTransfer(payer, recipient.publicKey, 1_777_000);
        sendDatagram(transaction.serialize());
        const status = await waitForStatus(connection, bs58(transaction.signatures[0].signature!));
        expect(status.err).toBeNull();
        expect(await connection.getBalance(recipient.publicKey, "processed")).toBe(1_777_000);
        expect(
          await node.metric('outrider_ingress_packets_received_total{source="udp"}'),
        ).toBeGreaterThanOrEqual(1);
      });
    });

    if (mode.tradingCache) {
      describe("verify caches (--enable-trading-cache)", () => {
        test("one shape of transfer hits the template cache; both caches stay within verify.cache_bytes_max", async () => {
          const payer = await fundedKeypair(connection, LAMPORTS_PER_SOL);
          const before = await node.metric('outrider_verify_template_cache_lookups_total{result="hit"}');
          for (let index = 0; index < 3; index++) {
            const transaction = await signedTransfer(payer, Keypair.generate().publicKey, 1_000_000 + index);
            sendDatagram(transaction.serialize());
            expect(
              (await waitForStatus(connection, bs58(transaction.signatures[0].signature!))).err,
            ).toBeNull();
          }
          expect(
            await node.metric('outrider_verify_template_cache_lookups_total{result="hit"}'),
          ).toBeGreaterThanOrEqual(before + 2);
          const signatureBytes = await node.metric('outrider_verify_cache_memory_bytes{cache="signature"}');
          const templateBytes = await node.metric('outrider_verify_cache_memory_bytes{cache="template"}');
          expect(signatureBytes).toBeGreaterThan(0);
          expect(templateBytes).toBeGreaterThan(0);
          expect(signatureBytes + templateBytes).toBeLessThanOrEqual(8_388_608);
        });

        test("two signers, the second signature bad: dropped; sent again correctly it executes once (a failed transaction leaves no verdict in the cache)", async () => {
          const payer = await fundedKeypair(connection, LAMPORTS_PER_SOL);
          const owner = await fundedKeypair(connection, LAMPORTS_PER_SOL);
          const recipient = Keypair.generate().publicKey;
          const transaction = new Transaction().add(
            SystemProgram.transfer({ fromPubkey: owner.publicKey, toPubkey: recipient, lamports: 1_234_567 }),
          );
          transaction.recentBlockhash = (await connection.getLatestBlockhash()).blockhash;
          transaction.feePayer = payer.publicKey;
          transaction.sign(payer, owner);
          const good = transaction.serialize();
          const bad = Uint8Array.from(good);
          bad[1 + 64 + 10] ^= 0x01; // one bit of the owner's signature
          await expectDroppedOverUdp(bad, "bad_signature");
          const insertsBefore = await node.metric("outrider_verify_signature_cache_inserts_total");
          sendDatagram(good);
          // The first copy's drop is already on record under this signature: wait for the execution.
          const deadline = Date.now() + 10_000;
          while (Date.now() < deadline && (await connection.getBalance(recipient, "processed")) === 0) {
            await Bun.sleep(50);
          }
          expect(
            (await waitForStatus(connection, bs58(transaction.signatures[0].signature!))).err,
          ).toBeNull();
          expect(await node.metric("outrider_verify_signature_cache_inserts_total")).toBe(insertsBefore);
          sendDatagram(good); // an identical resubmission: dedup, not the cache, stops it
          await waitForMetric('outrider_verify_transactions_dropped_total{reason="duplicate"}', 1);
          expect(await connection.getBalance(recipient, "processed")).toBe(1_234_567);
        });
      });
    }

    describe("bad input: answered or dropped with its counter, and the process keeps serving", () => {
      test("garbage and oversize datagrams", async () => {
        const parseBefore = await node.metric(
          'outrider_verify_transactions_dropped_total{reason="parse_error"}',
        );
        const oversizeBefore = await node.metric('outrider_ingress_packets_dropped_total{reason="oversize"}');
        sendDatagram(new Uint8Array([1, 2, 3, 4, 5]));
        sendDatagram(new Uint8Array(1300).fill(7));
        expect(
          await waitForMetric(
            'outrider_verify_transactions_dropped_total{reason="parse_error"}',
            parseBefore + 1,
          ),
        ).toBe(parseBefore + 1);
        expect(
          await waitForMetric(
            'outrider_ingress_packets_dropped_total{reason="oversize"}',
            oversizeBefore + 1,
          ),
        ).toBe(oversizeBefore + 1);
      });

      test("malformed JSON, unknown method, invalid params", async () => {
        const before = {
          parse: await node.metric('outrider_rpc_errors_returned_total{class="parse_error"}'),
          method: await node.metric('outrider_rpc_errors_returned_total{class="method_not_found"}'),
          params: await node.metric('outrider_rpc_errors_returned_total{class="invalid_params"}'),
        };
        expect((await rpcRaw("{not json")).error?.code).toBe(-32700);
        expect((await rpcRaw('{"jsonrpc":"2.0","id":1,"method":"getNothing"}')).error?.code).toBe(-32601);
        const invalid = await rpcRaw('{"jsonrpc":"2.0","id":1,"method":"getBalance","params":[42]}');
        expect(invalid.error?.code).toBe(-32602);
        expect(await node.metric('outrider_rpc_errors_returned_total{class="parse_error"}')).toBe(
          before.parse + 1,
        );
        expect(await node.metric('outrider_rpc_errors_returned_total{class="method_not_found"}')).toBe(
          before.method + 1,
        );
        expect(await node.metric('outrider_rpc_errors_returned_total{class="invalid_params"}')).toBe(
          before.params + 1,
        );
      });

      test("a bad signature: RPC refuses it; over UDP it is dropped, counted and visible as dropped", async () => {
        const payer = await fundedKeypair(connection, LAMPORTS_PER_SOL);
        const transaction = await signedTransfer(payer, Keypair.generate().publicKey, 1000);
        const wire = transaction.serialize();
        wire[wire.length - 1] ^= 0xff; // change the signed message: the signature no longer verifies
        const refused = await sendTransactionRpc(wire);
        expect(refused.error?.code).toBe(-32003);
        await expectDroppedOverUdp(wire, "bad_signature");
        const status = await waitForStatus(connection, bs58(transaction.signatures[0].signature!));
        expect(status.outriderDropped?.reason).toBe("bad_signature");
        expect(await connection.getBalance(payer.publicKey)).toBe(LAMPORTS_PER_SOL);
      });

      test("a forged small-order fee payer (valid under plain ed25519) is refused over RPC and dropped over UDP; no lamport moves", async () => {
        // The identity point as public key, with R = identity and S = 0, verifies for every message
        // under plain ed25519 (node:crypto); Solana's verify_strict rejects it.
        const identity = new Uint8Array(32);
        identity[0] = 1;
        const forgedSignature = new Uint8Array(64);
        forgedSignature[0] = 1;
        const victim = new PublicKey(identity);
        const funding = await connection.requestAirdrop(victim, LAMPORTS_PER_SOL);
        await connection.confirmTransaction({
          signature: funding,
          ...(await connection.getLatestBlockhash()),
        });
        const thief = Keypair.generate().publicKey;
        const transaction = new Transaction().add(
          SystemProgram.transfer({ fromPubkey: victim, toPubkey: thief, lamports: LAMPORTS_PER_SOL / 2 }),
        );
        transaction.recentBlockhash = (await connection.getLatestBlockhash()).blockhash;
        transaction.feePayer = victim;
        transaction.addSignature(victim, Buffer.from(forgedSignature));
        const spki = Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), Buffer.from(identity)]);
        const plainKey = createPublicKey({ key: spki, format: "der", type: "spki" });
        expect(verify(null, transaction.serializeMessage(), plainKey, Buffer.from(forgedSignature))).toBe(
          true,
        );
        const wire = transaction.serialize({ requireAllSignatures: false, verifySignatures: false });
        const refused = await sendTransactionRpc(wire);
        expect(refused.error?.code).toBe(-32003);
        await expectDroppedOverUdp(wire, "bad_signature");
        expect((await waitForStatus(connection, bs58(forgedSignature))).outriderDropped?.reason).toBe(
          "bad_signature",
        );
        expect(await connection.getBalance(victim, "processed")).toBe(LAMPORTS_PER_SOL);
        expect(await connection.getBalance(thief, "processed")).toBe(0);
      });

      test("a resubmitted signature executes once; the copy is dropped as a duplicate", async () => {
        const payer = await fundedKeypair(connection, LAMPORTS_PER_SOL);
        const recipient = Keypair.generate();
        const transaction = await signedTransfer(payer, recipient.publicKey, 1_050_000);
        const before = await node.metric('outrider_verify_transactions_dropped_total{reason="duplicate"}');
        sendDatagram(transaction.serialize());
        await waitForStatus(connection, bs58(transaction.signatures[0].signature!));
        sendDatagram(transaction.serialize());
        expect(
          await waitForMetric('outrider_verify_transactions_dropped_total{reason="duplicate"}', before + 1),
        ).toBe(before + 1);
        expect(await connection.getBalance(recipient.publicKey, "processed")).toBe(1_050_000);
        expect((await waitForStatus(connection, bs58(transaction.signatures[0].signature!))).err).toBeNull();
      });

      test("an expired (unknown) blockhash is dropped and counted", async () => {
        const payer = await fundedKeypair(connection, LAMPORTS_PER_SOL);
        const stale = Keypair.generate().publicKey.toBase58(); // 32 bytes no slot ever produced
        const transaction = await signedTransfer(payer, Keypair.generate().publicKey, 1000, stale);
        await expectDroppedOverUdp(transaction.serialize(), "expired_blockhash");
        const status = await waitForStatus(connection, bs58(transaction.signatures[0].signature!));
        expect(status.err).toBe("BlockhashNotFound");
      });

      test("a fee payer without funds: preflight refuses it; over UDP the bank does not include it; funded, the same bytes retried run once", async () => {
        const broke = Keypair.generate();
        const recipient = Keypair.generate().publicKey;
        const transaction = await signedTransfer(broke, recipient, 1_000_000);
        const refused = await sendTransactionRpc(transaction.serialize());
        expect(refused.error?.code).toBe(-32002);
        const latencyCount = (outcome: string) =>
          node.metric(`outrider_pipeline_transaction_latency_seconds_count{outcome="${outcome}"}`);
        const [executedBefore, droppedBefore] = [
          await latencyCount("executed"),
          await latencyCount("dropped"),
        ];
        sendDatagram(transaction.serialize());
        const status = await waitForStatus(connection, bs58(transaction.signatures[0].signature!));
        expect(status.err).not.toBeNull();
        expect(status.outriderDropped?.reason).toBeDefined();
        // Not included is not executed: its latency counts as dropped.
        expect(
          await waitForMetric(
            'outrider_pipeline_transaction_latency_seconds_count{outcome="dropped"}',
            droppedBefore + 1,
          ),
        ).toBeGreaterThanOrEqual(droppedBefore + 1);
        expect(await latencyCount("executed")).toBe(executedBefore);
        expect(await connection.getBalance(broke.publicKey)).toBe(0);
        // Not included, so nothing ran: dedup forgot the signature and a retry of the same bytes may run.
        const funding = await connection.requestAirdrop(broke.publicKey, LAMPORTS_PER_SOL);
        await connection.confirmTransaction({
          signature: funding,
          ...(await connection.getLatestBlockhash()),
        });
        const cacheHits = 'outrider_verify_signature_cache_lookups_total{result="hit"}';
        const hitsBefore = await node.metric(cacheHits);
        sendDatagram(transaction.serialize());
        const deadline = Date.now() + 10_000;
        while (Date.now() < deadline && (await connection.getBalance(recipient, "processed")) === 0) {
          await Bun.sleep(50);
        }
        expect(await connection.getBalance(recipient, "processed")).toBe(1_000_000);
        expect((await waitForStatus(connection, bs58(transaction.signatures[0].signature!))).err).toBeNull();
        // With the trading cache the retry's signature was not verified again.
        if (mode.tradingCache) {
          expect(await node.metric(cacheHits)).toBe(hitsBefore + 1);
        }
        expect(
          await node.metric('outrider_ingress_transactions_returned_total{result="handed_back"}'),
        ).toBeGreaterThanOrEqual(1);
        // Once it ran, the same bytes are a duplicate again.
        await expectDroppedOverUdp(transaction.serialize(), "duplicate");
        expect(await connection.getBalance(recipient, "processed")).toBe(1_000_000);
      });

      test("still serving after all of it; /health ok, /status names every stage", async () => {
        expect(await (await fetch(`${node.rpcUrl}/health`)).text()).toBe("ok");
        const status = (await (await fetch(`${node.rpcUrl}/status`)).json()) as {
          slot: number;
          stages: { instance: string }[];
          rings: { name: string }[];
        };
        expect(status.slot).toBeGreaterThan(0);
        expect(status.stages.map((stage) => stage.instance)).toEqual([
          "ingress",
          "verify#0",
          "schedule",
          "bank",
        ]);
        expect(status.rings.map((ring) => ring.name)).toContain("schedule_bank");
        expect(await node.metric('outrider_verify_signatures_checked_total{result="valid"}')).toBeGreaterThan(
          0,
        );
        expect(
          await node.metric('outrider_verify_signatures_checked_total{result="invalid"}'),
        ).toBeGreaterThan(0);
        expect(await node.metric("outrider_verify_dedup_memory_bytes")).toBeGreaterThan(0);
        expect(
          await node.metric('outrider_pipeline_stage_duration_seconds_count{stage="bank"}'),
        ).toBeGreaterThan(0);
        expect(
          await node.metric('outrider_pipeline_stage_duration_seconds_count{stage="verify"}'),
        ).toBeGreaterThan(0);
        expect(await node.metric("outrider_verify_dedup_signatures")).toBeGreaterThan(0);
      });

      test("SIGTERM drains and exits 0", async () => {
        expect(await node.stop("SIGTERM")).toBe(0);
        expect(node.stderr()).toContain('"msg":"stopped"');
      });
    });
  });
}
