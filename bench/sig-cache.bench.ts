// Verify-stage caches, one thread, same run: (1) signature cache — a batch of real signed transactions
// answered from the cache (all hits) and the same batch on a cold cache (lookup + strict verify +
// insert), each against the strict verifier alone (createVerifier(): native libsodium when loaded);
// (2) template cache — wire parse + template check (hit) against parseTransaction (wire + sanitize +
// compute budget), and the check alone against sanitize + compute budget alone, over a trading-like mix;
// its hit rate on a larger mix; (3) memory the caches add at their defaults.
// Usage: bun bench/sig-cache.bench.ts [--json FILE]
import { bench, do_not_optimize, run } from "mitata";
import { readComputeBudget } from "../src/tx/compute-budget.ts";
import { parseTransaction, parseTransactionFrame } from "../src/tx/parse.ts";
import { parseTransactionWire } from "../src/tx/parse-wire.ts";
import { ParsedTransaction } from "../src/tx/parsed-transaction.ts";
import { sanitizeTransaction } from "../src/tx/sanitize.ts";
import { createVerifier } from "../src/verify/ed25519.ts";
import { SignatureCache } from "../src/verify/sig-cache.ts";
import { CachedBatchVerifier } from "../src/verify/sig-cache-verifier.ts";
import { TemplateCache } from "../src/verify/template-cache.ts";
import { tradingMix } from "../src/verify/template-trading-mix.ts";
import { buildWeb3Legacy, type TxSpec } from "../tests/helpers/tx-build.ts";
import { writeBenchJson } from "./json-output.ts";

const TRANSACTIONS = 64;
const SIG_BASELINE = "strict verify (no cache)";
const TEMPLATE_BASELINE = "parseTransaction (wire + sanitize + budget)";
const SANITIZE_BASELINE = "sanitize + compute budget";

// --- Signature cache inputs: 64 SOL-transfer-sized transactions, one signer each, signed by web3.js.
function spec(index: number): TxSpec {
  const blockhash = new Uint8Array(32).fill(index + 1);
  const data = new Uint8Array(12);
  data[0] = 2;
  data[4] = index;
  return {
    signerCount: 1,
    instructions: [{ programSlot: 0, accounts: [{ slot: index % 24, signer: false, writable: true }], data }],
    computeBudget: { unitPrice: BigInt(index * 1000) },
    blockhash,
    lookupTables: [],
  };
}
const signed = Array.from({ length: TRANSACTIONS }, (_, index) => buildWeb3Legacy(spec(index)).bytes);
const pool = new Uint8Array(TRANSACTIONS * 1232);
const signatureOffsets = new Uint32Array(TRANSACTIONS);
const publicKeyOffsets = new Uint32Array(TRANSACTIONS);
const messageOffsets = new Uint32Array(TRANSACTIONS);
const messageLengths = new Uint32Array(TRANSACTIONS);
const parsedFrame = new ParsedTransaction();
signed.forEach((bytes, index) => {
  const base = index * 1232;
  pool.set(bytes, base);
  if (parseTransactionFrame(bytes, bytes.length, parsedFrame) !== 0)
    throw new Error("bench tx failed to parse");
  signatureOffsets[index] = base + parsedFrame.signatureOffset(0);
  publicKeyOffsets[index] = base + parsedFrame.staticKeyOffset(0);
  messageOffsets[index] = base + parsedFrame.messageOffset;
  messageLengths[index] = parsedFrame.messageLength;
});
const messageBytesMean = messageLengths.reduce((sum, length) => sum + length, 0) / TRANSACTIONS;
const results = new Uint8Array(TRANSACTIONS);
const { verifier: strict, kind } = createVerifier();
const warmCache = new SignatureCache({ entriesMax: 4096 });
const warm = new CachedBatchVerifier(strict, warmCache, TRANSACTIONS);
const coldCache = new SignatureCache({ entriesMax: 1024 });
const cold = new CachedBatchVerifier(strict, coldCache, TRANSACTIONS);

function verifyAll(verifier: { verifyBatch: typeof strict.verifyBatch }): void {
  verifier.verifyBatch(
    pool,
    signatureOffsets,
    publicKeyOffsets,
    messageOffsets,
    messageLengths,
    TRANSACTIONS,
    results,
  );
  for (let index = 0; index < TRANSACTIONS; index++)
    if (results[index] !== 1) throw new Error("valid signature rejected");
}
verifyAll(strict);
verifyAll(warm); // fills the warm cache

