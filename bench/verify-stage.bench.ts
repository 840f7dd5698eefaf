// The verify stage as the pipeline runs it (parse, sanitize or template, blockhash window, dedup,
// strict batch verify; in-process over real rings and pool), on real signed transfers:
//   1. effective throughput — unique transactions passed per second — on a mix where half the packets
//      are resubmissions of an earlier one, --enable-trading-cache off (baseline) vs on, same run;
//   2. the same on a mix with no resubmissions (what every packet costs when each must be verified);
//   2b. retries: each transaction verified, then not included by the bank and handed back (as
//      ingress does), then sent again — the retry the signature cache exists for;
//   3. verify workers 1 vs 2 on this machine: one Worker per verify stage, each with its share.
// Usage: bun bench/verify-stage.bench.ts [--json FILE]
import { cpus } from "node:os";
import { bench, run } from "mitata";
import { createVerifyHarness, signedTransfers } from "../tests/helpers/verify-stage-harness.ts";
import { writeBenchJson } from "./json-output.ts";

const UNIQUE = 1024;
const CACHE_BYTES_MAX = 4 << 20;
const RESUBMIT_DISTANCE_MAX = 512;

/** Deterministic: each unique transaction followed, 1–512 packets later, by one exact copy. */
function resubmissionMix(unique: readonly Uint8Array[]): Uint8Array[] {
  const slots: (Uint8Array | undefined)[] = new Array(unique.length * 2 + RESUBMIT_DISTANCE_MAX);
  let seed = 12345;
  const nextRandom = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  let position = 0;
  const place = (wire: Uint8Array, from: number) => {
    let at = from;
    while (slots[at] !== undefined) at++;
    slots[at] = wire;
    return at;
  };
  for (const wire of unique) {
    position = place(wire, position);
    place(wire, position + 1 + Math.floor(nextRandom() * RESUBMIT_DISTANCE_MAX));
  }
  return slots.filter((wire): wire is Uint8Array => wire !== undefined);
}

const unique = signedTransfers(UNIQUE, 32, 1);
const mixed = resubmissionMix(unique);
const freshOnly = signedTransfers(UNIQUE * 2, 32, 2);
const baseline = createVerifyHarness();
const cached = createVerifyHarness({ cacheBytesMax: CACHE_BYTES_MAX });

const retried = signedTransfers(UNIQUE, 32, 4);

interface Case {
  name: string;
  harness: typeof baseline;
  wires: Uint8Array[];
  uniqueCount: number;
  /** Untimed preparation before each timed run (default: forget everything). */
  prepare?: () => void;
}
const cases: Case[] = [
  { name: "50% resubmissions, baseline", harness: baseline, wires: mixed, uniqueCount: UNIQUE },
  { name: "50% resubmissions, trading cache", harness: cached, wires: mixed, uniqueCount: UNIQUE },
  { name: "no resubmissions, baseline", harness: baseline, wires: freshOnly, uniqueCount: UNIQUE * 2 },
  { name: "no resubmissions, trading cache", harness: cached, wires: freshOnly, uniqueCount: UNIQUE * 2 },
];
for (const [label, harness] of [
  ["baseline", baseline],
  ["trading cache", cached],
] as const) {
  cases.push({
    name: `retries after not included, ${label}`,
    harness,
    wires: retried,
    uniqueCount: UNIQUE,
    // The first pass, and the bank's "not included" handing each one back, as ingress does.
    prepare: () => {
      harness.reset();
      harness.run(retried);
      for (const wire of retried) harness.giveBack(wire);
    },
  });
}
for (const each of cases) {
  const prepare = each.prepare ?? (() => each.harness.reset());
  prepare();
  const passed = each.harness.run(each.wires);
  if (passed !== each.uniqueCount) {
    throw new Error(`${each.name}: ${passed} passed, ${each.uniqueCount} expected`);
  }
  bench(each.name, function* () {
    yield {
      [0]() {
        prepare();
        return each.wires;
      },
      bench(wires: Uint8Array[]) {
        each.harness.run(wires);
      },
    };
  });
}
const signatureHitsBefore = cached.caches!.verifier.counters.signaturesHit;
const report = await run({ format: "quiet" });
const rows = report.benchmarks.map((trial, index) => {
  const nsPerRun = trial.runs[0].stats!.p50;
  const { name, wires, uniqueCount } = cases[index];
  return {
    name,
    packets: wires.length,
    uniquePassed: uniqueCount,
    nsPerPacket: nsPerRun / wires.length,
    effectiveTps: uniqueCount / (nsPerRun / 1e9),
  };
});
const ratio = (on: string, off: string) =>
  rows.find((row) => row.name === on)!.effectiveTps / rows.find((row) => row.name === off)!.effectiveTps;
