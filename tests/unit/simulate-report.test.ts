// The simulator's readers and report: Prometheus text as Outrider renders it (deltas, drops, cache hit
// rates, histogram quantiles), JavaScriptCore's GC log (real lines, interleaved), /proc stat lines,
// pooled latency histograms, the wire encoder against web3.js, and verdicts that must fail when
// their promise is broken.
import { describe, expect, test } from "bun:test";
import { PublicKey, Transaction } from "@solana/web3.js";
import fc from "fast-check";
import { attachMetrics, createMetrics, renderPrometheus } from "../../src/metrics/index.ts";
import { GcLog } from "../../src/simulate/gc-log.ts";
import { keypairFromSeed } from "../../src/simulate/keys.ts";
import {
  cacheHitRates,
  deltaSeries,
  dropsByReason,
  histogramQuantileMs,
  parseMetrics,
  total,
} from "../../src/simulate/metrics-scrape.ts";
import { cpuMsFromStat } from "../../src/simulate/process-sampler.ts";
import type { RunResult } from "../../src/simulate/run-once.ts";
import { SCENARIOS } from "../../src/simulate/scenarios.ts";
import {
  LOG_HISTOGRAM_GROWTH,
  logHistogram,
  logHistogramQuantile,
  quantileSorted,
  sortedCopy,
} from "../../src/simulate/stats.ts";
import { verdictFor } from "../../src/simulate/verdicts.ts";
import { compileLegacyMessage, memo, signSingle, systemTransfer } from "../../src/simulate/wire-builder.ts";
import { generateSimWorkload } from "../../src/simulate/workload.ts";
import { workloadStats } from "../../src/simulate/workload-stats.ts";

describe("metrics scrape", () => {
  test("reads Outrider's own exposition: deltas, drops by stage, hit rates, latency quantiles", () => {
    const registry = attachMetrics(createMetrics());
    const verify = registry.shard("verify#0");
    const bank = registry.shard("bank");
    const before = parseMetrics(renderPrometheus(registry));
    verify.counter("outrider_verify_transactions_dropped_total", { reason: "bad_signature" }).inc(3);
    verify.counter("outrider_verify_signature_cache_lookups_total", { result: "hit" }).inc(30);
    verify.counter("outrider_verify_signature_cache_lookups_total", { result: "miss" }).inc(10);
    bank.counter("outrider_bank_transactions_processed_total", { result: "ok" }).inc(90);
    bank.counter("outrider_bank_transactions_processed_total", { result: "account_not_found" }).inc(2);
    const latency = registry.shard("ingress").histogram("outrider_pipeline_transaction_latency_seconds", {
      outcome: "executed",
    });
    for (let index = 0; index < 98; index++) latency.observe(0.002);
    latency.observe(0.2);
    latency.observe(0.2);
    const delta = deltaSeries(before, parseMetrics(renderPrometheus(registry)));
    expect(dropsByReason(delta)).toEqual({ "verify:bad_signature": 3, "bank:account_not_found": 2 });
    expect(cacheHitRates(delta).outrider_verify_signature_cache_lookups_total).toEqual({
      hits: 30,
      misses: 10,
      hitRate: 0.75,
    });
    expect(total(delta, "outrider_bank_transactions_processed_total", { result: "ok" })).toBe(90);
    const quantile = (q: number) =>
      histogramQuantileMs(delta, "outrider_pipeline_transaction_latency_seconds", q, { outcome: "executed" });
    expect(quantile(0.5)).toBe(2.5);
    expect(quantile(0.99)).toBe(250);
    expect(
      Number.isNaN(
        histogramQuantileMs(delta, "outrider_pipeline_transaction_latency_seconds", 0.5, {
          outcome: "dropped",
        }),
      ),
    ).toBe(true);
  });
});

