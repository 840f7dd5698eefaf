// End-to-end pipeline: transfers/s through a real `outrider run` (profile baseline by default)
// over UDP and over JSON-RPC sendTransaction, and the latency from intake to executed
// (p50/p99, from the pipeline's own latency histogram). Clients run in this process; the
// companion in its own. Usage: bun bench/pipeline.bench.ts [--transactions N] [--rate-tps N] [--profile NAME] [--json FILE]
import { sign } from "node:crypto";
import { parseArgs } from "node:util";
import { Connection, Keypair, LAMPORTS_PER_SOL, SystemProgram, Transaction } from "@solana/web3.js";
import { keypairFromSeed } from "../src/simulate/keys.ts";
import { startOutrider } from "../tests/helpers/outrider-process.ts";
import { writeBenchJson } from "./json-output.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    transactions: { type: "string", default: "3000" },
    "rate-tps": { type: "string", default: "2000" },
    profile: { type: "string", default: "baseline" },
    json: { type: "string" },
  },
});
const transactionsPerRun = Number(values.transactions);
/** Offered load: sends are paced to this many transactions per second (UDP has no back-pressure). */
const rateTps = Number(values["rate-tps"]);
const PACE_CHUNK = 32;

/** Waits until `sent` transactions are due at the offered rate. */
async function pace(startedMs: number, sent: number): Promise<void> {
  const dueMs = startedMs + (sent / rateTps) * 1000;
  const waitMs = dueMs - performance.now();
  if (waitMs > 0) await Bun.sleep(waitMs);
}
const PAYERS = 32;

interface Histogram {
  bounds: number[];
  counts: number[];
}

async function latencyHistogram(rpcUrl: string): Promise<Histogram> {
  const text = await (await fetch(`${rpcUrl}/metrics`)).text();
  const bounds: number[] = [];
  const counts: number[] = [];
  for (const line of text.split("\n")) {
    const match = line.match(
      /^outrider_pipeline_transaction_latency_seconds_bucket\{outcome="executed",le="([^"]+)"\} (\S+)/,
    );
    if (match) {
      bounds.push(match[1] === "+Inf" ? Number.POSITIVE_INFINITY : Number(match[1]));
      counts.push(Number(match[2]));
    }
  }
  return { bounds, counts };
}

function quantileMs(before: Histogram, after: Histogram, quantile: number): number {
  const deltas = after.counts.map((count, index) => count - (before.counts[index] ?? 0));
  const total = deltas[deltas.length - 1];
  if (!total) return Number.NaN;
  const target = quantile * total;
  for (let index = 0; index < deltas.length; index++) {
    if (deltas[index] >= target) return after.bounds[index] * 1000;
  }
  return Number.NaN;
}

async function executedTotal(rpcUrl: string): Promise<number> {
  const text = await (await fetch(`${rpcUrl}/metrics`)).text();
  let total = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("outrider_bank_transactions_processed_total{")) total += Number(line.split(" ")[1]);
  }
  return total;
}

const node = await startOutrider([
  "--profile",
  values.profile,
  "--set",
  "ingress.pool_packets=65536",
  "--slot-ms",
  "400",
]);
const connection = new Connection(node.rpcUrl, { wsEndpoint: node.pubsubUrl, commitment: "confirmed" });
const payers = Array.from({ length: PAYERS }, () => Keypair.generate());
for (const payer of payers) {
  const signature = await connection.requestAirdrop(payer.publicKey, 50 * LAMPORTS_PER_SOL);
  await connection.confirmTransaction({ signature, ...(await connection.getLatestBlockhash()) });
}
const keys = payers.map((payer) => keypairFromSeed(payer.secretKey.subarray(0, 32)).privateKey);