const ratios = {
  resubmissionsTradingVsBaseline: ratio("50% resubmissions, trading cache", "50% resubmissions, baseline"),
  freshTradingVsBaseline: ratio("no resubmissions, trading cache", "no resubmissions, baseline"),
  retriesTradingVsBaseline: ratio(
    "retries after not included, trading cache",
    "retries after not included, baseline",
  ),
  /** Effective throughput on the resubmission mix over throughput when every packet is new. */
  resubmissionMixVsAllFresh: ratio("50% resubmissions, baseline", "no resubmissions, baseline"),
};

console.log(`verify stage, one thread, ${UNIQUE} unique transfers (+${UNIQUE} resubmissions where named)`);
console.log(`${"case".padEnd(36)} ${"ns/packet".padStart(10)} ${"unique tx/s".padStart(12)}`);
for (const row of rows) {
  console.log(
    `${row.name.padEnd(36)} ${row.nsPerPacket.toFixed(0).padStart(10)} ${row.effectiveTps.toFixed(0).padStart(12)}`,
  );
}
console.log(
  `trading ÷ baseline: ${ratios.resubmissionsTradingVsBaseline.toFixed(2)}× on 50% resubmissions, ${ratios.freshTradingVsBaseline.toFixed(2)}× with none, ${ratios.retriesTradingVsBaseline.toFixed(2)}× on retries after not included`,
);
console.log(
  `signature-cache hits during the runs: ${cached.caches!.verifier.counters.signaturesHit - signatureHitsBefore} (exact resubmissions stop at dedup first; retries after not included hit)`,
);

// Verify workers 1 vs 2: each Worker runs a verify stage over its share of the same transactions.
const WORKER_ROUNDS = 5;
const workerWires = signedTransfers(4096, 64, 3);
async function workersRun(workerCount: number): Promise<number> {
  const share = Math.ceil(workerWires.length / workerCount);
  const workers = Array.from(
    { length: workerCount },
    () => new Worker(new URL("./verify-stage.worker.ts", import.meta.url).href),
  );
  const replies = await Promise.all(
    workers.map(
      (worker, index) =>
        new Promise<number[]>((resolve, reject) => {
          worker.onmessage = (event) => resolve(event.data.elapsedMs);
          worker.onerror = (event) => reject(event);
          worker.postMessage({
            wires: workerWires.slice(index * share, (index + 1) * share),
            rounds: WORKER_ROUNDS,
          });
        }),
    ),
  );
  for (const worker of workers) worker.terminate();
  // Per round, the slowest worker decides when the whole stream is verified; take the median round.
  const perRound = Array.from({ length: WORKER_ROUNDS }, (_, round) =>
    Math.max(...replies.map((elapsed) => elapsed[round])),
  ).sort((a, b) => a - b);
  return workerWires.length / (perRound[Math.floor(WORKER_ROUNDS / 2)] / 1000);
}
const oneWorkerTps = await workersRun(1);
const twoWorkersTps = await workersRun(2);
console.log(
  `verify workers on this machine (${cpus().length} cores): 1 → ${oneWorkerTps.toFixed(0)} tx/s, 2 → ${twoWorkersTps.toFixed(0)} tx/s (${(twoWorkersTps / oneWorkerTps).toFixed(2)}×)`,
);

writeBenchJson({
  bench: "verify-stage",
  cores: cpus().length,
  rows,
  ratios,
  signatureCacheHits: cached.caches!.verifier.counters.signaturesHit - signatureHitsBefore,
  verifyWorkers: { oneTps: oneWorkerTps, twoTps: twoWorkersTps, ratio: twoWorkersTps / oneWorkerTps },
});