describe("GC log", () => {
  // Real lines from `BUN_JSC_logGC=1 outrider run`, one of them split by another thread's write.
  const LINES = [
    "[GC<0x4c313628118>: starting 0.027629ms]",
    "[GC<0x4c313628118>: START M 83673kb => EdenCollection, a=0kb hf=0.000 mu=0.600 v=0kb (C:0 M:0 P1:0) o=0 b=0 i#1:N<CsMsrShDMsm(0)SrbBcs> 628+0 p=1.002441ms (max 1.002441)...]",
    "[GC<0x4c313628118>: M a=3205kb hf=0.097 mu=0.542 v=784kb (C:784 M:0 P1:0) o=0 b=3 0+3 p=0.018589ms (max 1.002441)...]",
    "[GC<0x4c313628118>: M a=3205kb hf=0.097 mu=0.542 v=784kb (C:784 M:0 P1:0) o=0 b=3 0+3 v=790kb => 81237kb, p=5.578664ms (max 5.578664), cycle 5.574807ms END]",
    "GC END!",
    "Requesting GC because bytes allocated this cycle: 8403680 exceed bytes allowed: 8388608",
    "[GC<0x3a806a00118>: START E 9000kb => FullCollection, a=0kb p=2.5ms (max 2.5), cycle 2.4ms END]",
    "[GC<0x4c313628118>: START M 90000kb => EdenCollection, a=0kb hf=0.000 mu=0.600 v=0kb (C:0 M:0 P1:0) o=0 b=0 i#1:N<CsMsrShDMsm(0)SrbBcs> 628+0 p=1.5ms (max 1.5)...]",
    "[GC<0x4c313628118>: M a=3205kb hf=0.097 mu=0.542 v=784kb (C:784 M:0 P1:",
    "0) o=0 b=3 0+3 v=790kb => 80000kb, p=0.5ms (max 1.5), cycle 3ms END]",
    '{"ts":"2026-11-25T00:00:00Z","level":"warn","msg":"not a GC line"}',
  ];

  test("pauses, collections and allocation; other lines are left to the caller", () => {
    const log = new GcLog();
    const kept = LINES.filter((line) => !log.feed(line));
    expect(kept).toEqual([LINES[LINES.length - 1]]);
    const summary = log.summary();
    expect(summary.collections).toBe(3);
    expect(summary.fullCollections).toBe(1);
    expect(summary.pauses).toBe(6);
    expect(summary.pauseMsMax).toBeCloseTo(5.578664, 6);
    expect(summary.pauseMsTotal).toBeCloseTo(1.002441 + 0.018589 + 5.578664 + 2.5 + 1.5 + 0.5, 6);
    // Heap 0x4c… ended its first collection at 81,237 kB and started the next at 90,000 kB.
    expect(summary.allocatedBytes).toBe((90_000 - 81_237) * 1024);
    expect(summary.heaps).toBe(2);
  });

  test("summary(since a mark) counts only what came after it", () => {
    const log = new GcLog();
    for (const line of LINES.slice(0, 7)) log.feed(line);
    const mark = log.mark();
    for (const line of LINES.slice(7)) log.feed(line);
    const since = log.summary(mark);
    expect(since.collections).toBe(1);
    expect(since.pauses).toBe(2);
    expect(since.pauseMsTotal).toBeCloseTo(2, 6);
  });
});

describe("stats and /proc", () => {
  test("pooled log histograms give quantiles at most 5% above the sample's", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.06, max: 100_000, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.constantFrom(0.5, 0.9, 0.99),
        (values, q) => {
          const exact = quantileSorted(sortedCopy(values), q);
          const pooled = logHistogramQuantile(logHistogram(values), q);
          expect(pooled).toBeGreaterThanOrEqual(exact * (1 - 1e-9));
          expect(pooled).toBeLessThanOrEqual(exact * LOG_HISTOGRAM_GROWTH * (1 + 1e-9));
        },
      ),
    );
  });

  test("CPU time from a stat line whose command holds spaces and parentheses", () => {
    const fields = [
      "S",
      ...Array.from({ length: 10 }, () => "0"),
      "250",
      "50",
      ...Array.from({ length: 30 }, () => "0"),
    ];
    expect(cpuMsFromStat(`1234 (Bun (Pool) 1) ${fields.join(" ")}`)).toBe((300 * 1000) / 100);
  });
});

describe("wire builder", () => {
  test("web3.js reads what the simulator signs, instruction for instruction", () => {
    const payer = keypairFromSeed(new Uint8Array(32).fill(3));
    const other = keypairFromSeed(new Uint8Array(32).fill(4));
    const wire = signSingle(
      compileLegacyMessage(
        payer.publicKey,
        [systemTransfer(payer.publicKey, other.publicKey, 1234n), memo("hello")],
        new Uint8Array(32).fill(9),
      ),
      payer.privateKey,
    );
    const transaction = Transaction.from(wire);
    expect(transaction.verifySignatures()).toBe(true);
    expect(transaction.feePayer?.toBase58()).toBe(new PublicKey(payer.publicKey).toBase58());
    expect(transaction.instructions.map((instruction) => instruction.programId.toBase58())).toEqual([
      "11111111111111111111111111111111",
      "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr",
    ]);
    expect(new TextDecoder().decode(transaction.instructions[1].data)).toBe("hello");
    // Re-serializing with web3.js gives the same bytes.
    expect(Buffer.from(transaction.serialize()).equals(Buffer.from(wire))).toBe(true);
  });
});

