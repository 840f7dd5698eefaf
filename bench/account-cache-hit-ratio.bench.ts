// Hit ratio of the account cache's policy against plain LRU (lru-cache) and Bélády's optimal with
// admission bypass, at several byte capacities, on the seeded trading access trace (src/accounts/
// trading-trace.ts: seed 7, 200,000 trades, about 1.6 M accesses — markets with their book sides and
// event queues, oracles, users' open orders and token accounts, a cold tail, cranks). The same
// replay `outrider cache sim` does, over a generated trace instead of a file.
//
// A fourth column bounds what an online policy can reach: the popularity bound. Every trade is drawn
// independently from fixed popularity laws, so whatever a policy holds, the next read hits it with
// probability at most the largest total popularity a byte-bounded set can have: the fractional knapsack
// of accounts by reads per byte (densest first, a share of the first that does not fit), here with each
// account's realised read count over the trace as its popularity, each held account missing once.
// A policy that does not know the future order cannot expect to beat it; Bélády's points above it come
// from knowing the order.
// Usage: bun bench/account-cache-hit-ratio.bench.ts [--sizes-mib 16,32,48,64,128,256] [--seeds 7,1,2]
//        [--json FILE]
import { parseArgs } from "node:util";
import type { AccessTrace } from "../src/accounts/access-trace.ts";
import { ACCOUNT_ENTRY_OVERHEAD_BYTES } from "../src/accounts/account-cache.ts";
import { simulateCachePolicies } from "../src/accounts/cache-simulation.ts";
import { generateTradingTrace } from "../src/accounts/trading-trace.ts";
import { writeBenchJson } from "./json-output.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    "sizes-mib": { type: "string", default: "16,32,48,64,128,256" },
    seeds: { type: "string", default: "7" },
    json: { type: "string" },
  },
});
const sizesMib = values["sizes-mib"].split(",").map(Number);
const seeds = values.seeds.split(",").map(Number);

/** Hits of the popularity oracle (see above) at a byte capacity. */
function popularityOracleHits(trace: AccessTrace, capacityBytes: number): number {
  const reads = new Float64Array(trace.distinctAccounts);
  const weight = new Float64Array(trace.distinctAccounts);
  for (let index = 0; index < trace.accesses; index++) {
    const id = trace.accountIds[index];
    reads[id]++;
    weight[id] = trace.dataBytes[index] + ACCOUNT_ENTRY_OVERHEAD_BYTES;
  }
  const order = Array.from({ length: trace.distinctAccounts }, (_, id) => id).sort(
    (a, b) => reads[b] / weight[b] - reads[a] / weight[a],
  );
  // Fractional knapsack (the linear relaxation): densest first, a share of the first that does not fit.
  let used = 0;
  let hits = 0;
  for (const id of order) {
    if (used + weight[id] > capacityBytes) {
      hits += ((capacityBytes - used) / weight[id]) * (reads[id] - 1);
      break;
    }
    used += weight[id];
    hits += reads[id] - 1;
  }
  return hits;
}

const rows: Record<string, number>[] = [];
for (const seed of seeds) {
  const trace = generateTradingTrace({ seed, trades: 200_000 });
  console.log(`trading trace seed ${seed}: ${trace.accesses} accesses, ${trace.distinctAccounts} accounts`);
  console.log(
    `${"capacity".padEnd(9)} ${"outrider".padStart(9)} ${"lru".padStart(9)} ${"optimal".padStart(9)} ${"vs opt".padStart(8)} ${"oracle".padStart(9)} ${"vs oracle".padStart(10)}`,
  );
  for (const mib of sizesMib) {
    const capacityBytes = mib * 1024 * 1024;
    const result = simulateCachePolicies(trace, { unit: "bytes", value: capacityBytes });
    const { outrider, lru, optimal } = result.policies;
    const oracle = Math.round((popularityOracleHits(trace, capacityBytes) / trace.accesses) * 1e6) / 1e6;
    const points = (value: number) => Math.round(value * 1e4) / 100;
    const row = {
      seed,
      capacityMib: mib,
      outrider,
      lru,
      optimal,
      popularityOracle: oracle,
      pointsBelowOptimal: points(optimal - outrider),
      pointsBelowPopularityOracle: points(oracle - outrider),
    };
    console.log(
      `${`${mib} MiB`.padEnd(9)} ${outrider.toFixed(4).padStart(9)} ${lru.toFixed(4).padStart(9)} ${optimal.toFixed(4).padStart(9)} ${row.pointsBelowOptimal.toFixed(2).padStart(8)} ${oracle.toFixed(4).padStart(9)} ${row.pointsBelowPopularityOracle.toFixed(2).padStart(10)}`,
    );
    rows.push(row);
  }
}
writeBenchJson({
  bench: "account-cache-hit-ratio",
  baseline:
    "lru-cache 11, Bélády with admission bypass (greedy by bytes) and the popularity oracle, same trace",
  trace: { generator: "generateTradingTrace", seeds, trades: 200_000 },
  results: rows,
});
