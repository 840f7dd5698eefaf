// Account-load latency in upstream mode, with and without the trading cache, in the same run: one
// `outrider run` (embedded SVM) plays the node and holds accounts shaped like a trading workload
// (markets, book sides, event queues, oracles, users' open orders and token accounts, a cold tail);
// two `outrider run --upstream` fronts stand before it, one with --enable-trading-cache. A client
// replays the same trading access trace (src/accounts/trading-trace.ts, seeded) as getAccountInfo
// calls against each front, in alternating blocks so both see the same machine load, while transfers
// keep changing accounts on the node. Latency is measured at the client, per request.
// Usage: bun bench/upstream-account-load.bench.ts [--reads N] [--warmup N] [--cold-read-probability P] [--json FILE]
import { parseArgs } from "node:util";
import { Connection, Keypair, LAMPORTS_PER_SOL, SystemProgram, Transaction } from "@solana/web3.js";
import { generateTradingTrace } from "../src/accounts/trading-trace.ts";
import { base58Encode } from "../src/tx/base58.ts";
import { startOutrider } from "../tests/helpers/outrider-process.ts";
import { writeBenchJson } from "./json-output.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    reads: { type: "string", default: "4000" },
    warmup: { type: "string", default: "6000" },
    /** Share of trades that also read a cold-tail account (the generator's default is 0.5). */
    "cold-read-probability": { type: "string", default: "0.5" },
    json: { type: "string" },
  },
});
const readsMeasured = Number(values.reads);
const readsWarmup = Number(values.warmup);
const BLOCK = 250;
/** Account data is capped so that setting up the node stays quick; sizes keep their order. */
const DATA_BYTES_MAX = 16_384;

const trace = generateTradingTrace({
  seed: 11,
  trades: Math.ceil((readsWarmup + readsMeasured) / 6) + 100,
  markets: 12,
  oracles: 6,
  users: 200,
  coldAccounts: 3000,
  coldReadProbability: Number(values["cold-read-probability"]),
});
const addressOf = (id: number) => base58Encode(trace.addresses, id * 32, 32);
const sizeOfId = new Map<number, number>();
for (let index = 0; index < trace.accesses; index++)
  sizeOfId.set(trace.accountIds[index], trace.dataBytes[index]);

const node = await startOutrider([
  "--slot-ms",
  "400",
  "--set",
  "ingress.pool_packets=65536",
  "--set",
  "bank.airdrop_lamports_max=100000000000000",
]);
const fronts = {
  plain: await startOutrider(["--upstream", node.rpcUrl, "--upstream-ws", node.pubsubUrl]),
  cached: await startOutrider([
    "--upstream",
    node.rpcUrl,
    "--upstream-ws",
    node.pubsubUrl,
    "--enable-trading-cache",
    "--set",
    "accounts.cache_bytes_max=67108864",
  ]),
};

