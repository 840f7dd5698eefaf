// --enable-adaptive-buffering gives every JSON-RPC connection a fair share of its own: on a real
// `outrider run`, one HTTP client floods sendTransaction (JSON-RPC batches, one keep-alive connection)
// far faster than the pipeline drains, while a second client on its own connection sends a few
// transactions at a LOWER fee. The buffer is full, so with all RPC traffic as one source the quiet
// client's transactions would be the lowest overall and refused at the door; as a source of its own,
// within its share, each of them is accepted (the flood's over-share source gives up its lowest) and
// executes. Two node:http agents with one socket each are the two TCP connections.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import http from "node:http";
import { Connection, LAMPORTS_PER_SOL } from "@solana/web3.js";
import { base58Encode } from "../../src/tx/base58.ts";
import { FeeTransferFactory } from "../helpers/fee-transfers.ts";
import { type OutriderProcess, startOutrider } from "../helpers/outrider-process.ts";
import { fundedKeypair } from "../helpers/web3-waits.ts";

let node: OutriderProcess;
let connection: Connection;
const floodAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const quietAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });

beforeAll(async () => {
  node = await startOutrider([
    "--enable-adaptive-buffering",
    "--set",
    "ingress.pool_packets=2048",
    "--set",
    "adaptive_ingress.buffer_packets_max=1280",
    "--set",
    "adaptive_ingress.window_packets_min=256",
    "--set",
    "adaptive_ingress.window_packets_max=512",
  ]);
  connection = new Connection(node.rpcUrl, { wsEndpoint: node.pubsubUrl, commitment: "confirmed" });
});
afterAll(async () => {
  floodAgent.destroy();
  quietAgent.destroy();
  if (node && node.child.exitCode === null) await node.stop();
});

type RpcAnswer = { result?: unknown; error?: { code: number; message: string } };

/** One JSON-RPC POST on the agent's single keep-alive connection. */
function post(agent: http.Agent, body: unknown): Promise<RpcAnswer | RpcAnswer[]> {
  const url = new URL(node.rpcUrl);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: url.hostname,
        port: Number(url.port),
        path: "/",
        method: "POST",
        agent,
        headers: { "content-type": "application/json" },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(JSON.stringify(body));
  });
}

const sendRequest = (wire: Uint8Array, id: number) => ({
  jsonrpc: "2.0",
  id,
  method: "sendTransaction",
  params: [Buffer.from(wire).toString("base64"), { encoding: "base64", skipPreflight: true }],
});

describe("adaptive buffering: a fair share per JSON-RPC connection", () => {
  test("a flooding connection does not get a quiet connection's lower-fee transactions refused", async () => {
    const [floodPayer, quietPayer, recipient] = await Promise.all([
      fundedKeypair(connection, LAMPORTS_PER_SOL),
      fundedKeypair(connection, LAMPORTS_PER_SOL),
      fundedKeypair(connection, LAMPORTS_PER_SOL),
    ]);
    const { blockhash } = await connection.getLatestBlockhash();
    const shape = (payer: typeof floodPayer, microLamportsPerComputeUnit: number) =>
      new FeeTransferFactory({
        payer,
        to: recipient.publicKey,
        blockhash,
        microLamportsPerComputeUnit,
        computeUnitLimit: 10_000,
      });
    const flood = shape(floodPayer, 1_000);
    const quiet = shape(quietPayer, 1); // a lower fee than every flood transaction
    const BATCHES = 24;
    const BATCH = 250;
    const floodWires = Array.from({ length: BATCHES * BATCH }, (_, index) => flood.make(1_000 + index));
    const quietWires = Array.from({ length: 20 }, (_, index) => quiet.make(1_000 + index));

    let floodRefused = 0;
    let floodBatches = 0;
    let quietDone = false;
    const flooding = (async () => {
      // Until the quiet client is done (bounded): after the first pass, copies of the same
      // transactions, which take room in the buffer just the same (verify drops the duplicates).
      for (let batch = 0; !quietDone && batch < 40 * BATCHES; batch++, floodBatches++) {
        const first = (batch % BATCHES) * BATCH;
        const answers = (await post(
          floodAgent,
          floodWires.slice(first, first + BATCH).map((wire, index) => sendRequest(wire, index)),
        )) as RpcAnswer[];
        floodRefused += answers.filter((answer) => answer.error !== undefined).length;
      }
    })();
    // The quiet client starts once the flood has filled the buffer, and sends while it floods.
    const capacity = await node.metric("outrider_ingress_buffer_packets_capacity");
    expect(capacity).toBe(1280);
    for (let waited = 0; waited < 200; waited++) {
      if ((await node.metric("outrider_ingress_buffer_packets_held")) >= 0.9 * capacity) break;
      await Bun.sleep(10);
    }
    const heldAtStart = await node.metric("outrider_ingress_buffer_packets_held");
    const quietAnswers: RpcAnswer[] = [];
    for (const [index, wire] of quietWires.entries()) {
      quietAnswers.push((await post(quietAgent, sendRequest(wire, index))) as RpcAnswer);
      await Bun.sleep(5);
    }
    const heldAtEnd = await node.metric("outrider_ingress_buffer_packets_held");
    quietDone = true;
    await flooding;

    expect(heldAtStart).toBeGreaterThanOrEqual(0.9 * capacity);
    expect(quietAnswers.filter((answer) => answer.error !== undefined)).toEqual([]);
    // The quiet client competed with a full buffer from its first transaction to its last.
    expect(heldAtEnd).toBeGreaterThanOrEqual(0.9 * capacity);
    expect(floodBatches).toBeLessThan(40 * BATCHES);
    expect(floodRefused).toBeGreaterThan(1_000); // the flood overloaded the buffer and paid for it
    const shareDrops =
      (await node.metric('outrider_ingress_packets_dropped_total{reason="share_refused"}')) +
      (await node.metric('outrider_ingress_packets_dropped_total{reason="share_evicted"}'));
    expect(shareDrops).toBeGreaterThan(0);

    // Accepted is not yet executed: every quiet transaction ends executed, none evicted later.
    const signatures = quietWires.map((wire) => base58Encode(new Uint8Array(wire), 1, 64));
    const deadline = Date.now() + 20_000;
    let statuses: Awaited<ReturnType<Connection["getSignatureStatuses"]>>["value"] = [];
    while (Date.now() < deadline) {
      statuses = (await connection.getSignatureStatuses(signatures, { searchTransactionHistory: true }))
        .value;
      if (statuses.every((status) => status !== null && status.err === null)) break;
      await Bun.sleep(100);
    }
    expect(
      signatures.filter((_, index) => statuses[index] === null || statuses[index]?.err !== null),
    ).toEqual([]);
  });
});
