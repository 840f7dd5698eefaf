// --enable-adaptive-buffering on a real `outrider run`: a UDP flood of low-fee transfers from one
// address, many times what the pipeline drains, does not starve a second address sending at a normal
// fee, and high-fee transfers sent from the flooding address itself all land; the flood's own packets
// are the ones dropped, each counted under its reason in /metrics. The flood is larger than the whole
// packet pool, the memory the baseline's queues share, so it overloads either mode. (Every packet of
// the two small senders is sent twice — during the flood, and again while the buffer is still full after
// it — so a datagram lost in the kernel's socket buffer cannot fail the test; verify drops a copy that
// arrives second as a duplicate, and the status stays "executed".)
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Connection, type Keypair, LAMPORTS_PER_SOL } from "@solana/web3.js";
import { base58Encode } from "../../src/tx/base58.ts";
import { FeeTransferFactory } from "../helpers/fee-transfers.ts";
import { type OutriderProcess, startOutrider } from "../helpers/outrider-process.ts";
import { fundedKeypair } from "../helpers/web3-waits.ts";

type Udp = { send(data: Uint8Array, port: number, address: string): boolean; close(): void };

let node: OutriderProcess;
let connection: Connection;
let floodSocket: Udp;
let quietSocket: Udp;

beforeAll(async () => {
  node = await startOutrider([
    "--enable-adaptive-buffering",
    // The pool (4,096 slots, as the baseline run of this scenario has) is the memory both modes share.
    "--set",
    "ingress.pool_packets=4096",
    "--set",
    "adaptive_ingress.buffer_packets_max=3584",
    "--set",
    "adaptive_ingress.window_packets_min=256",
    "--set",
    "adaptive_ingress.window_packets_max=512",
  ]);
  connection = new Connection(node.rpcUrl, { wsEndpoint: node.pubsubUrl, commitment: "confirmed" });
  floodSocket = (await Bun.udpSocket({ hostname: "127.0.0.1" })) as unknown as Udp;
  quietSocket = (await Bun.udpSocket({ hostname: "127.0.0.2" })) as unknown as Udp;
});
afterAll(async () => {
  floodSocket?.close();
  quietSocket?.close();
  if (node && node.child.exitCode === null) await node.stop();
});

const signatureOf = (wire: Uint8Array) => base58Encode(new Uint8Array(wire), 1, 64);

