// Hit ratio of the account cache's policy against plain LRU (lru-cache) and Bélády's optimal with
// admission bypass, at several byte capacities, on the seeded trading access trace (src/accounts/
// trading-trace.ts: seed 7, 200,000 trades, about 1.6 M accesses — markets with their book sides and
// event queues, oracles, users' open orders and token accounts, a cold tail, cranks). The same
// replay `outrider cache sim` does, over a generated trace instead of a file.
// Usage: bun bench/account-cache-hit-ratio.bench.ts [--sizes-mib 16,32,64,128,256] [--json FILE]
import { parseArgs } from "node:util";
import { simulateCachePolicies } from "../src/accounts/cache-simulation.ts";
import { generateTradingTrace } from "../src/accounts/trading-trace.ts";
import { writeBenchJson } from "./json-output.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { "sizes-mib": { type: "string", default: "16,32,48,64,128,256" }, json: { type: "string" } },
});
const sizesMib = values["sizes-mib"].split(",").map(Number);
const trace = generateTradingTrace({ seed: 7, trades: 200_000 });
console.log(`trading trace: ${trace.accesses} accesses, ${trace.distinctAccounts} accounts`);
console.log(
  `${"capacity".padEnd(9)} ${"outrider".padStart(9)} ${"lru".padStart(9)} ${"optimal".padStart(9)} ${"vs opt".padStart(8)}`,
);
const rows = sizesMib.map((mib) => {
  const result = simulateCachePolicies(trace, { unit: "bytes", value: mib * 1024 * 1024 });
  const { outrider, lru, optimal } = result.policies;
  const row = {
    capacityMib: mib,
    outrider,
    lru,
    optimal,
    pointsBelowOptimal: Math.round((optimal - outrider) * 1e4) / 100,
  };
  console.log(
    `${`${mib} MiB`.padEnd(9)} ${outrider.toFixed(4).padStart(9)} ${lru.toFixed(4).padStart(9)} ${optimal.toFixed(4).padStart(9)} ${row.pointsBelowOptimal.toFixed(2).padStart(8)}`,
  );
  return row;
});
writeBenchJson({
  bench: "account-cache-hit-ratio",
  baseline: "lru-cache 11 and Bélády with admission bypass (greedy by bytes), same trace",
  trace: { generator: "generateTradingTrace", seed: 7, trades: 200_000, accesses: trace.accesses },
  results: rows,
});
