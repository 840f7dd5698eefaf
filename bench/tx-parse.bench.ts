import { getBase58Decoder } from "@solana/kit";
import { VersionedTransaction } from "@solana/web3.js";
import fc from "fast-check";
import { bench, do_not_optimize, run } from "mitata";
import { base58Encode, ParsedTransaction, parseTransaction } from "../src/tx/index.ts";
import { buildWeb3Legacy, buildWeb3V0, txSpecArbitrary } from "../tests/helpers/tx-build.ts";
import { writeBenchJson } from "./json-output.ts";

const TX_COUNT_PER_KIND = 32;
const transactions: Uint8Array[] = [
  ...fc
    .sample(txSpecArbitrary({ lookups: false }), { numRuns: TX_COUNT_PER_KIND, seed: 11 })
    .map((spec) => buildWeb3Legacy(spec).bytes),
  ...fc
    .sample(txSpecArbitrary({ lookups: true }), { numRuns: TX_COUNT_PER_KIND, seed: 12 })
    .map((spec) => buildWeb3V0(spec).bytes),
];
// Lay the transactions out in one packet pool, as the ingress stage does.
const SLOT_BYTES = 1232;
const pool = new Uint8Array(transactions.length * SLOT_BYTES);
const lengths = new Int32Array(transactions.length);
transactions.forEach((bytes, index) => {
  pool.set(bytes, index * SLOT_BYTES);
  lengths[index] = bytes.length;
});
const parsed = new ParsedTransaction();
for (let index = 0; index < transactions.length; index++) {
  if (parseTransaction(pool, index * SLOT_BYTES, lengths[index], parsed) !== 0) {
    throw new Error(`bench corpus transaction ${index} does not parse`);
  }
}
const kitBase58 = getBase58Decoder();
const key32 = transactions[0].subarray(65 + 4, 65 + 4 + 32);
const signature64 = transactions[0].subarray(1, 65);

const NAMES = {
  outrider: "outrider parseTransaction (parse+sanitize+compute budget) ×64",
  web3: "web3.js VersionedTransaction.deserialize ×64",
  b58Ours32: "outrider base58Encode 32 B",
  b58Kit32: "@solana/kit base58 32 B",
  b58Ours64: "outrider base58Encode 64 B",
  b58Kit64: "@solana/kit base58 64 B",
};

bench(NAMES.outrider, () => {
  let total = 0;
  for (let index = 0; index < lengths.length; index++) {
    total += parseTransaction(pool, index * SLOT_BYTES, lengths[index], parsed) + parsed.totalFeeLamports;
  }
  do_not_optimize(total);
});
bench(NAMES.web3, () => {
  for (let index = 0; index < transactions.length; index++) {
    do_not_optimize(VersionedTransaction.deserialize(transactions[index]));
  }
});
bench(NAMES.b58Ours32, () => do_not_optimize(base58Encode(key32, 0, 32)));
bench(NAMES.b58Kit32, () => do_not_optimize(kitBase58.decode(key32)));
bench(NAMES.b58Ours64, () => do_not_optimize(base58Encode(signature64, 0, 64)));
bench(NAMES.b58Kit64, () => do_not_optimize(kitBase58.decode(signature64)));

const result = await run({ format: "quiet" });
const avgNs = new Map<string, number>();
for (const benchmark of result.benchmarks) avgNs.set(benchmark.alias, benchmark.runs[0].stats!.avg);

const perTxOursNs = avgNs.get(NAMES.outrider)! / transactions.length;
const perTxWeb3Ns = avgNs.get(NAMES.web3)! / transactions.length;
const summary = {
  transactions: transactions.length,
  legacy: TX_COUNT_PER_KIND,
  v0: TX_COUNT_PER_KIND,
  parseNsPerTx: { outrider: perTxOursNs, web3Deserialize: perTxWeb3Ns },
  parseSpeedupVsWeb3: perTxWeb3Ns / perTxOursNs,
  base58Ns: {
    outrider32: avgNs.get(NAMES.b58Ours32)!,
    kit32: avgNs.get(NAMES.b58Kit32)!,
    outrider64: avgNs.get(NAMES.b58Ours64)!,
    kit64: avgNs.get(NAMES.b58Kit64)!,
  },
  base58SpeedupVsKit32: avgNs.get(NAMES.b58Kit32)! / avgNs.get(NAMES.b58Ours32)!,
  base58SpeedupVsKit64: avgNs.get(NAMES.b58Kit64)! / avgNs.get(NAMES.b58Ours64)!,
};

console.log("benchmark                                                         avg");
for (const [name, ns] of avgNs) console.log(`${name.padEnd(64)} ${(ns / 1000).toFixed(2).padStart(9)} µs`);
console.log("");
console.log(
  `per transaction: outrider ${perTxOursNs.toFixed(0)} ns, web3.js deserialize ${perTxWeb3Ns.toFixed(0)} ns`,
);
console.log(
  `ratio: outrider parse+sanitize+compute budget is ${summary.parseSpeedupVsWeb3.toFixed(1)}× faster (goal ≥ 10×)`,
);
console.log(
  `base58 vs @solana/kit: ${summary.base58SpeedupVsKit32.toFixed(1)}× (32 B), ${summary.base58SpeedupVsKit64.toFixed(1)}× (64 B)`,
);

writeBenchJson({ bench: "tx-parse", ...summary });