describe("adaptive buffering under a flood", () => {
  test("another sender is not starved, high fees land, the flood pays for itself", async () => {
    const [floodPayer, quietPayer, highPayer, recipient] = await Promise.all([
      fundedKeypair(connection, LAMPORTS_PER_SOL),
      fundedKeypair(connection, LAMPORTS_PER_SOL),
      fundedKeypair(connection, 2 * LAMPORTS_PER_SOL),
      fundedKeypair(connection, LAMPORTS_PER_SOL), // rent-exempt already, so small transfers to it succeed
    ]);
    const { blockhash } = await connection.getLatestBlockhash();
    const to = recipient.publicKey;
    const shape = (payer: Keypair, microLamportsPerComputeUnit: number) =>
      new FeeTransferFactory({ payer, to, blockhash, microLamportsPerComputeUnit, computeUnitLimit: 10_000 });
    const flood = shape(floodPayer, 1);
    const quiet = shape(quietPayer, 10_000);
    const high = shape(highPayer, 1_000_000_000);
    const FLOOD = 10_000;
    const CHUNK = 25;
    const floodWires = Array.from({ length: FLOOD }, (_, index) => flood.make(1_000 + index));
    const quietWires = Array.from({ length: 30 }, (_, index) => quiet.make(1_000 + index));
    const highWires = Array.from({ length: 20 }, (_, index) => high.make(1_000 + index));

    const droppedSeries = ["share_evicted", "share_refused", "priority_evicted", "priority_refused"].map(
      (reason) => `outrider_ingress_packets_dropped_total{reason="${reason}"}`,
    );
    const droppedTotal = async () =>
      (await Promise.all(droppedSeries.map((series) => node.metric(series)))).reduce((a, b) => a + b, 0);
    const droppedBefore = await droppedTotal();

    // About 15,000 datagrams/s, several times what the pipeline drains, and more than the pool holds
    // (the baseline FIFO in this scenario drops the small senders' packets too); the small senders send
    // in the second half, and once more right after the flood, while the buffer is still full.
    const startedMs = performance.now();
    let quietSent = 0;
    let highSent = 0;
    for (let chunk = 0; chunk * CHUNK < FLOOD; chunk++) {
      for (const wire of floodWires.slice(chunk * CHUNK, (chunk + 1) * CHUNK))
        floodSocket.send(wire, node.tpuPort, node.tpuHost);
      if (chunk >= 200 && chunk % 4 === 0 && quietSent < quietWires.length)
        quietSocket.send(quietWires[quietSent++], node.tpuPort, node.tpuHost);
      if (chunk >= 200 && chunk % 6 === 0 && highSent < highWires.length)
        floodSocket.send(highWires[highSent++], node.tpuPort, node.tpuHost);
      const dueMs = startedMs + ((chunk + 1) * CHUNK) / 15;
      if (dueMs > performance.now()) await Bun.sleep(dueMs - performance.now());
    }
    expect(quietSent).toBe(quietWires.length);
    expect(highSent).toBe(highWires.length);
    for (const wire of quietWires) quietSocket.send(wire, node.tpuPort, node.tpuHost);
    for (const wire of highWires) floodSocket.send(wire, node.tpuPort, node.tpuHost);
    // The copies met a full buffer: they competed with the flood's backlog, not with an idle pipeline.
    expect(await node.metric("outrider_ingress_buffer_packets_held")).toBeGreaterThan(3_000);

    const watchedWires = [...quietWires, ...highWires];
    const watched = watchedWires.map(signatureOf);
    const deadline = Date.now() + 20_000;
    let statuses: Awaited<ReturnType<Connection["getSignatureStatuses"]>>["value"] = [];
    for (let poll = 1; Date.now() < deadline; poll++) {
      statuses = (await connection.getSignatureStatuses(watched, { searchTransactionHistory: true })).value;
      if (statuses.every((status) => status !== null && status.err === null)) break;
      // A watched packet with no status at all never reached Outrider (both copies lost in the
      // kernel's socket buffer on a loaded machine): send it again, as its bot would. One that
      // Outrider dropped has a status with an error, is not re-sent, and fails the test below.
      if (poll % 10 === 0) {
        statuses.forEach((status, index) => {
          if (status === null) quietSocket.send(watchedWires[index], node.tpuPort, node.tpuHost);
        });
      }
      await Bun.sleep(100);
    }
    const failed = watched.filter((_, index) => statuses[index] === null || statuses[index]?.err !== null);
    expect(failed).toEqual([]);
    // The flood really overloaded the buffer, and its losses are counted by reason.
    expect((await droppedTotal()) - droppedBefore).toBeGreaterThan(1_000);
    // The small senders' packets arrived into a full buffer and displaced the flood's, counted as such
    // (half of them at least: a datagram may be lost in the kernel, or meet a buffer just short of full).
    const evicted =
      (await node.metric('outrider_ingress_packets_dropped_total{reason="share_evicted"}')) +
      (await node.metric('outrider_ingress_packets_dropped_total{reason="priority_evicted"}'));
    expect(evicted).toBeGreaterThanOrEqual((quietWires.length + highWires.length) / 2);
    expect(await node.metric("outrider_ingress_buffer_packets_capacity")).toBe(3584);
    expect(await node.metric('outrider_ingress_packets_forwarded_total{source="udp"}')).toBeGreaterThan(50);
    const status = (await (await fetch(`${node.rpcUrl}/status`)).json()) as {
      flags: Record<string, boolean>;
      ingressBuffer: { kind: string };
    };
    expect(status.flags.enable_adaptive_buffering).toBe(true);
    expect(status.ingressBuffer.kind).toBe("priority");
  });
});