// --- Template cache inputs: a trading-like mix without noise (the hit path), pre-parsed copies.
const mix = tradingMix({ transactionCount: TRANSACTIONS, seed: 9, noiseShare: 0 });
const templates = new TemplateCache();
const parsed = new ParsedTransaction();
const preParsed = mix.map((bytes) => {
  const one = new ParsedTransaction();
  if (parseTransactionWire(bytes, 0, bytes.length, one) !== 0) throw new Error("mix tx failed to parse");
  return one;
});
for (const one of preParsed) templates.check(one);

// Hit rate on a larger mix with 10% one-off shapes.
const rateMix = tradingMix({ transactionCount: 20_000, seed: 13 });
const rateCache = new TemplateCache();
for (const bytes of rateMix) {
  parseTransactionWire(bytes, 0, bytes.length, parsed);
  rateCache.check(parsed);
}
const templateHitRate = rateCache.hits / (rateCache.hits + rateCache.misses);

const perIteration: Record<string, number> = {};
function register(name: string, count: number, fn: () => void): void {
  perIteration[name] = count;
  bench(name, fn);
}

register(SIG_BASELINE, TRANSACTIONS, () => verifyAll(strict));
register("sig cache: all hits (BLAKE3 message hash + lookup)", TRANSACTIONS, () => verifyAll(warm));
register("sig cache: all misses (lookup + verify + hash + insert)", TRANSACTIONS, () => {
  coldCache.clear();
  verifyAll(cold);
});
register(TEMPLATE_BASELINE, TRANSACTIONS, () => {
  let codes = 0;
  for (const bytes of mix) codes += parseTransaction(bytes, 0, bytes.length, parsed);
  do_not_optimize(codes);
});
register("wire parse + template check (hit)", TRANSACTIONS, () => {
  let codes = 0;
  for (const bytes of mix) {
    codes += parseTransactionWire(bytes, 0, bytes.length, parsed);
    codes += templates.check(parsed);
  }
  do_not_optimize(codes);
});
register(SANITIZE_BASELINE, TRANSACTIONS, () => {
  let codes = 0;
  for (const one of preParsed) codes += sanitizeTransaction(one) + readComputeBudget(one);
  do_not_optimize(codes);
});
register("template check alone (hit)", TRANSACTIONS, () => {
  let codes = 0;
  for (const one of preParsed) codes += templates.check(one);
  do_not_optimize(codes);
});

const report = await run({ format: "quiet" });
const rows = report.benchmarks.map((trial) => {
  const stats = trial.runs[0].stats!;
  return { name: trial.alias, nsPerItem: stats.p50 / perIteration[trial.alias] };
});
const byName = (name: string) => rows.find((row) => row.name === name)!;
const baselineOf = (name: string) =>
  name.startsWith("sig cache") || name === SIG_BASELINE
    ? SIG_BASELINE
    : name.startsWith("wire parse") || name === TEMPLATE_BASELINE
      ? TEMPLATE_BASELINE
      : SANITIZE_BASELINE;
const table = rows.map((row) => {
  const baseline = baselineOf(row.name);
  return { ...row, baseline, speedupVsBaseline: byName(baseline).nsPerItem / row.nsPerItem };
});
const memory = {
  sigCacheDefaultBytes: new SignatureCache().bytesHeld,
  sigCacheDefaultEntries: new SignatureCache().entriesMax,
  cachedVerifierScratchBytes: warm.bytesHeld,
  templateCacheDefaultBytes: new TemplateCache().bytesHeld,
  templateCacheDefaultEntries: new TemplateCache().entriesMax,
};

console.log(
  `verify caches, one thread, verifier ${kind}, ${TRANSACTIONS} items per iteration, mean message ${messageBytesMean.toFixed(0)} B`,
);
console.log(`${"case".padEnd(58)} ${"ns/item".padStart(10)} ${"speed-up".padStart(9)}  baseline`);
for (const row of table) {
  console.log(
    `${row.name.padEnd(58)} ${row.nsPerItem.toFixed(0).padStart(10)} ${`${row.speedupVsBaseline.toFixed(2)}×`.padStart(9)}  ${row.baseline}`,
  );
}
console.log(
  `template hit rate, trading mix of ${rateMix.length} (10% one-off shapes): ${(templateHitRate * 100).toFixed(1)}% (${rateCache.entries} templates)`,
);
console.log(`sig cache counters (all-hit case): ${JSON.stringify(warm.counters)}`);
console.log(`memory at defaults: ${JSON.stringify(memory)}`);

writeBenchJson({
  bench: "sig-cache",
  verifier: kind,
  itemsPerIteration: TRANSACTIONS,
  messageBytesMean,
  results: table,
  templateHitRate,
  templateCount: rateCache.entries,
  memory,
});
