// Recency-heavy traces, where an LRU is hard to beat and W-TinyLFU has to grow its window to keep up:
// Outrider's policy against lru-cache on seeded synthetic traces (the replay `outrider cache sim` does).
// - shifting: 2,000 accounts read uniformly, a new set every 20,000 reads (entry-bounded, 1,500);
// - recency stack: 30 % of reads are new accounts, the rest re-read one of the last 2,000 new ones,
//   biased to the most recent (entry-bounded, 1,000 and 300);
// - shifting by bytes: 3,000 accounts of 165 B / 3.2 KB / 840 B, a new set every 30,000 reads (3 MiB);
// - loop: 1,200 accounts in order, 1,000 entries (LRU's worst case, for contrast).
// Usage: bun bench/account-cache-recency.bench.ts [--json FILE]
import { type AccessTrace, syntheticAccessTrace } from "../src/accounts/access-trace.ts";
import { simulateLru, simulateOutrider } from "../src/accounts/cache-simulation.ts";
import { writeBenchJson } from "./json-output.ts";

const trace = syntheticAccessTrace;

function recencyStack(seed: number): AccessTrace {
  let next = 0;
  const recent: number[] = [];
  return trace(300_000, seed, 300_000, (_index, random) => {
    if (recent.length < 10 || random.next() < 0.3) {
      recent.push(next);
      if (recent.length > 2000) recent.shift();
      return next++;
    }
    return recent[recent.length - 1 - Math.floor(random.next() ** 2 * recent.length)];
  });
}

const cases: { name: string; trace: AccessTrace; capacity: { unit: "entries" | "bytes"; value: number } }[] =
  [
    {
      name: "shifting, 1500 entries",
      trace: trace(
        40_000,
        4,
        400_000,
        (index, random) => Math.floor(index / 20_000) * 2000 + random.below(2000),
      ),
      capacity: { unit: "entries", value: 1500 },
    },
    {
      name: "recency stack, 1000 entries",
      trace: recencyStack(5),
      capacity: { unit: "entries", value: 1000 },
    },
    { name: "recency stack, 300 entries", trace: recencyStack(5), capacity: { unit: "entries", value: 300 } },
    {
      name: "shifting by bytes, 3 MiB",
      trace: trace(
        30_000,
        6,
        300_000,
        (index, random) => Math.floor(index / 30_000) * 3000 + random.below(3000),
        (id) => [165, 3228, 840][id % 3],
      ),
      capacity: { unit: "bytes", value: 3 << 20 },
    },
    {
      name: "loop, 1000 entries",
      trace: trace(1200, 2, 60_000, (index) => index % 1200),
      capacity: { unit: "entries", value: 1000 },
    },
  ];
const rows = cases.map(({ name, trace: replayed, capacity }) => {
  const outrider = simulateOutrider(replayed, capacity);
  const row = {
    trace: name,
    outrider: Math.round((outrider.hits / replayed.accesses) * 1e4) / 1e4,
    lru: Math.round((simulateLru(replayed, capacity) / replayed.accesses) * 1e4) / 1e4,
    outriderWindowFraction: Math.round(outrider.windowFraction * 100) / 100,
  };
  console.log(
    `${name.padEnd(28)} outrider ${row.outrider.toFixed(4)}  lru ${row.lru.toFixed(4)}  window ${row.outriderWindowFraction}`,
  );
  return row;
});
writeBenchJson({ bench: "account-cache-recency", baseline: "lru-cache 11, same trace", results: rows });