async function signedTransfers(count: number, salt: number): Promise<Buffer[]> {
  const { blockhash } = await connection.getLatestBlockhash();
  const wires: Buffer[] = [];
  for (let index = 0; index < count; index++) {
    const from = index % PAYERS;
    const to = (index + 1) % PAYERS;
    const transaction = new Transaction({ feePayer: payers[from].publicKey, recentBlockhash: blockhash }).add(
      SystemProgram.transfer({
        fromPubkey: payers[from].publicKey,
        toPubkey: payers[to].publicKey,
        lamports: 1 + index + salt,
      }),
    );
    const message = transaction.serializeMessage();
    transaction.addSignature(payers[from].publicKey, sign(null, message, keys[from]));
    wires.push(transaction.serialize());
  }
  return wires;
}

async function measure(name: string, send: (wires: Buffer[]) => Promise<void>, salt: number) {
  const wires = await signedTransfers(transactionsPerRun, salt);
  const executedBefore = await executedTotal(node.rpcUrl);
  const histogramBefore = await latencyHistogram(node.rpcUrl);
  const startedMs = performance.now();
  await send(wires);
  let executed = 0;
  const deadline = Date.now() + 120_000;
  while (executed < wires.length && Date.now() < deadline) {
    await Bun.sleep(20);
    executed = (await executedTotal(node.rpcUrl)) - executedBefore;
  }
  const elapsedSeconds = (performance.now() - startedMs) / 1000;
  const histogramAfter = await latencyHistogram(node.rpcUrl);
  return {
    name,
    transactions: wires.length,
    executed,
    transfersPerSecond: executed / elapsedSeconds,
    latencyMsP50: quantileMs(histogramBefore, histogramAfter, 0.5),
    latencyMsP99: quantileMs(histogramBefore, histogramAfter, 0.99),
  };
}

const udp = await Bun.udpSocket({});
const results: Awaited<ReturnType<typeof measure>>[] = [
  await measure(
    `udp, offered ${rateTps}/s`,
    async (wires) => {
      const startedMs = performance.now();
      for (let index = 0; index < wires.length; index++) {
        udp.send(wires[index], node.tpuPort, node.tpuHost);
        if (index % PACE_CHUNK === PACE_CHUNK - 1) await pace(startedMs, index + 1);
      }
    },
    0,
  ),
  await measure(
    `rpc sendTransaction, offered ${rateTps}/s`,
    async (wires) => {
      let next = 0;
      const startedMs = performance.now();
      const worker = async () => {
        while (next < wires.length) {
          const index = next++;
          await pace(startedMs, index);
          const wire = wires[index];
          await fetch(node.rpcUrl, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({
              jsonrpc: "2.0",
              id: 1,
              method: "sendTransaction",
              params: [wire.toString("base64"), { encoding: "base64", skipPreflight: true }],
            }),
          });
        }
      };
      await Promise.all(Array.from({ length: 32 }, worker));
    },
    1_000_000,
  ),
];
udp.close();
/** Resident and peak resident memory of the companion, from /proc (kB → bytes). */
async function memoryOf(pid: number): Promise<{ rssBytes: number; rssPeakBytes: number }> {
  const status = await Bun.file(`/proc/${pid}/status`).text();
  const field = (name: string) =>
    Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, "m"))?.[1] ?? 0) * 1024;
  return { rssBytes: field("VmRSS"), rssPeakBytes: field("VmHWM") };
}
const memory = await memoryOf(node.child.pid);
await node.stop();

console.log(`profile ${values.profile}, transfers through \`outrider run\`:`);
console.log("path                                 sent  executed  landed/s  p50 ms  p99 ms");
for (const result of results) {
  console.log(
    `${result.name.padEnd(36)} ${String(result.transactions).padStart(5)} ${String(result.executed).padStart(9)} ${result.transfersPerSecond.toFixed(0).padStart(12)} ${result.latencyMsP50.toFixed(1).padStart(7)} ${result.latencyMsP99.toFixed(1).padStart(7)}`,
  );
}
console.log("(latency: histogram bucket upper bounds; intake to executed in the bank)");
console.log(
  `companion memory after the runs: RSS ${(memory.rssBytes / 2 ** 20).toFixed(1)} MiB, peak ${(memory.rssPeakBytes / 2 ** 20).toFixed(1)} MiB`,
);
writeBenchJson({ bench: "pipeline", profile: values.profile, results, memory });
