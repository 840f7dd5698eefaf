// ed25519 verification throughput on one core (one thread): the native libsodium batch path (64
// signatures per FFI call), Outrider's strict node:crypto fallback, and the libraries a verifier could
// use instead: node:crypto (KeyObject created per call, as a real verifier must), @noble/ed25519 (sync,
// sha512 from node:crypto), tweetnacl. Same run; ratios against node:crypto.
// Usage: bun bench/verify.bench.ts [--json FILE]
import {
  createHash,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  generateKeyPairSync,
} from "node:crypto";
import * as noble from "@noble/ed25519";
import { bench, do_not_optimize, run } from "mitata";
import nacl from "tweetnacl";
import { defaultNativeLibrary } from "../src/native/library.ts";
import { FallbackEd25519Verifier, NativeEd25519Verifier } from "../src/verify/ed25519.ts";
import { writeBenchJson } from "./json-output.ts";

const BATCH_SIGNATURES = 64;
/** A typical transfer's message is 150-250 bytes; 1232 is the packet ceiling. */
const MESSAGE_BYTES = 256;
const BASELINE = "node:crypto";

noble.hashes.sha512 = (message: Uint8Array) => new Uint8Array(createHash("sha512").update(message).digest());

interface Sample {
  publicKey: Uint8Array;
  signature: Uint8Array;
  message: Uint8Array;
}

function makeSamples(): Sample[] {
  const samples: Sample[] = [];
  for (let index = 0; index < BATCH_SIGNATURES; index++) {
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const message = new Uint8Array(MESSAGE_BYTES);
    for (let byte = 0; byte < MESSAGE_BYTES; byte++) message[byte] = (index * 31 + byte * 7) & 0xff;
    samples.push({
      publicKey: Uint8Array.from(Buffer.from(publicKey.export({ format: "jwk" }).x!, "base64url")),
      signature: Uint8Array.from(cryptoSign(null, message, privateKey)),
      message,
    });
  }
  return samples;
}

const samples = makeSamples();
// One buffer laid out like a packet pool: [signature | key | message] per entry.
const entryBytes = 64 + 32 + MESSAGE_BYTES;
const pool = new Uint8Array(new SharedArrayBuffer(entryBytes * BATCH_SIGNATURES));
const signatureOffsets = new Uint32Array(BATCH_SIGNATURES);
const publicKeyOffsets = new Uint32Array(BATCH_SIGNATURES);
const messageOffsets = new Uint32Array(BATCH_SIGNATURES);
const messageLengths = new Uint32Array(BATCH_SIGNATURES).fill(MESSAGE_BYTES);
samples.forEach((sample, index) => {
  const base = index * entryBytes;
  signatureOffsets[index] = base;
  publicKeyOffsets[index] = base + 64;
  messageOffsets[index] = base + 96;
  pool.set(sample.signature, base);
  pool.set(sample.publicKey, base + 64);
  pool.set(sample.message, base + 96);
});
const results = new Uint8Array(BATCH_SIGNATURES);
const spki = Buffer.alloc(44);
Buffer.from("302a300506032b6570032100", "hex").copy(spki);

let cursor = 0;
function nextSample(): Sample {
  cursor = (cursor + 1) % BATCH_SIGNATURES;
  return samples[cursor];
}

/** Signatures verified per benchmark iteration, by name. */
const signaturesPerIteration: Record<string, number> = {};
function register(name: string, perIteration: number, fn: () => void): void {
  signaturesPerIteration[name] = perIteration;
  bench(name, fn);
}

// Sanity: every candidate accepts every sample before it is timed.
const fallback = new FallbackEd25519Verifier();
const native = defaultNativeLibrary.available ? new NativeEd25519Verifier() : null;
for (const sample of samples) {
  const verdicts = [
    fallback.verify(sample.signature, sample.publicKey, sample.message),
    native ? native.verify(sample.signature, sample.publicKey, sample.message) : true,
    noble.verify(sample.signature, sample.message, sample.publicKey),
    nacl.sign.detached.verify(sample.message, sample.signature, sample.publicKey),
  ];
  if (verdicts.includes(false)) throw new Error("a candidate rejected a valid signature");
}

if (native) {
  register(`native libsodium batch of ${BATCH_SIGNATURES}`, BATCH_SIGNATURES, () => {
    const validCount = native.verifyBatch(
      pool,
      signatureOffsets,
      publicKeyOffsets,
      messageOffsets,
      messageLengths,
      BATCH_SIGNATURES,
      results,
    );
    if (validCount !== BATCH_SIGNATURES) throw new Error("native batch rejected a valid signature");
  });
} else {
  console.log(
    `native verifier skipped: ${defaultNativeLibrary.available ? "" : defaultNativeLibrary.reason}`,
  );
}
register(BASELINE, 1, () => {
  const sample = nextSample();
  spki.set(sample.publicKey, 12);
  const key = createPublicKey({ key: spki, format: "der", type: "spki" });
  do_not_optimize(cryptoVerify(null, sample.message, key, sample.signature));
});
register("outrider fallback (node:crypto + strict checks)", 1, () => {
  const sample = nextSample();
  do_not_optimize(fallback.verify(sample.signature, sample.publicKey, sample.message));
});
register("@noble/ed25519 verify (sync)", 1, () => {
  const sample = nextSample();
  do_not_optimize(noble.verify(sample.signature, sample.message, sample.publicKey));
});
register("tweetnacl sign.detached.verify", 1, () => {
  const sample = nextSample();
  do_not_optimize(nacl.sign.detached.verify(sample.message, sample.signature, sample.publicKey));
});

const report = await run({ format: "quiet" });
const rows = report.benchmarks.map((trial) => {
  const stats = trial.runs[0].stats!;
  const nsPerVerification = stats.p50 / signaturesPerIteration[trial.alias];
  return { name: trial.alias, nsPerVerification, verificationsPerSecond: 1e9 / nsPerVerification };
});
const baseline = rows.find((row) => row.name === BASELINE)!;
const table = rows.map((row) => ({
  ...row,
  ratioVsNodeCrypto: row.verificationsPerSecond / baseline.verificationsPerSecond,
}));

console.log(`ed25519 verify, one thread, ${MESSAGE_BYTES}-byte messages (median per iteration)`);
console.log(
  `${"candidate".padEnd(50)} ${"µs/verify".padStart(10)} ${"verifies/s".padStart(12)} ${"vs node:crypto".padStart(15)}`,
);
for (const row of table) {
  console.log(
    `${row.name.padEnd(50)} ${(row.nsPerVerification / 1000).toFixed(2).padStart(10)} ${Math.round(row.verificationsPerSecond).toLocaleString("en-US").padStart(12)} ${`${row.ratioVsNodeCrypto.toFixed(2)}×`.padStart(15)}`,
  );
}

writeBenchJson({
  bench: "verify",
  baseline: BASELINE,
  messageBytes: MESSAGE_BYTES,
  batchSignatures: BATCH_SIGNATURES,
  results: table,
});