try {
  // The node holds the trace's accounts: created with their (capped) sizes, the cold tail left as
  // never-created addresses (reads of missing accounts are part of real traffic too).
  const connection = new Connection(node.rpcUrl, { wsEndpoint: node.pubsubUrl, commitment: "confirmed" });
  const funder = Keypair.generate();
  await connection.confirmTransaction(
    {
      signature: await connection.requestAirdrop(funder.publicKey, 2_000 * LAMPORTS_PER_SOL),
      ...(await connection.getLatestBlockhash()),
    },
    "confirmed",
  );
  const ids = [...sizeOfId.keys()].filter((id) => sizeOfId.get(id) !== 0 || id < 2000);
  const keypairs = new Map<number, Keypair>();
  // Trace addresses are random bytes without keys: each id gets a real keypair on the node instead.
  for (const id of ids) keypairs.set(id, Keypair.generate());
  const created: string[] = [];
  let pending: Promise<unknown>[] = [];
  for (const [id, keypair] of keypairs) {
    const space = Math.min(DATA_BYTES_MAX, sizeOfId.get(id) ?? 0);
    const lamports = await connection.getMinimumBalanceForRentExemption(space);
    const transaction = new Transaction().add(
      SystemProgram.createAccount({
        fromPubkey: funder.publicKey,
        newAccountPubkey: keypair.publicKey,
        lamports: lamports + 1_000_000,
        space,
        programId: SystemProgram.programId,
      }),
    );
    pending.push(connection.sendTransaction(transaction, [funder, keypair], { skipPreflight: true }));
    created.push(keypair.publicKey.toBase58());
    if (pending.length >= 64) {
      await Promise.all(pending);
      pending = [];
    }
  }
  await Promise.all(pending);
  await Bun.sleep(1000);
  const addressOfId = (id: number) => keypairs.get(id)?.publicKey.toBase58() ?? addressOf(id);

  // Transfers keep changing accounts on the node while the fronts are read (notifications flow).
  let writing = true;
  const payers = created.slice(0, 50);
  const writer = (async () => {
    let turn = 0;
    while (writing) {
      const to = keypairs.get(ids[turn % ids.length])!.publicKey;
      const transaction = new Transaction().add(
        SystemProgram.transfer({ fromPubkey: funder.publicKey, toPubkey: to, lamports: 1000 + turn }),
      );
      await connection.sendTransaction(transaction, [funder], { skipPreflight: true }).catch(() => {});
      turn++;
      await Bun.sleep(20);
    }
  })();
  void payers;

  const body = (address: string) =>
    JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "getAccountInfo",
      params: [address, { encoding: "base64", commitment: "processed" }],
    });
  const readOnce = async (url: string, address: string): Promise<number> => {
    const startedNs = Bun.nanoseconds();
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: body(address),
    });
    const answer = (await response.json()) as { error?: unknown };
    if (answer.error) throw new Error(`getAccountInfo failed: ${JSON.stringify(answer.error)}`);
    return (Bun.nanoseconds() - startedNs) / 1e6;
  };
  const samples: Record<"plain" | "cached", number[]> = { plain: [], cached: [] };
  const total = readsWarmup + readsMeasured;
  for (let start = 0; start < total; start += BLOCK) {
    for (const name of ["plain", "cached"] as const) {
      const url = fronts[name].rpcUrl;
      for (let index = start; index < Math.min(total, start + BLOCK); index++) {
        const latencyMs = await readOnce(url, addressOfId(trace.accountIds[index]));
        if (index >= readsWarmup) samples[name].push(latencyMs);
      }
    }
  }
  writing = false;
  await writer;

  const quantile = (list: number[], q: number) => {
    const sorted = [...list].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  };
  const metric = async (series: string) => fronts.cached.metric(series);
  let hits = 0;
  let lookups = 0;
  for (const kind of ["market", "book_side", "event_queue", "oracle", "open_orders", "token", "other"]) {
    for (const result of ["hit", "miss", "stale"]) {
      const value = await metric(`outrider_accounts_cache_lookups_total{result="${result}",kind="${kind}"}`);
      lookups += value;
      if (result === "hit") hits += value;
    }
  }
  const rows = (["plain", "cached"] as const).map((name) => ({
    front: name,
    reads: samples[name].length,
    p50Ms: quantile(samples[name], 0.5),
    p99Ms: quantile(samples[name], 0.99),
    meanMs: samples[name].reduce((sum, value) => sum + value, 0) / samples[name].length,
  }));
  const [plain, cached] = rows;
  const report = {
    bench: "upstream-account-load",
    baseline: "outrider run --upstream without the trading cache (reads pass through to the node)",
    readsWarmup,
    readsMeasured,
    coldReadProbability: Number(values["cold-read-probability"]),
    accountsOnNode: created.length,
    results: rows,
    p50Reduction: 1 - cached.p50Ms / plain.p50Ms,
    p99Reduction: 1 - cached.p99Ms / plain.p99Ms,
    cacheHitRatio: lookups === 0 ? 0 : hits / lookups,
    nodeNotificationsApplied: await metric('outrider_accounts_cache_updates_total{source="notification"}'),
  };
  console.log(
    `getAccountInfo latency at the client, ${readsMeasured} reads each after ${readsWarmup} warm-up`,
  );
  for (const row of rows)
    console.log(
      `${row.front.padEnd(8)} p50 ${row.p50Ms.toFixed(3)} ms  p99 ${row.p99Ms.toFixed(3)} ms  mean ${row.meanMs.toFixed(3)} ms`,
    );
  console.log(
    `cache: p50 −${(report.p50Reduction * 100).toFixed(1)}%, p99 −${(report.p99Reduction * 100).toFixed(1)}%, hit ratio ${report.cacheHitRatio.toFixed(3)}`,
  );
  writeBenchJson(report);
} finally {
  await fronts.cached.stop();
  await fronts.plain.stop();
  await node.stop();
}