/** A run result with what the verdicts read; the rest is irrelevant to them. */
function fakeRun(overrides: Partial<RunResult["client"]> & { rss?: number[]; p99?: number[] }): RunResult {
  const length = Math.max(8, overrides.rss?.length ?? 0, overrides.p99?.length ?? 0);
  const seconds = (overrides.p99 ?? new Array(length).fill(5)).map((p99, second) => ({
    second,
    landed: 100,
    latencyMsP50: 1,
    latencyMsP99: p99,
  }));
  return {
    profile: "trading",
    round: 1,
    durationS: seconds.length,
    landedTps: 100,
    timeline: (overrides.rss ?? new Array(length).fill(300 * 1048576)).map((rssBytes, second) => ({
      second,
      rssBytes,
      companionCpuPercent: 50,
    })),
    server: { udpKernelDrops: 0, drops: {} },
    client: {
      sent: 400,
      acked: 10,
      landed: 400,
      unresolved: { udp: 0, rpc: 0 },
      ackedOutcomes: { landed: 10, executedWithError: 0, dropped: 0, unknown: 0, other: 0 },
      ledger: { ok: true, mismatches: [], accountsChecked: 1, executedTransactions: 1, companionInFlight: 0 },
      seconds,
      restart: null,
      ...overrides,
    },
  } as unknown as RunResult;
}

describe("verdicts", () => {
  const workload = generateSimWorkload({ durationS: 1 });
  const stats = workloadStats(workload);

  test("a ledger mismatch or an acknowledged transaction without an outcome fails any scenario", () => {
    expect(verdictFor(SCENARIOS.steady, [fakeRun({})], workload.config, stats).pass).toBe(true);
    const mismatch = fakeRun({
      ledger: {
        ok: false,
        mismatches: [{ address: "x", field: "lamports", expected: "1", actual: "2" }],
        accountsChecked: 1,
        executedTransactions: 1,
        companionInFlight: 0,
      },
    });
    expect(verdictFor(SCENARIOS.steady, [mismatch], workload.config, stats).pass).toBe(false);
    const lost = fakeRun({
      ackedOutcomes: { landed: 9, executedWithError: 0, dropped: 0, unknown: 1, other: 0 },
    });
    expect(verdictFor(SCENARIOS.overload, [lost], workload.config, stats).pass).toBe(false);
  });

  test("soak fails on growing RSS or latency", () => {
    const mb = 1048576;
    const flat = fakeRun({
      rss: [300 * mb, 300 * mb, 300 * mb, 300 * mb, 300 * mb, 300 * mb, 300 * mb, 300 * mb],
    });
    expect(verdictFor(SCENARIOS.soak, [flat], workload.config, stats).pass).toBe(true);
    const leaking = fakeRun({
      rss: [300 * mb, 300 * mb, 300 * mb, 300 * mb, 500 * mb, 500 * mb, 600 * mb, 600 * mb],
    });
    expect(verdictFor(SCENARIOS.soak, [leaking], workload.config, stats).pass).toBe(false);
    const slowing = fakeRun({ p99: [5, 5, 5, 5, 40, 40, 40, 40] });
    expect(verdictFor(SCENARIOS.soak, [slowing], workload.config, stats).pass).toBe(false);
  });

  test("restart fails when a pre-crash transaction executes again", () => {
    const restart = {
      ackedBeforeCrash: 5,
      landedBeforeCrash: 5,
      droppedBeforeCrash: 0,
      unknownAtCrash: 0,
      replayed: 10,
      replayOutcomes: { expired_blockhash: 5 },
      executedAfterRestart: 0,
      executedTwice: 0,
      landedAfterRestart: 3,
      resetupMs: 900,
      restartedAtMs: 1000,
    };
    expect(verdictFor(SCENARIOS.restart, [fakeRun({ restart })], workload.config, stats).pass).toBe(true);
    const twice = fakeRun({ restart: { ...restart, executedAfterRestart: 5, executedTwice: 5 } });
    const verdict = verdictFor(SCENARIOS.restart, [twice], workload.config, stats);
    expect(verdict.pass).toBe(false);
    expect(verdict.checks.find((check) => !check.pass)?.detail).toContain("executed twice");
    const unbalanced = fakeRun({ restart, acked: 11 });
    expect(verdictFor(SCENARIOS.restart, [unbalanced], workload.config, stats).pass).toBe(false);
  });
});
