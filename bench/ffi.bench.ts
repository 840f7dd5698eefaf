// bun:ffi call overhead: a trivial C function with no arguments and one with pointer arguments (typed
// arrays, one over a SharedArrayBuffer), each against the same work as a plain JS function, and the
// cost of looking the symbol up on every call and of ptr(). Same run; ratios against the JS function.
// Usage: bun bench/ffi.bench.ts [--json FILE]
import { ptr } from "bun:ffi";
import { bench, do_not_optimize, run } from "mitata";
import { defaultNativeLibrary } from "../src/native/library.ts";
import { writeBenchJson } from "./json-output.ts";

if (!defaultNativeLibrary.available) {
  console.log(`ffi bench skipped: ${defaultNativeLibrary.reason}`);
  process.exit(0);
}
const library = defaultNativeLibrary;
const { outrider_ffi_noop: cNoop, outrider_ffi_noop_ptr: cNoopPointer } = library.symbols;

const bytes = new Uint8Array(1232).fill(3);
const words = new Uint32Array(64).fill(5);
const sharedBytes = new Uint8Array(new SharedArrayBuffer(1232)).fill(3);

function jsNoop(): number {
  return 0;
}
function jsNoopPointer(byteArray: Uint8Array, wordArray: Uint32Array, count: number): number {
  return byteArray[0] + wordArray[0] + count;
}

/** Pairs: [candidate, its JS baseline]. */
const pairs: [string, string][] = [
  ["C noop()", "JS noop()"],
  ["C noop_ptr(Uint8Array, Uint32Array, u32)", "JS noop_ptr(Uint8Array, Uint32Array, u32)"],
  ["C noop_ptr(SharedArrayBuffer view, …)", "JS noop_ptr(Uint8Array, Uint32Array, u32)"],
  ["C noop() via library.symbols lookup each call", "JS noop()"],
  ["C noop_ptr(ptr(a), ptr(b), u32) with ptr() each call", "JS noop_ptr(Uint8Array, Uint32Array, u32)"],
];

bench("JS noop()", () => do_not_optimize(jsNoop()));
bench("C noop()", () => do_not_optimize(cNoop()));
bench("JS noop_ptr(Uint8Array, Uint32Array, u32)", () => do_not_optimize(jsNoopPointer(bytes, words, 64)));
bench("C noop_ptr(Uint8Array, Uint32Array, u32)", () => do_not_optimize(cNoopPointer(bytes, words, 64)));
bench("C noop_ptr(SharedArrayBuffer view, …)", () => do_not_optimize(cNoopPointer(sharedBytes, words, 64)));
bench("C noop() via library.symbols lookup each call", () =>
  do_not_optimize(library.symbols.outrider_ffi_noop()),
);
bench("C noop_ptr(ptr(a), ptr(b), u32) with ptr() each call", () =>
  do_not_optimize(cNoopPointer(ptr(bytes), ptr(words), 64)),
);

const report = await run({ format: "quiet" });
const medianNs = new Map(report.benchmarks.map((trial) => [trial.alias, trial.runs[0].stats!.p50]));
const rows = pairs.map(([name, baseline]) => ({
  name,
  baseline,
  nsPerCall: medianNs.get(name)!,
  baselineNsPerCall: medianNs.get(baseline)!,
  ratioVsJs: medianNs.get(name)! / medianNs.get(baseline)!,
  overheadNs: medianNs.get(name)! - medianNs.get(baseline)!,
}));

console.log("bun:ffi call overhead (median ns per call; ratio = C call time / same JS call time)");
console.log(`${"call".padEnd(56)} ${"ns".padStart(8)} ${"JS ns".padStart(8)} ${"ratio".padStart(8)}`);
for (const row of rows) {
  console.log(
    `${row.name.padEnd(56)} ${row.nsPerCall.toFixed(2).padStart(8)} ${row.baselineNsPerCall.toFixed(2).padStart(8)} ${`${row.ratioVsJs.toFixed(1)}×`.padStart(8)}`,
  );
}

writeBenchJson({ bench: "ffi", baseline: "plain JS function", results: rows });
