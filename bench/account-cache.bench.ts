// Account cache benchmark: get (hit) and put cost of Outrider's AccountCache (32-byte keys, W-TinyLFU)
// against lru-cache (the named baseline, keyed by base58 address strings as most code would) in the
// same mitata run. Each iteration does BATCH operations over a resident set of RESIDENT accounts;
// figures are ns per operation, ratios are Outrider / lru-cache (below 1 = faster). The gets run on
// caches of their own (the put benches churn theirs); the whole run is repeated ROUNDS times and the
// median of each round's ratio is reported, so a load change on a shared machine between two benches
// of one round does not decide the figure.
// Usage: bun bench/account-cache.bench.ts [--json FILE]
import { LRUCache } from "lru-cache";
import { bench, do_not_optimize, run } from "mitata";
import { AccountCache } from "../src/accounts/account-cache.ts";
import { SeededRandom } from "../src/accounts/seeded-random.ts";
import { base58Encode } from "../src/tx/base58.ts";
import { writeBenchJson } from "./json-output.ts";

const RESIDENT = 10_000;
const BATCH = 1000;
const random = new SeededRandom(1);
const addresses = new Uint8Array(RESIDENT * 2 * 32);
random.fill(addresses, 0, addresses.length);
const names = Array.from({ length: RESIDENT * 2 }, (_, id) => base58Encode(addresses, id * 32, 32));
// A shuffled access order over the resident ids, so neither cache sees a sequential pattern.
const order = Int32Array.from({ length: RESIDENT }, (_, index) => index);
for (let index = order.length - 1; index > 0; index--) {
  const other = random.below(index + 1);
  [order[index], order[other]] = [order[other], order[index]];
}

const ROUNDS = 5;
const value = { lamports: 1, data: new Uint8Array(165) };
const filledOutrider = () => {
  const cache = new AccountCache<typeof value>({ capacityBytes: 1 << 30, entriesMax: RESIDENT, seed: 3 });
  for (let id = 0; id < RESIDENT; id++) cache.put(addresses, id * 32, value, 1, 165);
  return cache;
};
const filledLru = () => {
  const cache = new LRUCache<string, typeof value>({ max: RESIDENT });
  for (let id = 0; id < RESIDENT; id++) cache.set(names[id], value);
  return cache;
};
const outriderRead = filledOutrider();
const lruRead = filledLru();
const outrider = filledOutrider();
const lru = filledLru();
let cursor = 0;
let slot = 2;

/** mitata forgets its benches after each run: they are registered again for every round. */
function register(): void {
  bench("outrider get (hit)", () => {
    let found = 0;
    for (let k = 0; k < BATCH; k++) {
      if (outriderRead.get(addresses, order[cursor] * 32) !== undefined) found++;
      cursor = cursor + 1 === RESIDENT ? 0 : cursor + 1;
    }
    do_not_optimize(found);
  });
  bench("lru-cache get (hit)", () => {
    let found = 0;
    for (let k = 0; k < BATCH; k++) {
      if (lruRead.get(names[order[cursor]]) !== undefined) found++;
      cursor = cursor + 1 === RESIDENT ? 0 : cursor + 1;
    }
    do_not_optimize(found);
  });
  bench("outrider put (update, newer slot)", () => {
    slot++;
    for (let k = 0; k < BATCH; k++) {
      outrider.put(addresses, order[cursor] * 32, value, slot, 165);
      cursor = cursor + 1 === RESIDENT ? 0 : cursor + 1;
    }
  });
  bench("lru-cache set (update)", () => {
    for (let k = 0; k < BATCH; k++) {
      lru.set(names[order[cursor]], value);
      cursor = cursor + 1 === RESIDENT ? 0 : cursor + 1;
    }
  });
  // Insert + evict: cycle through 2×RESIDENT accounts so every put is a new key into a full cache.
  let churn = 0;
  bench("outrider put (insert + evict)", () => {
    slot++;
    for (let k = 0; k < BATCH; k++) {
      outrider.put(addresses, churn * 32, value, slot, 165);
      churn = churn + 1 === RESIDENT * 2 ? 0 : churn + 1;
    }
  });
  bench("lru-cache set (insert + evict)", () => {
    for (let k = 0; k < BATCH; k++) {
      lru.set(names[churn], value);
      churn = churn + 1 === RESIDENT * 2 ? 0 : churn + 1;
    }
  });
}

const pairs: [string, string][] = [
  ["outrider get (hit)", "lru-cache get (hit)"],
  ["outrider put (update, newer slot)", "lru-cache set (update)"],
  ["outrider put (insert + evict)", "lru-cache set (insert + evict)"],
];
const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const rounds: Map<string, number>[] = [];
for (let round = 0; round < ROUNDS; round++) {
  register();
  const report = await run({ format: "quiet" });
  rounds.push(new Map(report.benchmarks.map((trial) => [trial.alias, trial.runs[0].stats!.p50 / BATCH])));
}
const rows = pairs.map(([name, baseline]) => ({
  name,
  baseline,
  nsPerOp: median(rounds.map((round) => round.get(name)!)),
  baselineNsPerOp: median(rounds.map((round) => round.get(baseline)!)),
  ratioVsLruCache: median(rounds.map((round) => round.get(name)! / round.get(baseline)!)),
  ratiosPerRound: rounds.map((round) => Math.round((round.get(name)! / round.get(baseline)!) * 100) / 100),
}));
console.log(
  `account cache, ${RESIDENT} resident accounts, ${ROUNDS} rounds (medians: ns per operation; ratio = outrider / lru-cache)`,
);
console.log(`${"operation".padEnd(36)} ${"ns".padStart(8)} ${"lru ns".padStart(8)} ${"ratio".padStart(7)}`);
for (const row of rows)
  console.log(
    `${row.name.padEnd(36)} ${row.nsPerOp.toFixed(1).padStart(8)} ${row.baselineNsPerOp.toFixed(1).padStart(8)} ${`${row.ratioVsLruCache.toFixed(2)}×`.padStart(7)}  rounds ${row.ratiosPerRound.join(" ")}`,
  );

writeBenchJson({ bench: "account-cache", baseline: "lru-cache 11 (base58 string keys)", results: rows });
